//! The request limit per site network, in front of every route: a flood of
//! cheap requests from one /24 or /48 gets 429 once its allowance is used,
//! (after a pause, so that a flood costs the probe little) while requests
//! from every other network pass at once. The pause runs in tokio's paused
//! time; the allowance is measured in real time, which barely moves.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};

use super::{ProbeAnswer, ask, ip, state};
use crate::api::ErrorCode;
use crate::probe::admission::limits::{RateLimit, RateSettings};
use crate::probe::routes::REFUSAL_PAUSE;
use crate::probe::state::ProbeState;

async fn get(st: &Arc<ProbeState>, from: &str, path: &str) -> ProbeAnswer {
    ask(st, from, Method::GET, path, &[]).await
}

/// A request allowance of `burst`, then one an hour: nothing refills
/// while a test runs, however slow the machine.
fn allowance(burst: u32) -> RateLimit {
    RateLimit::new(RateSettings {
        burst,
        refill: Duration::from_secs(3600),
        table_size: 1000,
    })
}

/// A probe whose sites may make 20 requests, behind a proxy at 10.0.0.0/8.
fn stingy() -> Arc<ProbeState> {
    let mut st = state(|s| s.trusted_proxies = vec!["10.0.0.0/8".parse().expect("net")]);
    st.requests = allowance(20);
    Arc::new(st)
}

#[tokio::test(start_paused = true)]
async fn a_flood_from_one_24_gets_429_and_other_networks_pass() {
    let st = stingy();
    let paths = [
        "/api/v1/site",
        "/api/v1/plans",
        "/",
        "/healthz",
        "/theme.css",
    ];
    for n in 0..20 {
        let path = paths[n % paths.len()];
        let asked = tokio::time::Instant::now();
        let answer = get(&st, "198.51.100.7", path).await;
        assert!(asked.elapsed() < REFUSAL_PAUSE, "allowed: no pause");
        assert_ne!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{n}: {path}");
    }
    for path in paths {
        let asked = tokio::time::Instant::now();
        let refused = get(&st, "198.51.100.7", path).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert!(asked.elapsed() >= REFUSAL_PAUSE, "answered after the pause");
        assert_eq!(refused.error().error.code, ErrorCode::TooManyRequests);
        assert_eq!(refused.header("retry-after"), Some("3600"));
        assert_eq!(refused.error().error.retry_after_s, Some(3600));
        assert_eq!(refused.header("cache-control"), Some("no-store"));
        assert!(
            refused
                .header("content-security-policy")
                .is_some_and(|csp| csp.contains("default-src 'none'")),
            "the 429 carries the security headers"
        );
    }
    // The whole /24 shares the allowance, a forwarded visitor of it too.
    let neighbour = get(&st, "198.51.100.200", "/api/v1/site").await;
    assert_eq!(neighbour.status, StatusCode::TOO_MANY_REQUESTS);
    let forwarded = ask(
        &st,
        "10.0.0.1",
        Method::GET,
        "/api/v1/site",
        &[("x-forwarded-for", "198.51.100.9")],
    )
    .await;
    assert_eq!(forwarded.status, StatusCode::TOO_MANY_REQUESTS);
    // Every other network passes at once: another /24, the proxy's other
    // visitors, and the proxy itself.
    for from in ["198.51.101.7", "203.0.113.1", "10.0.0.1"] {
        let answer = get(&st, from, "/api/v1/site").await;
        assert_eq!(answer.status, StatusCode::OK, "{from}");
    }
    let other = ask(
        &st,
        "10.0.0.1",
        Method::GET,
        "/api/v1/site",
        &[("x-forwarded-for", "192.0.2.9")],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);

    let counted = st.metrics.render();
    let line = r#"portcheck_refused_total{code="too_many_requests"} 7"#;
    assert!(counted.contains(line), "{line} in {counted}");
    assert!(st.limiter.is_empty(), "no scan was counted");
}

#[tokio::test(start_paused = true)]
async fn a_flood_from_one_48_gets_429_and_other_48s_pass() {
    let st = stingy();
    for subnet in 0..20u16 {
        let from = format!("2001:db8:7:{subnet:x}::1");
        let answer = get(&st, &from, "/api/v1/site").await;
        assert_eq!(answer.status, StatusCode::OK, "{from}");
    }
    let refused = get(&st, "2001:db8:7:ffff::1", "/api/v1/site").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let other = get(&st, "2001:db8:8::1", "/api/v1/site").await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn the_operator_s_health_checks_from_this_machine_are_not_counted() {
    let st = stingy();
    for _ in 0..20 {
        let _ = get(&st, "127.0.0.1", "/api/v1/site").await;
    }
    assert_eq!(
        get(&st, "127.0.0.1", "/api/v1/site").await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "loopback is limited like any network"
    );
    for from in ["127.0.0.1", "::1"] {
        for _ in 0..50 {
            let health = get(&st, from, "/healthz").await;
            assert_eq!(health.status, StatusCode::OK, "{from}");
        }
    }
    // Not so for a visitor a proxy on this machine forwards.
    let mut st = state(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().expect("net")]);
    st.requests = allowance(1);
    let st = Arc::new(st);
    let from_visitor = || {
        ask(
            &st,
            "127.0.0.1",
            Method::GET,
            "/healthz",
            &[("x-forwarded-for", "198.51.100.7")],
        )
    };
    assert_eq!(from_visitor().await.status, StatusCode::OK);
    assert_eq!(from_visitor().await.status, StatusCode::TOO_MANY_REQUESTS);
}

#[test]
fn only_health_and_metrics_from_loopback_are_uncounted() {
    use crate::probe::state::uncounted;
    assert!(uncounted(ip("127.0.0.1"), "/healthz"));
    assert!(uncounted(ip("::1"), "/metrics"));
    assert!(uncounted(ip("::ffff:127.0.0.1"), "/healthz"));
    assert!(!uncounted(ip("127.0.0.1"), "/api/v1/site"));
    assert!(!uncounted(ip("198.51.100.7"), "/healthz"));
    assert!(!uncounted(ip("127.0.0.1"), "/healthz/"));
}
