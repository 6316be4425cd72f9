//! The accept loop: connection limits, slow-client limits, the handshake RTT
//! for each connection, and graceful shutdown.
//!
//! The loop is written out (rather than `axum::serve`) for three reasons: it
//! reads the handshake round-trip time from `TCP_INFO` of every accepted
//! connection, which the scan uses as its first timeout estimate; it bounds
//! connections globally and per peer address; and it sets HTTP/1 limits
//! (header size, header read timeout, connection lifetime) so that a slow or
//! hostile client cannot hold resources without bound.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

use super::config::Settings;
use super::http::{ConnInfo, ProbeState, router};
use super::policy::normalise;

/// Largest request head accepted (request line and headers).
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
/// Read buffer per connection (hyper's minimum).
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// Round-trip time of an accepted connection's handshake, from `TCP_INFO`.
#[cfg(target_os = "linux")]
pub fn handshake_rtt(stream: &TcpStream) -> Option<Duration> {
    use std::os::fd::AsRawFd;
    // SAFETY: tcp_info is plain old data; getsockopt writes at most `len`
    // bytes into it and reports how many.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = libc::socklen_t::try_from(std::mem::size_of::<libc::tcp_info>()).ok()?;
    let rc = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&raw mut info).cast(),
            &mut len,
        )
    };
    (rc == 0 && info.tcpi_rtt > 0).then(|| Duration::from_micros(u64::from(info.tcpi_rtt)))
}

#[cfg(not(target_os = "linux"))]
pub fn handshake_rtt(_stream: &TcpStream) -> Option<Duration> {
    None
}

/// Open connections per peer address (in memory only while they are open).
type PeerCounts = Arc<Mutex<HashMap<IpAddr, usize>>>;

/// Open connections, globally and per peer address.
#[derive(Clone)]
struct Connections {
    total: Arc<Semaphore>,
    per_peer: PeerCounts,
    per_peer_max: usize,
}

/// Held while a connection is open; releases its counts on drop.
struct ConnectionSlot {
    _total: OwnedSemaphorePermit,
    peer: Option<(IpAddr, PeerCounts)>,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        if let Some((ip, map)) = &self.peer {
            let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(n) = map.get_mut(ip) {
                *n -= 1;
                if *n == 0 {
                    map.remove(ip);
                }
            }
        }
    }
}

impl Connections {
    fn new(total: usize, per_peer_max: usize) -> Self {
        Connections {
            total: Arc::new(Semaphore::new(total)),
            per_peer: Arc::default(),
            per_peer_max,
        }
    }

    /// A slot for a new connection from `peer`, unless a limit is reached.
    /// Trusted proxies carry many visitors and are limited only globally.
    fn try_open(&self, peer: IpAddr, exempt: bool) -> Option<ConnectionSlot> {
        let total = self.total.clone().try_acquire_owned().ok()?;
        if exempt {
            return Some(ConnectionSlot {
                _total: total,
                peer: None,
            });
        }
        let mut map = self.per_peer.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(peer).or_insert(0);
        if *n >= self.per_peer_max {
            return None;
        }
        *n += 1;
        Some(ConnectionSlot {
            _total: total,
            peer: Some((peer, self.per_peer.clone())),
        })
    }
}

/// Raise the open-file limit to its hard maximum and warn when even that is
/// too low for the configured connections and scans.
pub fn raise_fd_limit(settings: &Settings) {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit read and write the struct we own.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
            return;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                lim = raised;
            }
        }
        // Per port one connect socket, then (open ports) identification's
        // connections, at most this many at a time.
        let plan_sockets =
            crate::plan::Plan::standard().len() * crate::probe::ident::MAX_CONNECTIONS_PER_PORT;
        let needed = settings.max_connections + settings.max_scans * plan_sockets + 64;
        if (lim.rlim_cur as u128) < needed as u128 {
            tracing::warn!(
                limit = lim.rlim_cur,
                needed,
                "open-file limit is below what max_connections and max_scans can use; ports may report state `error` under load"
            );
        }
    }
}

/// Serve on `listener` until `shutdown` completes, then stop accepting, let
/// running requests and scans finish (up to the grace period) and return.
pub async fn run(
    listener: TcpListener,
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let state = Arc::new(ProbeState::new(&settings)?);
    if state.assets.is_empty() {
        tracing::warn!("no page built into this binary and no --www folder: serving the API only");
    }
    let metrics_task = match settings.metrics {
        super::config::Metrics::Listen(addr) => {
            let l = TcpListener::bind(addr).await?;
            tracing::info!("metrics on http://{}/metrics", l.local_addr()?);
            let app = super::http::metrics_router(state.clone());
            Some(tokio::spawn(async move {
                let _ = axum::serve(l, app).await;
            }))
        }
        _ => None,
    };
    let result = serve(listener, &settings, state, shutdown).await;
    if let Some(t) = metrics_task {
        t.abort();
    }
    result
}

/// [`run`] with a given state (tests inspect it).
pub async fn serve(
    listener: TcpListener,
    settings: &Settings,
    state: Arc<ProbeState>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let app = router(state.clone());
    let connections = Connections::new(
        settings.max_connections,
        settings.max_connections_per_address,
    );
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout)
        .max_buf_size(READ_BUFFER_BYTES.max(MAX_HEADER_BYTES))
        .max_headers(64)
        .keep_alive(true);
    let lifetime = settings.connection_lifetime;

    // The limiter forgets refilled addresses every refill period.
    let sweeper = {
        let state = state.clone();
        let every = settings.rate.refill.max(Duration::from_secs(1));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                state.limiter.sweep();
            }
        })
    };

    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // EMFILE and friends: back off briefly instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let peer_ip = normalise(peer.ip());
        let Some(slot) = connections.try_open(peer_ip, state.trust.is_trusted(peer_ip)) else {
            tracing::debug!("connection limit reached; closing new connection");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let open = state.metrics.connections_open.clone();
        open.inc();
        let info = ConnInfo {
            peer,
            rtt: handshake_rtt(&stream),
        };
        let svc = app
            .clone()
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(info);
                req
            });
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _slot = slot;
            let _open = scopeguard(open);
            tokio::select! {
                res = conn => {
                    if let Err(e) = res {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                () = tokio::time::sleep(lifetime) => {
                    tracing::debug!("connection lifetime reached; closing");
                }
            }
        });
    }

    drop(listener);
    sweeper.abort();
    state.shutting_down.store(true, Ordering::Relaxed);
    tracing::info!("shutting down: letting running scans finish");
    state.tasks.close();
    let drained = async {
        graceful.shutdown().await;
        state.tasks.wait().await;
    };
    if tokio::time::timeout(settings.shutdown_grace, drained)
        .await
        .is_err()
    {
        tracing::warn!("shutdown grace period over; exiting with work still running");
    }
    Ok(())
}

/// Decrements a gauge when dropped.
struct GaugeGuard(prometheus_client::metrics::gauge::Gauge);

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

fn scopeguard(g: prometheus_client::metrics::gauge::Gauge) -> GaugeGuard {
    GaugeGuard(g)
}

/// The address to reach a server listening on `listen` from the same host:
/// an unspecified address (`0.0.0.0`, `::`) becomes loopback.
pub fn local_address_of(listen: std::net::SocketAddr) -> std::net::SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    std::net::SocketAddr::new(ip, listen.port())
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
pub async fn healthcheck(addr: std::net::SocketAddr, timeout: Duration) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
        let a = |s: &str| s.parse::<std::net::SocketAddr>().unwrap();
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
        assert!(healthcheck(addr, Duration::from_secs(3)).await);
        let _ = tx.send(());
        server.await.unwrap().unwrap();
        // Nothing listens any more.
        assert!(!healthcheck(addr, Duration::from_secs(3)).await);
    }
}
