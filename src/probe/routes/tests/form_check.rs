//! The consent form's post (`POST /`, `POST /embed`), driven in-process: a
//! real scan of a loopback address, answered as a page without script; a
//! cross-site post refused before anything is spent; a malformed form
//! refused with its reason; the form itself in `GET /`. Each test uses
//! its own loopback address, so they can run side by side.

use std::sync::Arc;

use axum::http::{Method, StatusCode};

use super::{ProbeAnswer, ask, ask_with, state};
use crate::api::Report;
use crate::probe::state::ProbeState;
use crate::probe::www::Page;
use crate::probe::www::assets::{Assets, LANG_PLACEHOLDER, NONCE_PLACEHOLDER, START_PLACEHOLDER};
use crate::texts::Lang;
use crate::texts::page_texts::texts;
use crate::texts::words::marks::wire_name;

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

/// A probe that may check loopback, with an embedding site and a page.
fn probe(adjust: impl FnOnce(&mut crate::probe::config::Settings)) -> Arc<ProbeState> {
    let mut st = state(|s| {
        s.allow_targets = vec!["127.0.0.0/8".parse().expect("net")];
        s.site.embed_origins = vec!["https://verband.example".into()];
        adjust(s);
    });
    let index = format!(
        "<!doctype html><html lang=\"{LANG_PLACEHOLDER}\"><head><script type=\"module\" nonce=\"{NONCE_PLACEHOLDER}\">x</script></head><body>{START_PLACEHOLDER}</body></html>"
    );
    let files = [
        ("index.html".to_owned(), index.into_bytes()),
        ("style-0123456789abcdef.css".to_owned(), b"body{}".to_vec()),
    ];
    st.page = Page::new(Assets::from_files(files), st.page.site().clone());
    Arc::new(st)
}

async fn post(
    st: &Arc<ProbeState>,
    from: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> ProbeAnswer {
    ask_with(st, from, (Method::POST, path), headers, body).await
}

/// What every page the probe writes carries: HTML, no cookie, not
/// cached, and a policy that allows no script.
fn assert_scriptless_page(a: &ProbeAnswer) {
    assert_eq!(a.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(a.header("set-cookie"), None);
    assert_eq!(a.header("cache-control"), Some("no-store"));
    let csp = a.header("content-security-policy").expect("a policy");
    assert!(!csp.contains("script-src"), "{csp}");
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(csp.contains("form-action 'self'"), "{csp}");
    assert!(!a.body.contains("<script"), "{}", a.body);
    assert!(a.body.contains("href=\"/style-0123456789abcdef.css\""));
}

#[tokio::test]
async fn a_form_post_runs_the_check_and_answers_with_the_result_page() {
    let from = "127.84.12.1";
    let st = probe(|_| {});
    let same_origin = [FORM, ("sec-fetch-site", "same-origin"), ("origin", "null")];
    let a = post(
        &st,
        from,
        "/",
        &same_origin,
        "lang=en&plan=standard&consent=yes",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_scriptless_page(&a);
    assert_eq!(a.header("content-language"), Some("en"));
    assert_eq!(a.header("x-frame-options"), Some("DENY"));
    assert!(a.body.contains(texts(Lang::En).result_heading));
    assert!(a.body.contains(&format!("Checked address: {from}")));

    // The same verdict and states as the API's report of the same address.
    let json = ask(&st, from, Method::GET, "/api/v1/scan", &[]).await;
    let r: Report = serde_json::from_str(&json.body).expect("a report");
    let verdict = format!("data-verdict=\"{}\"", wire_name(&r.verdict.level));
    assert!(a.body.contains(&verdict), "{verdict}");
    for p in &r.ports {
        let row = format!(
            "data-port=\"{}\" data-state=\"{}\"",
            p.transport.label(p.port),
            wire_name(&p.state)
        );
        assert!(a.body.contains(&row), "{row}");
    }
    for f in &r.verdict.findings {
        let hook = format!("data-finding=\"{}\"", wire_name(&f.id));
        assert!(a.body.contains(&hook), "{hook}");
    }

    // German by the form's field, whatever the browser prefers.
    let de = post(
        &st,
        from,
        "/",
        &[FORM, ("accept-language", "en")],
        "consent=yes&lang=de",
    )
    .await;
    assert_eq!(de.status, StatusCode::OK);
    assert_eq!(de.header("content-language"), Some("de"));
    assert!(de.body.contains(texts(Lang::De).result_heading));
}

#[tokio::test]
async fn the_embed_view_posts_to_embed_and_may_be_framed_by_its_sites() {
    let st = probe(|_| {});
    let a = post(
        &st,
        "127.84.12.2",
        "/embed?origin=https%3A%2F%2Fverband.example",
        &[FORM, ("sec-fetch-site", "same-origin")],
        "consent=yes&lang=de",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_scriptless_page(&a);
    let csp = a.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.ends_with("frame-ancestors https://verband.example"),
        "{csp}"
    );
    assert_eq!(a.header("x-frame-options"), None);
    assert!(!a.body.contains("masthead"));
    assert!(
        a.body
            .contains("href=\"?origin=https%3A%2F%2Fverband.example&amp;lang=en\""),
        "the language link keeps the embed view's origin"
    );
}

#[tokio::test]
async fn a_cross_site_post_is_refused_before_anything_is_spent() {
    // One check's allowance: a refused post must not use it.
    let st = probe(|s| s.rate.burst = 1);
    let from = "127.84.12.3";
    for headers in [
        vec![
            FORM,
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        vec![FORM, ("sec-fetch-site", "cross-site")],
        vec![
            FORM,
            ("origin", "https://evil.example"),
            ("host", "probe.example"),
        ],
    ] {
        for path in ["/", "/embed"] {
            let a = post(&st, from, path, &headers, "consent=yes&lang=en").await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{headers:?}");
            assert_scriptless_page(&a);
            assert!(a.body.contains("data-failure=\"cross_site\""), "{}", a.body);
            // The body was not read: the page speaks the request's
            // language, German without `Accept-Language`.
            assert!(a.body.contains(texts(Lang::De).error_heading));
        }
    }
    // A malformed form from another site is refused as cross-site too.
    let a = post(
        &st,
        from,
        "/",
        &[("sec-fetch-site", "cross-site")],
        "garbage",
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // The embedding site may post, as it may use the API.
    let embedder = [
        FORM,
        ("origin", "https://verband.example"),
        ("sec-fetch-site", "cross-site"),
    ];
    let a = post(&st, from, "/embed", &embedder, "consent=yes").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // Now the allowance is spent: the next check is the rate limit's page.
    let a = post(&st, from, "/", &[FORM], "consent=yes&lang=en").await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_scriptless_page(&a);
    assert!(a.header("retry-after").is_some());
    assert!(a.body.contains(texts(Lang::En).err_rate_limited));
}

#[tokio::test]
async fn a_malformed_form_is_refused_with_its_reason() {
    let st = probe(|s| s.rate.burst = 1);
    let from = "127.84.12.4";
    let long = format!("consent=yes&lang=en&plan={}", "x".repeat(2000));
    for (headers, body, reason) in [
        (vec![FORM], "", "consent=yes"),
        (vec![FORM], "consent=no", "consent=yes"),
        (vec![FORM], "consent=yes&lang=fr", "de or en"),
        (vec![FORM], "consent=yes&target=192.0.2.1", "`target`"),
        (vec![FORM], "consent=yes&consent=yes", "twice"),
        (vec![FORM], long.as_str(), "longer than 1024 bytes"),
        (
            vec![("content-type", "text/plain")],
            "consent=yes",
            "not a form",
        ),
        (vec![], "consent=yes", "not a form"),
    ] {
        let a = post(&st, from, "/", &headers, body).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body}");
        assert_scriptless_page(&a);
        assert!(a.body.contains(reason), "{reason}: {}", a.body);
        assert!(a.body.contains("data-failure=\"bad_request\""));
    }
    let a = post(&st, from, "/", &[FORM], "consent=yes&plan=everything").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.body.contains("data-failure=\"unknown_plan\""),
        "{}",
        a.body
    );
    // None of them spent the allowance.
    let a = post(&st, from, "/", &[FORM], "consent=yes").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

#[tokio::test]
async fn the_page_carries_the_form_in_the_requests_language() {
    let st = probe(|_| {});
    let de = ask(&st, "127.84.12.5", Method::GET, "/", &[]).await;
    assert_eq!(de.status, StatusCode::OK);
    assert!(!de.body.contains(START_PLACEHOLDER));
    assert!(
        de.body
            .contains("<form method=\"post\" class=\"consent-form\">")
    );
    assert!(de.body.contains(texts(Lang::De).consent_button));
    let csp = de.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("form-action 'self'"), "{csp}");

    let en = ask(
        &st,
        "127.84.12.5",
        Method::GET,
        "/",
        &[("accept-language", "en-GB, de;q=0.5")],
    )
    .await;
    assert!(en.body.contains(texts(Lang::En).consent_button));
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(de.body.contains("<html lang=\"de\">"));
    assert_eq!(en.header("vary"), Some("accept-language, accept-encoding"));
    assert_eq!(en.header("content-encoding"), None);
    let asked = ask(
        &st,
        "127.84.12.5",
        Method::GET,
        "/embed?lang=en&origin=x",
        &[],
    )
    .await;
    assert!(asked.body.contains(texts(Lang::En).consent_button));
    assert!(asked.body.contains("class=\"page embedded\""));
    assert!(asked.body.contains("href=\"?origin=x&amp;lang=de\""));
    // Other methods on the page's routes are no check.
    let put = ask(&st, "127.84.12.5", Method::PUT, "/", &[]).await;
    assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
}
