//! `portcheck healthcheck`: ask a running probe's `/healthz` whether it is
//! up, for container health checks that have no HTTP client at hand.
//!
//! The client is a few lines of HTTP/1.0 over a plain socket: it only needs
//! the status line.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The address to reach a server listening on `listen` from the same host:
/// an unspecified address (`0.0.0.0`, `::`) becomes loopback.
pub fn local_address_of(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

/// Whether an HTTP response head starts with a 200 status line.
pub fn is_ok_status(head: &[u8]) -> bool {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let mut parts = line.split(|&b| b == b' ');
    matches!(
        (parts.next(), parts.next()),
        (Some(b"HTTP/1.0" | b"HTTP/1.1"), Some(b"200"))
    )
}

/// `GET /healthz` on a server at `addr`; true on 200 within `timeout`.
pub async fn check(addr: SocketAddr, timeout: Duration) -> bool {
    let check = async {
        let mut s = TcpStream::connect(addr).await.ok()?;
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
    };
    matches!(tokio::time::timeout(timeout, check).await, Ok(Some(true)))
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
        let a = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert_eq!(local_address_of(a("0.0.0.0:8080")), a("127.0.0.1:8080"));
        assert_eq!(local_address_of(a("[::]:8080")), a("[::1]:8080"));
        assert_eq!(local_address_of(a("192.0.2.5:80")), a("192.0.2.5:80"));
    }

    #[tokio::test]
    async fn healthcheck_against_a_real_server() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(run(listener, Settings::default(), async {
            let _ = rx.await;
        }));
        assert!(check(addr, Duration::from_secs(3)).await);
        let _ = tx.send(());
        server.await.unwrap().unwrap();
        // Nothing listens any more.
        assert!(!check(addr, Duration::from_secs(3)).await);
    }
}
