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
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use super::assets::Assets;
use super::config::{Metrics as MetricsMode, Settings, Site};
use super::forwarded::{BadForwarding, Trust, client_address};
use super::headers::{Kind, cors_origins, security_headers};
use super::limits::{RateLimit, Refused, ScanSlots, retry_after_secs};
use super::metrics::Metrics;
use super::policy::{NotAllowed, TargetPolicy};
use super::scan::{self, Timing};
use super::www;
use crate::api::{ErrorBody, ErrorCode, ErrorDetail, Report, SiteInfo, Started, Target, event};
use crate::plan::Plan;

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
    pub assets: Assets,
    pub site: Site,
    pub metrics: Metrics,
    metrics_mode: MetricsMode,
    security_txt: Option<String>,
}

impl ProbeState {
    /// State for `settings`; reads the page from `--www` if given, else uses
    /// the built-in copy.
    pub fn new(settings: &Settings) -> std::io::Result<Self> {
        let assets = match &settings.www {
            Some(dir) => Assets::from_dir(dir)?,
            None => Assets::embedded(),
        };
        let expires = std::time::SystemTime::now() + Duration::from_secs(365 * 24 * 3600);
        Ok(ProbeState {
            policy: TargetPolicy::new(
                settings.allow_targets.clone(),
                settings.listen.ip(),
                !settings.trusted_proxies.is_empty(),
            ),
            trust: Trust {
                proxies: settings.trusted_proxies.clone(),
                header: settings.forwarded_header,
            },
            timing: settings.timing,
            limiter: RateLimit::new(settings.rate),
            slots: ScanSlots::new(settings.max_scans),
            tasks: TaskTracker::new(),
            shutting_down: AtomicBool::new(false),
            assets,
            site: settings.site.clone(),
            metrics: Metrics::new(),
            metrics_mode: settings.metrics,
            security_txt: super::www::security_txt(&settings.site, expires),
        })
    }

    /// The address this request must be checked at.
    fn visitor(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<IpAddr, ApiError> {
        let values = headers
            .get_all(self.trust.header.name())
            .iter()
            .map(HeaderValue::as_bytes);
        client_address(conn.peer.ip(), values, &self.trust).map_err(ApiError::BadForwarding)
    }

    /// Admit one scan for the request, or say why not (and count refusals).
    fn admit(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<Admitted, ApiError> {
        self.try_admit(conn, headers).inspect_err(|e| {
            self.metrics.record_refused(e.body().error.code);
        })
    }

    fn try_admit(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<Admitted, ApiError> {
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
    let mut api = Router::new()
        .route("/api/v1/whoami", get(whoami))
        .route("/api/v1/scan", get(scan_json))
        .route("/api/v1/scan/stream", get(scan_stream))
        .route("/api/v1/site", get(site_info))
        .route("/api/{*rest}", get(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let origins: Vec<HeaderValue> = cors_origins(&state.site)
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if !origins.is_empty() {
        api = api.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([axum::http::Method::GET])
                .max_age(Duration::from_secs(3600)),
        );
    }
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .route("/theme.css", get(super::www::theme))
        .merge(api);
    if state.metrics_mode == MetricsMode::On {
        app = app.route("/metrics", get(metrics));
    }
    if state.security_txt.is_some() {
        app = app.route("/.well-known/security.txt", get(security_txt));
    }
    app.fallback(www::serve)
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            baseline_headers,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Security headers for every response that did not set its own.
async fn baseline_headers(State(st): State<Arc<ProbeState>>, mut resp: Response) -> Response {
    if !resp.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        resp.headers_mut()
            .extend(security_headers(&st.site, Kind::Other));
    }
    resp
}

/// Router serving only `/metrics`, for a separate metrics listener.
pub fn metrics_router(state: Arc<ProbeState>) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn metrics(State(st): State<Arc<ProbeState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        st.metrics.render(),
    )
        .into_response()
}

async fn security_txt(State(st): State<Arc<ProbeState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        st.security_txt.clone().unwrap_or_default(),
    )
        .into_response()
}

async fn site_info(State(st): State<Arc<ProbeState>>) -> Json<SiteInfo> {
    Json(SiteInfo {
        org_name: st.site.org_name.clone(),
        help_contact: st.site.help_contact.clone(),
        ipv4_origin: st.site.ipv4_origin.clone(),
        ipv6_origin: st.site.ipv6_origin.clone(),
    })
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
    let running = st.metrics.scans_running.clone();
    st.tasks.spawn(async move {
        let Admitted { target, rtt, slot } = admitted;
        running.inc();
        let plan = Plan::standard();
        let scan = scan::scan(target, &plan, timing, rtt, on_port);
        let report = AssertUnwindSafe(scan).catch_unwind().await.ok();
        running.dec();
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
            st.metrics.record_scan(&report);
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
) -> Result<
    (
        [(header::HeaderName, HeaderValue); 1],
        Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>,
    ),
    ApiError,
> {
    let admitted = st.admit(&conn, &headers)?;
    let plan = Plan::standard();
    // started + one per port + finished/error: never full, so try_send never drops.
    let (tx, rx) = mpsc::channel::<Event>(plan.len() + 2);
    let _ = tx.try_send(json_event(
        event::STARTED,
        &Started {
            target: Target::new(admitted.target),
            ports: plan.range_ports(),
            control: plan.control_ports(),
            plan,
        },
    ));
    let port_tx = tx.clone();
    let handle = spawn_scan(&st, admitted, move |e| {
        let _ = port_tx.try_send(json_event(event::PORT, &e));
    });
    let state = st.clone();
    st.tasks.spawn(async move {
        let last = match handle.await {
            Ok(Some(report)) => {
                state.metrics.record_scan(&report);
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
    // Tell buffering reverse proxies (nginx) to pass each event on at once.
    Ok((
        [(
            header::HeaderName::from_static("x-accel-buffering"),
            HeaderValue::from_static("no"),
        )],
        Sse::new(stream).keep_alive(KeepAlive::default()),
    ))
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
