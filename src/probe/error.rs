//! The API's one error type: every way an API request can fail, with its
//! status, its `Retry-After` and the JSON body the client reads.
//!
//! The client gets a fixed, helpful message per kind; what went wrong inside
//! the probe goes to the log only.

use std::time::Duration;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::api::{ErrorBody, ErrorCode, ErrorDetail};
use crate::probe::admission::limits::{BUSY_RETRY, Refused, retry_after_secs};
use crate::probe::visitor::forwarded::BadForwarding;
use crate::probe::visitor::policy::NotAllowed;
use crate::probe::visitor::undeclared_proxy::ProxyNotTrusted;

/// Every way an API request can fail.
#[derive(Debug)]
pub(crate) enum ApiError {
    BadForwarding(BadForwarding),
    NotAllowed(NotAllowed),
    RateLimited(Duration),
    /// The request limit of the visitor's site network.
    TooManyRequests(Duration),
    Busy(Duration),
    ShuttingDown,
    /// `?plan=` names no plan the probe offers (the names it does offer).
    UnknownPlan(String),
    NotFound,
    MethodNotAllowed,
    /// A browser request started by a page of another site.
    CrossSite,
    /// A request forwarded by a reverse proxy the probe does not know of.
    ProxyNotTrusted,
    /// A failure inside the probe; the detail is logged, never sent.
    Internal(&'static str),
}

impl From<ProxyNotTrusted> for ApiError {
    fn from(_: ProxyNotTrusted) -> Self {
        ApiError::ProxyNotTrusted
    }
}

impl From<Refused> for ApiError {
    fn from(r: Refused) -> Self {
        match r {
            Refused::RateLimited(d) => ApiError::RateLimited(d),
            Refused::Busy(d) => ApiError::Busy(d),
        }
    }
}

impl ApiError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            ApiError::BadForwarding(_) | ApiError::UnknownPlan(_) => StatusCode::BAD_REQUEST,
            ApiError::NotAllowed(_) | ApiError::CrossSite => StatusCode::FORBIDDEN,
            ApiError::RateLimited(_) | ApiError::TooManyRequests(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::Busy(_) | ApiError::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal(_) | ApiError::ProxyNotTrusted => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited(d) | ApiError::TooManyRequests(d) | ApiError::Busy(d) => {
                Some(retry_after_secs(*d))
            }
            ApiError::ShuttingDown => Some(retry_after_secs(BUSY_RETRY)),
            _ => None,
        }
    }

    fn code_and_message(&self) -> (ErrorCode, String) {
        let fixed = |code, text: &str| (code, text.to_owned());
        match self {
            ApiError::BadForwarding(BadForwarding(why)) => (
                ErrorCode::BadRequest,
                format!("The forwarding header from the trusted proxy cannot be read: {why}."),
            ),
            ApiError::NotAllowed(n) => (ErrorCode::TargetNotAllowed, n.message()),
            ApiError::RateLimited(_) => fixed(
                ErrorCode::RateLimited,
                "This connection has been checked several times in a short while. Please wait before checking again.",
            ),
            ApiError::TooManyRequests(_) => fixed(
                ErrorCode::TooManyRequests,
                "Too many requests came from your network in a short while. Please wait a moment before trying again.",
            ),
            ApiError::Busy(_) => fixed(
                ErrorCode::Busy,
                "The check is busy right now. Please try again in a few seconds.",
            ),
            ApiError::ShuttingDown => fixed(
                ErrorCode::ShuttingDown,
                "The check is restarting. Please try again in a few seconds.",
            ),
            ApiError::UnknownPlan(offered) => (
                ErrorCode::UnknownPlan,
                format!("No such plan. This probe offers: {offered} (see /api/v1/plans)."),
            ),
            ApiError::NotFound => fixed(ErrorCode::NotFound, "No such API endpoint."),
            ApiError::MethodNotAllowed => fixed(
                ErrorCode::MethodNotAllowed,
                "This endpoint only answers GET.",
            ),
            ApiError::CrossSite => fixed(
                ErrorCode::CrossSite,
                "A check can only be started from the check's own page or a site that embeds it. Open the check's page to check this connection.",
            ),
            ApiError::ProxyNotTrusted => fixed(
                ErrorCode::ProxyNotTrusted,
                "The check is set up behind a reverse proxy it was not told about, so every visitor would look like the check's own computer. The operator must let the proxy reach the check on a Unix socket (--listen unix:PATH) and name it with --trusted-proxy unix (PORTCHECK_TRUSTED_PROXY, or trusted_proxy in the configuration file), and remove --allow-loopback.",
            ),
            ApiError::Internal(_) => fixed(
                ErrorCode::Internal,
                "The check failed because of an error in the probe.",
            ),
        }
    }

    /// The error's code on the wire.
    pub(crate) fn code(&self) -> ErrorCode {
        self.code_and_message().0
    }

    /// The JSON body the client gets (also sent as the stream's `error` event).
    pub(crate) fn body(&self) -> ErrorBody {
        if let ApiError::Internal(detail) = self {
            tracing::error!(detail, "request failed inside the probe");
        }
        let (code, message) = self.code_and_message();
        ErrorBody {
            error: ErrorDetail {
                code,
                message,
                retry_after_s: self.retry_after(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status(), Json(self.body())).into_response();
        if let Some(secs) = self.retry_after() {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undeclared_proxy_is_answered_as_proxy_not_trusted() {
        let error = ApiError::from(ProxyNotTrusted);
        assert_eq!(error.code(), ErrorCode::ProxyNotTrusted);
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn internal_detail_stays_out_of_the_body() {
        let body = ApiError::Internal("scan task panicked at src/x.rs").body();
        assert_eq!(body.error.code, ErrorCode::Internal);
        assert!(!body.error.message.contains("panicked"));
        assert_eq!(body.error.retry_after_s, None);
    }

    #[test]
    fn refusals_carry_their_wait() {
        let e = ApiError::from(Refused::RateLimited(Duration::from_millis(59_001)));
        assert_eq!(e.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(e.body().error.retry_after_s, Some(60));
        let e = ApiError::ShuttingDown;
        assert_eq!(e.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(e.body().error.retry_after_s, Some(5));
    }
}
