//! `curl -H 'Accept: text/plain' …/api/v1/scan`: the result as text in the
//! language of `Accept-Language` (German unless English is asked for);
//! JSON stays the default.

use super::*;
use portcheck::api::Report;

async fn scan_with(accept: &str, language: Option<&str>) -> reqwest::Response {
    let server = TestServer::start(settings()).await;
    let mut request = client_from("127.0.0.31")
        .get(server.url("/api/v1/scan"))
        .header("accept", accept);
    if let Some(l) = language {
        request = request.header("accept-language", l);
    }
    let resp = request.send().await.expect("scan");
    assert_eq!(resp.status(), reqwest::StatusCode::OK);
    resp
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_text_in_both_languages() {
    for (language, first, address, ports) in [
        (
            None,
            "Portcheck 440–449, 80–89: Prüfbericht",
            "Geprüfte Adresse: 127.0.0.31 (IPv4)",
            "Befunde",
        ),
        (
            Some("fr, en-GB;q=0.8"),
            REPORT_FIRST_LINE,
            "Checked address: 127.0.0.31 (IPv4)",
            "Findings",
        ),
        (
            Some("de-AT, en;q=0.5"),
            "Portcheck 440–449, 80–89: Prüfbericht",
            "Geprüfte Adresse:",
            "Befunde",
        ),
    ] {
        let resp = scan_with("text/plain", language).await;
        assert_eq!(resp.headers()["content-type"], "text/plain; charset=utf-8");
        let text = resp.text().await.expect("text");
        assert_eq!(text.lines().next(), Some(first), "{language:?}:\n{text}");
        assert!(text.contains(address), "{text}");
        assert!(text.contains(ports), "{text}");
        assert!(text.contains("\nPorts 440–449:\n  440   sgcp "), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_stays_the_default() {
    for accept in [
        "*/*",
        "application/json",
        "text/plain;q=0.5, application/json",
    ] {
        let resp = scan_with(accept, Some("en")).await;
        assert_eq!(
            resp.headers()["content-type"],
            "application/json",
            "{accept}"
        );
        let report: Report = resp.json().await.expect("the JSON report");
        assert_eq!(report.target.ip, ip("127.0.0.31"));
    }
}
