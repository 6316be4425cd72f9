//! Test support: start the real probe in-process, talk to it from a chosen
//! loopback address, open listeners that look open, closed or filtered, and
//! read Server-Sent Events.
#![allow(dead_code)]

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use portcheck::probe::config::Settings;
use portcheck::probe::server;
use portcheck::probe::state::ProbeState;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Whether this process may bind ports below 1024.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// For tests that need root: true when they can run. Without root they are
/// skipped with a loud message, unless `CI` is set, where that is a failure.
pub fn require_root(test: &str) -> bool {
    if is_root() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{test} needs root (ports 440-449) and CI is set: failing instead of skipping");
    }
    eprintln!(
        "\n!!!!!!!! SKIPPED {test}: needs root to listen on ports 440-449 (run as root, or set CI to make this a failure) !!!!!!!!\n"
    );
    false
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

/// A probe running in this process.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: Arc<ProbeState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Start on 127.0.0.1:0 with `settings` (its `listen` is replaced).
    pub async fn start(mut settings: Settings) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        settings.listen = addr;
        let state = Arc::new(ProbeState::new(&settings).expect("state"));
        let (tx, rx) = oneshot::channel::<()>();
        let st = state.clone();
        let task = tokio::spawn(async move {
            server::serve(listener, &settings, st, async {
                let _ = rx.await;
            })
            .await
        });
        TestServer {
            addr,
            state,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Signal shutdown and wait until the server has returned.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server result");
        }
    }

    /// Signal shutdown without waiting.
    pub fn begin_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Wait for a shutdown begun with [`begin_shutdown`].
    pub async fn join(&mut self) {
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server result");
        }
    }
}

/// Settings for tests: defaults with a generous rate limit.
pub fn settings() -> Settings {
    let mut s = Settings::default();
    s.rate.burst = 1000;
    s
}

/// An HTTP client whose requests come from `from` (a loopback address).
pub fn client_from(from: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip(from))
        .no_proxy()
        .build()
        .expect("client")
}

/// Listeners that make ports look open (accepting) on `addr`.
pub struct OpenPorts {
    _listeners: Vec<TcpListener>,
}

pub async fn open_ports(addr: &str, ports: &[u16]) -> OpenPorts {
    let mut v = Vec::new();
    for &p in ports {
        let l = TcpListener::bind(SocketAddr::new(ip(addr), p))
            .await
            .unwrap_or_else(|e| panic!("bind {addr}:{p}: {e}"));
        v.push(l);
    }
    OpenPorts { _listeners: v }
}

/// A port that looks filtered: a listener with a full accept queue, so the
/// kernel drops further SYNs without answering, as a firewall's drop does.
pub struct FilteredPort {
    _listener: TcpListener,
    _filler: TcpStream,
}

pub async fn filtered_port(addr: &str, port: u16) -> FilteredPort {
    let sa = SocketAddr::new(ip(addr), port);
    let socket = if sa.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .expect("socket");
    socket.bind(sa).unwrap_or_else(|e| panic!("bind {sa}: {e}"));
    let listener = socket.listen(0).expect("listen");
    // Backlog 0 holds one connection; with it queued and never accepted,
    // the queue is full.
    let filler = TcpStream::connect(sa).await.expect("fill accept queue");
    FilteredPort {
        _listener: listener,
        _filler: filler,
    }
}

/// One Server-Sent Event.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub name: String,
    pub data: String,
}

/// Read the whole event stream of a response (it ends when the scan ends).
pub async fn read_events(resp: reqwest::Response) -> Vec<SseEvent> {
    let text = resp.text().await.expect("stream body");
    parse_events(&text)
}

pub fn parse_events(text: &str) -> Vec<SseEvent> {
    let mut events = Vec::new();
    for block in text.split("\n\n") {
        let mut name = String::from("message");
        let mut data = Vec::new();
        let mut any = false;
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim_start().to_owned();
                any = true;
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push(v.strip_prefix(' ').unwrap_or(v).to_owned());
                any = true;
            }
        }
        if any {
            events.push(SseEvent {
                name,
                data: data.join("\n"),
            });
        }
    }
    events
}

/// An upper bound for waits on things that must happen (a server closing a
/// connection); reaching it fails the test rather than synchronising it.
pub const SAFETY_NET: Duration = Duration::from_secs(30);
