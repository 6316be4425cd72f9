//! The page's byte budget: what a first visit fetches (the page and every
//! asset it links), as `portcheck serve` sends it to a browser that
//! accepts brotli, is at most 150 KB (150,000 bytes; 144,727 on
//! 2026-12-08, BENCHMARKS.md "Page"). What a first visit does not need,
//! the fix guides and the practice check's finding texts, is served from
//! the same origin for later and not linked from the page. Needs the built
//! page (`trunk build --release`); the test prints the figure per file.

use crate::support::browser::dist;
use crate::support::*;

/// What a first visit may come to at most (brotli, as sent).
const FIRST_VISIT_BUDGET: usize = 150_000;

/// The assets `index.html` links or imports: stylesheets, the icon, the
/// wasm-bindgen glue and the wasm it loads.
fn linked_assets(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in [
        "href=\"",
        "module_or_path: '",
        "from '",
        "module_or_path: \"",
        "from \"",
    ] {
        let quote = &marker[marker.len() - 1..];
        for (at, _) in html.match_indices(marker) {
            let rest = &html[at + marker.len()..];
            if let Some(end) = rest.find(quote) {
                let path = &rest[..end];
                if path.starts_with('/') && !found.iter().any(|p| p == path) {
                    found.push(path.to_owned());
                }
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_visit_stays_under_its_ceiling() {
    const TEST: &str = "a_first_visit_stays_under_its_ceiling";
    let dir = dist();
    if !gate(
        TEST,
        gate::file(&dir.join("index.html"), "trunk build --release"),
    ) {
        return;
    }
    let mut s = settings();
    s.www = Some(dir);
    let server = TestServer::start(s).await;
    // reqwest here decodes nothing: the lengths are the bytes sent.
    let client = client_from("127.0.0.41");
    let fetch = async |path: &str| {
        let resp = client
            .get(server.url(path))
            .header("accept-encoding", "br")
            .send()
            .await
            .expect("an answer");
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        let encoding = resp
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        (encoding, resp.bytes().await.expect("a body"))
    };

    // `/` is written per response and compressed as asked; its links are
    // read from the plain copy.
    let (encoding, page) = fetch("/").await;
    assert_eq!(encoding.as_deref(), Some("br"), "/ is sent brotli");
    let html = String::from_utf8(plain_body(&server, "/").await).expect("UTF-8 HTML");
    let assets = linked_assets(&html);
    assert!(
        assets.iter().any(|a| a.ends_with(".wasm")) && assets.iter().any(|a| a.ends_with(".js")),
        "the page links its wasm and glue: {assets:?}"
    );
    let mut total = page.len();
    let mut lines = vec![format!("/ {}", page.len())];
    for path in &assets {
        let (encoding, body) = fetch(path).await;
        if path.ends_with(".wasm") || path.ends_with(".js") {
            assert_eq!(encoding.as_deref(), Some("br"), "{path} is sent brotli");
        }
        lines.push(format!("{path} {}", body.len()));
        total += body.len();
    }
    assert!(
        !assets.iter().any(|a| a.starts_with("/guides/")),
        "the guides are not part of a first visit"
    );

    // What comes later, from the same origin: each language's guides and
    // the practice check's finding texts (compressed by the probe at start).
    for lang in ["de", "en"] {
        let path = format!("/texts/practice-{lang}.json");
        let (_, body) = fetch(&path).await;
        let texts: serde_json::Value = serde_json::from_slice(&plain_body(&server, &path).await)
            .unwrap_or_else(|e| panic!("{path} ({} bytes): {e}", body.len()));
        assert!(
            texts.as_array().is_some_and(|a| a.len() >= 20),
            "{path}: every practice finding"
        );
    }
    for lang in [portcheck::texts::Lang::De, portcheck::texts::Lang::En] {
        let path = portcheck::texts::guide::bundle_path(lang);
        let (encoding, body) = fetch(&path).await;
        assert_eq!(encoding.as_deref(), Some("br"), "{path}");
        let plain = String::from_utf8(plain_body(&server, &path).await).unwrap();
        assert!(
            portcheck::texts::guide::GuideSet::parse(&plain).is_some(),
            "{path} ({} bytes brotli) parses",
            body.len()
        );
    }

    // Last, so that the checks above run while the page is over budget.
    eprintln!(
        "a first visit: {total} bytes brotli ({} left of the budget of {FIRST_VISIT_BUDGET}): {lines:?}",
        FIRST_VISIT_BUDGET.saturating_sub(total)
    );
    assert!(
        total <= FIRST_VISIT_BUDGET,
        "a first visit is {total} bytes brotli, over the budget of {FIRST_VISIT_BUDGET}: {lines:?}"
    );
}

/// The body of `path` without compression.
async fn plain_body(server: &TestServer, path: &str) -> Vec<u8> {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let resp = client.get(server.url(path)).send().await.unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.bytes().await.unwrap().to_vec()
}
