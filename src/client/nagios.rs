//! `--format nagios`: the output of a Monitoring Plugin (Nagios, Icinga,
//! Naemon, Checkmk's active checks): one status line
//! `PORTCHECK STATE - summary | perfdata`, then detail lines; the exit code
//! is the state's. Performance data follow the Monitoring Plugins
//! guidelines: `'label'=value[unit];warn;crit;min;max`, dot decimals.

use super::outcome::{Checked, Run};
use super::words::{expected_line, one_line};
use crate::texts::Lang;
use crate::texts::explain::explain;
use crate::texts::words::{family_name, level_word};

/// The plugin output of `run`, ending with a newline.
pub(super) fn render(run: &Run, lang: Lang) -> String {
    let summary: Vec<String> = run
        .checks
        .iter()
        .map(|c| format!("{}{}", c.prefix(), summary(c, lang)))
        .collect();
    let perfdata: Vec<String> = run.checks.iter().flat_map(perfdata).collect();
    let mut out = format!(
        "PORTCHECK {} - {}",
        run.state().word(),
        plain(&summary.join(" / "))
    );
    if !perfdata.is_empty() {
        out.push_str(" | ");
        out.push_str(&perfdata.join(" "));
    }
    out.push('\n');
    for c in &run.checks {
        for line in details(c, lang) {
            out.push_str(&plain(&format!("{}{line}", c.prefix())));
            out.push('\n');
        }
    }
    out
}

fn summary(c: &Checked, lang: Lang) -> String {
    match &c.result {
        Ok(done) => one_line(&done.evaluation, &done.plan, lang),
        Err(problem) => problem.text(lang),
    }
}

/// Every finding with its level, then the expected ports.
fn details(c: &Checked, lang: Lang) -> Vec<String> {
    let Ok(done) = &c.result else {
        return Vec::new();
    };
    let findings = done.evaluation.verdict.findings.iter().map(|f| {
        let title = explain(f, &done.plan, lang).title;
        format!("{}: {title}", level_word(f.severity.into(), lang))
    });
    let expected = done
        .evaluation
        .expected
        .iter()
        .map(|e| expected_line(e, lang));
    findings.chain(expected).collect()
}

/// Open and reachable ports out of all checked, and the scan's duration.
fn perfdata(c: &Checked) -> Vec<String> {
    let Ok(done) = &c.result else {
        return Vec::new();
    };
    let r = &done.report;
    let all: Vec<_> = r.ports.iter().chain(&r.control).collect();
    let total = all.len();
    let open = all
        .iter()
        .filter(|p| p.state == crate::api::PortState::Open)
        .count();
    let reachable = all.iter().filter(|p| p.state.answered()).count();
    let suffix = c
        .family
        .map(|f| format!("_{}", family_name(f).to_ascii_lowercase()))
        .unwrap_or_default();
    let seconds = r.duration_ms / 1000;
    let millis = r.duration_ms % 1000;
    vec![
        format!("'open{suffix}'={open};;;0;{total}"),
        format!("'reachable{suffix}'={reachable};;;0;{total}"),
        format!("'duration{suffix}'={seconds}.{millis:03}s;;;0"),
    ]
}

/// A text fit for the plugin output: one line, no `|` (which starts the
/// performance data).
fn plain(text: &str) -> String {
    text.replace('|', "/").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Family;
    use crate::client::outcome::Problem;
    use crate::client::outcome::fixtures::{done, run};
    use crate::texts::failure::Failure;

    #[test]
    fn critical_status_line_with_perfdata_then_details() {
        let out = render(&run(None, done(&[443, 445], &[])), Lang::En);
        let mut lines = out.lines();
        let first = lines.next().unwrap();
        assert!(
            first.starts_with("PORTCHECK CRITICAL - Critical: Windows file sharing"),
            "{first}"
        );
        assert!(
            first.ends_with(" | 'open'=2;;;0;28 'reachable'=2;;;0;28 'duration'=0.412s;;;0"),
            "{first}"
        );
        assert_eq!(first.matches('|').count(), 1);
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("Critical: Windows file sharing")
        );
        assert!(out.ends_with('\n'));
    }

    #[test]
    fn expected_port_ok_and_missing_warning() {
        let out = render(&run(None, done(&[443], &[443])), Lang::En);
        assert!(out.starts_with("PORTCHECK OK - "), "{out}");
        assert!(
            out.contains("\nExpected open: port 443 – open as expected\n"),
            "{out}"
        );
        let out = render(&run(None, done(&[], &[443])), Lang::De);
        assert!(out.starts_with("PORTCHECK WARNING - "), "{out}");
        assert!(
            out.lines()
                .next()
                .unwrap()
                .contains("erwartet offen, aber nicht offen: 443")
        );
    }

    #[test]
    fn a_failure_is_unknown_without_perfdata() {
        let failed = Run::failed(Problem::Failure(Failure::RateLimited {
            retry_after_s: Some(42),
        }));
        let out = render(&failed, Lang::En);
        assert_eq!(
            out,
            "PORTCHECK UNKNOWN - Too many checks came from your address in a short time. You can check again in 42 seconds.\n"
        );
    }

    #[test]
    fn both_families_get_their_own_perfdata_labels() {
        let mut r = run(Some(Family::Ipv4), done(&[445], &[]));
        r.checks.push(Checked {
            family: Some(Family::Ipv6),
            result: Err(Problem::Failure(Failure::Network)),
        });
        let out = render(&r, Lang::En);
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with("PORTCHECK CRITICAL - IPv4: Critical: "),
            "{first}"
        );
        assert!(first.contains(" / IPv6: No connection"), "{first}");
        assert!(first.contains("'open_ipv4'=1;;;0;28"), "{first}");
        assert!(!first.contains("'open'="), "{first}");
    }
}
