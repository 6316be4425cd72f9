//! Prometheus metrics: how the probe is doing, in aggregate only.
//!
//! No metric has an address, a prefix or anything else about a visitor as a
//! label: scans are counted by address family and level, findings by id,
//! port results by port and state, refusals by error code.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::api::{ErrorCode, Report};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ScanLabels {
    family: &'static str,
    level: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FindingLabels {
    finding: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PortLabels {
    port: u16,
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RefusedLabels {
    code: String,
}

pub struct Metrics {
    registry: Mutex<Registry>,
    scans: Family<ScanLabels, Counter>,
    findings: Family<FindingLabels, Counter>,
    ports: Family<PortLabels, Counter>,
    refused: Family<RefusedLabels, Counter>,
    duration: Histogram,
    pub scans_running: Gauge,
    pub connections_open: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn json_name(v: impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Metrics {
    pub fn new() -> Self {
        let m = Metrics {
            registry: Mutex::new(Registry::with_prefix("portcheck")),
            scans: Family::default(),
            findings: Family::default(),
            ports: Family::default(),
            refused: Family::default(),
            // 50 ms … ~13 s.
            duration: Histogram::new(exponential_buckets(0.05, 2.0, 9)),
            scans_running: Gauge::default(),
            connections_open: Gauge::default(),
        };
        {
            let mut r = m.registry.lock().unwrap_or_else(|p| p.into_inner());
            r.register(
                "scans",
                "Completed scans by address family and verdict level",
                m.scans.clone(),
            );
            r.register(
                "findings",
                "Findings reported, by finding id",
                m.findings.clone(),
            );
            r.register(
                "port_results",
                "Port results by port and state",
                m.ports.clone(),
            );
            r.register(
                "refused",
                "Scan requests refused, by error code (rate_limited, busy, target_not_allowed, ...)",
                m.refused.clone(),
            );
            r.register(
                "scan_duration_seconds",
                "Wall time of completed scans",
                m.duration.clone(),
            );
            r.register(
                "scans_running",
                "Scans running now",
                m.scans_running.clone(),
            );
            r.register(
                "open_sockets",
                "Scan sockets open now",
                super::scan::open_sockets(),
            );
            r.register(
                "connections_open",
                "Client connections open now",
                m.connections_open.clone(),
            );
        }
        m
    }

    /// Count a completed scan.
    pub fn record_scan(&self, report: &Report) {
        let family = match report.target.family {
            crate::api::Family::Ipv4 => "ipv4",
            crate::api::Family::Ipv6 => "ipv6",
        };
        let level = match report.verdict.level {
            crate::api::Level::Ok => "ok",
            crate::api::Level::Notice => "notice",
            crate::api::Level::Warning => "warning",
            crate::api::Level::Critical => "critical",
        };
        self.scans
            .get_or_create(&ScanLabels { family, level })
            .inc();
        for f in &report.verdict.findings {
            self.findings
                .get_or_create(&FindingLabels {
                    finding: json_name(f.id),
                })
                .inc();
        }
        for p in report.ports.iter().chain(&report.control) {
            self.ports
                .get_or_create(&PortLabels {
                    port: p.port,
                    state: json_name(p.state),
                })
                .inc();
        }
        // Milliseconds to seconds; precision loss is irrelevant here.
        self.duration.observe(report.duration_ms as f64 / 1000.0);
    }

    /// Count a refused scan request.
    pub fn record_refused(&self, code: ErrorCode) {
        self.refused
            .get_or_create(&RefusedLabels {
                code: json_name(code),
            })
            .inc();
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
        let report = Report {
            target: Target::new("198.51.100.77".parse().unwrap()),
            verdict: verdict::evaluate(&plan, &ports, &[]),
            ports,
            control: vec![],
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
        assert!(text.contains(r#"portcheck_refused_total{code="rate_limited"} 2"#));
        assert!(text.contains("portcheck_scan_duration_seconds_count 1"));
        assert!(text.contains("portcheck_open_sockets"));
        assert!(!text.contains("198.51.100.77"));
    }
}
