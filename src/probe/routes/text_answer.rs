//! The plain-text answer of `GET /api/v1/scan`: `curl -H 'Accept: text/plain'`
//! gets the result as text for people (the page's summary, see
//! [`crate::texts::summary::report_summary`]) in the language the request's
//! `Accept-Language` asks for, German first. JSON stays the default: text
//! is sent only when the request prefers `text/plain` to JSON.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::api::Report;
use crate::plan::Plan;
use crate::texts::Lang;
use crate::texts::lang::{from_accept_language, ranked};
use crate::texts::summary::report_summary;

/// The language of a text answer when the request prefers `text/plain`,
/// `None` when JSON is the answer.
pub(crate) fn negotiate(headers: &HeaderMap) -> Option<Lang> {
    let accept = headers.get(header::ACCEPT)?.to_str().ok()?;
    if !prefers_text(accept) {
        return None;
    }
    let languages = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Some(from_accept_language(languages))
}

/// The report as text in `lang`, `text/plain; charset=utf-8`.
pub(crate) fn response(report: &Report, plan: &Plan, lang: Lang) -> Response {
    let mut resp = report_summary(report, plan, lang).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    resp.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("accept, accept-language"),
    );
    resp
}

/// Whether an `Accept` header ranks `text/plain` above JSON. `*/*` and
/// `application/*` count for JSON, the default.
fn prefers_text(accept: &str) -> bool {
    let mut text = 0.0f32;
    let mut json = 0.0f32;
    for (range, q) in ranked(accept) {
        let range = range.to_ascii_lowercase();
        match range.as_str() {
            "text/plain" | "text/*" => text = text.max(q),
            "application/json" | "application/*" | "*/*" => json = json.max(q),
            _ => {}
        }
    }
    text > 0.0 && text > json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_stays_the_default() {
        for accept in ["", "*/*", "application/json", "text/plain;q=0.5, */*"] {
            assert!(!prefers_text(accept), "{accept:?}");
        }
        assert!(!prefers_text("text/plain;q=0, application/json;q=0.1"));
        assert!(!prefers_text("text/plain;q=abc"));
    }

    #[test]
    fn text_when_asked_for_first() {
        for accept in [
            "text/plain",
            "TEXT/PLAIN; charset=utf-8",
            "text/plain, */*;q=0.5",
            "application/json;q=0.2, text/*",
        ] {
            assert!(prefers_text(accept), "{accept:?}");
        }
    }

    #[test]
    fn headers_choose_format_and_language() {
        let mut h = HeaderMap::new();
        assert_eq!(negotiate(&h), None);
        h.insert(header::ACCEPT, HeaderValue::from_static("text/plain"));
        assert_eq!(negotiate(&h), Some(Lang::De));
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en"));
        assert_eq!(negotiate(&h), Some(Lang::En));
    }
}
