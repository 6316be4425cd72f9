//! The probe under test, started two ways and always on a port the kernel
//! picked (`:0`), read back rather than guessed:
//! - [`TestServer`]: the library's server in this process, with access to
//!   its state;
//! - [`ProbeProcess`]: the real `portcheck serve` binary, whose bound address
//!   comes from its log line `portcheck VERSION listening on http://ADDR`.
//!
//! [`Running`] is any child process whose stderr is collected line by line
//! (the probe binary, nginx).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portcheck::probe::config::{Listen, Settings};
use portcheck::probe::server;
use portcheck::probe::state::ProbeState;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::{SAFETY_NET, ip};

/// Settings for tests: defaults on 127.0.0.1:0 with a generous rate limit,
/// and loopback allowed: the visitors of these tests are loopback addresses
/// standing in for internet hosts. [`default_settings`] keeps it refused.
pub fn settings() -> Settings {
    Settings {
        allow_loopback: true,
        ..default_settings()
    }
}

/// The defaults on 127.0.0.1:0 with a generous rate limit: loopback is
/// refused as a target, as in a probe nobody configured.
pub fn default_settings() -> Settings {
    let mut s = Settings {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)).into(),
        ..Settings::default()
    };
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

/// A probe running in this process.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: Arc<ProbeState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Start on `settings.listen` (port 0: the kernel picks; the bound
    /// address replaces it). The one place that starts the library's server.
    pub async fn start(mut settings: Settings) -> TestServer {
        let Listen::Tcp(at) = settings.listen else {
            panic!("TestServer listens on TCP")
        };
        let listener = TcpListener::bind(at).await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        settings.listen = addr.into();
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

    /// Take every scan slot and every queue place, from networks of their
    /// own (one /24 each), so that the next visitor is told the probe is
    /// busy. Held until the returned entries are dropped.
    pub fn occupy_every_slot(&self) -> Vec<portcheck::probe::admission::queue::Entry> {
        networks_of_their_own()
            .map_while(|ip| self.state.slots.enter(ip).ok())
            .collect()
    }

    /// Take every scan slot but leave the queue free, so that the next
    /// visitor waits in it. Held until the returned entries are dropped.
    pub fn occupy_scan_slots(&self) -> Vec<portcheck::probe::admission::queue::Entry> {
        use portcheck::probe::admission::queue::Entry;
        networks_of_their_own()
            .map_while(|ip| match self.state.slots.enter(ip) {
                Ok(running @ Entry::Running(_)) => Some(running),
                _ => None,
            })
            .collect()
    }

    /// Signal shutdown and wait until the server has returned.
    pub async fn stop(&mut self) {
        self.begin_shutdown();
        self.join().await;
    }

    /// Signal shutdown without waiting.
    pub fn begin_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Wait for a shutdown begun with [`TestServer::begin_shutdown`].
    pub async fn join(&mut self) {
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server result");
        }
    }
}

/// A child process with its stderr collected; killed (with its whole process
/// group when it leads one) and reaped on drop, on every exit path.
pub struct Running {
    child: Child,
    leads_group: bool,
    log: Arc<Mutex<String>>,
    lines: mpsc::Receiver<String>,
    reader: Option<JoinHandle<()>>,
}

impl Running {
    pub fn spawn(mut cmd: Command, leads_group: bool) -> Running {
        if leads_group {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {cmd:?}: {e}"));
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, lines) = mpsc::channel();
        let sink = log.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                sink.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push_str(&format!("{line}\n"));
                let _ = tx.send(line);
            }
        });
        Running {
            child,
            leads_group,
            log,
            lines,
            reader: Some(reader),
        }
    }

    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pid")
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The first log line from now on that contains `needle`, within the
    /// safety net.
    pub fn wait_for_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + SAFETY_NET;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no log line with `{needle}`:\n{}", self.log()),
            }
        }
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Panic with the log if the process has exited.
    pub fn assert_alive(&mut self, what: &str) {
        if let Some(status) = self.child.try_wait().expect("try_wait") {
            panic!("{what} exited ({status}):\n{}", self.log());
        }
    }

    /// Send `signal`, wait for the exit and the end of the log.
    pub fn signal_and_wait(mut self, signal: i32) -> (ExitStatus, String) {
        // SAFETY: kill with a valid pid and signal number.
        assert_eq!(unsafe { libc::kill(self.pid(), signal) }, 0);
        let status = self.child.wait().expect("wait");
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        (status, self.log())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.leads_group {
            // nginx: SIGTERM lets the master stop and reap its workers; if it
            // has not exited within the safety net, kill the whole group.
            let pid = self.pid();
            // SAFETY: kill with a valid pid and signal number.
            unsafe { libc::kill(pid, libc::SIGTERM) };
            let deadline = Instant::now() + SAFETY_NET;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            // SAFETY: the group leader is not reaped yet, so its id is ours.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        } else {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The real `portcheck serve` binary, killed on drop.
pub struct ProbeProcess {
    /// Where it listens on TCP (`0.0.0.0:0` when on a Unix socket).
    pub addr: SocketAddr,
    /// Its Unix socket, when started with `--listen unix:PATH`.
    pub socket: Option<std::path::PathBuf>,
    pub process: Running,
}

impl ProbeProcess {
    /// `portcheck serve ARGS` logging at `info`, on 127.0.0.1:0 unless ARGS
    /// name a `--listen` address (whose port should be 0 too).
    pub fn start(args: &[&str]) -> ProbeProcess {
        ProbeProcess::start_logging(args, "info")
    }

    /// The same with a log filter (`PORTCHECK_LOG`); it must keep `info` of
    /// the `portcheck` target, which says where the probe listens.
    pub fn start_logging(args: &[&str], filter: &str) -> ProbeProcess {
        ProbeProcess::start_binary(
            Path::new(env!("CARGO_BIN_EXE_portcheck")),
            Path::new(env!("CARGO_MANIFEST_DIR")),
            args,
            filter,
        )
    }

    /// `binary serve ARGS` run in `dir` (another build of portcheck, such as
    /// the one unpacked from the Debian package), otherwise as [`Self::start`].
    pub fn start_binary(binary: &Path, dir: &Path, args: &[&str], filter: &str) -> ProbeProcess {
        let mut cmd = Command::new(binary);
        cmd.arg("serve");
        if !args.contains(&"--listen") {
            cmd.args(["--listen", "127.0.0.1:0"]);
        }
        cmd.args(args)
            .current_dir(dir)
            .env("PORTCHECK_LOG", filter)
            .env_remove("RUST_LOG");
        let process = Running::spawn(cmd, false);
        let deadline = Instant::now() + SAFETY_NET;
        let (addr, socket) = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match process.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.split("listening on http://").nth(1) {
                        break (rest.trim().parse().expect("listening address"), None);
                    }
                    if let Some(rest) = line.split("listening on unix:").nth(1) {
                        let path = std::path::PathBuf::from(rest.trim());
                        break (SocketAddr::from(([0, 0, 0, 0], 0)), Some(path));
                    }
                }
                Err(_) => panic!("portcheck serve {args:?} did not start:\n{}", process.log()),
            }
        };
        ProbeProcess {
            addr,
            socket,
            process,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

/// Visitors from 255 networks of their own (one /24 each), so that no fair
/// share limits them.
fn networks_of_their_own() -> impl Iterator<Item = std::net::IpAddr> {
    (1..=255u8).map(|n| std::net::IpAddr::from([100, 64 | (n >> 2), n, 1]))
}

/// What a probe makes of a local process at `from` that names another
/// visitor (198.51.100.7) in `X-Forwarded-For`, asking `url(path)`: whom
/// `/api/v1/whoami` sees, and the status and code of `/api/v1/scan`.
pub async fn forged_forwarding(
    url: impl Fn(&str) -> String,
    from: &str,
) -> (
    portcheck::api::Target,
    reqwest::StatusCode,
    portcheck::api::ErrorCode,
) {
    let client = client_from(from);
    let forged = |path: &str| {
        client
            .get(url(path))
            .header("X-Forwarded-For", "198.51.100.7")
    };
    let who = super::within("whoami", forged("/api/v1/whoami").send())
        .await
        .expect("whoami")
        .json()
        .await
        .expect("whoami JSON");
    let resp = super::within("scan", forged("/api/v1/scan").send())
        .await
        .expect("scan");
    let status = resp.status();
    let body: portcheck::api::ErrorBody = resp.json().await.expect("error body");
    (who, status, body.error.code)
}
