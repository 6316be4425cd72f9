//! `--format text`: the result for people, the same text as the page's
//! summary and the probe's `text/plain` answer
//! ([`report_summary`]), with the expected ports and, given `--compare`,
//! what changed since the previous check.

use super::outcome::{Checked, Run};
use super::words::expected_line;
use crate::api::Report;
use crate::texts::Lang;
use crate::texts::changes::{change_lines, changes, heading};
use crate::texts::summary::report_summary;
use crate::texts::words::family_name;

/// The text of `run`.
pub(super) fn render(run: &Run, lang: Lang) -> String {
    let sections: Vec<String> = run
        .checks
        .iter()
        .map(|c| {
            let body = section(c, compared_with(run, c), lang);
            match c.family {
                Some(f) => format!("=== {} ===\n{body}", family_name(f)),
                None => body,
            }
        })
        .collect();
    sections.join("\n")
}

/// The previous report to compare `c` with: the one given, when it is of
/// the same address family (or the run checked one address only).
fn compared_with<'a>(run: &'a Run, c: &Checked) -> Option<&'a Report> {
    let previous = run.previous.as_ref()?;
    let Ok(done) = &c.result else { return None };
    (run.checks.len() == 1 || previous.target.family == done.report.target.family)
        .then_some(previous)
}

fn section(c: &Checked, previous: Option<&Report>, lang: Lang) -> String {
    let done = match &c.result {
        Ok(done) => done,
        Err(problem) => return format!("{}\n", problem.text(lang)),
    };
    let mut out = report_summary(&done.judged_report(), &done.plan, lang);
    if !done.evaluation.expected.is_empty() {
        out.push('\n');
        for e in &done.evaluation.expected {
            out.push_str(&expected_line(e, lang));
            out.push('\n');
        }
    }
    if let Some(previous) = previous {
        out.push_str(&format!("\n{}:\n", heading(lang)));
        for line in change_lines(&changes(previous, &done.report), &done.plan, lang) {
            out.push_str(&format!("- {line}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::outcome::Problem;
    use crate::client::outcome::fixtures::{done, run};

    #[test]
    fn the_summary_then_expected_ports_then_changes() {
        let mut r = run(None, done(&[443, 445], &[443]));
        r.previous = Some(done(&[443], &[]).report);
        let out = render(&r, Lang::En);
        assert!(
            out.starts_with("Portcheck 440–449, 80–89: check report\n"),
            "{out}"
        );
        assert!(
            out.contains("\nExpected open: port 443 – open as expected\n"),
            "{out}"
        );
        // Each finding names the report CERT-Bund passes on, and the
        // report says what it documents.
        assert!(
            out.contains("\n  In CERT-Bund/Shadowserver reports: “Accessible SMB Service”\n"),
            "{out}"
        );
        assert!(
            out.contains("This report documents a test of the connection from outside on "),
            "{out}"
        );
        assert!(
            out.contains("\nWhat changed since the previous check:\n- Newly open: port 445\n"),
            "{out}"
        );
        // The expected port's exposure finding is gone from the findings.
        assert!(!out.contains("(HTTPS) is open"), "{out}");
        let plain = render(&run(None, done(&[443], &[])), Lang::En);
        assert!(plain.contains("Port 443 (HTTPS) is open"), "{plain}");
    }

    #[test]
    fn a_problem_is_its_sentence() {
        let out = render(&Run::failed(Problem::BadUrl("no host".into())), Lang::De);
        assert_eq!(out, "Ungültige Adresse des Prüfdienstes: no host\n");
    }
}
