//! The check without WebAssembly or JavaScript, against the real
//! `portcheck serve --allow-loopback`: the page carries the consent form,
//! whose post (as a browser sends it, here with curl's means) runs the
//! check of the requester's own address and answers with the result page,
//! the same verdict and states as `/api/v1/scan`; another site's post gets
//! 403, a malformed form 400; no answer sets a cookie, and none allows a
//! script.

use crate::support::*;
use portcheck::api::Report;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

const VISITOR: &str = "127.0.0.73";
const FORM: &str = "application/x-www-form-urlencoded";

/// A built page of two files: the template with its placeholders, and a
/// stylesheet the result page must link.
fn www() -> TempDir {
    let dir = TempDir::new("no-script-www");
    std::fs::write(
        dir.path().join("index.html"),
        include_str!("../../www/index.html"),
    )
    .expect("index.html");
    std::fs::write(dir.path().join("style-0123456789abcdef.css"), "body {}\n").expect("css");
    dir
}

async fn post(
    client: &reqwest::Client,
    url: String,
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, HeaderMap, String) {
    let mut req = client
        .post(url)
        .header("content-type", FORM)
        .body(body.to_owned());
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let resp = within("form post", req.send()).await.expect("an answer");
    let (status, headers) = (resp.status(), resp.headers().clone());
    (status, headers, resp.text().await.expect("a body"))
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// No cookie, no script, the page's stylesheet.
fn assert_page_without_script(h: &HeaderMap, body: &str) {
    assert!(h.get("set-cookie").is_none());
    assert_eq!(header(h, "content-type"), "text/html; charset=utf-8");
    let csp = header(h, "content-security-policy");
    assert!(!csp.contains("script-src"), "{csp}");
    assert!(csp.contains("form-action 'self'"), "{csp}");
    assert!(!body.contains("<script"), "{body}");
    assert!(
        body.contains("href=\"/style-0123456789abcdef.css\""),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_post_gets_the_whole_result_in_both_languages() {
    let dir = www();
    let probe = ProbeProcess::start(&[
        "--allow-loopback",
        "--www",
        dir.path().to_str().expect("path"),
    ]);
    let client = client_from(VISITOR);

    let page = get(&client, probe.url("/?lang=en")).await;
    assert!(page.headers().get("set-cookie").is_none());
    let page = page.text().await.expect("the page");
    assert!(
        page.contains("<form method=\"post\" class=\"consent-form\">"),
        "{page}"
    );
    assert!(
        page.contains("I agree – start the check</button>"),
        "{page}"
    );

    let report: Report = get_json(&client, &probe.url("/api/v1/scan")).await;
    for (lang, heading, address) in [
        ("de", "Ergebnis", "Geprüfte Adresse: 127.0.0.73"),
        ("en", "Result", "Checked address: 127.0.0.73"),
    ] {
        let (status, h, body) = post(
            &client,
            probe.url("/"),
            &[("sec-fetch-site", "same-origin"), ("origin", "null")],
            &format!("lang={lang}&plan=standard&consent=yes"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_page_without_script(&h, &body);
        assert_eq!(header(&h, "content-language"), lang);
        assert!(body.contains(&format!("<html lang=\"{lang}\">")));
        assert!(body.contains(&format!(">{heading}</h2>")), "{body}");
        assert!(body.contains(address), "the summary: {body}");
        let level = serde_json::to_value(report.verdict.level).expect("level");
        let level = level.as_str().expect("a name");
        assert!(
            body.contains(&format!("data-verdict=\"{level}\"")),
            "{body}"
        );
        for p in &report.ports {
            let state = serde_json::to_value(p.state).expect("state");
            let row = format!(
                "data-port=\"{}\" data-state=\"{}\"",
                p.port,
                state.as_str().expect("a name")
            );
            assert!(body.contains(&row), "{row}");
        }
        for f in &report.verdict.findings {
            let id = serde_json::to_value(f.id).expect("id");
            let hook = format!("data-finding=\"{}\"", id.as_str().expect("a name"));
            assert!(body.contains(&hook), "{hook}");
        }
        assert!(body.contains("<details class=\"router-guide\" id=\"router-fritzbox\""));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_sites_post_gets_403_and_a_bad_form_400() {
    let dir = www();
    let probe = ProbeProcess::start(&[
        "--allow-loopback",
        "--www",
        dir.path().to_str().expect("path"),
    ]);
    let client = client_from("127.0.0.74");
    let cross = [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ];
    for path in ["/", "/embed"] {
        let (status, h, body) = post(&client, probe.url(path), &cross, "consent=yes").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_page_without_script(&h, &body);
        assert!(body.contains("data-failure=\"cross_site\""), "{body}");
    }
    let (status, h, body) = post(&client, probe.url("/"), &[], "consent=no&lang=en").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_page_without_script(&h, &body);
    assert!(body.contains("consent=yes"), "{body}");
}
