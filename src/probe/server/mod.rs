//! The accept loop: connection limits, slow-client limits, the handshake RTT
//! for each connection, and graceful shutdown.
//!
//! The loop is written out (rather than `axum::serve`) for three reasons: it
//! reads the handshake round-trip time from `TCP_INFO` of every accepted
//! connection, which the scan uses as its first timeout estimate; it bounds
//! connections globally and per network ([`connections`]), shedding
//! a heavy network's oldest connection for a newcomer; and it sets HTTP/1 limits
//! (header size, header read timeout, connection lifetime) so that a slow or
//! hostile client cannot hold resources without bound.
//!
//!
//! It accepts on a TCP listener or on a Unix socket ([`Listener`]). The Unix
//! socket is how a reverse proxy on the same host proves itself: it is
//! created with mode 0660, so only the probe's user and group (the proxy's
//! group, in the deployment files) can connect, and with `--trusted-proxy
//! unix` only its connections may name the visitor in a forwarding header.
//!
//! - [`connections`]: open connections counted by network, whom to shed.
//! - [`shutdown`]: stop taking work, let running work finish.

mod connections;

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream, UnixListener};
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::probe::config::{Listen as ListenOn, MetricsMode, Settings};
use crate::probe::metrics::{self, Held};
use crate::probe::routes::router;
use crate::probe::scan::RttEstimate;
use crate::probe::server::connections::{Caps, ConnId, ConnectionTable};
use crate::probe::state::{ConnInfo, ProbeState};
use crate::probe::visitor::forwarded::Peer;

/// Largest request head accepted (request line and headers).
pub(crate) const MAX_HEADER_BYTES: usize = 8 * 1024;
/// Read buffer per connection (hyper's minimum).
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// What TCP estimated for an accepted connection's path, from `TCP_INFO`:
/// smoothed round-trip time and its variation (after the handshake alone,
/// the variation is half the one measurement, as RFC 6298 starts it).
#[cfg(target_os = "linux")]
pub(crate) fn handshake_rtt(stream: &TcpStream) -> Option<RttEstimate> {
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
    (rc == 0 && info.tcpi_rtt > 0).then(|| {
        RttEstimate::from_tcp_info(
            Duration::from_micros(u64::from(info.tcpi_rtt)),
            Duration::from_micros(u64::from(info.tcpi_rttvar)),
        )
    })
}

#[cfg(not(target_os = "linux"))]
pub fn handshake_rtt(_stream: &TcpStream) -> Option<RttEstimate> {
    None
}

/// Mode of the probe's Unix socket: its user and group may connect.
pub(crate) const UNIX_SOCKET_MODE: u32 = 0o660;

/// What the probe accepts connections on.
pub enum Listener {
    /// A TCP listener.
    Tcp(TcpListener),
    /// A Unix socket (for a reverse proxy on this host).
    Unix(UnixListener),
}

impl From<TcpListener> for Listener {
    fn from(l: TcpListener) -> Self {
        Listener::Tcp(l)
    }
}

impl Listener {
    /// Where it listens, for the log: `http://ADDR` or `unix:PATH`.
    pub fn describe(&self) -> String {
        match self {
            Listener::Tcp(l) => match l.local_addr() {
                Ok(addr) => format!("http://{addr}"),
                Err(_) => "a TCP socket".to_owned(),
            },
            Listener::Unix(l) => match l
                .local_addr()
                .ok()
                .and_then(|a| a.as_pathname().map(|p| format!("unix:{}", p.display())))
            {
                Some(path) => path,
                None => "a Unix socket".to_owned(),
            },
        }
    }
}

/// Listen on `listen`. A Unix socket left behind by an earlier run (a
/// socket nothing answers on) is replaced; any other file there is an
/// error. The new socket gets [`UNIX_SOCKET_MODE`].
pub async fn bind(listen: &ListenOn) -> io::Result<Listener> {
    match listen {
        ListenOn::Tcp(addr) => Ok(Listener::Tcp(TcpListener::bind(addr).await?)),
        ListenOn::Unix(path) => bind_unix(path).await.map(Listener::Unix),
    }
}

async fn bind_unix(path: &Path) -> io::Result<UnixListener> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a socket", path.display()),
            ));
        }
        if tokio::net::UnixStream::connect(path).await.is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("{}: another server answers on it", path.display()),
            ));
        }
        std::fs::remove_file(path)?;
    }
    let listener = UnixListener::bind(path)?;
    // Set explicitly: the socket's mode otherwise follows the umask (the
    // unit's 0077 would leave only the probe's own user).
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(UNIX_SOCKET_MODE))?;
    Ok(listener)
}

/// What the operator should know about how proxies are trusted.
fn warn_about_trust(settings: &Settings, state: &ProbeState) {
    let unix_listener = matches!(settings.listen, ListenOn::Unix(_));
    if state.trust.unix && !unix_listener {
        tracing::warn!(
            "--trusted-proxy unix has no effect: the probe does not listen on a Unix socket (--listen unix:PATH)"
        );
    }
    let loopback = [
        IpAddr::from([127, 0, 0, 1]),
        IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
    ];
    if state
        .trust
        .proxies
        .iter()
        .any(|net| loopback.iter().any(|ip| net.contains(ip)))
    {
        tracing::warn!(
            "a trusted proxy network contains loopback: any process on this host can name the address to check; \
             prefer --listen unix:PATH with --trusted-proxy unix"
        );
    }
    if state.policy.allows_loopback() && state.trust.any() {
        tracing::warn!(
            "--allow-loopback behind a trusted proxy: a forwarded loopback address makes the probe check this host"
        );
    }
}

/// The connection table and, per open connection, the signal to shed it.
struct Shared {
    table: ConnectionTable,
    shed: HashMap<ConnId, Arc<Notify>>,
}

/// Open connections, counted by network ([`ConnectionTable`]).
#[derive(Clone)]
struct Connections {
    shared: Arc<Mutex<Shared>>,
}

/// Held while a connection is open; releases its place on drop.
struct ConnectionSlot {
    id: ConnId,
    shared: Arc<Mutex<Shared>>,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        shared.table.close(self.id);
        shared.shed.remove(&self.id);
    }
}

impl Connections {
    fn new(caps: Caps) -> Self {
        Connections {
            shared: Arc::new(Mutex::new(Shared {
                table: ConnectionTable::new(caps),
                shed: HashMap::new(),
            })),
        }
    }

    /// A place for a new connection from `peer` (and the signal that asks
    /// it to close), unless a limit is reached. Trusted proxies carry many
    /// visitors and are limited only globally.
    fn try_open(&self, peer: IpAddr, exempt: bool) -> Option<(ConnectionSlot, Arc<Notify>)> {
        let mut shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        let opened = shared.table.open((!exempt).then_some(peer))?;
        if let Some(victim) = opened.shed.and_then(|v| shared.shed.get(&v)) {
            // Stored if the connection's task is not waiting yet.
            victim.notify_one();
        }
        let shed = Arc::new(Notify::new());
        shared.shed.insert(opened.id, shed.clone());
        let slot = ConnectionSlot {
            id: opened.id,
            shared: self.shared.clone(),
        };
        Some((slot, shed))
    }
}

/// Most sockets one scan can hold at once: for each port of the longest
/// plan, the connection that found it open (or the two SYNs' sockets before
/// that) and identification's connections.
pub(crate) fn sockets_per_scan_at_most() -> usize {
    let ports = crate::plan::Plan::catalogue()
        .iter()
        .map(crate::plan::Plan::len)
        .max()
        .unwrap_or(0);
    ports * (crate::probe::ident::MAX_CONNECTIONS_PER_PORT + 1)
}

/// Open files kept free for everything else (listeners, the page, logs).
pub(crate) const FILES_IN_RESERVE: u64 = 64;

/// How many scans `open_files` can serve beside `max_connections` client
/// connections, each scan at its most (at least one).
pub fn scans_within(open_files: u64, max_connections: usize) -> usize {
    let for_scans = open_files
        .saturating_sub(max_connections as u64)
        .saturating_sub(FILES_IN_RESERVE);
    let per_scan = sockets_per_scan_at_most().max(1) as u64;
    usize::try_from(for_scans / per_scan)
        .unwrap_or(usize::MAX)
        .max(1)
}

/// Raise the open-file limit to its hard maximum; when even that cannot
/// serve `max_scans` scans at their most beside `max_connections`, lower
/// `max_scans` to what it can serve, so that visitors beyond wait or are
/// told the probe is busy instead of getting ports in state `error`.
pub fn raise_fd_limit(settings: &mut Settings) {
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
        let within = scans_within(lim.rlim_cur, settings.max_connections);
        if within < settings.max_scans {
            tracing::warn!(
                open_file_limit = lim.rlim_cur,
                max_connections = settings.max_connections,
                sockets_per_scan = sockets_per_scan_at_most(),
                "max_scans lowered from {} to {within}: the open-file limit cannot serve more scans at once; raise it (LimitNOFILE) or lower max_connections",
                settings.max_scans
            );
            settings.max_scans = within;
        }
    }
}

/// Serve on `listener` until `shutdown` completes, then stop accepting, let
/// running requests and scans finish (up to the grace period) and return.
pub async fn run(
    listener: impl Into<Listener>,
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let state = Arc::new(ProbeState::new(&settings)?);
    warn_about_trust(&settings, &state);
    if state.page.assets().is_empty() {
        tracing::warn!("no page built into this binary and no --www folder: serving the API only");
    }
    // Compressed variants the build did not provide, made off the request
    // path: requests meanwhile get what exists.
    let page = state.page.clone();
    std::thread::Builder::new()
        .name("compress-page".into())
        .spawn(move || page.assets().prepare())?;
    let metrics_task = match settings.metrics {
        MetricsMode::Listen(addr) => {
            let l = TcpListener::bind(addr).await?;
            tracing::info!("metrics on http://{}/metrics", l.local_addr()?);
            let app = metrics::router(state.metrics.clone());
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

/// [`run`] with a given state (tests inspect it). Shutdown begins when
/// `shutdown` completes or when anything begins `state.shutdown`.
pub async fn serve(
    listener: impl Into<Listener>,
    settings: &Settings,
    state: Arc<ProbeState>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let listener = listener.into();
    let stop = state.shutdown.clone();
    let listen = Listen::new(settings, state.clone());
    tokio::select! {
        () = shutdown => {}
        () = stop.begun() => {}
        () = listen.accept_loop(&listener) => {}
    }
    // The socket file goes with the listener; nothing else would remove it.
    let socket_file = match &listener {
        Listener::Unix(l) => l
            .local_addr()
            .ok()
            .and_then(|a| a.as_pathname().map(Path::to_owned)),
        Listener::Tcp(_) => None,
    };
    drop(listener);
    if let Some(path) = socket_file {
        let _ = std::fs::remove_file(path);
    }
    tracing::info!("shutting down: letting running scans finish");
    if !stop.drain().await {
        tracing::warn!("shutdown grace period over; exiting with work still running");
    }
    Ok(())
}

/// The accept loop's parts: the router, the HTTP/1 limits and the
/// connection counts.
struct Listen {
    app: Router,
    http: http1::Builder,
    connections: Connections,
    lifetime: Duration,
    state: Arc<ProbeState>,
    sweep_every: Duration,
}

impl Listen {
    fn new(settings: &Settings, state: Arc<ProbeState>) -> Self {
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(settings.header_timeout)
            .max_buf_size(READ_BUFFER_BYTES.max(MAX_HEADER_BYTES))
            .max_headers(64)
            .keep_alive(true);
        Listen {
            app: router(state.clone()),
            http,
            connections: Connections::new(Caps::new(
                settings.max_connections,
                settings.max_connections_per_address,
            )),
            lifetime: settings.connection_lifetime,
            state,
            // The limiter forgets refilled addresses every refill period.
            sweep_every: settings.rate.refill.max(Duration::from_secs(1)),
        }
    }

    /// Accept until dropped; each connection runs as a tracked task.
    async fn accept_loop(&self, listener: &Listener) {
        let mut sweep = tokio::time::interval(self.sweep_every);
        loop {
            let accepted = tokio::select! {
                _ = sweep.tick() => {
                    self.state.limiter.sweep();
                    self.state.requests.sweep();
                    continue;
                }
                accepted = accept(listener) => accepted,
            };
            match accepted {
                Ok(Accepted::Tcp(stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let rtt = handshake_rtt(&stream);
                    self.open(stream, Peer::Ip(peer), rtt);
                }
                Ok(Accepted::Unix(stream)) => self.open(stream, Peer::Unix, None),
                Err(e) => {
                    // EMFILE and friends: back off briefly instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    /// Serve one accepted connection, unless a connection limit is reached.
    /// The caps count the TCP peer (a Unix socket peer as loopback); a
    /// trusted proxy counts only towards the total.
    fn open<S>(&self, stream: S, peer: Peer, rtt: Option<RttEstimate>)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let exempt = self.state.trust.trusts(peer);
        let Some((slot, shed)) = self.connections.try_open(peer.ip(), exempt) else {
            tracing::debug!("connection limit reached; closing new connection");
            return;
        };
        let open = Held::new(&self.state.metrics.connections_open);
        let info = ConnectInfo(ConnInfo { peer, rtt });
        let svc = self
            .app
            .clone()
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(info);
                req
            });
        let conn = self
            .http
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
        let lifetime = self.lifetime;
        let shutdown = self.state.shutdown.clone();
        self.state.shutdown.spawn(async move {
            let _held = (slot, open);
            tokio::pin!(conn);
            let end_of_life = tokio::time::sleep(lifetime);
            tokio::pin!(end_of_life);
            let mut draining = false;
            loop {
                tokio::select! {
                    res = conn.as_mut() => {
                        if let Err(e) = res {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    () = &mut end_of_life => {
                        tracing::debug!("connection lifetime reached; closing");
                        break;
                    }
                    // Finish the request in flight, then close.
                    () = shutdown.begun(), if !draining => {
                        draining = true;
                        conn.as_mut().graceful_shutdown();
                    }
                    // Shed for a visitor from a network holding none: the
                    // same, so an idle keep-alive connection closes at once.
                    () = shed.notified(), if !draining => {
                        tracing::debug!("connection shed for a new visitor");
                        draining = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
        });
    }
}

/// An accepted connection and its peer.
enum Accepted {
    Tcp(TcpStream, IpAddr),
    Unix(tokio::net::UnixStream),
}

async fn accept(listener: &Listener) -> io::Result<Accepted> {
    match listener {
        Listener::Tcp(l) => l
            .accept()
            .await
            .map(|(s, peer)| Accepted::Tcp(s, peer.ip())),
        Listener::Unix(l) => l.accept().await.map(|(s, _)| Accepted::Unix(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::config::Settings;

    #[test]
    fn scans_fit_the_open_file_limit() {
        let per_scan = sockets_per_scan_at_most();
        // 28 ports of the standard plan, each at most one held connection
        // and identification's eight.
        assert_eq!(per_scan, 28 * 9);
        let d = Settings::default();
        // The packaged unit's LimitNOFILE serves the default limits.
        assert!(scans_within(65536, d.max_connections) >= d.max_scans);
        assert_eq!(
            scans_within(20_000, 8192),
            (20_000 - 8192 - FILES_IN_RESERVE as usize) / per_scan
        );
        // Never below one scan, never an underflow.
        assert_eq!(scans_within(100, 1024), 1);
        assert_eq!(scans_within(0, 0), 1);
        assert_eq!(
            scans_within(u64::MAX, 0) as u64,
            (u64::MAX - FILES_IN_RESERVE) / per_scan as u64
        );
    }
}
