//! portcheck behind Debian's nginx, configured with the directives shipped in
//! `deploy/nginx.conf` (the lines between its `portcheck:…-begin/end`
//! markers), in front of the real `portcheck serve --listen unix:PATH
//! --trusted-proxy unix`, as deploy/portcheck.toml sets it up:
//!
//! - a visitor behind nginx is checked at its own address;
//! - forwarding headers a visitor forges and sends through nginx cannot
//!   redirect the scan;
//! - the same forged headers sent to a probe of that configuration over TCP
//!   by a local process change nothing;
//! - the live scan stream passes through nginx event by event;
//! - nginx's access log, as shipped, holds no visitor address, and /metrics
//!   is not served to visitors.
//!
//! Needs nginx (`scripts/test` installs it). Without it the tests skip
//! loudly, and fail when `CI` is set.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::probe::Running;
use crate::support::*;
use portcheck::api::{PortGroup, PortState, Reason, Report, Started, Target, event};
use reqwest::StatusCode;

/// The shipped nginx configuration.
const SHIPPED_CONF: &str = include_str!("../../deploy/nginx.conf");

/// A visitor behind nginx.
const VISITOR: &str = "127.0.0.30";
/// A peer that talks to the probe directly, bypassing nginx.
const DIRECT: &str = "127.0.0.31";
/// A visitor watching the live stream behind nginx.
const STREAMER: &str = "127.0.0.32";
/// Forged addresses: a global one, and a loopback one the probe would be
/// allowed to scan (it listens on loopback), so believing it would succeed.
const FORGED: &str = "198.51.100.7";
const FORGED_LOOPBACK: &str = "127.0.0.99";

/// The nginx binary, or None (after the gate's loud skip) when it is
/// missing.
fn nginx_or_skip(test: &str) -> Option<PathBuf> {
    let found = gate::find_tool("nginx");
    gate(test, gate::tools(&["nginx"]))
        .then_some(found)
        .flatten()
}

/// Lines `name` of the shipped configuration (between its markers).
fn region(conf: &str, name: &str) -> String {
    let begin = format!("# portcheck:{name}-begin");
    let end = format!("# portcheck:{name}-end");
    let start = conf
        .find(&begin)
        .unwrap_or_else(|| panic!("deploy/nginx.conf lacks `{begin}`"))
        + begin.len();
    let len = conf[start..]
        .find(&end)
        .unwrap_or_else(|| panic!("deploy/nginx.conf lacks `{end}`"));
    conf[start..start + len].to_owned()
}

/// The probe's socket as the shipped configuration names it.
const SHIPPED_SOCKET: &str = "unix:/run/portcheck/http.sock";

/// A complete nginx configuration: the shipped directives, with the probe's
/// test socket for /run/portcheck/http.sock and `dir` for /var/log/nginx, in
/// a plain HTTP server on 127.0.0.1:`port`. As root, the workers run as
/// nobody:nogroup, the group the test gives the socket (as the unit's
/// Group= gives it nginx's).
fn nginx_conf(dir: &Path, port: u16, probe: &Path) -> String {
    let http = region(SHIPPED_CONF, "http");
    let server = region(SHIPPED_CONF, "server");
    assert!(
        http.contains(SHIPPED_SOCKET),
        "the upstream moved out of the tested lines"
    );
    assert!(
        server.contains("/var/log/nginx/"),
        "the access log moved out of the tested lines"
    );
    let http = http.replace(SHIPPED_SOCKET, &format!("unix:{}", probe.display()));
    let server = server.replace("/var/log/nginx/", &format!("{}/", dir.display()));
    let d = dir.display();
    let user = if is_root() {
        "user nobody nogroup;"
    } else {
        ""
    };
    format!(
        "{user}
worker_processes 1;
events {{ worker_connections 128; }}
http {{
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    access_log off;
{http}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
{server}
    }}
}}
"
    )
}

/// Lets `cmd` (nginx) inherit the listening socket `socket` and tells it so.
fn hand_over(cmd: &mut Command, socket: &std::net::TcpListener) {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let fd = socket.as_raw_fd();
    cmd.env("NGINX", format!("{fd};"));
    // SAFETY: between fork and exec only fcntl on a descriptor this process
    // owns, which is async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// The real probe behind nginx: both running, ready, torn down on drop.
struct Lab {
    // Dropped in this order: nginx, the probe, then the directory.
    nginx: Running,
    probe: ProbeProcess,
    nginx_addr: SocketAddr,
    probe_socket: PathBuf,
    dir: TempDir,
    // Held open while nginx runs: nginx cannot bind the port itself, so it
    // serves on the socket it was handed.
    _socket: std::net::TcpListener,
}

impl Lab {
    async fn start(nginx_bin: &Path, tag: &str) -> Lab {
        let dir = TempDir::new(tag);
        let probe_socket = dir.0.join("http.sock");
        let listen = format!("unix:{}", probe_socket.display());

        let probe = ProbeProcess::start(&[
            "--listen",
            &listen,
            "--trusted-proxy",
            "unix",
            // The visitors here are loopback addresses standing in for
            // internet hosts; behind a proxy loopback must be allowed
            // explicitly.
            "--allow-target",
            "127.0.0.0/8",
            "--rate-burst",
            "100",
            // Served on the main listener, to show nginx keeps them from
            // visitors.
            "--metrics",
            "on",
            // Long attempts, so a silent port keeps the stream test's scan
            // running for seconds (answering ports are not slowed).
            "--timeout-floor-ms",
            "3000",
            "--timeout-ceiling-ms",
            "3000",
        ]);
        if is_root() {
            // What Group= does in the unit: the socket is the proxy's group's.
            const NOGROUP: u32 = 65534;
            std::os::unix::fs::chown(&probe_socket, None, Some(NOGROUP)).expect("chown socket");
        }

        // nginx's configuration names its port, so the test binds port 0
        // itself and hands the listening socket over the way nginx's binary
        // upgrade does (`NGINX=FD;`): nginx uses it and binds nothing.
        let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("nginx's socket");
        let port = socket.local_addr().expect("local addr").port();
        let conf = dir.0.join("nginx.conf");
        std::fs::write(&conf, nginx_conf(&dir.0, port, &probe_socket)).expect("write nginx.conf");
        let mut cmd = Command::new(nginx_bin);
        cmd.arg("-e")
            .arg("stderr")
            .arg("-p")
            .arg(&dir.0)
            .arg("-c")
            .arg(&conf)
            .arg("-g")
            .arg(format!(
                "daemon off; pid {}/nginx.pid; error_log stderr;",
                dir.0.display()
            ));
        hand_over(&mut cmd, &socket);
        let nginx = Running::spawn(cmd, true);
        let mut lab = Lab {
            nginx,
            probe,
            nginx_addr: SocketAddr::from(([127, 0, 0, 1], port)),
            probe_socket,
            dir,
            _socket: socket,
        };
        lab.wait_ready().await;
        lab
    }

    /// Poll /healthz through nginx until it answers, within the safety net.
    async fn wait_ready(&mut self) {
        let client = client_from("127.0.0.1");
        let deadline = Instant::now() + SAFETY_NET;
        loop {
            self.nginx.assert_alive("nginx");
            self.probe.process.assert_alive("portcheck");
            if let Ok(Ok(resp)) = tokio::time::timeout(
                Duration::from_secs(2),
                client.get(self.via_nginx("/healthz")).send(),
            )
            .await
            {
                assert_eq!(resp.status(), StatusCode::OK, "{}", self.nginx.log());
                assert_eq!(resp.text().await.unwrap(), "ok\n");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "nginx did not become ready:\n{}",
                self.nginx.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn via_nginx(&self, path: &str) -> String {
        format!("http://{}{path}", self.nginx_addr)
    }

    /// nginx's access log once it has `lines` lines mentioning `path`
    /// (nginx writes a line after the response is sent, so poll for it).
    async fn access_log(&self, path: &str, lines: usize) -> String {
        let file = self.dir.0.join("portcheck.log");
        let deadline = Instant::now() + SAFETY_NET;
        loop {
            let log = std::fs::read_to_string(&file).unwrap_or_default();
            if log.lines().filter(|l| l.contains(path)).count() >= lines {
                return log;
            }
            assert!(
                Instant::now() < deadline,
                "access log lacks {lines} lines for {path}:\n{log}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn assert_via_nginx(resp: &reqwest::Response) {
    assert_eq!(
        resp.headers().get("server").map(|v| v.as_bytes()),
        Some(&b"nginx"[..]),
        "the response did not come through nginx"
    );
}

async fn whoami(req: reqwest::RequestBuilder) -> (Target, Option<String>) {
    let resp = within("whoami", req.send()).await.expect("whoami request");
    assert_eq!(resp.status(), StatusCode::OK);
    let server = resp
        .headers()
        .get("server")
        .map(|v| v.to_str().unwrap().to_owned());
    (within("whoami body", resp.json()).await.unwrap(), server)
}

async fn scan(req: reqwest::RequestBuilder) -> Report {
    let resp = within("scan", req.send()).await.expect("scan request");
    assert_eq!(resp.status(), StatusCode::OK);
    within("scan body", resp.json()).await.expect("report")
}

fn v4(addr: &str) -> Target {
    Target::new(ip(addr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_behind_nginx_is_checked_at_its_own_address() {
    let Some(nginx) = nginx_or_skip("visitor_behind_nginx_is_checked_at_its_own_address") else {
        return;
    };
    // As root, an open 445 on the visitor's address shows the scan really
    // reached that address; without root every port there is closed.
    let open = if is_root() {
        Some(open_ports(VISITOR, &[445]).await)
    } else {
        None
    };
    let lab = Lab::start(&nginx, "nginx-visitor").await;
    let client = client_from(VISITOR);

    let (target, server) = whoami(client.get(lab.via_nginx("/api/v1/whoami"))).await;
    assert_eq!(target, v4(VISITOR));
    assert_eq!(server.as_deref(), Some("nginx"));

    let resp = within("scan", client.get(lab.via_nginx("/api/v1/scan")).send())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_via_nginx(&resp);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let report: Report = resp.json().await.unwrap();
    assert_eq!(report.target, v4(VISITOR));
    let ports: Vec<u16> = report.ports.iter().map(|p| p.port).collect();
    assert_eq!(ports, portcheck::plan::Plan::standard().range_ports());
    for p in &report.ports {
        let expected = if p.port == 445 && open.is_some() {
            (PortState::Open, Reason::Connected)
        } else {
            (PortState::Closed, Reason::Refused)
        };
        assert_eq!((p.state, p.reason), expected, "port {}", p.port);
    }

    // Metrics stay with the operator: answered directly, not through nginx.
    let metrics = within("metrics", client.get(lab.via_nginx("/metrics")).send())
        .await
        .unwrap();
    assert_eq!(metrics.status(), StatusCode::NOT_FOUND);
    let (status, _) = within(
        "metrics",
        crate::support::relay::unix_get(&lab.probe_socket, "/metrics", &[]),
    )
    .await;
    assert_eq!(status, 200);

    // What the shipped access log keeps: requests and statuses, no address.
    let log = lab.access_log("/api/v1/", 2).await;
    assert!(
        log.contains("\"GET /api/v1/scan\" 200 "),
        "access log:\n{log}"
    );
    assert!(
        !log.contains(VISITOR),
        "nginx logged the visitor's address:\n{log}"
    );
    lab.probe.process.wait_for_line("scan finished");
    let probe_log = lab.probe.process.log();
    assert!(!probe_log.contains(VISITOR), "{probe_log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_forwarding_headers_through_nginx_change_nothing() {
    let Some(nginx) = nginx_or_skip("forged_forwarding_headers_through_nginx_change_nothing")
    else {
        return;
    };
    let lab = Lab::start(&nginx, "nginx-forged").await;
    let client = client_from(VISITOR);
    let forgeries: [(&str, String); 7] = [
        ("X-Forwarded-For", FORGED.to_owned()),
        ("X-Forwarded-For", FORGED_LOOPBACK.to_owned()),
        ("X-Forwarded-For", format!("{FORGED_LOOPBACK}, 127.0.0.1")),
        ("X-Forwarded-For", "not an address".to_owned()),
        ("Forwarded", format!("for={FORGED}")),
        (
            "Forwarded",
            format!("for=\"{FORGED_LOOPBACK}\";proto=https"),
        ),
        ("X-Real-IP", FORGED_LOOPBACK.to_owned()),
    ];
    for (name, value) in &forgeries {
        let (target, server) = whoami(
            client
                .get(lab.via_nginx("/api/v1/whoami"))
                .header(*name, value),
        )
        .await;
        assert_eq!(target, v4(VISITOR), "{name}: {value}");
        assert_eq!(server.as_deref(), Some("nginx"));
    }

    // A scan with every forgery at once is still of the visitor. Had the
    // probe believed 127.0.0.99, it would have scanned it: loopback targets
    // are allowed here.
    let mut req = client.get(lab.via_nginx("/api/v1/scan"));
    for (name, value) in &forgeries[..3] {
        req = req.header(*name, value);
    }
    req = req.header("Forwarded", format!("for={FORGED_LOOPBACK}"));
    assert_eq!(scan(req).await.target, v4(VISITOR));

    let stream = within(
        "stream",
        client
            .get(lab.via_nginx("/api/v1/scan/stream"))
            .header("X-Forwarded-For", FORGED_LOOPBACK)
            .header("Forwarded", format!("for={FORGED_LOOPBACK}"))
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let events = within("stream body", read_events(stream)).await;
    let started: Started = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(started.target, v4(VISITOR));

    let log = lab.access_log("/api/v1/", forgeries.len() + 2).await;
    for addr in [VISITOR, FORGED, FORGED_LOOPBACK] {
        assert!(!log.contains(addr), "{addr} in the access log:\n{log}");
    }
}

/// A local process that reaches a probe of the shipped configuration over
/// TCP (nginx uses the socket) is checked at its own address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_requests_with_forged_headers_change_nothing() {
    let probe = ProbeProcess::start(&[
        "--listen",
        "127.0.0.1:0",
        "--trusted-proxy",
        "unix",
        "--allow-target",
        "127.0.0.0/8",
        "--rate-burst",
        "100",
    ]);
    let client = client_from(DIRECT);
    let forged = |req: reqwest::RequestBuilder| {
        req.header("X-Forwarded-For", FORGED_LOOPBACK)
            .header("Forwarded", format!("for={FORGED_LOOPBACK}"))
            .header("X-Real-IP", FORGED_LOOPBACK)
    };

    // The peer is checked, never a forged address; the headers only flag
    // that a proxy may stand between the visitor and the probe.
    let (target, server) = whoami(forged(client.get(probe.url("/api/v1/whoami")))).await;
    assert_eq!(target, v4(DIRECT).via_proxy(true));
    assert_ne!(server.as_deref(), Some("nginx"), "went around nginx");
    assert_eq!(
        scan(forged(client.get(probe.url("/api/v1/scan"))))
            .await
            .target,
        v4(DIRECT).via_proxy(true)
    );
    // A header no proxy could have written is not even read from an
    // untrusted peer: no 400, just the peer's own address.
    let (target, _) = whoami(
        client
            .get(probe.url("/api/v1/whoami"))
            .header("X-Forwarded-For", "not an address"),
    )
    .await;
    assert_eq!(target, v4(DIRECT).via_proxy(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_stream_passes_through_nginx_event_by_event() {
    let Some(nginx) = nginx_or_skip("scan_stream_passes_through_nginx_event_by_event") else {
        return;
    };
    // As root: port 447 of the visitor stays silent (a full accept queue), so
    // the scan waits on it for seconds. The test lets it answer only once the
    // `started` event has arrived through nginx. If nginx held the events
    // back, `started` would arrive with `finished`, after 447 had been given
    // up on as filtered.
    let silent = if require_root("scan_stream_passes_through_nginx_event_by_event (event by event)")
    {
        Some(filtered_port(STREAMER, 447).await)
    } else {
        None
    };
    let proves_streaming = silent.is_some();
    let mut silent = silent;
    let lab = Lab::start(&nginx, "nginx-stream").await;
    let client = client_from(STREAMER);

    let mut resp = within(
        "stream",
        client.get(lab.via_nginx("/api/v1/scan/stream")).send(),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_via_nginx(&resp);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );

    let mut body = Vec::new();
    while let Some(chunk) = within("stream chunk", resp.chunk()).await.unwrap() {
        body.extend_from_slice(&chunk);
        if silent.is_some() {
            let text = String::from_utf8_lossy(&body);
            let complete = &text[..text.rfind("\n\n").map_or(0, |i| i + 2)];
            let so_far = parse_events(complete);
            if so_far.iter().any(|e| e.name == event::STARTED) {
                assert!(
                    !so_far.iter().any(|e| e.name == event::FINISHED),
                    "`started` arrived only together with `finished`: nginx buffered the stream"
                );
                // Port 447 stops being silent: its next attempt is refused.
                silent = None;
            }
        }
    }
    let mut text = String::new();
    body.as_slice().read_to_string(&mut text).expect("UTF-8");
    let events = parse_events(&text);
    let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names.first(), Some(&event::STARTED), "{names:?}");
    assert_eq!(names.last(), Some(&event::FINISHED), "{names:?}");
    assert_eq!(
        names.iter().filter(|n| **n == event::PORT).count(),
        portcheck::plan::Plan::standard().range_ports().len()
            + portcheck::plan::Plan::standard().control_ports().len(),
        "{names:?}"
    );
    let started: Started = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(started.target, v4(STREAMER));
    let report: Report = serde_json::from_str(&events.last().unwrap().data).unwrap();
    assert_eq!(report.target, v4(STREAMER));
    let p447 = report.ports.iter().find(|p| p.port == 447).unwrap();
    if proves_streaming {
        assert_eq!(
            (p447.state, p447.reason),
            (PortState::Closed, Reason::Refused),
            "447 was still silent when the scan ended: `started` reached the visitor too late"
        );
    }
    for e in events.iter().filter(|e| e.name == event::PORT) {
        let pe: portcheck::api::PortEvent = serde_json::from_str(&e.data).unwrap();
        let listed = match pe.group {
            PortGroup::Range => portcheck::plan::Plan::standard()
                .range_ports()
                .contains(&pe.result.port),
            PortGroup::Control => portcheck::plan::Plan::standard()
                .control_ports()
                .contains(&pe.result.port),
        };
        assert!(listed, "{pe:?}");
    }
}
