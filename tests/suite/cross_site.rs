//! Cross-site triggering, end to end on the in-process server: a page of
//! another site cannot make its visitors' browsers start a check (403
//! `cross_site` before any scan, nothing counted), `HEAD` starts none
//! (405), while curl-like clients, the probe's own page and a configured
//! embedding site still can.

use crate::support::*;
use portcheck::api::{ErrorBody, ErrorCode, Report};
use reqwest::StatusCode;

const VISITOR: &str = "127.0.0.71";
const OWN: &str = "https://check.example";
const EMBEDDER: &str = "https://verband.example";
const FOREIGN: &str = "https://evil.example";

async fn server() -> TestServer {
    let mut s = settings();
    s.site.public_origin = Some(OWN.into());
    s.site.embed_origins = vec![EMBEDDER.into()];
    TestServer::start(s).await
}

async fn send(req: reqwest::RequestBuilder) -> reqwest::Response {
    within("request", req.send()).await.expect("an answer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_pages_cannot_start_a_check() {
    let server = server().await;
    let client = client_from(VISITOR);
    // A foreign page's fetch, its `<img>` (no Origin) and an old browser's
    // fetch (Origin only), on both scan endpoints.
    let foreign: [&[(&str, &str)]; 3] = [
        &[("Origin", FOREIGN), ("Sec-Fetch-Site", "cross-site")],
        &[
            ("Sec-Fetch-Site", "cross-site"),
            ("Sec-Fetch-Mode", "no-cors"),
        ],
        &[("Origin", FOREIGN)],
    ];
    for path in ["/api/v1/scan", "/api/v1/scan/stream"] {
        for headers in foreign {
            let mut req = client.get(server.url(path));
            for (name, value) in headers {
                req = req.header(*name, *value);
            }
            let resp = send(req).await;
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{path} {headers:?}");
            let body: ErrorBody = resp.json().await.expect("an error body");
            assert_eq!(body.error.code, ErrorCode::CrossSite, "{path} {headers:?}");
        }
        // HEAD is answered by GET's route, but starts no check.
        let resp = send(client.head(server.url(path))).await;
        assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED, "HEAD {path}");
    }
    assert!(server.state.limiter.is_empty(), "no scan was counted");
    let metrics = server.state.metrics.render();
    assert!(
        metrics.contains(r#"portcheck_refused_total{code="cross_site"} 6"#),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_the_own_page_and_embedders_still_start_checks() {
    let server = server().await;
    let client = client_from(VISITOR);
    let allowed: [&[(&str, &str)]; 5] = [
        // curl, the terminal client, monitoring: no browser headers.
        &[],
        // The page on the probe's own origin (and the /embed view in an
        // embedding site's iframe: it runs on the probe's origin too).
        &[
            ("Sec-Fetch-Site", "same-origin"),
            ("Sec-Fetch-Mode", "cors"),
        ],
        // The address typed into the browser.
        &[("Sec-Fetch-Site", "none"), ("Sec-Fetch-Mode", "navigate")],
        // A configured own origin and an embedding site calling the API.
        &[("Origin", OWN), ("Sec-Fetch-Site", "same-site")],
        &[("Origin", EMBEDDER), ("Sec-Fetch-Site", "cross-site")],
    ];
    for headers in allowed {
        let mut req = client.get(server.url("/api/v1/scan"));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let resp = send(req).await;
        assert_eq!(resp.status(), StatusCode::OK, "{headers:?}");
        let report: Report = resp.json().await.expect("a report");
        assert_eq!(report.target.ip, ip(VISITOR));
    }
    // The embedding site may read the stream (CORS) and it runs.
    let resp = send(
        client
            .get(server.url("/api/v1/scan/stream"))
            .header("Origin", EMBEDDER)
            .header("Sec-Fetch-Site", "cross-site"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["access-control-allow-origin"], EMBEDDER);
    let events = within("stream", read_events(resp)).await;
    assert_eq!(events.last().expect("events").name, "finished");
}
