//! `--format checkmk`: Checkmk local check lines, one service per plan
//! group (`Portcheck 440-449`), so that a range that opens again turns its
//! own service red. A line is `<state> "<service>" <metrics> <text>` with
//! metrics as `name=value;warn;crit;min;max` joined by `|` (`-` for none).
//! Run from the agent's `local/3600/` folder, the check runs hourly.

use super::evaluation::MonitorState;
use super::outcome::{Done, Run};
use super::words::one_line;
use crate::api::{Finding, PortState, Verdict};
use crate::plan::{Group, Plan};
use crate::texts::Lang;
use crate::texts::words::family_name;

/// The local check lines of `run`, each ending with a newline.
pub(super) fn render(run: &Run, lang: Lang) -> String {
    let mut out = String::new();
    for c in &run.checks {
        let suffix = c
            .family
            .map(|f| format!(" {}", family_name(f)))
            .unwrap_or_default();
        match &c.result {
            Ok(done) => {
                for group in &done.plan.groups {
                    out.push_str(&group_line(done, group, &suffix, lang));
                }
            }
            // Without a result the plan is unknown: the standard plan's
            // services say what happened, so that they do not go stale.
            Err(problem) => {
                for group in &Plan::standard().groups {
                    out.push_str(&format!(
                        "{} \"Portcheck {}{suffix}\" - {}\n",
                        MonitorState::Unknown.code(),
                        service(&group.name),
                        plain(&problem.text(lang))
                    ));
                }
            }
        }
    }
    out
}

fn group_line(done: &Done, group: &Group, suffix: &str, lang: Lang) -> String {
    let r = &done.report;
    let results: Vec<_> = r
        .ports
        .iter()
        .chain(&r.control)
        .filter(|p| group.contains(p.port, p.transport))
        .collect();
    let open = results
        .iter()
        .filter(|p| p.state == PortState::Open)
        .count();
    let reachable = results.iter().filter(|p| p.state.answered()).count();
    let total = results.len();
    let state = done.evaluation.state_for(group, &done.plan);
    // The group's own findings and expected ports, as one line.
    let mut eval = done.evaluation.clone();
    let findings: Vec<Finding> = done.evaluation.findings_of(group, &done.plan);
    eval.verdict = Verdict {
        level: crate::verdict::level_of(&findings),
        findings,
    };
    eval.expected
        .retain(|e| group.contains(e.port, crate::plan::Transport::Tcp));
    // Texts about "the plan's ports" name this group's only.
    let own = Plan {
        groups: vec![group.clone()],
        ..done.plan.clone()
    };
    format!(
        "{} \"Portcheck {}{suffix}\" open={open};;;0;{total}|reachable={reachable};;;0;{total} {}\n",
        state.code(),
        service(&group.name),
        plain(&one_line(&eval, &own, lang))
    )
}

/// One line of text (a local check line ends at the newline).
fn plain(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// A group's name fit for the quoted service name: one line, and no `"`,
/// which would end the name early (the group names come from the probe).
fn service(name: &str) -> String {
    plain(name).replace('"', "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::outcome::Problem;
    use crate::client::outcome::fixtures::{done, run};
    use crate::texts::failure::Failure;

    #[test]
    fn one_line_per_group_with_its_own_state() {
        let out = render(&run(None, done(&[445, 80], &[])), Lang::En);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(
            lines[0]
                .starts_with("2 \"Portcheck 440-449\" open=1;;;0;14|reachable=1;;;0;14 Critical: "),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("0 \"Portcheck 80-89\" open=1;;;0;14|reachable=1;;;0;14 Notice: "),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn a_group_name_cannot_end_the_service_name() {
        let mut d = done(&[445], &[]);
        d.plan.groups[0].name = "x\" 0 \"forged".into();
        let out = render(&run(None, d), Lang::En);
        assert!(
            out.starts_with("2 \"Portcheck x' 0 'forged\" open=1;;;0;14|"),
            "{out}"
        );
    }

    #[test]
    fn a_failure_marks_every_standard_service_unknown() {
        let failed = Run::failed(Problem::Failure(Failure::Busy {
            retry_after_s: Some(5),
        }));
        let out = render(&failed, Lang::En);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), Plan::standard().groups.len());
        assert!(lines[0].starts_with("3 \"Portcheck 440-449\" - The checking service is busy"));
    }
}
