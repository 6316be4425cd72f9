//! From a report and the ports a practice forwards on purpose to a
//! monitoring state: the client's judgement, a pure function.
//!
//! An expected port that is open raises none of the findings that only say
//! "this port is open" (`unexpected-open`, `https-exposed`, `http-exposed`);
//! what identification found behind it (outdated TLS, an admin login page,
//! …) still counts. An expected port found closed or filtered is a warning:
//! the forwarding the practice needs is gone. Port 445 can never be
//! expected.

use serde::{Deserialize, Serialize};

use crate::api::{Finding, FindingId, Level, PortState, Report, Verdict};
use crate::plan::{Group, Plan, SMB_SERVICE, Transport};
use crate::verdict::level_of;

/// The port that may never be expected open: SMB.
pub(super) const NEVER_EXPECTED: u16 = 445;

/// Findings that say no more than "this port is open".
const EXPOSURE_ONLY: [FindingId; 3] = [
    FindingId::UnexpectedOpen,
    FindingId::HttpsExposed,
    FindingId::HttpExposed,
];

/// A monitoring state, with the Monitoring Plugins exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum MonitorState {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl MonitorState {
    /// The plugin exit code, also the Checkmk local check's state.
    pub(super) fn code(self) -> u8 {
        match self {
            MonitorState::Ok => 0,
            MonitorState::Warning => 1,
            MonitorState::Critical => 2,
            MonitorState::Unknown => 3,
        }
    }

    /// As the status line spells it.
    pub(super) fn word(self) -> &'static str {
        match self {
            MonitorState::Ok => "OK",
            MonitorState::Warning => "WARNING",
            MonitorState::Critical => "CRITICAL",
            MonitorState::Unknown => "UNKNOWN",
        }
    }

    /// How bad, for the worst of several checks: an unanswered check is
    /// worse than a good one, but a finding outranks it.
    fn rank(self) -> u8 {
        match self {
            MonitorState::Ok => 0,
            MonitorState::Unknown => 1,
            MonitorState::Warning => 2,
            MonitorState::Critical => 3,
        }
    }

    /// The worse of two states.
    pub(super) fn worst(self, other: MonitorState) -> MonitorState {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
}

/// One expected port and what the check found there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ExpectedPort {
    pub port: u16,
    /// Its state; absent when the plan did not check the port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<PortState>,
    /// Whether it was open as expected.
    pub met: bool,
}

/// The client's judgement of one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Evaluation {
    pub state: MonitorState,
    /// Whether a notice counts as a warning (`--warn-on-notice`).
    pub warn_on_notice: bool,
    /// The report's verdict without the exposure findings of expected ports.
    pub verdict: Verdict,
    pub expected: Vec<ExpectedPort>,
}

/// What the client was told to accept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Expectations {
    /// Ports forwarded on purpose, ascending, without duplicates, never 445.
    pub open: Vec<u16>,
    /// A notice is a warning.
    pub warn_on_notice: bool,
}

impl Expectations {
    /// The expectations, or the one port that may not be expected.
    pub(super) fn new(mut open: Vec<u16>, warn_on_notice: bool) -> Result<Expectations, u16> {
        if open.contains(&NEVER_EXPECTED) {
            return Err(NEVER_EXPECTED);
        }
        open.sort_unstable();
        open.dedup();
        Ok(Expectations {
            open,
            warn_on_notice,
        })
    }
}

/// Why 445 cannot be expected, for the error message.
pub(super) fn never_expected_reason() -> String {
    format!(
        "--expect-open {NEVER_EXPECTED} refused: port {NEVER_EXPECTED} ({SMB_SERVICE}, Windows file sharing) must never be reachable from the internet, so it cannot be an expected forwarding"
    )
}

/// Judges `report` under `expect`.
pub(super) fn evaluate(report: &Report, expect: &Expectations) -> Evaluation {
    let results = || report.ports.iter().chain(&report.control);
    let expected: Vec<ExpectedPort> = expect
        .open
        .iter()
        .map(|&port| {
            // A forwarding on purpose is a TCP port.
            let state = results()
                .find(|p| p.port == port && p.transport.is_tcp())
                .map(|p| p.state);
            ExpectedPort {
                port,
                state,
                met: state == Some(PortState::Open),
            }
        })
        .collect();
    let met: Vec<u16> = expected.iter().filter(|e| e.met).map(|e| e.port).collect();
    let findings: Vec<_> = report
        .verdict
        .findings
        .iter()
        .cloned()
        .filter_map(|mut f| {
            if EXPOSURE_ONLY.contains(&f.id) {
                f.ports.retain(|p| !met.contains(p));
            }
            (!f.ports.is_empty()).then_some(f)
        })
        .collect();
    let verdict = Verdict {
        level: level_of(&findings),
        findings,
    };
    let all_met = expected.iter().all(|e| e.met);
    Evaluation {
        state: state_of(verdict.level, all_met, expect.warn_on_notice),
        warn_on_notice: expect.warn_on_notice,
        verdict,
        expected,
    }
}

/// The state of a result `level` whose expected ports were all open
/// (`all_met`) or not.
pub(super) fn state_of(level: Level, all_met: bool, warn_on_notice: bool) -> MonitorState {
    let by_level = match level {
        Level::Ok => MonitorState::Ok,
        Level::Notice if warn_on_notice => MonitorState::Warning,
        Level::Notice => MonitorState::Ok,
        Level::Warning => MonitorState::Warning,
        Level::Critical => MonitorState::Critical,
    };
    if all_met {
        by_level
    } else {
        by_level.worst(MonitorState::Warning)
    }
}

impl Evaluation {
    /// The state of the part of the check about `group`: its findings and
    /// its expected ports only.
    pub(super) fn state_for(&self, group: &Group, plan: &Plan) -> MonitorState {
        let findings = self.findings_of(group, plan);
        let all_met = self
            .expected
            .iter()
            .filter(|e| group.contains(e.port, Transport::Tcp))
            .all(|e| e.met);
        state_of(level_of(&findings), all_met, self.warn_on_notice)
    }

    /// The findings about `group` of `plan`: those that name it, and those
    /// that name no group of the plan but one of its port numbers (a
    /// finding names numbers only, so one that spans groups counts for
    /// each; the number 111 of a finding naming `reflection` is not
    /// `directory`'s 111/tcp).
    pub(super) fn findings_of(&self, group: &Group, plan: &Plan) -> Vec<Finding> {
        let numbers: Vec<u16> = group
            .ports
            .iter()
            .chain(&group.control)
            .map(|e| e.port)
            .collect();
        let named = |f: &Finding| {
            f.group
                .clone()
                .filter(|name| plan.groups.iter().any(|g| &g.name == name))
        };
        self.verdict
            .findings
            .iter()
            .filter(|f| match named(f) {
                Some(name) => name == group.name,
                None => f.ports.iter().any(|p| numbers.contains(p)),
            })
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only `open` answers, everything else filtered.
    fn single(open: &[u16]) -> Report {
        Plan::standard().sample_report("198.51.100.7".parse().unwrap(), |_, p| {
            if open.contains(&p) {
                PortState::Open
            } else {
                PortState::Filtered
            }
        })
    }

    fn expect(open: &[u16]) -> Expectations {
        Expectations::new(open.to_vec(), false).unwrap()
    }

    #[test]
    fn levels_map_to_states() {
        let none = expect(&[]);
        assert_eq!(evaluate(&single(&[]), &none).state, MonitorState::Ok);
        let notice = evaluate(&single(&[443]), &none);
        assert_eq!(notice.verdict.level, Level::Notice);
        assert_eq!(notice.state, MonitorState::Ok);
        let strict = Expectations::new(vec![], true).unwrap();
        assert_eq!(
            evaluate(&single(&[443]), &strict).state,
            MonitorState::Warning
        );
        assert_eq!(
            evaluate(&single(&[446]), &none).state,
            MonitorState::Warning
        );
        assert_eq!(
            evaluate(&single(&[445]), &none).state,
            MonitorState::Critical
        );
    }

    #[test]
    fn an_expected_open_port_raises_no_exposure_finding() {
        let e = evaluate(&single(&[443, 446]), &expect(&[443, 446]));
        assert_eq!(e.verdict.findings, vec![]);
        assert_eq!(e.state, MonitorState::Ok);
        assert!(e.expected.iter().all(|x| x.met));
        // Another open port still counts.
        let e = evaluate(&single(&[443, 446]), &expect(&[443]));
        let ids: Vec<FindingId> = e.verdict.findings.iter().map(|f| f.id).collect();
        assert_eq!(ids, vec![FindingId::UnexpectedOpen]);
        assert_eq!(e.state, MonitorState::Warning);
    }

    #[test]
    fn identification_findings_of_an_expected_port_still_count() {
        let mut r = single(&[443]);
        let p = r.ports.iter_mut().find(|p| p.port == 443).unwrap();
        p.details = Some(Box::new(crate::api::PortDetails {
            tls: Some(crate::api::TlsDetails {
                version: "TLSv1.0".into(),
                ..Default::default()
            }),
            ..Default::default()
        }));
        r.verdict = crate::verdict::evaluate(&Plan::standard(), &r.ports, &r.control);
        let e = evaluate(&r, &expect(&[443]));
        let ids: Vec<FindingId> = e.verdict.findings.iter().map(|f| f.id).collect();
        assert_eq!(ids, vec![FindingId::TlsOutdated]);
        assert_eq!(e.state, MonitorState::Warning);
    }

    #[test]
    fn an_expected_port_not_open_is_a_warning() {
        let e = evaluate(&single(&[]), &expect(&[443]));
        assert_eq!(
            e.expected,
            vec![ExpectedPort {
                port: 443,
                state: Some(PortState::Filtered),
                met: false
            }]
        );
        assert_eq!(e.state, MonitorState::Warning);
        // A port the plan does not check cannot be met either.
        let e = evaluate(&single(&[]), &expect(&[22]));
        assert_eq!(e.expected[0].state, None);
        assert_eq!(e.state, MonitorState::Warning);
        // A critical result stays critical.
        let e = evaluate(&single(&[445]), &expect(&[443]));
        assert_eq!(e.state, MonitorState::Critical);
    }

    #[test]
    fn smb_can_never_be_expected() {
        assert_eq!(Expectations::new(vec![443, 445], false), Err(445));
        assert!(never_expected_reason().contains("445"));
        let e = Expectations::new(vec![446, 443, 443], false).unwrap();
        assert_eq!(e.open, vec![443, 446]);
    }

    #[test]
    fn worst_state_ranks_findings_above_unknown() {
        use MonitorState::*;
        assert_eq!(Ok.worst(Unknown), Unknown);
        assert_eq!(Unknown.worst(Warning), Warning);
        assert_eq!(Critical.worst(Unknown), Critical);
        assert_eq!(
            [Ok, Warning, Critical, Unknown].map(MonitorState::code),
            [0, 1, 2, 3]
        );
    }
}
