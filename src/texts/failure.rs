//! Why a check could not be done, read from what the probe (or the network)
//! said, so that the page can show a clear message and a way forward.

use super::Lang;
use super::page_texts::texts;
use crate::api::read::read_json;
use crate::api::{ErrorBody, ErrorCode, Family};

/// Every way a check can fail, as far as the visitor needs to tell them apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// 429: too many checks from this address; wait this long.
    RateLimited {
        /// Seconds to wait, when the probe said.
        retry_after_s: Option<u64>,
    },
    /// 503 busy: the probe is at its limit of concurrent checks.
    Busy {
        /// Seconds to wait, when the probe said.
        retry_after_s: Option<u64>,
    },
    /// 503 shutting down: the probe is restarting.
    ShuttingDown {
        /// Seconds to wait, when the probe said.
        retry_after_s: Option<u64>,
    },
    /// 403: the visitor's address may not be checked; the probe's reason.
    NotAllowed {
        /// Why, in the probe's words.
        reason: String,
    },
    /// 400: a proxy in front of the probe sent unreadable forwarding headers.
    BadRequest {
        /// Why, in the probe's words.
        reason: String,
    },
    /// The request could not be sent or no answer came (offline, DNS, reset).
    Network,
    /// Something answered, but not the probe's API (wrong address, a proxy
    /// error page, an old version): HTTP status, 0 when the body was unusable.
    Unreachable {
        /// The HTTP status, 0 when the body was unusable.
        status: u16,
    },
    /// The stream ended or broke before the result arrived.
    Interrupted,
    /// The probe reported an error during the check.
    Probe {
        /// The probe's error code.
        code: ErrorCode,
        /// The probe's message.
        message: String,
    },
}

impl Failure {
    /// The failure's kind as the page's `data-failure` hook spells it.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Failure::RateLimited { .. } => "rate_limited",
            Failure::Busy { .. } => "busy",
            Failure::ShuttingDown { .. } => "shutting_down",
            Failure::NotAllowed { .. } => "target_not_allowed",
            Failure::BadRequest { .. } => "bad_request",
            Failure::Network => "network",
            Failure::Unreachable { .. } => "unreachable",
            Failure::Interrupted => "interrupted",
            Failure::Probe { .. } => "probe",
        }
    }

    /// What went wrong, in one sentence. A check of one address `family`
    /// that got no answer at all says that this computer has no connection
    /// over that family; the check of the page's own origin (`None`) says
    /// that the checking service could not be reached.
    pub(crate) fn text(&self, family: Option<Family>, lang: Lang) -> &'static str {
        let t = texts(lang);
        match (self, family) {
            (Failure::Network, Some(Family::Ipv4)) => t.no_ipv4,
            (Failure::Network, Some(Family::Ipv6)) => t.no_ipv6,
            (Failure::Network, None) => t.err_network,
            (Failure::RateLimited { .. }, _) => t.err_rate_limited,
            (Failure::Busy { .. }, _) => t.err_busy,
            (Failure::ShuttingDown { .. }, _) => t.err_shutting_down,
            (Failure::NotAllowed { .. }, _) => t.err_not_allowed,
            (Failure::BadRequest { .. }, _) => t.err_bad_request,
            (Failure::Unreachable { .. }, _) => t.err_unreachable,
            (Failure::Interrupted, _) => t.err_interrupted,
            (Failure::Probe { .. }, _) => t.err_probe,
        }
    }

    /// Seconds to wait before a new try makes sense, if the probe said so.
    pub(crate) fn retry_after_s(&self) -> Option<u64> {
        match self {
            Failure::RateLimited { retry_after_s }
            | Failure::Busy { retry_after_s }
            | Failure::ShuttingDown { retry_after_s } => *retry_after_s,
            _ => None,
        }
    }

    /// The failure an `error` event or error body stands for.
    pub(crate) fn from_error_body(body: ErrorBody, retry_after_header: Option<u64>) -> Failure {
        let d = body.error;
        let retry_after_s = d.retry_after_s.or(retry_after_header);
        match d.code {
            ErrorCode::RateLimited | ErrorCode::TooManyRequests => {
                Failure::RateLimited { retry_after_s }
            }
            ErrorCode::Busy => Failure::Busy { retry_after_s },
            ErrorCode::ShuttingDown => Failure::ShuttingDown { retry_after_s },
            ErrorCode::TargetNotAllowed => Failure::NotAllowed { reason: d.message },
            ErrorCode::BadRequest => Failure::BadRequest { reason: d.message },
            code => Failure::Probe {
                code,
                message: d.message,
            },
        }
    }
}

/// Reads a `Retry-After` header given in seconds (the probe never sends the
/// HTTP-date form).
pub(crate) fn parse_retry_after(header: Option<&str>) -> Option<u64> {
    header.and_then(|h| h.trim().parse().ok())
}

/// The failure behind a non-2xx answer to the scan request.
pub(crate) fn classify_response(
    status: u16,
    body: &str,
    retry_after_header: Option<&str>,
) -> Failure {
    let header = parse_retry_after(retry_after_header);
    match read_json::<ErrorBody>(body) {
        Some(b) => Failure::from_error_body(b, header),
        // Not the probe's JSON: still honour the status where it is clear.
        None => match status {
            429 => Failure::RateLimited {
                retry_after_s: header,
            },
            _ => Failure::Unreachable { status },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limited_with_wait_time_from_body_or_header() {
        let body = r#"{"error":{"code":"rate_limited","message":"slow down","retry_after_s":42}}"#;
        assert_eq!(
            classify_response(429, body, Some("50")),
            Failure::RateLimited {
                retry_after_s: Some(42)
            }
        );
        let body = r#"{"error":{"code":"rate_limited","message":"slow down"}}"#;
        let f = classify_response(429, body, Some(" 50 "));
        assert_eq!(f.retry_after_s(), Some(50));
        assert_eq!(
            classify_response(429, "Too Many Requests", None),
            Failure::RateLimited {
                retry_after_s: None
            }
        );
    }

    #[test]
    fn forbidden_keeps_the_reason() {
        let body =
            r#"{"error":{"code":"target_not_allowed","message":"10.0.0.1 is a private address"}}"#;
        assert_eq!(
            classify_response(403, body, None),
            Failure::NotAllowed {
                reason: "10.0.0.1 is a private address".into()
            }
        );
    }

    #[test]
    fn busy_and_shutting_down() {
        let busy = r#"{"error":{"code":"busy","message":"x","retry_after_s":5}}"#;
        assert_eq!(
            classify_response(503, busy, None),
            Failure::Busy {
                retry_after_s: Some(5)
            }
        );
        let down = r#"{"error":{"code":"shutting_down","message":"x"}}"#;
        assert!(matches!(
            classify_response(503, down, Some("10")),
            Failure::ShuttingDown {
                retry_after_s: Some(10)
            }
        ));
    }

    #[test]
    fn foreign_answers_are_unreachable() {
        assert_eq!(
            classify_response(502, "<html>Bad Gateway</html>", None),
            Failure::Unreachable { status: 502 }
        );
        assert_eq!(
            classify_response(404, "", None),
            Failure::Unreachable { status: 404 }
        );
    }

    #[test]
    fn other_codes_are_probe_errors() {
        let body = r#"{"error":{"code":"internal","message":"oops"}}"#;
        assert_eq!(
            classify_response(500, body, None),
            Failure::Probe {
                code: ErrorCode::Internal,
                message: "oops".into()
            }
        );
    }

    #[test]
    fn retry_after_ignores_dates() {
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2026 07:28:00 GMT")),
            None
        );
        assert_eq!(parse_retry_after(None), None);
        assert_eq!(parse_retry_after(Some("0")), Some(0));
    }

    #[test]
    fn no_answer_on_a_family_is_said_plainly() {
        let (v4, v6) = (Some(Family::Ipv4), Some(Family::Ipv6));
        let cases = [
            (v6, Lang::De, "Keine IPv6-Verbindung"),
            (v6, Lang::En, "No IPv6 connection"),
            (v4, Lang::En, "No IPv4 connection"),
            (None, Lang::En, "No connection to the checking service"),
        ];
        for (family, lang, start) in cases {
            assert!(Failure::Network.text(family, lang).starts_with(start));
        }
        let interrupted = |family| Failure::Interrupted.text(family, Lang::De);
        assert_eq!(interrupted(v4), interrupted(None));
    }
}
