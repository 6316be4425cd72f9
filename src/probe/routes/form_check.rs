//! `POST /` and `POST /embed`: the consent form's check, for browsers that
//! run no WebAssembly or no JavaScript. The form (written into the page by
//! `probe::html`) posts `consent=yes`, `lang` and `plan`; the answer is a
//! whole HTML page with the result, sent when the scan is done.
//!
//! It is the API's check with another answer, and keeps the API's rules:
//!
//! 1. the origin guard first: a post started by another site's page
//!    (`Origin`, `Sec-Fetch-Site`) is refused with 403 before the body is
//!    read ([`origin_guard::refuse_cross_site`]);
//! 2. the form: `application/x-www-form-urlencoded`, at most
//!    [`FORM_LIMIT`] bytes, only the three fields, each once, and the
//!    consent given; anything else is 400 with what was wrong;
//! 3. the same admission as `GET /api/v1/scan` (the requester's own
//!    address, the rate limit, the scan slots and their queue), the same
//!    scan task ([`api::spawn_scan`]); the answer waits for the scan, which
//!    fits in the connection's lifetime as the JSON report's does (the
//!    queue waits at most half of it, `ProbeState::queue_limit`);
//! 4. no cookie, nothing kept: the page holds the result, and "check
//!    again" is the same form once more.
//!
//! The page's policy runs no script at all ([`Kind::Rendered`]) and may be
//! framed by the embedding sites under `/embed`, as the app's embed view.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::api::{SCAN_FAILED, spawn_scan};
use super::origin_guard;
use crate::api::ErrorCode;
use crate::plan::Plan;
use crate::probe::encoding::encode_page;
use crate::probe::error::ApiError;
use crate::probe::html::{View, failure_page, result_page};
use crate::probe::state::{Admission, ConnInfo, ProbeState};
use crate::probe::www::headers::{Kind, security_headers};
use crate::texts::Lang;
use crate::texts::failure::Failure;
use crate::texts::page_texts::texts;
use crate::texts::words::marks::wire_name;

/// The largest form body read: the three fields take under 50 bytes.
pub(crate) const FORM_LIMIT: usize = 1024;

/// What the consent form asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormCheck {
    /// The language the form was shown in, when it said.
    pub lang: Option<Lang>,
    /// The plan's name, when it said (else the probe's first plan).
    pub plan: Option<String>,
}

/// Reads the consent form's fields: `consent=yes` (required), `lang=de|en`
/// and `plan=NAME` (optional), each at most once, nothing else. The error
/// says in English what was wrong, as the API's messages do.
pub(crate) fn parse_form(body: &[u8]) -> Result<FormCheck, String> {
    let mut consent = None;
    let mut lang = None;
    let mut plan = None;
    for (key, value) in url::form_urlencoded::parse(body) {
        let slot = match key.as_ref() {
            "consent" => &mut consent,
            "lang" => &mut lang,
            "plan" => &mut plan,
            other => return Err(format!("unknown form field `{}`", other.escape_debug())),
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(format!("form field `{key}` given twice"));
        }
    }
    if consent.as_deref() != Some("yes") {
        return Err("the form lacks the consent (consent=yes)".to_owned());
    }
    let lang = match lang.as_deref() {
        None => None,
        Some("de") => Some(Lang::De),
        Some("en") => Some(Lang::En),
        Some(_) => return Err("lang must be de or en".to_owned()),
    };
    Ok(FormCheck { lang, plan })
}

/// Whether the request's body is a form (`Content-Type`, parameters aside).
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The handler of `POST /` and `POST /embed`.
pub(super) async fn check(
    State(st): State<Arc<ProbeState>>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let page = st.page.clone();
    let view = page.view(&parts.uri, &parts.headers, None);
    if let Err(e) = origin_guard::refuse_cross_site(&st, &parts.headers) {
        return refusal(&st, &view, &e);
    }
    let form = if is_form(&parts.headers) {
        match axum::body::to_bytes(body, FORM_LIMIT).await {
            Ok(bytes) => parse_form(&bytes),
            Err(_) => Err(format!("the form is longer than {FORM_LIMIT} bytes")),
        }
    } else {
        Err("the request is not a form (application/x-www-form-urlencoded)".to_owned())
    };
    let form = match form {
        Ok(form) => form,
        Err(reason) => {
            let t = texts(view.lang);
            let code = wire_name(&ErrorCode::BadRequest);
            let html = failure_page(
                &view,
                &Plan::standard(),
                (&code, t.form_invalid, Some(&reason)),
                None,
            );
            return rendered(&st, &view, StatusCode::BAD_REQUEST, html, None);
        }
    };
    let view = View {
        lang: form.lang.unwrap_or(view.lang),
        ..view
    };
    let plan = match st.plan_named(form.plan.as_deref()) {
        Ok(plan) => plan.clone(),
        Err(e) => return refusal(&st, &view, &e),
    };
    let admitted = match st.admit(&conn, &parts.headers) {
        Ok(Admission::Now(admitted)) => admitted,
        Ok(Admission::Queued(queued)) => match st.wait_turn(queued, |_| {}).await {
            Ok(admitted) => admitted,
            Err(e) => return refusal(&st, &view, &e),
        },
        Err(e) => return refusal(&st, &view, &e),
    };
    let report = match spawn_scan(&st, plan.clone(), admitted, |_| {}).await {
        Ok(Some(report)) => report,
        _ => return refusal(&st, &view, &SCAN_FAILED),
    };
    let html = result_page(&view, &report, &plan);
    rendered(&st, &view, StatusCode::OK, html, None)
}

/// The page for a refused or failed check, with the API's status, its
/// `Retry-After` and the app's sentence for the failure.
fn refusal(st: &ProbeState, view: &View<'_>, e: &ApiError) -> Response {
    let body = e.body();
    let code = wire_name(&body.error.code);
    let retry = body.error.retry_after_s;
    let failure = Failure::from_error_body(body.clone(), None);
    let reason = match &failure {
        Failure::NotAllowed { reason } | Failure::BadRequest { reason } => Some(reason.as_str()),
        Failure::Probe { message, .. } => Some(message.as_str()),
        _ => None,
    };
    let html = failure_page(
        view,
        &Plan::standard(),
        (&code, failure.text(None, view.lang), reason),
        retry,
    );
    rendered(st, view, e.status(), html, retry)
}

/// An HTML page the probe wrote, with the script-free policy.
fn rendered(
    st: &ProbeState,
    view: &View<'_>,
    status: StatusCode,
    html: String,
    retry_after_s: Option<u64>,
) -> Response {
    let mut headers = HeaderMap::new();
    headers.extend(security_headers(
        st.page.site(),
        Kind::Rendered { embed: view.embed },
    ));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(view.lang.code()),
    );
    if let Some(secs) = retry_after_s {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let (encoding, body) = encode_page(html, view.encoding);
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    (status, headers, Body::from(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consent_form_and_its_fields() {
        let ok = |body: &str| parse_form(body.as_bytes());
        assert_eq!(
            ok("consent=yes"),
            Ok(FormCheck {
                lang: None,
                plan: None
            })
        );
        assert_eq!(
            ok("lang=en&plan=practice&consent=yes"),
            Ok(FormCheck {
                lang: Some(Lang::En),
                plan: Some("practice".into())
            })
        );
        assert_eq!(
            ok("plan=standard&lang=de&consent=yes").map(|f| f.lang),
            Ok(Some(Lang::De))
        );
    }

    #[test]
    fn anything_but_the_form_is_refused_with_its_reason() {
        let refused = |body: &str| parse_form(body.as_bytes()).expect_err(body);
        assert!(refused("").contains("consent"));
        assert!(refused("lang=de").contains("consent"));
        assert!(refused("consent=no").contains("consent"));
        assert!(refused("consent=yes&consent=yes").contains("twice"));
        assert!(refused("consent=yes&lang=fr").contains("de or en"));
        assert!(refused("consent=yes&lang=de&lang=en").contains("twice"));
        assert!(refused("consent=yes&target=192.0.2.1").contains("`target`"));
        assert!(refused("consent=yes&%3Cb%3E=1").contains("`<b>`"));
    }

    #[test]
    fn only_a_form_body_is_read() {
        let with = |ct: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
            is_form(&h)
        };
        assert!(with("application/x-www-form-urlencoded"));
        assert!(with("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
        assert!(!with("text/plain"));
        assert!(!with("multipart/form-data; boundary=x"));
        assert!(!is_form(&HeaderMap::new()));
    }
}
