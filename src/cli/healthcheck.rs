//! `portcheck healthcheck`: ask a running probe's `/healthz` whether it is
//! up, for container health checks that have no HTTP client at hand.
//!
//! The client is a few lines of HTTP/1.0 over a plain socket (TCP, or the
//! probe's Unix socket): it only needs the status line.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, UnixStream};

use crate::probe::config::Listen;

/// Where to reach a server listening on `listen` from the same host: an
/// unspecified address (`0.0.0.0`, `::`) becomes loopback; a Unix socket
/// stays as it is.
pub fn local_address_of(listen: &Listen) -> Listen {
    match listen {
        Listen::Tcp(addr) => Listen::Tcp(local_tcp_address_of(*addr)),
        Listen::Unix(path) => Listen::Unix(path.clone()),
    }
}

fn local_tcp_address_of(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

/// Whether an HTTP response head starts with a 200 status line.
pub(crate) fn is_ok_status(head: &[u8]) -> bool {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let mut parts = line.split(|&b| b == b' ');
    matches!(
        (parts.next(), parts.next()),
        (Some(b"HTTP/1.0" | b"HTTP/1.1"), Some(b"200"))
    )
}

/// `GET /healthz` on a server at `at`; true on 200 within `timeout`.
pub async fn check(at: &Listen, timeout: Duration) -> bool {
    let check = async {
        match at {
            Listen::Tcp(addr) => ask(TcpStream::connect(addr).await.ok()?).await,
            Listen::Unix(path) => ask(UnixStream::connect(path).await.ok()?).await,
        }
    };
    matches!(tokio::time::timeout(timeout, check).await, Ok(Some(true)))
}

async fn ask(mut s: impl AsyncRead + AsyncWrite + Unpin) -> Option<bool> {
    s.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .await
        .ok()?;
    let mut head = Vec::with_capacity(64);
    // Read until the end of the status line (or 64 bytes).
    while !head.contains(&b'\n') && head.len() < 64 {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Some(is_ok_status(&head))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::config::Settings;
    use crate::probe::server::run;
    use tokio::net::TcpListener;

    #[test]
    fn status_lines() {
        assert!(is_ok_status(b"HTTP/1.1 200 OK\r\n"));
        assert!(is_ok_status(b"HTTP/1.0 200 OK\r\ncontent-length: 3"));
        assert!(!is_ok_status(b"HTTP/1.1 503 Service Unavailable\r\n"));
        assert!(!is_ok_status(b"HTTP/1.1 2000 odd\r\n"));
        assert!(!is_ok_status(b""));
        assert!(!is_ok_status(b"SSH-2.0-OpenSSH\r\n"));
    }

    #[test]
    fn unspecified_listen_addresses_are_reached_on_loopback() {
        let a = |s: &str| s.parse::<Listen>().unwrap();
        assert_eq!(local_address_of(&a("0.0.0.0:8080")), a("127.0.0.1:8080"));
        assert_eq!(local_address_of(&a("[::]:8080")), a("[::1]:8080"));
        assert_eq!(local_address_of(&a("192.0.2.5:80")), a("192.0.2.5:80"));
        let unix = a("unix:/run/portcheck/http.sock");
        assert_eq!(local_address_of(&unix), unix);
    }

    #[tokio::test]
    async fn healthcheck_against_a_real_server() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(run(listener, Settings::default(), async {
            let _ = rx.await;
        }));
        let at = Listen::Tcp(addr);
        assert!(check(&at, Duration::from_secs(3)).await);
        let _ = tx.send(());
        server.await.unwrap().unwrap();
        // Nothing listens any more.
        assert!(!check(&at, Duration::from_secs(3)).await);
    }

    #[tokio::test]
    async fn healthcheck_over_the_unix_socket() {
        let dir = std::env::temp_dir().join(format!("portcheck-health-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let at = Listen::Unix(dir.join("http.sock"));
        let listener = crate::probe::server::bind(&at).await.unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(run(listener, Settings::default(), async {
            let _ = rx.await;
        }));
        assert!(check(&at, Duration::from_secs(3)).await);
        let _ = tx.send(());
        server.await.unwrap().unwrap();
        assert!(!check(&at, Duration::from_secs(3)).await);
        assert!(!dir.join("http.sock").exists(), "the socket is removed");
        let _ = std::fs::remove_dir(&dir);
    }
}
