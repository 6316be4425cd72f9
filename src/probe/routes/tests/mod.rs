//! Routing, headers, CORS and error responses of [`router`](super::router), driven in-process:
//! `oneshot` requests with a mocked connection, no socket and no root.

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use tower::ServiceExt;

use super::*;
use crate::api::{ErrorBody, ErrorCode, SiteInfo, Target};
use crate::probe::config::Settings;
use crate::probe::state::ConnInfo;
use crate::probe::www::assets::{Assets, NONCE_PLACEHOLDER};

mod form_check;
mod plans;
mod requests;
mod upnp;
mod via_proxy;

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

fn state(adjust: impl FnOnce(&mut Settings)) -> ProbeState {
    let mut s = Settings::default();
    adjust(&mut s);
    ProbeState::new(&s).expect("state")
}

/// One answer, as the probe gives it.
struct ProbeAnswer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl ProbeAnswer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(super) fn error(&self) -> ErrorBody {
        serde_json::from_str(&self.body).expect("an error body")
    }
}

/// `method path` with `headers`, arriving from `from` on a fresh router.
async fn ask(
    st: &Arc<ProbeState>,
    from: &str,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> ProbeAnswer {
    ask_with(st, from, (method, path), headers, "").await
}

/// [`ask`] with a request body.
async fn ask_with(
    st: &Arc<ProbeState>,
    from: &str,
    (method, path): (Method, &str),
    headers: &[(&str, &str)],
    body: &str,
) -> ProbeAnswer {
    let conn = ConnInfo {
        peer: SocketAddr::new(ip(from), 40_000).into(),
        rtt: None,
    };
    let mut req = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let resp = router(st.clone())
        .layer(MockConnectInfo(conn))
        .oneshot(req.body(Body::from(body.to_owned())).expect("request"))
        .await
        .expect("infallible");
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.expect("body");
    ProbeAnswer {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(st: &Arc<ProbeState>, from: &str, path: &str) -> ProbeAnswer {
    ask(st, from, Method::GET, path, &[]).await
}

#[tokio::test]
async fn health_and_unknown_api_paths() {
    let st = Arc::new(state(|_| {}));
    let ok = get(&st, "127.0.0.1", "/healthz").await;
    assert_eq!((ok.status, ok.body.as_str()), (StatusCode::OK, "ok\n"));
    assert!(
        ok.header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    assert_eq!(ok.header("x-content-type-options"), Some("nosniff"));

    let missing = get(&st, "127.0.0.1", "/api/v1/nothing-here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error().error.code, ErrorCode::NotFound);
    assert_eq!(missing.header("cache-control"), Some("no-store"));

    let post = ask(&st, "127.0.0.1", Method::POST, "/api/v1/scan", &[]).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.error().error.code, ErrorCode::MethodNotAllowed);
    assert_eq!(post.header("cache-control"), Some("no-store"));
    assert!(st.limiter.is_empty(), "nothing counted against anyone");
}

#[tokio::test]
async fn whoami_is_the_peer_or_the_client_a_trusted_proxy_names() {
    let st = Arc::new(state(|s| {
        s.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()]
    }));
    let whoami = |from, xff| {
        let st = st.clone();
        async move {
            let headers: &[(&str, &str)] = match xff {
                Some(v) => &[("x-forwarded-for", v)],
                None => &[],
            };
            ask(&st, from, Method::GET, "/api/v1/whoami", headers).await
        }
    };
    let direct = whoami("198.51.100.7", Some("192.0.2.99")).await;
    let target: Target = serde_json::from_str(&direct.body).unwrap();
    assert_eq!(
        target.ip,
        ip("198.51.100.7"),
        "untrusted peers' headers are ignored"
    );
    assert_eq!(direct.header("cache-control"), Some("no-store"));

    let proxied = whoami("10.0.0.1", Some("198.51.100.7, 192.0.2.10")).await;
    let target: Target = serde_json::from_str(&proxied.body).unwrap();
    assert_eq!(target.ip, ip("192.0.2.10"));

    let garbage = whoami("10.0.0.1", Some("definitely-not-an-ip")).await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert_eq!(garbage.error().error.code, ErrorCode::BadRequest);
}

#[tokio::test]
async fn refusals_have_status_code_and_retry_after() {
    let st = Arc::new(state(|s| {
        s.allow_targets = vec!["198.51.100.0/24".parse().unwrap()];
        s.max_scans = 1;
        s.rate.burst = 1;
    }));
    let refused = get(&st, "10.1.2.3", "/api/v1/scan").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let body = refused.error();
    assert_eq!(body.error.code, ErrorCode::TargetNotAllowed);
    assert!(
        body.error.message.contains("private"),
        "{}",
        body.error.message
    );
    assert_eq!(refused.header("retry-after"), None);

    // Busy: the only slot and the only queue place are taken; the visitor's
    // allowance is not used.
    let held = (
        st.slots.enter(ip("192.0.2.1")).expect("the only slot"),
        st.slots.enter(ip("203.0.113.1")).expect("the queue place"),
    );
    for path in ["/api/v1/scan", "/api/v1/scan/stream"] {
        let busy = get(&st, "198.51.100.7", path).await;
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(busy.error().error.code, ErrorCode::Busy);
        assert_eq!(busy.header("retry-after"), Some("5"));
    }
    assert!(st.limiter.is_empty());
    drop(held);

    // Rate limited: this address used its one scan.
    st.limiter
        .check(ip("198.51.100.7"))
        .expect("the first scan");
    let limited = get(&st, "198.51.100.7", "/api/v1/scan/stream").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(limited.error().error.retry_after_s, Some(retry));

    st.shutdown.begin();
    let stopping = get(&st, "198.51.100.8", "/api/v1/scan").await;
    assert_eq!(stopping.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(stopping.error().error.code, ErrorCode::ShuttingDown);
    assert_eq!(stopping.header("retry-after"), Some("5"));

    let counted = st.metrics.render();
    for line in [
        r#"portcheck_refused_total{code="target_not_allowed"} 1"#,
        r#"portcheck_refused_total{code="busy"} 2"#,
        r#"portcheck_refused_total{code="rate_limited"} 1"#,
        r#"portcheck_refused_total{code="shutting_down"} 1"#,
    ] {
        assert!(counted.contains(line), "{line} in {counted}");
    }
}

#[tokio::test]
async fn cors_answers_only_the_sites_origins() {
    let st = Arc::new(state(|s| {
        s.site.public_origin = Some("https://check.kammer.example".into());
        s.site.embed_origins = vec!["https://verein.example".into()];
        s.site.org_name = Some("Kammer".into());
    }));
    let site_from = |origin| {
        let st = st.clone();
        async move {
            ask(
                &st,
                "127.0.0.1",
                Method::GET,
                "/api/v1/site",
                &[("origin", origin)],
            )
            .await
        }
    };
    let site = site_from("https://verein.example").await;
    assert_eq!(site.status, StatusCode::OK);
    assert_eq!(
        site.header("access-control-allow-origin"),
        Some("https://verein.example")
    );
    let info: SiteInfo = serde_json::from_str(&site.body).unwrap();
    assert_eq!(info.org_name.as_deref(), Some("Kammer"));

    let other = site_from("https://evil.example").await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.header("access-control-allow-origin"), None);

    let preflight = ask(
        &st,
        "127.0.0.1",
        Method::OPTIONS,
        "/api/v1/scan/stream",
        &[
            ("origin", "https://check.kammer.example"),
            ("access-control-request-method", "GET"),
        ],
    )
    .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("https://check.kammer.example")
    );
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("GET")
    );

    // Without configured origins there is no CORS at all.
    let plain = Arc::new(state(|_| {}));
    let origin = [("origin", "https://verein.example")];
    let none = ask(&plain, "127.0.0.1", Method::GET, "/api/v1/site", &origin).await;
    assert_eq!(none.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn metrics_only_where_configured() {
    let on = Arc::new(state(|s| s.metrics = MetricsMode::On));
    let m = get(&on, "127.0.0.1", "/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(
        m.header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    assert!(m.body.contains("portcheck_open_sockets"));
    // Off by default.
    for mode in [
        Settings::default().metrics,
        MetricsMode::Off,
        MetricsMode::Listen(([127, 0, 0, 1], 0).into()),
    ] {
        // Without metrics here, `/metrics` is just a path: the page's
        // fallback (404, or the page itself once it is built), never metrics.
        let off = Arc::new(state(|s| s.metrics = mode));
        let m = get(&off, "127.0.0.1", "/metrics").await;
        assert!(!m.body.contains("portcheck_"), "{}", m.body);
        assert!(
            !m.header("content-type")
                .unwrap_or_default()
                .contains("openmetrics")
        );
    }
}

#[tokio::test]
async fn page_files_and_their_headers() {
    let mut st = state(|s| s.site.embed_origins = vec!["https://verein.example".into()]);
    let html = format!("<script nonce=\"{NONCE_PLACEHOLDER}\"></script>");
    let files = [
        ("index.html".to_owned(), html.into_bytes()),
        ("app-0123456789abcdef.js".to_owned(), b"export {}".to_vec()),
    ];
    st.page = Page::new(Assets::from_files(files), st.page.site().clone());
    let st = Arc::new(st);

    let page = get(&st, "127.0.0.1", "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let csp = page.header("content-security-policy").unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .unwrap();
    assert!(
        page.body.contains(&format!("nonce=\"{nonce}\"")),
        "{}",
        page.body
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));

    let embed = get(&st, "127.0.0.1", "/embed").await;
    let csp = embed.header("content-security-policy").unwrap();
    assert!(
        csp.contains("frame-ancestors https://verein.example"),
        "{csp}"
    );
    assert_eq!(embed.header("x-frame-options"), None);

    let js = get(&st, "127.0.0.1", "/app-0123456789abcdef.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(
        js.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let etag = js.header("etag").unwrap().to_owned();
    let again = ask(
        &st,
        "127.0.0.1",
        Method::GET,
        "/app-0123456789abcdef.js",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);

    for missing in ["/missing.js", "/.well-known/security.txt"] {
        let m = get(&st, "127.0.0.1", missing).await;
        assert_eq!(m.status, StatusCode::NOT_FOUND, "{missing}");
        assert!(
            m.header("content-security-policy")
                .unwrap()
                .contains("default-src 'none'")
        );
    }
    let theme = get(&st, "127.0.0.1", "/theme.css").await;
    assert_eq!(
        theme.header("content-type"),
        Some("text/css; charset=utf-8")
    );
}

#[tokio::test]
async fn security_txt_with_a_contact() {
    let mut st = state(|s| s.site.security_contact = Some("mailto:abuse@kammer.example".into()));
    st.page = Page::new(Assets::default(), st.page.site().clone());
    let st = Arc::new(st);
    let txt = get(&st, "127.0.0.1", "/.well-known/security.txt").await;
    assert_eq!(txt.status, StatusCode::OK);
    assert!(
        txt.body
            .starts_with("Contact: mailto:abuse@kammer.example\n"),
        "{}",
        txt.body
    );
    // Without a built page, page routes say how to build it.
    let page = get(&st, "127.0.0.1", "/").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("has not been built"));
}

#[test]
fn the_default_queue_limit_is_two_scan_bounds() {
    let st = state(|_| {});
    assert_eq!(st.scan_bound(), std::time::Duration::from_secs(10));
    assert_eq!(st.queue_limit(), std::time::Duration::from_secs(20));
    assert_eq!(st.queued(1).wait_s, 10);
    // Slow timing: never longer than half a connection's lifetime.
    let slow = state(|s| {
        s.timing.floor = std::time::Duration::from_secs(8);
        s.timing.ceiling = std::time::Duration::from_secs(8);
        s.max_scans = 1;
    });
    assert_eq!(slow.queue_limit(), std::time::Duration::from_secs(30));
}
