//! The probe's HTTP API end to end: the real server on 127.0.0.1:0, requests
//! from chosen loopback addresses, listeners on ports 440-449 of those
//! addresses (root), and the admission rules (403, 429, 503, forwarding).

use std::collections::HashSet;
use std::time::Duration;

use crate::support::*;
use portcheck::api::{
    ErrorBody, ErrorCode, Family, FindingId, Level, PortEvent, PortGroup, PortResult, PortState,
    Reason, Report, Started, Target, event,
};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

async fn scan(client: &reqwest::Client, server: &TestServer) -> Report {
    get_json(client, &server.url("/api/v1/scan")).await
}

async fn error_of(resp: reqwest::Response) -> (StatusCode, Option<String>, ErrorBody) {
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().expect("ascii").to_owned());
    (status, retry, resp.json().await.expect("error body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_reports_states_reasons_and_verdict() {
    if !require_root("scan_reports_states_reasons_and_verdict") {
        return;
    }
    let _open = open_ports("127.0.0.2", &[443, 445]).await;
    let _filtered = filtered_port("127.0.0.2", 447).await;
    // Loopback allowed explicitly: with loopback allowed only by default,
    // forwarding headers from loopback mean an undeclared reverse proxy.
    let mut s = default_settings();
    s.allow_targets = vec!["127.0.0.0/8".parse().unwrap()];
    let server = TestServer::start(s).await;

    // Spoofed forwarding headers from an untrusted peer change nothing.
    let resp = client_from("127.0.0.2")
        .get(server.url("/api/v1/scan?target=198.51.100.9&ports=22"))
        .header("X-Forwarded-For", "198.51.100.7")
        .header("Forwarded", "for=198.51.100.8")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let report: Report = resp.json().await.unwrap();

    // The peer is the target; the headers only mark a likely proxy.
    assert_eq!(report.target, Target::new(ip("127.0.0.2")).via_proxy(true));
    let ports: Vec<u16> = report.ports.iter().map(|p| p.port).collect();
    assert_eq!(ports, portcheck::plan::Plan::standard().range_ports());
    for p in &report.ports {
        match p.port {
            443 | 445 => {
                assert_eq!((p.state, p.reason), (PortState::Open, Reason::Connected));
                assert!(p.rtt_ms.is_some());
                assert_eq!(p.attempts, 1);
            }
            447 => {
                assert_eq!((p.state, p.reason), (PortState::Filtered, Reason::Timeout));
                assert_eq!(p.rtt_ms, None);
                assert_eq!(p.attempts, 2, "silence is retried once");
            }
            _ => {
                assert_eq!(
                    (p.state, p.reason),
                    (PortState::Closed, Reason::Refused),
                    "{p:?}"
                );
                assert_eq!(p.attempts, 1);
            }
        }
    }
    let smb = report.ports.iter().find(|p| p.port == 445).expect("445");
    assert_eq!(smb.service, "microsoft-ds");
    let control: Vec<u16> = report.control.iter().map(|p| p.port).collect();
    assert_eq!(control, portcheck::plan::Plan::standard().control_ports());
    assert!(report.control.iter().all(|p| p.state == PortState::Closed));

    assert_eq!(report.verdict.level, Level::Critical);
    let ids: Vec<FindingId> = report.verdict.findings.iter().map(|f| f.id).collect();
    assert_eq!(ids, vec![FindingId::SmbExposed, FindingId::HttpsExposed]);
    // Loopback answers in microseconds, so the timeout sits at its floor.
    assert_eq!(report.timeout_ms, 150);
    assert!(humantime::parse_rfc3339(&report.started_at).is_ok());
    assert!(
        report.duration_ms >= 300,
        "two timeouts for the silent port"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_sends_started_each_port_then_finished() {
    if !require_root("stream_sends_started_each_port_then_finished") {
        return;
    }
    let _open = open_ports("127.0.0.3", &[445]).await;
    let _filtered = filtered_port("127.0.0.3", 441).await;
    let server = TestServer::start(settings()).await;

    let resp = get(&client_from("127.0.0.3"), server.url("/api/v1/scan/stream")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    assert_eq!(resp.headers()["x-accel-buffering"], "no");
    let events = read_events(resp).await;

    assert_eq!(
        events.first().map(|e| e.name.as_str()),
        Some(event::STARTED)
    );
    let started: Started = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(started.target.ip, ip("127.0.0.3"));
    assert_eq!(
        started.ports,
        portcheck::plan::Plan::standard().range_ports()
    );
    assert_eq!(
        started.control,
        portcheck::plan::Plan::standard().control_ports()
    );

    let ports: Vec<PortEvent> = events[1..events.len() - 1]
        .iter()
        .map(|e| {
            assert_eq!(e.name, event::PORT);
            serde_json::from_str(&e.data).unwrap()
        })
        .collect();
    assert_eq!(
        ports.len(),
        portcheck::plan::Plan::standard().range_ports().len()
            + portcheck::plan::Plan::standard().control_ports().len()
    );
    let seen: HashSet<u16> = ports.iter().map(|p| p.result.port).collect();
    assert_eq!(seen.len(), ports.len(), "each port once");
    for p in &ports {
        let want = if portcheck::plan::Plan::standard()
            .control_ports()
            .contains(&p.result.port)
        {
            PortGroup::Control
        } else {
            PortGroup::Range
        };
        assert_eq!(p.group, want);
    }
    // Results arrive as they are known: the silent port comes last.
    assert_eq!(ports.last().unwrap().result.port, 441);
    assert_eq!(ports.last().unwrap().result.state, PortState::Filtered);

    let last = events.last().unwrap();
    assert_eq!(last.name, event::FINISHED);
    let report: Report = serde_json::from_str(&last.data).unwrap();
    for p in ports {
        let in_report = report
            .ports
            .iter()
            .chain(&report.control)
            .find(|r| r.port == p.result.port)
            .unwrap();
        // The port event is sent at connect time; identification `details`
        // come only with the report.
        assert_eq!(p.result.details, None);
        let without_details = PortResult {
            details: None,
            ..in_report.clone()
        };
        assert_eq!(without_details, p.result);
    }
    assert_eq!(report.verdict.level, Level::Critical);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_answers_429_with_retry_after() {
    let mut s = settings();
    s.rate.burst = 2;
    s.rate.refill = Duration::from_secs(60);
    let server = TestServer::start(s).await;
    let client = client_from("127.0.0.11");
    scan(&client, &server).await;
    scan(&client, &server).await;

    for path in ["/api/v1/scan", "/api/v1/scan/stream"] {
        let resp = get(&client, server.url(path)).await;
        let (status, retry, body) = error_of(resp).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert_eq!(body.error.code, ErrorCode::RateLimited);
        let retry: u64 = retry.expect("Retry-After").parse().unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
        assert_eq!(body.error.retry_after_s, Some(retry));
    }
    // Another address has its own allowance.
    scan(&client_from("127.0.0.12"), &server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_probe_answers_503_without_using_the_allowance() {
    let mut s = settings();
    s.max_scans = 1;
    s.rate.burst = 1;
    let server = TestServer::start(s).await;
    let client = client_from("127.0.0.13");

    // The only slot and the only queue place are taken.
    let held = (
        server
            .state
            .slots
            .enter(ip("192.0.2.1"))
            .expect("the only slot"),
        server
            .state
            .slots
            .enter(ip("192.0.2.2"))
            .expect("the queue place"),
    );
    for path in ["/api/v1/scan", "/api/v1/scan/stream"] {
        let (status, retry, body) = error_of(get(&client, server.url(path)).await).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body.error.code, ErrorCode::Busy);
        assert_eq!(retry.as_deref(), Some("5"));
    }
    drop(held);
    // The refused attempts did not count: the single allowed scan still runs.
    scan(&client, &server).await;
    let (status, _, _) = error_of(get(&client, server.url("/api/v1/scan")).await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_global_target_is_refused_with_the_reason() {
    let mut s = default_settings();
    s.allow_targets = vec!["198.51.100.0/24".parse().unwrap()];
    let server = TestServer::start(s).await;
    let client = client_from("127.0.0.14");
    for path in ["/api/v1/scan", "/api/v1/scan/stream"] {
        let (status, retry, body) = error_of(get(&client, server.url(path)).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(retry, None);
        assert_eq!(body.error.code, ErrorCode::TargetNotAllowed);
        assert!(
            body.error.message.contains("loopback"),
            "{}",
            body.error.message
        );
    }
    // whoami still says which address the request came from.
    let who: Target = get_json(&client, &server.url("/api/v1/whoami")).await;
    assert_eq!(who.ip, ip("127.0.0.14"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_headers_count_only_from_trusted_proxies() {
    let mut s = default_settings();
    s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    // Behind a proxy loopback is refused unless allowed explicitly.
    s.allow_targets = vec!["127.0.0.0/8".parse().unwrap()];
    let server = TestServer::start(s).await;
    let whoami = |from: &'static str, xff: &'static str| {
        let url = server.url("/api/v1/whoami");
        async move {
            let resp = client_from(from)
                .get(url)
                .header("X-Forwarded-For", xff)
                .header("X-Real-IP", "198.51.100.5")
                .header("Forwarded", "for=198.51.100.6")
                .send()
                .await
                .unwrap();
            (resp.status(), resp.text().await.unwrap())
        }
    };
    let target = |body: &str| serde_json::from_str::<Target>(body).unwrap().ip;

    // An untrusted peer: its headers are ignored.
    let (status, body) = whoami("127.0.0.15", "198.51.100.7").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(target(&body), ip("127.0.0.15"));
    // The trusted proxy: the rightmost untrusted entry is the client, and
    // what the client prepended is not read.
    let (_, body) = whoami("127.0.0.1", "198.51.100.7, 127.0.0.16").await;
    assert_eq!(target(&body), ip("127.0.0.16"));
    // The scan follows the same address.
    let report: Report = client_from("127.0.0.1")
        .get(server.url("/api/v1/scan"))
        .header("X-Forwarded-For", "127.0.0.16")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report.target.ip, ip("127.0.0.16"));
    // Garbage from the trusted proxy is a clear error, not a guess.
    let (status, body) = whoami("127.0.0.1", "definitely-not-an-ip").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(body.error.code, ErrorCode::BadRequest);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_and_mapped_ipv4_on_a_dual_stack_listener() {
    let mut s = default_settings();
    s.allow_targets = vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
    s.listen = "[::]:0".parse().unwrap();
    let mut server = TestServer::start(s).await;
    let port = server.addr.port();

    let v6: Report = get_json(
        &client_from("::1"),
        &format!("http://[::1]:{port}/api/v1/scan"),
    )
    .await;
    assert_eq!(v6.target.ip, ip("::1"));
    assert_eq!(v6.target.family, Family::Ipv6);
    assert_eq!(
        v6.ports.len(),
        portcheck::plan::Plan::standard().range_ports().len()
    );
    assert!(v6.ports.iter().all(|p| p.state == PortState::Closed));

    // An IPv4 client on the dual-stack socket arrives as ::ffff:127.0.0.17
    // and is reported (and scanned) as plain IPv4.
    let v4: Target = get_json(
        &client_from("127.0.0.17"),
        &format!("http://127.0.0.1:{port}/api/v1/whoami"),
    )
    .await;
    assert_eq!(v4.ip, ip("127.0.0.17"));
    assert_eq!(v4.family, Family::Ipv4);

    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_clients_are_cut_off() {
    let mut s = settings();
    s.header_timeout = Duration::from_secs(1);
    let server = TestServer::start(s).await;

    // Half a request head, then nothing.
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // A connection that never sends a byte.
    let mut idle = TcpStream::connect(server.addr).await.unwrap();

    for (name, conn) in [("slow", &mut slow), ("idle", &mut idle)] {
        let mut buf = Vec::new();
        let read = tokio::time::timeout(SAFETY_NET, conn.read_to_end(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("{name} connection was not closed"));
        // Closed by the server: EOF (possibly after a 408) or a reset.
        if let Ok(n) = read {
            let text = String::from_utf8_lossy(&buf[..n]);
            assert!(n == 0 || text.starts_with("HTTP/1.1 408"), "{name}: {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_limits_per_address() {
    let mut s = settings();
    s.max_connections_per_address = 2;
    let server = TestServer::start(s).await;
    let connect_from = |from: &'static str| async move {
        let sock = TcpSocket::new_v4().unwrap();
        sock.bind(format!("{from}:0").parse().unwrap()).unwrap();
        sock.connect(server.addr).await.unwrap()
    };
    let mut a = connect_from("127.0.0.18").await;
    let _b = connect_from("127.0.0.18").await;
    // Make sure the server has registered both before the third arrives.
    for c in [&mut a] {
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 64];
        let n = c.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    }
    let mut third = connect_from("127.0.0.18").await;
    let _ = third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let mut buf = Vec::new();
    let read = tokio::time::timeout(SAFETY_NET, third.read_to_end(&mut buf))
        .await
        .expect("third connection closed");
    assert!(read.map_or(true, |n| n == 0), "third connection was served");

    // Other addresses are not affected.
    let resp = get(&client_from("127.0.0.19"), server.url("/healthz")).await;
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_get_clear_errors_and_change_nothing() {
    let server = TestServer::start(settings()).await;
    let raw = |bytes: Vec<u8>| {
        let addr = server.addr;
        async move {
            let mut c = TcpStream::connect(addr).await.unwrap();
            let _ = c.write_all(&bytes).await;
            let mut buf = Vec::new();
            let _ = tokio::time::timeout(SAFETY_NET, c.read_to_end(&mut buf)).await;
            String::from_utf8_lossy(&buf).into_owned()
        }
    };

    let huge = format!(
        "GET /api/v1/scan HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: {}\r\n\r\n",
        "1".repeat(64 * 1024)
    );
    let answer = raw(huge.into_bytes()).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );
    let answer = raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n".to_vec()).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );
    let many_headers: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let answer =
        raw(format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n").into_bytes()).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );

    let client = client_from("127.0.0.20");
    let resp = client
        .post(server.url("/api/v1/scan"))
        .body("target=198.51.100.7")
        .send()
        .await
        .unwrap();
    let (status, _, body) = error_of(resp).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body.error.code, ErrorCode::MethodNotAllowed);
    let (status, _, body) = error_of(get(&client, server.url("/api/v1/nothing-here")).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body.error.code, ErrorCode::NotFound);

    // Still serving, and nothing counted against anyone.
    let resp = get(&client, server.url("/healthz")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(server.state.limiter.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_is_served_with_fallback_only_for_routes() {
    let dir = std::env::temp_dir().join(format!("portcheck-www-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    std::fs::write(dir.join("app-1234.js"), "export {}").unwrap();
    let mut s = settings();
    s.www = Some(dir.clone());
    let server = TestServer::start(s).await;
    let client = client_from("127.0.0.21");
    let get = |path: &'static str| client.get(server.url(path)).send();

    for route in ["/", "/embed"] {
        let resp = get(route).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{route}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    }
    let js = get("/app-1234.js").await.unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert!(
        js.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(
        get("/missing.js").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get("/../../etc/passwd.txt").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_running_scan_finish() {
    if !require_root("shutdown_lets_a_running_scan_finish") {
        return;
    }
    let _filtered = filtered_port("127.0.0.5", 440).await;
    let mut server = TestServer::start(settings()).await;
    let mut resp = get(&client_from("127.0.0.5"), server.url("/api/v1/scan/stream")).await;
    let mut text = String::new();
    // Read until the scan has started, then ask the server to stop.
    while !text.contains("event: started") {
        let chunk = resp.chunk().await.unwrap().expect("stream open");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    server.begin_shutdown();
    while let Some(chunk) = resp.chunk().await.unwrap() {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let events = parse_events(&text);
    assert_eq!(events.last().unwrap().name, event::FINISHED, "{text}");
    let report: Report = serde_json::from_str(&events.last().unwrap().data).unwrap();
    let silent = report.ports.iter().find(|p| p.port == 440).expect("440");
    assert_eq!(silent.state, PortState::Filtered);
    server.join().await;
    assert!(
        TcpStream::connect(server.addr).await.is_err(),
        "no longer accepting"
    );
}
