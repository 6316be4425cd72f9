//! The HTTP API: routes, admission of a scan request, and error responses.
//!
//! Every scan goes through [`ProbeState::admit`]: find whose address the
//! request comes from (the peer, or the client a trusted proxy names), check
//! that it may be scanned, take a scan slot, and count it against the
//! address's rate limit. Nothing in the request names a target or ports.
//!
//! Privacy: handlers never log an address, and nothing about a visitor is
//! kept after the response besides the rate limiter's keyed hash.

use std::net::{IpAddr, SocketAddr};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::{FutureExt, Stream};
use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::task::TaskTracker;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use super::config::Settings;
use super::forwarded::{BadForwarding, Trust, client_address};
use super::limits::{RateLimit, Refused, ScanSlots, retry_after_secs};
use super::policy::{NotAllowed, TargetPolicy};
use super::scan::{self, Plan, Timing};
use super::www;
use crate::api::{ErrorBody, ErrorCode, ErrorDetail, Report, Started, Target, event};

/// What the listener knows about the connection a request arrived on.
#[derive(Debug, Clone, Copy)]
pub struct ConnInfo {
    pub peer: SocketAddr,
    /// Round-trip time of the connection's TCP handshake, when known.
    pub rtt: Option<Duration>,
}

/// Shared state of the API.
pub struct ProbeState {
    pub policy: TargetPolicy,
    pub trust: Trust,
    pub timing: Timing,
    pub limiter: RateLimit,
    pub slots: ScanSlots,
    /// Running scans, so shutdown can wait for them.
    pub tasks: TaskTracker,
    pub shutting_down: AtomicBool,
    pub www: PathBuf,
}

impl ProbeState {
    pub fn new(settings: &Settings) -> Self {
        ProbeState {
            policy: TargetPolicy::new(settings.allow_targets.clone(), settings.listen.ip()),
            trust: Trust {
                proxies: settings.trusted_proxies.clone(),
                header: settings.forwarded_header,
            },
            timing: settings.timing,
            limiter: RateLimit::new(settings.rate),
            slots: ScanSlots::new(settings.max_scans),
            tasks: TaskTracker::new(),
            shutting_down: AtomicBool::new(false),
            www: settings.www.clone(),
        }
    }

    /// The address this request must be checked at.
    fn visitor(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<IpAddr, ApiError> {
        let values = headers
            .get_all(self.trust.header.name())
            .iter()
            .map(HeaderValue::as_bytes);
        client_address(conn.peer.ip(), values, &self.trust).map_err(ApiError::BadForwarding)
    }

    /// Admit one scan for the request, or say why not.
    fn admit(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<Admitted, ApiError> {
        let target = self.visitor(conn, headers)?;
        self.policy.check(target).map_err(ApiError::NotAllowed)?;
        if self.shutting_down.load(Ordering::Relaxed) {
            return Err(ApiError::ShuttingDown);
        }
        // Take the slot before counting the scan, so a busy probe does not
        // use up the visitor's allowance.
        let slot = self.slots.try_acquire().map_err(ApiError::from)?;
        self.limiter.check(target).map_err(ApiError::from)?;
        // The handshake RTT describes the path to the visitor only when the
        // visitor is the peer, not a proxy.
        let rtt = (target == super::policy::normalise(conn.peer.ip()))
            .then_some(conn.rtt)
            .flatten();
        Ok(Admitted { target, rtt, slot })
    }
}

struct Admitted {
    target: IpAddr,
    rtt: Option<Duration>,
    slot: OwnedSemaphorePermit,
}

/// The router with every route; `state` is shared by all connections.
pub fn router(state: Arc<ProbeState>) -> Router {
    let api = Router::new()
        .route("/api/v1/whoami", get(whoami))
        .route("/api/v1/scan", get(scan_json))
        .route("/api/v1/scan/stream", get(scan_stream))
        .route("/api/{*rest}", get(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api)
        .fallback(www::serve)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn whoami(
    State(st): State<Arc<ProbeState>>,
    Extension(conn): Extension<ConnInfo>,
    headers: HeaderMap,
) -> Result<Json<Target>, ApiError> {
    Ok(Json(Target::new(st.visitor(&conn, &headers)?)))
}

/// Run an admitted scan as a tracked task, reporting events to `on_port`.
fn spawn_scan(
    st: &ProbeState,
    admitted: Admitted,
    on_port: impl FnMut(crate::api::PortEvent) + Send + 'static,
) -> tokio::task::JoinHandle<Option<Report>> {
    let timing = st.timing;
    st.tasks.spawn(async move {
        let Admitted { target, rtt, slot } = admitted;
        let plan = Plan::standard();
        let scan = scan::scan(target, &plan, timing, rtt, on_port);
        let report = AssertUnwindSafe(scan).catch_unwind().await.ok();
        drop(slot);
        if report.is_none() {
            tracing::error!("scan task failed");
        }
        report
    })
}

async fn scan_json(
    State(st): State<Arc<ProbeState>>,
    Extension(conn): Extension<ConnInfo>,
    headers: HeaderMap,
) -> Result<Json<Report>, ApiError> {
    let admitted = st.admit(&conn, &headers)?;
    let handle = spawn_scan(&st, admitted, |_| {});
    match handle.await {
        Ok(Some(report)) => {
            tracing::info!(
                level = ?report.verdict.level,
                duration_ms = report.duration_ms,
                "scan finished"
            );
            Ok(Json(report))
        }
        _ => Err(ApiError::Internal),
    }
}

async fn scan_stream(
    State(st): State<Arc<ProbeState>>,
    Extension(conn): Extension<ConnInfo>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, ApiError> {
    let admitted = st.admit(&conn, &headers)?;
    let plan = Plan::standard();
    // started + one per port + finished/error: never full, so try_send never drops.
    let (tx, rx) = mpsc::channel::<Event>(plan.range.len() + plan.control.len() + 2);
    let _ = tx.try_send(json_event(
        event::STARTED,
        &Started {
            target: Target::new(admitted.target),
            ports: plan.range.clone(),
            control: plan.control.clone(),
        },
    ));
    let port_tx = tx.clone();
    let handle = spawn_scan(&st, admitted, move |e| {
        let _ = port_tx.try_send(json_event(event::PORT, &e));
    });
    st.tasks.spawn(async move {
        let last = match handle.await {
            Ok(Some(report)) => {
                tracing::info!(
                    level = ?report.verdict.level,
                    duration_ms = report.duration_ms,
                    "scan finished"
                );
                json_event(event::FINISHED, &report)
            }
            _ => json_event(event::ERROR, &ApiError::Internal.body()),
        };
        // A visitor who closed the page no longer listens; that is fine.
        let _ = tx.send(last).await;
    });
    let stream = ReceiverStream::new(rx).map(Ok);
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

fn json_event(name: &'static str, data: &impl serde::Serialize) -> Event {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned());
    Event::default().event(name).data(json)
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Every way an API request can fail.
#[derive(Debug)]
pub enum ApiError {
    BadForwarding(BadForwarding),
    NotAllowed(NotAllowed),
    RateLimited(Duration),
    Busy(Duration),
    ShuttingDown,
    NotFound,
    MethodNotAllowed,
    Internal,
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
    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadForwarding(_) => StatusCode::BAD_REQUEST,
            ApiError::NotAllowed(_) => StatusCode::FORBIDDEN,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy(_) | ApiError::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited(d) | ApiError::Busy(d) => Some(retry_after_secs(*d)),
            ApiError::ShuttingDown => Some(retry_after_secs(super::limits::BUSY_RETRY)),
            _ => None,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let (code, message) = match self {
            ApiError::BadForwarding(BadForwarding(why)) => (
                ErrorCode::BadRequest,
                format!("The forwarding header from the trusted proxy cannot be read: {why}."),
            ),
            ApiError::NotAllowed(n) => (ErrorCode::TargetNotAllowed, n.message()),
            ApiError::RateLimited(_) => (
                ErrorCode::RateLimited,
                "This connection has been checked several times in a short while. Please wait before checking again.".to_owned(),
            ),
            ApiError::Busy(_) => (
                ErrorCode::Busy,
                "The check is busy right now. Please try again in a few seconds.".to_owned(),
            ),
            ApiError::ShuttingDown => (
                ErrorCode::ShuttingDown,
                "The check is restarting. Please try again in a few seconds.".to_owned(),
            ),
            ApiError::NotFound => (ErrorCode::NotFound, "No such API endpoint.".to_owned()),
            ApiError::MethodNotAllowed => (
                ErrorCode::MethodNotAllowed,
                "This endpoint only answers GET.".to_owned(),
            ),
            ApiError::Internal => (
                ErrorCode::Internal,
                "The check failed because of an error in the probe.".to_owned(),
            ),
        };
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
