//! Prometheus metrics: how the probe is doing, in aggregate only.
//!
//! No metric has an address, a prefix or anything else about a visitor as a
//! label: scans are counted by address family and level, findings by id,
//! port results by port and state, refusals by error code.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Metric, Registry};

use crate::api::{ErrorCode, Report};
use crate::probe::admission::refusal_log::RefusalLog;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FindingLabels {
    finding: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RefusedLabels {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ScanLabels {
    family: String,
    level: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PortLabels {
    /// The number for TCP (`445`), with the transport for UDP (`1900/udp`).
    port: String,
    state: String,
}

/// The probe's metrics. Cloning is cheap and every clone counts into the
/// same registry, so each router and the scans take what they need.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Mutex<Registry>>,
    scans: Family<ScanLabels, Counter>,
    findings: Family<FindingLabels, Counter>,
    ports: Family<PortLabels, Counter>,
    refused: Family<RefusedLabels, Counter>,
    /// Refusals in the log too, a line a minute at most.
    refusal_log: Arc<RefusalLog>,
    duration: Histogram,
    pub scans_running: Gauge,
    /// Scan sockets open now; handed to every scan this probe runs.
    pub open_sockets: Gauge,
    pub connections_open: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The wire name serde gives a unit enum variant (`"critical"`, `"smb-exposed"`).
fn json_name(v: impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `metric`, registered under `name` with `help`.
fn registered<M: Metric + Clone>(r: &mut Registry, name: &str, help: &str, metric: M) -> M {
    r.register(name, help, metric.clone());
    metric
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut r = Registry::with_prefix("portcheck");
        let r = &mut r;
        Metrics {
            scans: registered(
                r,
                "scans",
                "Completed scans by address family and verdict level",
                Family::default(),
            ),
            findings: registered(
                r,
                "findings",
                "Findings reported, by finding id",
                Family::default(),
            ),
            ports: registered(
                r,
                "port_results",
                "Port results by port and state",
                Family::default(),
            ),
            refused: registered(
                r,
                "refused",
                "Scan requests refused, by error code (rate_limited, busy, target_not_allowed, ...)",
                Family::default(),
            ),
            refusal_log: Arc::default(),
            // 50 ms … ~13 s.
            duration: registered(
                r,
                "scan_duration_seconds",
                "Wall time of completed scans",
                Histogram::new(exponential_buckets(0.05, 2.0, 9)),
            ),
            scans_running: registered(r, "scans_running", "Scans running now", Gauge::default()),
            open_sockets: registered(r, "open_sockets", "Scan sockets open now", Gauge::default()),
            connections_open: registered(
                r,
                "connections_open",
                "Client connections open now",
                Gauge::default(),
            ),
            // Last, once every metric above is in it.
            registry: Arc::new(Mutex::new(std::mem::take(r))),
        }
    }

    /// Count a completed scan.
    pub(crate) fn record_scan(&self, report: &Report) {
        let labels = ScanLabels {
            family: json_name(report.target.family),
            level: json_name(report.verdict.level),
        };
        self.scans.get_or_create(&labels).inc();
        for f in &report.verdict.findings {
            let finding = json_name(f.id);
            self.findings
                .get_or_create(&FindingLabels { finding })
                .inc();
        }
        for p in report.ports.iter().chain(&report.control) {
            let (port, state) = (p.transport.label(p.port), json_name(p.state));
            self.ports.get_or_create(&PortLabels { port, state }).inc();
        }
        // Milliseconds to seconds; precision loss is irrelevant here.
        self.duration.observe(report.duration_ms as f64 / 1000.0);
    }

    /// Count a refused scan request.
    pub(crate) fn record_refused(&self, code: ErrorCode) {
        let code = json_name(code);
        self.refusal_log.record(&code);
        self.refused.get_or_create(&RefusedLabels { code }).inc();
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let r = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        if encode(&mut out, &r).is_err() {
            out.clear();
        }
        out
    }
}

/// Counts one in a gauge while alive (an open socket, a running scan).
#[derive(Debug)]
pub(crate) struct Held(Gauge);

impl Held {
    pub(crate) fn new(gauge: &Gauge) -> Self {
        gauge.inc();
        Held(gauge.clone())
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// `GET /metrics`: the exposition in the OpenMetrics text format.
pub(crate) async fn exposition(State(metrics): State<Metrics>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.render(),
    )
        .into_response()
}

/// Only `/metrics`, for a separate metrics listener.
pub(crate) fn router(metrics: Metrics) -> Router {
    Router::new()
        .route("/metrics", get(exposition))
        .with_state(metrics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{PortResult, PortState, Reason, Target};
    use crate::verdict;

    #[test]
    fn counts_scans_findings_and_refusals_without_addresses() {
        let m = Metrics::new();
        let plan = crate::plan::Plan::standard();
        let ports: Vec<PortResult> = plan
            .range_ports()
            .into_iter()
            .map(|port| PortResult {
                port,
                service: crate::api::service_name(port).into(),
                transport: crate::plan::Transport::Tcp,
                state: if port == 445 {
                    PortState::Open
                } else {
                    PortState::Filtered
                },
                reason: if port == 445 {
                    Reason::Connected
                } else {
                    Reason::Timeout
                },
                rtt_ms: None,
                attempts: 1,
                details: None,
            })
            .collect();
        let mut ports = ports;
        // A UDP entry is counted apart from a TCP port of its number.
        ports.push(PortResult {
            port: 445,
            transport: crate::plan::Transport::Udp,
            state: PortState::OpenFiltered,
            reason: Reason::NoAnswer,
            ..ports[0].clone()
        });
        let report = Report {
            target: Target::new("198.51.100.77".parse().unwrap()),
            verdict: verdict::evaluate(&plan, &ports, &[]),
            ports,
            control: vec![],
            groups: vec![],
            started_at: String::new(),
            duration_ms: 420,
            timeout_ms: 150,
        };
        m.record_scan(&report);
        m.record_refused(ErrorCode::RateLimited);
        m.record_refused(ErrorCode::RateLimited);
        let text = m.render();
        assert!(
            text.contains(r#"portcheck_scans_total{family="ipv4",level="critical"} 1"#),
            "{text}"
        );
        assert!(text.contains(r#"portcheck_findings_total{finding="smb-exposed"} 1"#));
        assert!(text.contains(r#"portcheck_port_results_total{port="445",state="open"} 1"#));
        assert!(
            text.contains(
                r#"portcheck_port_results_total{port="445/udp",state="open|filtered"} 1"#
            ),
            "{text}"
        );
        assert!(text.contains(r#"portcheck_refused_total{code="rate_limited"} 2"#));
        assert!(text.contains("portcheck_scan_duration_seconds_count 1"));
        assert!(text.contains("portcheck_open_sockets"));
        assert!(!text.contains("198.51.100.77"));
    }
}
