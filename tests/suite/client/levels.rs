//! The client against the probe checking 127.0.0.1 with chosen ports open:
//! each result level in each format, expected ports, and what changed
//! since a previous check. Root: the plan's ports are below 1024; every
//! port of the plan that is not opened is held bound, so it answers
//! "closed" whatever else runs on the machine.

use tokio::net::TcpSocket;

use super::*;
use crate::support::ports::OpenPorts;

/// 127.0.0.1 with `open` accepting and every other port of the plan closed.
struct Loopback {
    _closed: Vec<TcpSocket>,
    _open: OpenPorts,
}

async fn loopback_with_open(open: &[u16]) -> Loopback {
    let plan = Plan::standard();
    let mut closed = Vec::new();
    for port in plan.range_ports().into_iter().chain(plan.control_ports()) {
        if open.contains(&port) {
            continue;
        }
        let socket = TcpSocket::new_v4().expect("socket");
        socket
            .bind(SocketAddr::new(ip("127.0.0.1"), port))
            .unwrap_or_else(|e| panic!("127.0.0.1:{port} is in use ({e}); the test needs it"));
        closed.push(socket);
    }
    Loopback {
        _closed: closed,
        _open: open_ports("127.0.0.1", open).await,
    }
}

/// The start of every test here: root, this test's turn on 127.0.0.1, and
/// a probe allowed to check 127.0.0.1 only.
async fn setup(test: &str) -> Option<(tokio::sync::MutexGuard<'static, ()>, TestServer)> {
    if !require_root(test) {
        return None;
    }
    let turn = loopback_turn().await;
    let mut s = default_settings();
    s.allow_targets = vec!["127.0.0.1/32".parse().expect("net")];
    Some((turn, TestServer::start(s).await))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_level_in_every_format() {
    let Some((_turn, server)) = setup("client every_level_in_every_format").await else {
        return;
    };
    let url = server.url("");
    let cases: [(&[u16], &[&str], &str); 5] = [
        (&[], &[], "OK"),
        (&[443], &[], "OK"),
        (&[443], &["--warn-on-notice"], "WARNING"),
        (&[446], &[], "WARNING"),
        (&[445], &[], "CRITICAL"),
    ];
    for (open, args, state) in cases {
        let _ports = loopback_with_open(open).await;
        assert_every_format(&url, args, state, REPORT_FIRST_LINE).await;
    }

    // What each level says in the status line.
    let _ports = loopback_with_open(&[445]).await;
    let ran = check(&url, &["--format", "nagios"]).await;
    let out = plugin_format::parse(&ran.stdout, ran.code).expect("plugin output");
    assert!(
        out.text
            .starts_with("Critical: Windows file sharing (SMB, port 445)"),
        "{}",
        out.text
    );
    let open = out
        .perfdata
        .iter()
        .find(|p| p.label == "open")
        .expect("open");
    assert_eq!(
        (open.value, open.min, open.max),
        (1.0, Some(0.0), Some(28.0))
    );
    let duration = out
        .perfdata
        .iter()
        .find(|p| p.label == "duration")
        .expect("duration");
    assert_eq!(duration.unit, "s");
    drop(_ports);
    let _ports = loopback_with_open(&[443]).await;
    let ran = check(&url, &["--format", "nagios"]).await;
    assert!(
        ran.first_line()
            .starts_with("PORTCHECK OK - Notice: Port 443 (HTTPS) is open"),
        "{}",
        ran.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expected_ports() {
    let Some((_turn, server)) = setup("client expected_ports").await else {
        return;
    };
    let url = server.url("");
    let expect = ["--expect-open", "443"];

    let ports = loopback_with_open(&[443]).await;
    assert_every_format(&url, &expect, "OK", REPORT_FIRST_LINE).await;
    let ran = check(&url, &["--expect-open", "443", "--format", "nagios"]).await;
    let out = plugin_format::parse(&ran.stdout, ran.code).expect("plugin output");
    assert_eq!(
        out.long_output,
        vec!["Expected open: port 443 – open as expected"]
    );
    let ran = check(&url, &["--expect-open", "443", "--format", "json"]).await;
    let v: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
    assert_eq!(
        v["evaluation"]["verdict"]["findings"],
        serde_json::json!([])
    );
    assert_eq!(v["report"]["verdict"]["findings"][0]["id"], "https-exposed");
    drop(ports);

    let _ports = loopback_with_open(&[]).await;
    assert_every_format(&url, &expect, "WARNING", REPORT_FIRST_LINE).await;
    let ran = check(&url, &["--expect-open", "443", "--format", "nagios"]).await;
    assert!(
        ran.first_line().contains("expected open but not open: 443"),
        "{}",
        ran.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_says_what_changed_since_a_previous_check() {
    let Some((_turn, server)) = setup("client text_says_what_changed_since_a_previous_check").await
    else {
        return;
    };
    let url = server.url("");
    let dir = TempDir::new("client-compare");
    let previous = dir.path().join("previous.json");

    let ports = loopback_with_open(&[443]).await;
    let ran = check(&url, &["--format", "json"]).await;
    std::fs::write(&previous, &ran.stdout).expect("write previous");
    drop(ports);

    let _ports = loopback_with_open(&[445]).await;
    let file = previous.to_str().expect("path");
    let ran = check(&url, &["--compare", file]).await;
    assert_eq!(ran.code, 2, "{}", ran.stdout);
    assert!(
        ran.stdout.contains(
            "\nWhat changed since the previous check:\n- Newly open: port 445\n- No longer open: port 443\n"
        ),
        "{}",
        ran.stdout
    );
    let ran = check(&url, &["--compare", file, "--lang", "de"]).await;
    assert!(
        ran.stdout.contains("- Neu offen: Port 445\n"),
        "{}",
        ran.stdout
    );
}
