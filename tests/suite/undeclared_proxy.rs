//! A reverse proxy nobody declared: the probe listens on loopback with no
//! `--trusted-proxy` and no allow list (so it checks loopback), and a
//! request from loopback carries forwarding headers. Checking it would scan
//! the probe's own host for every visitor; the probe refuses with a
//! configuration error that says what to set.

use crate::support::*;
use portcheck::api::{ErrorBody, ErrorCode, Target};
use reqwest::StatusCode;

const PEER: &str = "127.0.0.72";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_requests_from_loopback_need_a_declared_proxy() {
    let server = TestServer::start(settings()).await;
    let client = client_from(PEER);
    for (name, value) in [
        ("X-Forwarded-For", "198.51.100.7"),
        ("Forwarded", "for=198.51.100.7"),
        ("X-Real-IP", "198.51.100.7"),
    ] {
        for path in ["/api/v1/whoami", "/api/v1/scan", "/api/v1/scan/stream"] {
            let resp = within(
                "request",
                client.get(server.url(path)).header(name, value).send(),
            )
            .await
            .expect("an answer");
            assert_eq!(
                resp.status(),
                StatusCode::INTERNAL_SERVER_ERROR,
                "{name} {path}"
            );
            let body: ErrorBody = resp.json().await.expect("an error body");
            assert_eq!(body.error.code, ErrorCode::ProxyNotTrusted);
            assert!(
                body.error.message.contains("--trusted-proxy"),
                "{}",
                body.error.message
            );
            assert!(!body.error.message.contains("198.51.100.7"));
        }
    }
    assert!(server.state.limiter.is_empty(), "no scan was counted");
    // The laptop's own browser, without forwarding headers, is checked.
    let who: Target = get_json(&client, &server.url("/api/v1/whoami")).await;
    assert_eq!(who.ip, ip(PEER));
}
