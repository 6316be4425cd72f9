//! A fake probe on loopback for the client's tests against a hostile or
//! intercepted server: a tokio listener that answers every request with
//! what the test scripts for its path, raw bytes (endless ones too), and
//! records what was asked. No HTTP framework, so that an answer can be as
//! wrong as a hostile server makes it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use portcheck::api::{PortEvent, PortGroup, Started, Target};
use portcheck::plan::Plan;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The API types as JSON, through one object-safe call.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).expect("json")
        }
    }
}

/// How far an endless answer goes at most: 16 times the largest bound of
/// the client (`api::bounds::STREAM`), far past every bound, but short of
/// what could hurt the machine if a client without bounds reads it all.
pub const ENDLESS_CAP: usize = 64 << 20;

/// What the fake probe sends for one request.
#[derive(Clone)]
pub enum Reply {
    /// These bytes (status line, headers, body), then the connection closes.
    Bytes(Vec<u8>),
    /// `head`, then `unit` again and again up to [`ENDLESS_CAP`]; then the
    /// connection stays open until the client closes it.
    Endless { head: Vec<u8>, unit: Vec<u8> },
}

impl Reply {
    /// A complete answer with `status`, `content-type` and `body`.
    pub fn answer(status: &str, content_type: &str, body: &str) -> Reply {
        Reply::Bytes(
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    }

    /// An event stream of these events (`(name, data)`), then its end.
    pub fn events(events: &[(&str, String)]) -> Reply {
        let mut body = String::new();
        for (name, data) in events {
            body.push_str(&format!("event: {name}\ndata: {data}\n\n"));
        }
        Reply::Bytes(
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n{body}"
            )
            .into_bytes(),
        )
    }

    /// A head of `status` and `content-type` with no length (the body runs
    /// until the connection closes), then `unit` without end.
    pub fn endless(status: &str, content_type: &str, first: &str, unit: &str) -> Reply {
        Reply::Endless {
            head: format!(
                "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n{first}"
            )
            .into_bytes(),
            unit: unit.repeat((64 << 10) / unit.len().max(1)).into_bytes(),
        }
    }

    /// The stream of a scan of `plan` from 127.0.0.1 in which the `open`
    /// ports listen, the rest of each range refuses and the control ports
    /// are silent, as the probe writes it.
    pub fn scan(plan: &Plan, open: &[u16]) -> Reply {
        let ip = "127.0.0.1".parse().expect("ip");
        let started = Started::new(Target::new(ip), plan.clone());
        let report = plan.sample_forwarded(ip, open);
        let json = |v: &dyn erased::Json| v.json();
        let mut events = vec![("started", json(&started))];
        let roles = [
            (PortGroup::Range, &report.ports),
            (PortGroup::Control, &report.control),
        ];
        for (group, results) in roles {
            for r in results {
                let event = PortEvent {
                    group,
                    group_name: plan.group_of(r.port, r.transport).map(|g| g.name.clone()),
                    result: r.clone(),
                };
                events.push(("port", json(&event)));
            }
        }
        events.push(("finished", json(&report)));
        Reply::events(&events)
    }

    /// A redirect to `location`.
    pub fn redirect(location: &str) -> Reply {
        Reply::Bytes(
            format!(
                "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            )
            .into_bytes(),
        )
    }

    pub fn not_found() -> Reply {
        Reply::answer("404 Not Found", "text/plain", "not found")
    }
}

/// A running fake probe: its address and the request lines it got.
pub struct FakeProbe {
    pub addr: SocketAddr,
    asked: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeProbe {
    /// Listens on 127.0.0.1 and answers each request with `reply(path)`.
    pub async fn start(reply: impl Fn(&str) -> Reply + Send + Sync + 'static) -> FakeProbe {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let reply = Arc::new(reply);
        let task = tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let (reply, log) = (reply.clone(), log.clone());
                tokio::spawn(async move {
                    let Some(path) = request_path(&mut conn).await else {
                        return;
                    };
                    log.lock().expect("log").push(path.clone());
                    match reply(&path) {
                        Reply::Bytes(bytes) => {
                            let _ = conn.write_all(&bytes).await;
                            let _ = conn.shutdown().await;
                        }
                        Reply::Endless { head, unit } => {
                            if conn.write_all(&head).await.is_err() {
                                return;
                            }
                            let mut sent = 0;
                            while sent < ENDLESS_CAP {
                                if conn.write_all(&unit).await.is_err() {
                                    return;
                                }
                                sent += unit.len();
                            }
                            // Held open: only the client's own bounds end it.
                            let mut sink = [0u8; 1024];
                            while matches!(conn.read(&mut sink).await, Ok(n) if n > 0) {}
                        }
                    }
                });
            }
        });
        FakeProbe { addr, asked, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The paths asked so far, in order.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().expect("log").clone()
    }
}

impl Drop for FakeProbe {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads a request head (at most 16 KiB) and returns its path.
async fn request_path(conn: &mut tokio::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = conn.read(&mut buf).await.ok().filter(|&n| n > 0)?;
        head.extend_from_slice(&buf[..n]);
        if head.len() > 16 << 10 {
            return None;
        }
    }
    let text = String::from_utf8_lossy(&head);
    text.split(' ').nth(1).map(str::to_owned)
}
