//! The plain-text summary for the IT service provider ("copy summary"):
//! date, address, result, findings and every port, readable in an email.

use super::Lang;
use super::explain::{control_observation, explain, severity_word};
use super::text::{format_timestamp, level_sentence, level_word, state_word};
use crate::api::{Family, Report};

/// The summary of a finished check.
pub fn summary(report: &Report, lang: Lang) -> String {
    let de = lang == Lang::De;
    let pick = |d: &'static str, e: &'static str| if de { d } else { e };
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(
        pick(
            "Portcheck 440–449: Prüfbericht",
            "Portcheck 440–449: check report",
        )
        .into(),
    );
    line(format!(
        "{} {}",
        pick("Datum:", "Date:"),
        format_timestamp(&report.started_at, lang)
    ));
    let family = match report.target.family {
        Family::Ipv4 => "IPv4",
        Family::Ipv6 => "IPv6",
    };
    line(format!(
        "{} {} ({family})",
        pick("Geprüfte Adresse:", "Checked address:"),
        report.target.ip
    ));
    let level = report.verdict.level;
    line(format!(
        "{} {} – {}",
        pick("Ergebnis:", "Result:"),
        level_word(level, lang),
        level_sentence(level, lang)
    ));
    line(String::new());
    if report.verdict.findings.is_empty() {
        line(pick("Befunde: keine", "Findings: none").into());
    } else {
        line(pick("Befunde:", "Findings:").into());
        for f in &report.verdict.findings {
            let e = explain(f, lang);
            line(format!(
                "- {}: {}",
                severity_word(f.severity, lang),
                e.title
            ));
            line(format!("  {}", e.what));
            line(format!(
                "  {} {}",
                pick("Wie dringend:", "How urgent:"),
                e.urgency
            ));
        }
    }
    line(String::new());
    line(pick("Ports 440–449:", "Ports 440–449:").into());
    for p in &report.ports {
        line(format!(
            "  {:<5} {:<14} {}",
            p.port,
            p.service,
            state_word(p.state, lang)
        ));
    }
    let control: Vec<String> = report
        .control
        .iter()
        .map(|p| format!("{} {}", p.port, state_word(p.state, lang)))
        .collect();
    line(format!(
        "{} {}",
        pick("Nachbar-Ports:", "Neighbouring ports:"),
        control.join(", ")
    ));
    if let Some(o) = control_observation(report, lang) {
        line(o);
    }
    line(format!(
        "{} {} ms",
        pick("Dauer der Prüfung:", "Duration of the check:"),
        report.duration_ms
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{PortResult, PortState, Reason, Target, service_name};
    use crate::verdict::evaluate;

    fn celle() -> Report {
        let pr = |port: u16, state: PortState| PortResult {
            port,
            service: service_name(port).into(),
            state,
            reason: Reason::Refused,
            rtt_ms: Some(0.3),
            attempts: 1,
            details: None,
        };
        let ports: Vec<PortResult> = crate::plan::Plan::standard()
            .range_ports()
            .iter()
            .map(|&p| {
                pr(
                    p,
                    if p == 443 || p == 445 {
                        PortState::Open
                    } else {
                        PortState::Closed
                    },
                )
            })
            .collect();
        let control: Vec<PortResult> = crate::plan::Plan::standard()
            .control_ports()
            .iter()
            .map(|&p| pr(p, PortState::Filtered))
            .collect();
        Report {
            target: Target::new("198.51.100.7".parse().unwrap()),
            verdict: evaluate(&crate::plan::Plan::standard(), &ports, &control),
            ports,
            control,
            groups: vec![],
            started_at: "2026-11-29T08:15:00Z".into(),
            duration_ms: 812,
            timeout_ms: 900,
        }
    }

    #[test]
    fn german_summary_has_date_address_result_findings_and_ports() {
        let s = summary(&celle(), Lang::De);
        assert!(s.contains("Datum: 29.11.2026, 08:15 UTC"), "{s}");
        assert!(s.contains("Geprüfte Adresse: 198.51.100.7 (IPv4)"), "{s}");
        assert!(s.contains("Ergebnis: Kritisch"), "{s}");
        assert!(s.contains("- Kritisch: Windows-Dateifreigabe"), "{s}");
        assert!(s.contains("- Warnung: Der ganze Bereich"), "{s}");
        assert!(s.contains("445   microsoft-ds   offen"), "{s}");
        assert!(
            s.contains("440   sgcp           erreichbar, geschlossen"),
            "{s}"
        );
        assert!(s.contains("Nachbar-Ports: 438 gefiltert"), "{s}");
        assert!(s.contains("Dauer der Prüfung: 812 ms"), "{s}");
    }

    #[test]
    fn english_summary_without_findings() {
        let mut r = celle();
        for p in &mut r.ports {
            p.state = PortState::Filtered;
        }
        r.verdict = evaluate(&crate::plan::Plan::standard(), &r.ports, &r.control);
        let s = summary(&r, Lang::En);
        assert!(s.contains("Result: No findings"), "{s}");
        assert!(s.contains("Findings: none"), "{s}");
        assert!(s.contains("Date: 2026-11-29 08:15 UTC"), "{s}");
        assert!(!s.contains("Befunde"), "{s}");
    }
}
