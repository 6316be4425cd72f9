//! Who may start a check from a browser.
//!
//! A check spends the visitor's allowance and one of the probe's scan slots.
//! Without a guard any web page could make its visitors' browsers start
//! checks (an `<img>` or a `fetch` to `/api/v1/scan`; CORS only hides the
//! answer, the scan still runs). Browsers say where a request comes from in
//! `Sec-Fetch-Site` and `Origin`, headers a page cannot set, so the probe
//! refuses what a page of another site started, before any scan:
//!
//! 1. `Origin` is one of the probe's own origins or a configured embedding
//!    site: allowed.
//! 2. `Sec-Fetch-Site` is `same-origin`, `same-site` (a page under the same
//!    registrable domain as the probe, which its operator holds) or `none`
//!    (the visitor typed the address or used a bookmark): allowed; any
//!    other value (`cross-site`) is refused.
//! 3. No `Sec-Fetch-Site` (older browsers) but an `Origin`: allowed only
//!    when it names the host the request was sent to (`Host`).
//! 4. Neither header: not a browser (curl, the terminal client, monitoring),
//!    allowed.
//!
//! Only `GET` starts a check through the API: axum would answer `HEAD` with
//! the `GET` handler, so a `HEAD` (or any other method) is refused with 405
//! first. The consent form's `POST` (`routes::form_check`) passes the same
//! origin rules ([`judge_origin`], [`refuse_cross_site`]): a form on another
//! site that posts to the probe is refused like its `fetch` would be.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};

use crate::probe::error::ApiError;
use crate::probe::state::ProbeState;
use crate::probe::www::headers::cors_origins;

/// Why a request may not start a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A method other than `GET`.
    NotGet,
    /// A browser request started by a page of another site.
    CrossSite,
}

/// Whether a request with `method` and `headers` may start a check, given
/// the origins (own and embedding) that may start one from anywhere.
pub(crate) fn judge(
    method: &Method,
    headers: &HeaderMap,
    allowed: &[String],
) -> Result<(), Refusal> {
    if method != Method::GET {
        return Err(Refusal::NotGet);
    }
    judge_origin(headers, allowed)
}

/// Whether a browser request with `headers` comes from a page that may
/// start a check: rules 1–4 above, whatever the method.
pub(crate) fn judge_origin(headers: &HeaderMap, allowed: &[String]) -> Result<(), Refusal> {
    let one = |name: &str| {
        let mut values = headers.get_all(name).iter();
        match (values.next(), values.next()) {
            (None, _) => Ok(None),
            (Some(v), None) => v.to_str().map(|s| Some(s.trim())).map_err(|_| ()),
            (Some(_), Some(_)) => Err(()),
        }
    };
    let (Ok(origin), Ok(fetch_site)) = (one("origin"), one("sec-fetch-site")) else {
        return Err(Refusal::CrossSite);
    };
    if origin.is_some_and(|o| allowed.iter().any(|a| a.eq_ignore_ascii_case(o))) {
        return Ok(());
    }
    match (fetch_site, origin) {
        (Some(site), _) => ["same-origin", "same-site", "none"]
            .iter()
            .any(|ok| site.eq_ignore_ascii_case(ok))
            .then_some(())
            .ok_or(Refusal::CrossSite),
        (None, Some(origin)) => names_host(origin, headers)
            .then_some(())
            .ok_or(Refusal::CrossSite),
        (None, None) => Ok(()),
    }
}

/// Whether `origin` (`scheme://host[:port]`) names the host the request was
/// sent to. Browsers write both from the same URL, default ports left out;
/// the scheme is not compared, since TLS often ends at a proxy in front.
fn names_host(origin: &str, headers: &HeaderMap) -> bool {
    let Some((_, authority)) = origin.split_once("://") else {
        return false;
    };
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| !host.is_empty() && host.trim().eq_ignore_ascii_case(authority))
}

/// Refuses (and counts) a request that [`judge_origin`] refuses: the
/// consent form's post, which is no `GET`.
pub(crate) fn refuse_cross_site(st: &ProbeState, headers: &HeaderMap) -> Result<(), ApiError> {
    match judge_origin(headers, &cors_origins(st.page.site())) {
        Ok(()) => Ok(()),
        Err(_) => {
            st.metrics.record_refused(ApiError::CrossSite.code());
            Err(ApiError::CrossSite)
        }
    }
}

/// Extractor for the handlers that start a check: refuses (and counts) a
/// request [`judge`] refuses, before anything else of the handler runs.
pub(crate) struct MayStartCheck;

impl FromRequestParts<Arc<ProbeState>> for MayStartCheck {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        st: &Arc<ProbeState>,
    ) -> Result<Self, Self::Rejection> {
        let allowed = cors_origins(st.page.site());
        let refusal = match judge(&parts.method, &parts.headers, &allowed) {
            Ok(()) => return Ok(MayStartCheck),
            Err(Refusal::NotGet) => ApiError::MethodNotAllowed,
            Err(Refusal::CrossSite) => ApiError::CrossSite,
        };
        st.metrics.record_refused(refusal.code());
        Err(refusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const OWN: &str = "https://check.example";
    const EMBEDDER: &str = "https://verband.example";

    fn allowed() -> Vec<String> {
        vec![
            OWN.into(),
            "https://v4.check.example".into(),
            EMBEDDER.into(),
        ]
    }

    fn judged(method: Method, list: &[(&'static str, &str)]) -> Result<(), Refusal> {
        let mut h = HeaderMap::new();
        for (name, value) in list {
            h.append(*name, HeaderValue::from_str(value).expect("value"));
        }
        judge(&method, &h, &allowed())
    }

    fn get(list: &[(&'static str, &str)]) -> Result<(), Refusal> {
        judged(Method::GET, list)
    }

    #[test]
    fn clients_without_browser_headers_may_start_checks() {
        assert_eq!(get(&[]), Ok(()));
        assert_eq!(
            get(&[("host", "check.example"), ("user-agent", "curl/8")]),
            Ok(())
        );
    }

    #[test]
    fn own_and_embedding_origins_may_start_checks_from_anywhere() {
        for origin in [
            OWN,
            "https://v4.check.example",
            EMBEDDER,
            "HTTPS://Verband.example",
        ] {
            assert_eq!(get(&[("origin", origin)]), Ok(()), "{origin}");
            let cross = [("origin", origin), ("sec-fetch-site", "cross-site")];
            assert_eq!(get(&cross), Ok(()), "{origin}");
        }
    }

    #[test]
    fn fetch_metadata_decides_for_other_origins() {
        for site in ["same-origin", "same-site", "none", "Same-Origin"] {
            assert_eq!(get(&[("sec-fetch-site", site)]), Ok(()), "{site}");
        }
        for site in ["cross-site", "", "cross-origin", "same-origin, cross-site"] {
            assert_eq!(
                get(&[("sec-fetch-site", site)]),
                Err(Refusal::CrossSite),
                "{site}"
            );
        }
        // A foreign page's fetch, image or navigation.
        let foreign = [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ];
        assert_eq!(get(&foreign), Err(Refusal::CrossSite));
        assert_eq!(get(&foreign[1..]), Err(Refusal::CrossSite));
        // Two values of either header: not what a browser sends.
        let twice = [
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-site", "none"),
        ];
        assert_eq!(get(&twice), Err(Refusal::CrossSite));
        let twice = [("origin", OWN), ("origin", "https://evil.example")];
        assert_eq!(get(&twice), Err(Refusal::CrossSite));
    }

    #[test]
    fn without_fetch_metadata_the_origin_must_name_the_host() {
        let from = |origin: &str, host: &str| get(&[("origin", origin), ("host", host)]);
        assert_eq!(from("http://127.0.0.1:8080", "127.0.0.1:8080"), Ok(()));
        assert_eq!(from("https://Probe.example", "probe.example"), Ok(()));
        assert_eq!(
            from("https://evil.example", "probe.example"),
            Err(Refusal::CrossSite)
        );
        assert_eq!(
            from("http://127.0.0.1:9999", "127.0.0.1:8080"),
            Err(Refusal::CrossSite)
        );
        assert_eq!(from("null", "probe.example"), Err(Refusal::CrossSite));
        assert_eq!(from("https://", ""), Err(Refusal::CrossSite));
        assert_eq!(
            get(&[("origin", "https://evil.example")]),
            Err(Refusal::CrossSite)
        );
        assert_eq!(get(&[("origin", "null")]), Err(Refusal::CrossSite));
    }

    #[test]
    fn only_get_starts_a_check() {
        for method in [Method::HEAD, Method::POST, Method::OPTIONS, Method::PUT] {
            assert_eq!(
                judged(method.clone(), &[]),
                Err(Refusal::NotGet),
                "{method}"
            );
        }
    }
}
