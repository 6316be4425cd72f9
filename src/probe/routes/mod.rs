//! The whole HTTP surface as one `Router`: the API, the page and its files,
//! `/healthz` and (when switched on) `/metrics`, with the request limit per
//! network in front of all of them, the security headers every response
//! carries and request tracing.
//!
//! [`router`] knows nothing of sockets: the accept loop hands it each
//! connection's [`ConnInfo`](crate::probe::state::ConnInfo), and tests drive it
//! in-process with `oneshot` and a mocked connection.
//!
//! - [`api`]: the API routes: whoami, scan, scan stream, site.
//! - [`form_check`]: the consent form's post (`POST /`, `POST /embed`),
//!   answered with a result page for browsers without WebAssembly.
//! - [`error`]: the API's error responses.
//! - [`text_answer`]: the scan report as text for `Accept: text/plain`.
//! - [`origin_guard`]: only the probe's own pages and embedding sites may
//!   start a check from a browser.
//! - [`www`]: the built page at `/`, theme, `security.txt`.
//! - [`assets`]: the page's files (embedded), encodings, ETags, nonce.
//! - [`headers`]: CSP, frame-ancestors and hardening headers.
//! - [`metrics`]: Prometheus metrics, aggregate only.

pub(super) mod api;
pub(super) mod form_check;
pub(super) mod origin_guard;
pub(super) mod text_answer;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::extract::{ConnectInfo, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::Level;

use crate::probe::config::MetricsMode;
use crate::probe::metrics;
use crate::probe::state::{ConnInfo, ProbeState};
use crate::probe::www::headers::{Kind, security_headers};
use crate::probe::www::{self, Page};

/// Every route of the probe, sharing `state`.
pub(super) fn router(state: Arc<ProbeState>) -> Router {
    let mut app = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .merge(api::router(state.page.site()))
        // The page's two views: `GET` is the page, `POST` its consent form.
        .route("/", get(www::serve).post(form_check::check))
        .route("/embed", get(www::serve).post(form_check::check))
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
    // The request limit runs first of all, inside the headers layer so that
    // its 429 carries them too.
    app.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        limit_requests,
    ))
    .layer(axum::middleware::map_response_with_state(
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

/// How long a request over its network's allowance waits for its 429. An
/// HTTP/1 connection answers its requests in turn, so a client that
/// ignores `Retry-After` gets one answer a second per connection, and the
/// connection limits per network bound its connections: a flood then
/// costs the probe next to nothing, instead of a 429 for every request it
/// can write.
pub(super) const REFUSAL_PAUSE: Duration = Duration::from_secs(1);

/// Every request counts against its site network's request allowance
/// ([`ProbeState::count_request`]); beyond it, 429 with `Retry-After`
/// after [`REFUSAL_PAUSE`].
async fn limit_requests(
    State(st): State<Arc<ProbeState>>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    req: Request,
    next: Next,
) -> Response {
    match st.count_request(&conn, req.uri().path(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => {
            tokio::time::sleep(REFUSAL_PAUSE).await;
            e.into_response()
        }
    }
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
mod tests;
