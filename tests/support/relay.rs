//! Relays that stand in front of the probe in tests:
//! - [`Relay`]: a TCP forwarder on loopback that copies bytes and writes no
//!   forwarding header (socat, a plain `proxy_pass`, a port forwarding), to
//!   a TCP address or to the probe's Unix socket;
//! - [`unix_get`]: one HTTP/1.0 request over the probe's Unix socket, as a
//!   proxy on the same host would send it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UnixStream};

/// Where a relay forwards to.
#[derive(Debug, Clone)]
pub enum Upstream {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

/// A header-less TCP relay on 127.0.0.1; stops when dropped.
pub struct Relay {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    pub async fn start(to: Upstream) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("relay bind");
        let addr = listener.local_addr().expect("relay addr");
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let to = to.clone();
                tokio::spawn(async move {
                    let _ = match to {
                        Upstream::Tcp(a) => match TcpStream::connect(a).await {
                            Ok(mut out) => tokio::io::copy_bidirectional(&mut inbound, &mut out)
                                .await
                                .map(drop),
                            Err(e) => Err(e),
                        },
                        Upstream::Unix(p) => match UnixStream::connect(p).await {
                            Ok(mut out) => tokio::io::copy_bidirectional(&mut inbound, &mut out)
                                .await
                                .map(drop),
                            Err(e) => Err(e),
                        },
                    };
                });
            }
        });
        Relay { addr, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `GET target` with `headers` over the Unix socket at `socket`: the status
/// and the body (HTTP/1.0, so the probe closes after the answer).
pub async fn unix_get(socket: &Path, target: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut s = UnixStream::connect(socket)
        .await
        .unwrap_or_else(|e| panic!("connect {}: {e}", socket.display()));
    let mut request = format!("GET {target} HTTP/1.0\r\nHost: localhost\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    s.write_all(request.as_bytes()).await.expect("send");
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.expect("read");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").expect("a response head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("status line: {head}"));
    (status, body.to_owned())
}

/// Whom the probe behind `socket` sees for a request that names
/// 198.51.100.7 in `X-Forwarded-For` (the proxy's header on the socket).
pub async fn forwarded_whoami(socket: &Path) -> portcheck::api::Target {
    let (status, body) = super::within(
        "whoami over the socket",
        unix_get(
            socket,
            "/api/v1/whoami",
            &[("X-Forwarded-For", "198.51.100.7")],
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("whoami")
}
