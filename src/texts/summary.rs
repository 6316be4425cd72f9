//! The plain-text summary for the IT service provider ("copy summary"):
//! date, address, result, findings and every port, readable in an email.
//! The same text is the probe's `text/plain` answer and the terminal
//! client's `--format text`: one renderer of a report for people. The
//! page's summary of a run with both address families puts one of these
//! in each family's section (`page::run_summary`).

use super::Lang;
use super::evidence::evidence;
use super::explain::{control_observation, explain};
use super::page_texts::texts;
use super::reports::reports_line;
use super::words::{
    family_name, format_timestamp, level_sentence, level_word, port_states, state_word, title,
};
use crate::api::{Report, results_of};
use crate::plan::Plan;

/// The summary of one finished check of `plan`.
pub(crate) fn report_summary(report: &Report, plan: &Plan, lang: Lang) -> String {
    let de = lang == Lang::De;
    let pick = |d: &'static str, e: &'static str| if de { d } else { e };
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!(
        "{}: {}",
        title(plan),
        pick("Prüfbericht", "check report")
    ));
    line(format!(
        "{} {}",
        pick("Datum:", "Date:"),
        format_timestamp(&report.started_at, lang)
    ));
    line(format!(
        "{} {} ({})",
        pick("Geprüfte Adresse:", "Checked address:"),
        report.target.ip,
        family_name(report.target.family)
    ));
    if report.target.via_proxy {
        let t = texts(lang);
        line(format!("{}: {}", t.proxy_heading, t.proxy_warning));
    }
    let level = report.verdict.level;
    line(format!(
        "{} {} – {}",
        pick("Ergebnis:", "Result:"),
        level_word(level, lang),
        level_sentence(level, plan, lang)
    ));
    line(String::new());
    if report.verdict.findings.is_empty() {
        line(pick("Befunde: keine", "Findings: none").into());
    } else {
        line(pick("Befunde:", "Findings:").into());
        for f in &report.verdict.findings {
            let e = explain(f, plan, lang);
            line(format!(
                "- {}: {}",
                level_word(f.severity.into(), lang),
                e.title
            ));
            line(format!("  {}", e.what));
            let urgent = pick("Wie dringend:", "How urgent:");
            line(format!("  {urgent} {}", e.urgency));
            if let Some(reports) = reports_line(f, lang) {
                line(format!("  {reports}"));
            }
        }
    }
    for group in &plan.groups {
        line(String::new());
        line(format!("Ports {}:", group.label()));
        for p in results_of(group, &report.ports) {
            let state = state_word(p.state, lang);
            let port = p.transport.label(p.port);
            line(format!("  {port:<5} {:<14} {state}", p.service));
        }
        let control = port_states(results_of(group, &report.control), lang);
        let neighbours = pick("Nachbar-Ports:", "Neighbouring ports:");
        line(format!("{neighbours} {}", control.join(", ")));
        if let Some(o) = control_observation(report, group, lang) {
            line(o);
        }
    }
    line(format!(
        "{} {} ms",
        pick("Dauer der Prüfung:", "Duration of the check:"),
        report.duration_ms
    ));
    line(String::new());
    line(evidence(&report.started_at, lang));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PortState;

    use crate::verdict::fixtures::{assert_holds as holds, celle_report as celle};

    #[test]
    fn german_summary_has_date_address_result_findings_and_ports() {
        let s = report_summary(&celle(), &Plan::standard(), Lang::De);
        assert!(
            s.starts_with("Portcheck 440–449, 80–89: Prüfbericht\n"),
            "{s}"
        );
        holds(
            &s,
            &[
                "Datum: 29.11.2026, 08:15 UTC",
                "Geprüfte Adresse: 198.51.100.7 (IPv4)",
                "Ergebnis: Kritisch",
                "- Kritisch: Windows-Dateifreigabe",
                "- Warnung: Der ganze Bereich",
                "\nPorts 440–449:\n",
                "445   microsoft-ds   offen",
                "440   sgcp           erreichbar, geschlossen",
                "Nachbar-Ports: 438 gefiltert",
                "\nPorts 80–89:\n",
                "88    kerberos-sec   erreichbar, geschlossen",
                "Nachbar-Ports: 78 gefiltert",
                "Dauer der Prüfung: 812 ms",
                "  In Meldungen von CERT-Bund/Shadowserver: „Accessible SMB Service“\n",
                "Dieser Bericht dokumentiert eine Prüfung des Anschlusses von außen am 29.11.2026, 08:15 UTC",
            ],
        );
    }

    #[test]
    fn english_summary_without_findings() {
        let mut r = celle();
        for p in &mut r.ports {
            p.state = PortState::Filtered;
        }
        let plan = Plan::standard();
        r.verdict = crate::verdict::evaluate(&plan, &r.ports, &r.control);
        let s = report_summary(&r, &plan, Lang::En);
        holds(
            &s,
            &[
                "Result: No findings",
                "Findings: none",
                "Date: 2026-11-29 08:15 UTC",
            ],
        );
        assert!(!s.contains("Befunde"), "{s}");
        assert!(!s.contains("Proxy"), "{s}");
        r.target.via_proxy = true;
        let s = report_summary(&r, &plan, Lang::En);
        holds(&s, &["Checked address:", "probably belongs to this proxy"]);
    }
}
