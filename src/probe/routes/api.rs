//! The HTTP API under `/api/v1/`: who am I, the plans on offer, scan (one
//! JSON report, or its progress as Server-Sent Events; `?plan=NAME` picks
//! a plan) and the site's settings for the page.
//!
//! Privacy: handlers never log an address, and nothing about a visitor is
//! kept after the response besides the rate limiter's keyed hash.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::{FutureExt, Stream};
use tokio::sync::mpsc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::api::{Plans, PortEvent, Report, SiteInfo, Started, Target, event};
use crate::plan::Plan;
use crate::probe::config::Site;
use crate::probe::error::ApiError;
use crate::probe::metrics::Held;
use crate::probe::routes::origin_guard::MayStartCheck;
use crate::probe::routes::text_answer;
use crate::probe::scan;
use crate::probe::state::{Admission, Admitted, ConnInfo, ProbeState};
use crate::probe::www::headers::cors_origins;

type AppState = Arc<ProbeState>;

/// The API routes; CORS for the site's own and embedding origins.
pub(crate) fn router(site: &Site) -> Router<AppState> {
    let api = Router::new()
        .route("/api/v1/whoami", get(whoami))
        .route("/api/v1/scan", get(scan_json))
        .route("/api/v1/scan/stream", get(scan_stream))
        .route("/api/v1/site", get(site_info))
        .route("/api/v1/plans", get(plans))
        .route("/api/{*rest}", get(|| async { ApiError::NotFound }))
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let origins: Vec<HeaderValue> = cors_origins(site)
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if origins.is_empty() {
        return api;
    }
    api.layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET])
            .max_age(Duration::from_secs(3600)),
    )
}

async fn site_info(State(st): State<AppState>) -> Json<SiteInfo> {
    let site = st.page.site();
    Json(SiteInfo {
        org_name: site.org_name.clone(),
        help_contact: site.help_contact.clone(),
        ipv4_origin: site.ipv4_origin.clone(),
        ipv6_origin: site.ipv6_origin.clone(),
    })
}

async fn plans(State(st): State<AppState>) -> Json<Plans> {
    Json(Plans {
        plans: st.plans.clone(),
    })
}

async fn whoami(
    State(st): State<AppState>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    headers: HeaderMap,
) -> Result<Json<Target>, ApiError> {
    Ok(Json(st.target(&conn, &headers)?))
}

/// Run an admitted scan as a tracked task, reporting events to `on_port`;
/// the task ends with the report (counted and logged), `None` if it
/// failed.
pub(super) fn spawn_scan(
    st: &AppState,
    plan: Plan,
    admitted: Admitted,
    on_port: impl FnMut(PortEvent) + Send + 'static,
) -> tokio::task::JoinHandle<Option<Report>> {
    let st = st.clone();
    st.shutdown.clone().spawn(async move {
        let Admitted { target, rtt, slot } = admitted;
        let running = Held::new(&st.metrics.scans_running);
        let scan = scan::scan(target.ip, &plan, &st.scan, rtt, on_port);
        let mut report = AssertUnwindSafe(scan).catch_unwind().await.ok();
        if let Some(report) = &mut report {
            report.target = target;
        }
        drop((running, slot));
        if let Some(report) = &report {
            st.metrics.record_scan(report);
            tracing::info!(
                level = ?report.verdict.level,
                duration_ms = report.duration_ms,
                "scan finished"
            );
        }
        report
    })
}

/// A scan task that ended without a report.
pub(super) const SCAN_FAILED: ApiError = ApiError::Internal("scan task panicked");

/// The report as JSON, or as text when the request prefers `text/plain`.
async fn scan_json(
    _: MayStartCheck,
    State(st): State<AppState>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let plan = st.plan(query.as_deref())?.clone();
    let admitted = match st.admit(&conn, &headers)? {
        Admission::Now(admitted) => admitted,
        Admission::Queued(queued) => st.wait_turn(queued, |_| {}).await?,
    };
    let report = match spawn_scan(&st, plan.clone(), admitted, |_| {}).await {
        Ok(Some(report)) => report,
        _ => return Err(SCAN_FAILED),
    };
    Ok(match text_answer::negotiate(&headers) {
        Some(lang) => text_answer::response(&report, &plan, lang),
        None => Json(report).into_response(),
    })
}

async fn scan_stream(
    _: MayStartCheck,
    State(st): State<AppState>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<
    (
        [(header::HeaderName, HeaderValue); 1],
        Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>,
    ),
    ApiError,
> {
    let plan = st.plan(query.as_deref())?.clone();
    let admission = st.admit(&conn, &headers)?;
    // queued (each place at most once) + started + one per port +
    // finished/error: never full, so try_send never drops.
    let (tx, rx) = mpsc::channel::<Event>(st.slots.shares().queue + plan.len() + 2);
    let task_st = st.clone();
    st.shutdown.spawn(async move {
        let st = task_st;
        let admitted = match admission {
            Admission::Now(admitted) => admitted,
            Admission::Queued(queued) => {
                let place_tx = tx.clone();
                let place_st = st.clone();
                let waited = st.wait_turn(queued, move |position| {
                    let _ =
                        place_tx.try_send(json_event(event::QUEUED, &place_st.queued(position)));
                });
                // A visitor who closes the page leaves the queue.
                let waited = tokio::select! {
                    waited = waited => waited,
                    () = tx.closed() => return,
                    () = st.shutdown.begun() => Err(ApiError::ShuttingDown),
                };
                match waited {
                    Ok(admitted) => admitted,
                    Err(e) => {
                        let _ = tx.send(json_event(event::ERROR, &e.body())).await;
                        return;
                    }
                }
            }
        };
        let started = Started::new(admitted.target, plan.clone());
        let _ = tx.try_send(json_event(event::STARTED, &started));
        let port_tx = tx.clone();
        let handle = spawn_scan(&st, plan, admitted, move |e| {
            let _ = port_tx.try_send(json_event(event::PORT, &e));
        });
        let last = match handle.await {
            Ok(Some(report)) => json_event(event::FINISHED, &report),
            _ => json_event(event::ERROR, &SCAN_FAILED.body()),
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
