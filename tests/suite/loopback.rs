//! Loopback is a target only when the operator allows it explicitly.
//!
//! A relay in front of the probe that writes no forwarding header (nginx's
//! `proxy_pass` without `proxy_set_header`, socat, any TCP forwarder) makes
//! every visitor arrive from 127.0.0.1. In a probe nobody configured, that
//! must be a refusal, not a report of the probe's own host; with
//! `--allow-loopback` (what `scripts/run` passes) it is the laptop checking
//! itself. The relay here is such a forwarder, in the test.

use crate::support::relay::{Relay, Upstream};
use crate::support::*;
use portcheck::api::{ErrorBody, ErrorCode, Report};
use reqwest::StatusCode;

/// The refusal of a scan request through `relay`: 403 with the loopback
/// range named, nothing counted.
async fn assert_refused_as_loopback(client: &reqwest::Client, url: String) {
    let resp = within("scan through the relay", client.get(&url).send())
        .await
        .expect("an answer");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{url}");
    let body: ErrorBody = resp.json().await.expect("an error body");
    assert_eq!(body.error.code, ErrorCode::TargetNotAllowed, "{url}");
    assert!(
        body.error.message.contains("loopback"),
        "{}",
        body.error.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_less_relay_in_front_of_the_default_probe_is_refused() {
    let server = TestServer::start(default_settings()).await;
    let relay = Relay::start(Upstream::Tcp(server.addr)).await;
    let client = client_from("127.0.0.1");
    for path in [
        "/api/v1/scan",
        "/api/v1/scan/stream",
        "/api/v1/scan?plan=practice",
    ] {
        assert_refused_as_loopback(&client, relay.url(path)).await;
    }
    // A local process straight to the probe fares no better.
    assert_refused_as_loopback(&client_from("127.0.0.51"), server.url("/api/v1/scan")).await;
    assert!(server.state.limiter.is_empty(), "no scan was counted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_less_relay_with_loopback_allowed_gets_a_report() {
    let server = TestServer::start(settings()).await;
    let relay = Relay::start(Upstream::Tcp(server.addr)).await;
    let client = client_from("127.0.0.1");
    let report: Report = get_json(&client, &relay.url("/api/v1/scan")).await;
    // The relay's address: the probe's own host, as the operator allowed.
    assert_eq!(report.target.ip, ip("127.0.0.1"));
    assert!(!report.ports.is_empty());
}

/// The binary with no options refuses loopback; `--allow-loopback` (as
/// `scripts/run` passes it) checks this machine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_checks_loopback_only_with_allow_loopback() {
    const RUN: &str = include_str!("../../scripts/run");
    assert!(
        RUN.contains("serve --allow-loopback"),
        "scripts/run must allow loopback so that its check of this machine works"
    );
    let strict = ProbeProcess::start(&[]);
    assert_refused_as_loopback(&client_from("127.0.0.52"), strict.url("/api/v1/scan")).await;
    let laptop = ProbeProcess::start(&["--allow-loopback"]);
    let report: Report = get_json(&client_from("127.0.0.52"), &laptop.url("/api/v1/scan")).await;
    assert_eq!(report.target.ip, ip("127.0.0.52"));
}
