//! Identification through the real HTTP API: a visitor on loopback runs a TLS
//! web server (openssl s_server) on 443; `GET /api/v1/scan` reports its
//! `details`, while the stream's `port` event for it (sent at connect time)
//! carries none. Needs root (port 443) and openssl.

use std::process::Stdio;

use crate::support::*;
use portcheck::api::{PortEvent, Report, event};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const VISITOR: &str = "127.0.0.11";

/// openssl s_server on VISITOR:443 with a fresh self-signed certificate;
/// returns once it accepts.
async fn tls_server(dir: &std::path::Path) -> tokio::process::Child {
    let key = dir.join("key.pem");
    let crt = dir.join("crt.pem");
    let ok = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args([
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=api-test.lab",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .stderr(Stdio::null())
        .status()
        .expect("openssl req");
    assert!(ok.success());
    let mut child = Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            &format!("{VISITOR}:443"),
            "-www",
            "-cert",
        ])
        .arg(&crt)
        .arg("-key")
        .arg(&key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("openssl s_server");
    // It prints ACCEPT once it listens.
    let mut out = BufReader::new(child.stdout.take().expect("stdout")).lines();
    while let Some(line) = out.next_line().await.expect("s_server output") {
        if line.contains("ACCEPT") {
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = out.next_line().await {} });
    child
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_carries_tls_details_and_port_events_do_not() {
    if !require_root("report_carries_tls_details_and_port_events_do_not") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("portcheck-ident-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let _tls = tls_server(&dir).await;
    let server = TestServer::start(settings()).await;

    let report: Report = client_from(VISITOR)
        .get(server.url("/api/v1/scan"))
        .send()
        .await
        .expect("scan")
        .json()
        .await
        .expect("report");
    let p443 = report.ports.iter().find(|p| p.port == 443).expect("443");
    let d = p443.details.as_ref().expect("details for the open port");
    let tls = d.tls.as_ref().expect("tls details");
    assert_eq!(tls.version, "TLSv1.3");
    assert_eq!(tls.subject.as_deref(), Some("CN=api-test.lab"));
    assert_eq!(tls.self_signed, Some(true));
    assert_eq!(d.http.as_ref().map(|h| h.status), Some(200));
    // Ports that are not open have no details.
    assert!(
        report
            .ports
            .iter()
            .chain(&report.control)
            .filter(|p| p.port != 443)
            .all(|p| p.details.is_none())
    );

    let resp = client_from(VISITOR)
        .get(server.url("/api/v1/scan/stream"))
        .send()
        .await
        .expect("stream");
    let events = read_events(resp).await;
    let port_443: PortEvent = events
        .iter()
        .filter(|e| e.name == event::PORT)
        .map(|e| serde_json::from_str::<PortEvent>(&e.data).expect("port event"))
        .find(|e| e.result.port == 443)
        .expect("port event for 443");
    assert_eq!(port_443.result.details, None);
    let last = events.last().expect("events");
    assert_eq!(last.name, event::FINISHED);
    let finished: Report = serde_json::from_str(&last.data).expect("report");
    let d = finished
        .ports
        .iter()
        .find(|p| p.port == 443)
        .and_then(|p| p.details.as_ref())
        .expect("details in the finished event");
    assert!(d.tls.is_some());
    let _ = std::fs::remove_dir_all(&dir);
}
