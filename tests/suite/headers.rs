//! What an operator's visitors and embedding sites see on the wire: security
//! headers with a fresh CSP nonce per page, frame-ancestors from the allow
//! list on /embed only, compressed and cacheable assets with ETags, CORS for
//! the configured origins only, the site info, theme, security.txt and
//! aggregate metrics.

use std::io::{Read, Write};

use crate::support::*;
use portcheck::api::SiteInfo;
use portcheck::probe::config::{MetricsMode, Site};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

const JS: &str = "/portcheck-app-0123456789abcdef.js";

fn page_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "portcheck-headers-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><html lang=\"de\"><title>t</title><script type=\"module\" nonce=\"{{__TRUNK NONCE__}}\">import '/x.js'</script></html>",
    )
    .unwrap();
    let js = "export function f(){return 'portcheck'}\n".repeat(100);
    let name = JS.trim_start_matches('/');
    std::fs::write(dir.join(name), &js).unwrap();
    // The build's variants next to it, as scripts/precompress writes them.
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        w.write_all(js.as_bytes()).unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(js.as_bytes()).unwrap();
    std::fs::write(dir.join(format!("{name}.br")), br).unwrap();
    std::fs::write(dir.join(format!("{name}.gz")), gz.finish().unwrap()).unwrap();
    std::fs::write(dir.join("embed.js"), "/* embed */".repeat(50)).unwrap();
    dir
}

fn site() -> Site {
    Site {
        public_origin: Some("https://check.example".into()),
        ipv4_origin: Some("https://v4.check.example".into()),
        ipv6_origin: Some("https://v6.check.example".into()),
        embed_origins: vec!["https://www.kammer.example".into()],
        accent_color: Some("#005a9c".into()),
        org_name: Some("Kammer Beispiel".into()),
        help_contact: Some("0511 123456".into()),
        security_contact: Some("mailto:abuse@check.example".into()),
    }
}

fn h<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

fn nonce_of(csp: &str) -> String {
    csp.split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("nonce in CSP")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_assets_and_api_carry_the_right_headers() {
    let dir = page_dir();
    let mut s = settings();
    s.www = Some(dir.clone());
    s.site = site();
    let server = TestServer::start(s).await;
    // A client without automatic decompression, to see the encodings.
    let client = reqwest::Client::builder()
        .local_address(ip("127.0.0.40"))
        .no_proxy()
        .build()
        .unwrap();

    // The page: a fresh nonce per response, named by the CSP and in the HTML.
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let resp = get(&client, server.url("/")).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let headers = resp.headers().clone();
        let csp = h(&headers, "content-security-policy").unwrap().to_owned();
        let body = resp.text().await.unwrap();
        let nonce = nonce_of(&csp);
        assert_eq!(nonce.len(), 32);
        assert!(body.contains(&format!("nonce=\"{nonce}\"")), "{body}");
        assert!(!body.contains("TRUNK NONCE"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains(
            "connect-src 'self' https://check.example https://v4.check.example https://v6.check.example;"
        ));
        assert!(csp.ends_with("frame-ancestors 'none'"));
        assert_eq!(h(&headers, "x-frame-options"), Some("DENY"));
        assert_eq!(h(&headers, "x-content-type-options"), Some("nosniff"));
        assert_eq!(h(&headers, "referrer-policy"), Some("same-origin"));
        assert_eq!(
            h(&headers, "strict-transport-security"),
            Some("max-age=31536000")
        );
        assert_eq!(h(&headers, "cache-control"), Some("no-store"));
        assert!(
            h(&headers, "permissions-policy")
                .unwrap()
                .contains("camera=()")
        );
        assert!(h(&headers, "set-cookie").is_none());
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1]);

    // The embed view may be framed by the allow list only.
    let resp = get(&client, server.url("/embed")).await;
    let csp = h(resp.headers(), "content-security-policy").unwrap();
    assert!(
        csp.ends_with("frame-ancestors https://www.kammer.example"),
        "{csp}"
    );
    assert_eq!(h(resp.headers(), "x-frame-options"), None);

    // A hashed asset: brotli, gzip, immutable caching, ETag and 304.
    let asset = |encoding: &str| {
        client
            .get(server.url(JS))
            .header("accept-encoding", encoding)
    };
    let resp = asset("gzip, br").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let headers = resp.headers().clone();
    assert_eq!(h(&headers, "content-encoding"), Some("br"));
    assert_eq!(
        h(&headers, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(h(&headers, "content-type").unwrap().contains("javascript"));
    assert_eq!(h(&headers, "vary"), Some("accept-encoding"));
    let etag = h(&headers, "etag").unwrap().to_owned();
    let bytes = resp.bytes().await.unwrap();
    let mut text = String::new();
    brotli::Decompressor::new(&bytes[..], 4096)
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.starts_with("export function f()"));
    let resp = asset("gzip").send().await.unwrap();
    assert_eq!(h(resp.headers(), "content-encoding"), Some("gzip"));
    assert_ne!(h(resp.headers(), "etag").unwrap(), etag);
    let resp = asset("gzip, br")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    let resp = get(&client, server.url(JS)).await;
    assert_eq!(h(resp.headers(), "content-encoding"), None);

    // The embed script is loaded by other sites.
    let resp = get(&client, server.url("/embed.js")).await;
    assert_eq!(
        h(resp.headers(), "cross-origin-resource-policy"),
        Some("cross-origin")
    );
    assert_eq!(
        h(resp.headers(), "cache-control"),
        Some("public, max-age=300")
    );

    // API responses: locked-down CSP, CORS only for configured origins.
    for (origin, allowed) in [
        ("https://www.kammer.example", true),
        ("https://v6.check.example", true),
        ("https://evil.example", false),
    ] {
        let resp = client
            .get(server.url("/api/v1/whoami"))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let acao = h(resp.headers(), "access-control-allow-origin");
        assert_eq!(acao, allowed.then_some(origin), "{origin}");
        assert_eq!(
            h(resp.headers(), "content-security-policy"),
            Some("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        );
        assert_eq!(h(resp.headers(), "cache-control"), Some("no-store"));
    }

    // Operator configuration for the page.
    let info: SiteInfo = get_json(&client, &server.url("/api/v1/site")).await;
    assert_eq!(info.org_name.as_deref(), Some("Kammer Beispiel"));
    assert_eq!(info.help_contact.as_deref(), Some("0511 123456"));
    assert_eq!(
        info.ipv4_origin.as_deref(),
        Some("https://v4.check.example")
    );
    assert_eq!(
        info.ipv6_origin.as_deref(),
        Some("https://v6.check.example")
    );
    let theme = get(&client, server.url("/theme.css")).await;
    assert!(
        h(theme.headers(), "content-type")
            .unwrap()
            .starts_with("text/css")
    );
    assert_eq!(
        theme.text().await.unwrap(),
        ":root { --accent: #005a9c; }\n"
    );
    let sec = get(&client, server.url("/.well-known/security.txt"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        sec.starts_with("Contact: mailto:abuse@check.example\nExpires: "),
        "{sec}"
    );

    // A missing asset is a 404 with headers too.
    let resp = get(&client, server.url("/missing.wasm")).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(h(resp.headers(), "x-content-type-options"), Some("nosniff"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_aggregate_and_off_unless_switched_on() {
    let mut s = settings();
    s.rate.burst = 1;
    let client = client_from("127.0.0.41");
    // Off by default: a quiet probe's counters would tell individual results.
    let default = TestServer::start(s.clone()).await;
    let resp = get(&client, default.url("/metrics")).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(!resp.text().await.unwrap().contains("portcheck_scans_total"));
    s.metrics = MetricsMode::On;
    let server = TestServer::start(s.clone()).await;
    let scan = get(&client, server.url("/api/v1/scan")).await;
    assert_eq!(scan.status(), StatusCode::OK);
    let limited = get(&client, server.url("/api/v1/scan")).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);

    let resp = get(&client, server.url("/metrics")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().await.unwrap();
    assert!(
        text.contains(r#"portcheck_scans_total{family="ipv4",level="ok"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"portcheck_refused_total{code="rate_limited"} 1"#));
    assert!(text.contains(r#"portcheck_port_results_total{port="445",state="closed"} 1"#));
    assert!(text.contains("portcheck_scan_duration_seconds_bucket"));
    assert!(text.contains("portcheck_scans_running 0"));
    assert!(text.contains("portcheck_connections_open"));
    assert!(!text.contains("127.0.0.41"), "no addresses in metrics");

    s.metrics = MetricsMode::Off;
    let off = TestServer::start(s).await;
    let resp = get(&client, off.url("/metrics")).await;
    assert!(!resp.text().await.unwrap().contains("portcheck_scans_total"));
}
