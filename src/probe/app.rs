//! The whole HTTP surface as one `Router`: the API, the page and its files,
//! `/healthz` and (when switched on) `/metrics`, with the security headers
//! every response carries and request tracing.
//!
//! [`app`] knows nothing of sockets: the accept loop hands it each
//! connection's [`ConnInfo`](super::state::ConnInfo), and tests drive it
//! in-process with `oneshot` and a mocked connection.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use axum::routing::get;
use tower_http::trace::TraceLayer;

use super::config::Metrics as MetricsMode;
use super::headers::{Kind, security_headers};
use super::state::ProbeState;
use super::www::Page;
use super::{http, metrics, www};

/// Every route of the probe, sharing `state`.
pub fn app(state: Arc<ProbeState>) -> Router {
    let mut app = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .merge(http::router(state.page.site()))
        .merge(www::router(&state.page));
    if state.metrics_mode == MetricsMode::On {
        app = app.route("/metrics", get(metrics::exposition));
    }
    app.layer(axum::middleware::map_response_with_state(
        state.page.clone(),
        baseline_headers,
    ))
    .layer(TraceLayer::new_for_http())
    .with_state(state)
}

/// Security headers for every response that did not set its own.
async fn baseline_headers(State(page): State<Page>, mut resp: Response) -> Response {
    if !resp.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        resp.headers_mut()
            .extend(security_headers(page.site(), Kind::Other));
    }
    resp
}

#[cfg(test)]
mod plans;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod upnp;
#[cfg(test)]
mod via_proxy;
