//! The whole HTTP surface as one `Router`: the API, the page and its files,
//! `/healthz` and (when switched on) `/metrics`, with the security headers
//! every response carries and request tracing.
//!
//! [`app`] knows nothing of sockets: the accept loop hands it each
//! connection's [`ConnInfo`](super::state::ConnInfo), and tests drive it
//! in-process with `oneshot` and a mocked connection.

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::Level;

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
    app = match state.metrics_mode {
        MetricsMode::On => app.route("/metrics", get(metrics::exposition)),
        // Not the page either: a scraper pointed here learns that metrics
        // are off, not that they are an HTML page.
        _ => app.route(
            "/metrics",
            get(|| async { (StatusCode::NOT_FOUND, "metrics are off here (--metrics)\n") }),
        ),
    };
    app.layer(axum::middleware::map_response_with_state(
        state.page.clone(),
        baseline_headers,
    ))
    .layer(axum::middleware::from_fn(refuse_connect))
    // Refusals (503 busy, shutting down) are counted in the metrics, and
    // faults inside the probe log themselves: a failed response is no ERROR
    // line of its own, or every refusal would write one.
    .layer(TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(Level::DEBUG)))
    .with_state(state)
}

/// `CONNECT` asks for a tunnel, which the probe never opens: 405 without a
/// body, before the page's routes would answer it with a page.
async fn refuse_connect(req: Request, next: Next) -> Response {
    if req.method() == Method::CONNECT {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    next.run(req).await
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
