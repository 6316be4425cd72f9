//! The page's state and the actions that change it, as a plain reducer.
//!
//! The Yew app wraps [`PageState`] in `use_reducer`; keeping the transitions
//! free of DOM types lets native tests walk a whole check: start, ports
//! arriving out of order, the report, a broken stream, a stale stream from an
//! earlier run. With both address families configured, the check is two
//! [`Side`]s that fill in and settle independently.

use std::collections::BTreeMap;

use super::Lang;
use super::dual::Side;
use super::failure::Failure;
use super::guide::Router;
use super::sse::StreamMsg;
use crate::api::{Family, PortGroup, PortResult, PortState, Report, SiteInfo, Target};

/// What the page shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Explanation and consent button.
    Start,
    /// A check is running; results arrive in `PageState::range`/`control`.
    Running,
    /// The report is in.
    Done(Box<Report>),
    /// The check could not be done.
    Failed(Failure),
    /// Both families' checks are settled (done or failed): see
    /// `PageState::sides`.
    BothSettled,
}

/// The visitor's address as `/api/v1/whoami` told it.
#[derive(Debug, Clone, PartialEq)]
pub enum WhoAmI {
    Loading,
    Known(Target),
    Unknown,
}

/// Result of "copy summary".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyStatus {
    Idle,
    Copied,
    Failed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PageState {
    pub lang: Lang,
    /// The compact view for embedding (no page chrome).
    pub embedded: bool,
    pub whoami: WhoAmI,
    pub phase: Phase,
    /// Number of the current check; stream messages of older checks are
    /// ignored.
    pub run: u32,
    pub range: BTreeMap<u16, PortResult>,
    pub control: BTreeMap<u16, PortResult>,
    pub router: Option<Router>,
    pub copy: CopyStatus,
    /// The operator's name and help contact (`/api/v1/site`).
    pub site: SiteInfo,
    /// The IPv4 and IPv6 checks when both are run; empty for the single
    /// same-origin check.
    pub sides: Vec<Side>,
}

/// One thing that happened to a check's stream.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckEvent {
    Stream(StreamMsg),
    Fail(Failure),
    /// The stream closed.
    Ended,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    SetLang(Lang),
    WhoAmI(Option<Target>),
    /// Consent given or "check again": starts run `run + 1`.
    Start,
    /// Like `Start`, but checks IPv4 and IPv6 side by side.
    StartBoth,
    /// An event of one family's check in a `StartBoth` run.
    Side {
        run: u32,
        family: Family,
        event: CheckEvent,
    },
    Stream {
        run: u32,
        msg: StreamMsg,
    },
    Fail {
        run: u32,
        failure: Failure,
    },
    /// The stream closed; without a report this is an interruption.
    Ended {
        run: u32,
    },
    PickRouter(Router),
    Copy(CopyStatus),
    Site(SiteInfo),
}

impl PageState {
    pub fn new(lang: Lang, embedded: bool) -> Self {
        PageState {
            lang,
            embedded,
            whoami: WhoAmI::Loading,
            phase: Phase::Start,
            run: 0,
            range: BTreeMap::new(),
            control: BTreeMap::new(),
            router: None,
            copy: CopyStatus::Idle,
            site: SiteInfo::default(),
            sides: Vec::new(),
        }
    }

    pub fn apply(&mut self, action: Action) {
        match action {
            Action::SetLang(l) => self.lang = l,
            Action::WhoAmI(t) => {
                self.whoami = t.map_or(WhoAmI::Unknown, WhoAmI::Known);
            }
            // A second click before the page re-rendered: the check already runs.
            Action::Start | Action::StartBoth if self.phase == Phase::Running => {}
            Action::Start | Action::StartBoth => {
                self.run += 1;
                self.phase = Phase::Running;
                self.range.clear();
                self.control.clear();
                self.copy = CopyStatus::Idle;
                self.sides = if action == Action::StartBoth {
                    vec![Side::new(Family::Ipv4), Side::new(Family::Ipv6)]
                } else {
                    Vec::new()
                };
            }
            Action::Side { run, .. } if run != self.run || self.phase != Phase::Running => {}
            Action::Side { family, event, .. } => {
                if let Some(side) = self.sides.iter_mut().find(|s| s.family == family) {
                    side.apply(event);
                }
                if !self.sides.is_empty() && self.sides.iter().all(Side::settled) {
                    self.phase = Phase::BothSettled;
                }
            }
            // Single-check events never touch a two-family run.
            Action::Stream { run, .. } | Action::Fail { run, .. } | Action::Ended { run }
                if run != self.run || self.phase != Phase::Running || !self.sides.is_empty() => {}
            Action::Stream { msg, .. } => self.on_stream(msg),
            Action::Fail { failure, .. } => self.phase = Phase::Failed(failure),
            Action::Ended { .. } => self.phase = Phase::Failed(Failure::Interrupted),
            Action::PickRouter(r) => self.router = Some(r),
            Action::Copy(c) => self.copy = c,
            Action::Site(s) => self.site = s,
        }
    }

    fn on_stream(&mut self, msg: StreamMsg) {
        match msg {
            StreamMsg::Started(s) => {
                if self.whoami != WhoAmI::Known(s.target) {
                    self.whoami = WhoAmI::Known(s.target);
                }
            }
            StreamMsg::Port(p) => {
                let map = match p.group {
                    PortGroup::Range => &mut self.range,
                    PortGroup::Control => &mut self.control,
                };
                map.insert(p.result.port, p.result);
            }
            StreamMsg::Finished(report) => {
                // The report is authoritative, also for ports whose events
                // were missed.
                self.range = report.ports.iter().map(|p| (p.port, p.clone())).collect();
                self.control = report.control.iter().map(|p| (p.port, p.clone())).collect();
                self.whoami = WhoAmI::Known(report.target);
                self.phase = Phase::Done(report);
            }
            StreamMsg::Error(body) => {
                self.phase = Phase::Failed(Failure::from_error_body(body, None));
            }
        }
    }

    /// Whether this run checks both families.
    pub fn is_dual(&self) -> bool {
        !self.sides.is_empty()
    }

    /// Ports of the range known so far, and the range's size.
    pub fn progress(&self) -> (usize, usize) {
        let range = crate::plan::Plan::standard().range_ports();
        let done = range.iter().filter(|p| self.range.contains_key(p)).count();
        (done, range.len())
    }

    /// State of a port of the range, `None` while it is still being checked.
    pub fn port_state(&self, port: u16) -> Option<PortState> {
        self.range.get(&port).map(|p| p.state)
    }

    pub fn report(&self) -> Option<&Report> {
        match &self.phase {
            Phase::Done(r) => Some(r),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ErrorBody, ErrorCode, ErrorDetail, PortEvent, Reason, Started, service_name};
    use crate::verdict::evaluate;

    fn pr(port: u16, state: PortState) -> PortResult {
        PortResult {
            port,
            service: service_name(port).into(),
            state,
            reason: Reason::Refused,
            rtt_ms: None,
            attempts: 1,
            details: None,
        }
    }

    fn port_msg(group: PortGroup, port: u16, state: PortState) -> StreamMsg {
        StreamMsg::Port(PortEvent {
            group,
            group_name: None,
            result: pr(port, state),
        })
    }

    fn target() -> Target {
        Target::new("127.0.0.1".parse().unwrap())
    }

    fn report() -> Report {
        let ports: Vec<PortResult> = crate::plan::Plan::standard()
            .range_ports()
            .iter()
            .map(|&p| pr(p, PortState::Closed))
            .collect();
        let control: Vec<PortResult> = crate::plan::Plan::standard()
            .control_ports()
            .iter()
            .map(|&p| pr(p, PortState::Closed))
            .collect();
        Report {
            target: target(),
            verdict: evaluate(&crate::plan::Plan::standard(), &ports, &control),
            ports,
            control,
            groups: vec![],
            started_at: "2026-11-29T08:15:00Z".into(),
            duration_ms: 3,
            timeout_ms: 100,
        }
    }

    #[test]
    fn a_check_from_consent_to_report() {
        let mut s = PageState::new(Lang::De, false);
        s.apply(Action::WhoAmI(Some(target())));
        s.apply(Action::Start);
        assert_eq!(s.phase, Phase::Running);
        let run = s.run;
        s.apply(Action::Stream {
            run,
            msg: StreamMsg::Started(Started {
                target: target(),
                plan: crate::plan::Plan::standard(),
                ports: crate::plan::Plan::standard().range_ports(),
                control: crate::plan::Plan::standard().control_ports(),
                groups: vec![],
            }),
        });
        s.apply(Action::Stream {
            run,
            msg: port_msg(PortGroup::Range, 445, PortState::Open),
        });
        s.apply(Action::Stream {
            run,
            msg: port_msg(PortGroup::Control, 450, PortState::Closed),
        });
        assert_eq!(s.progress(), (1, 10));
        assert_eq!(s.port_state(445), Some(PortState::Open));
        assert_eq!(s.port_state(440), None);
        assert!(s.control.contains_key(&450));
        s.apply(Action::Stream {
            run,
            msg: StreamMsg::Finished(Box::new(report())),
        });
        assert_eq!(s.progress(), (10, 10));
        // The report wins over the earlier event.
        assert_eq!(s.port_state(445), Some(PortState::Closed));
        assert!(s.report().is_some());
        // The stream closing after the report is not an interruption.
        s.apply(Action::Ended { run });
        assert!(s.report().is_some());
    }

    #[test]
    fn stream_closing_early_is_an_interruption() {
        let mut s = PageState::new(Lang::En, false);
        s.apply(Action::Start);
        let run = s.run;
        s.apply(Action::Stream {
            run,
            msg: port_msg(PortGroup::Range, 440, PortState::Filtered),
        });
        s.apply(Action::Ended { run });
        assert_eq!(s.phase, Phase::Failed(Failure::Interrupted));
    }

    #[test]
    fn error_event_becomes_a_failure() {
        let mut s = PageState::new(Lang::En, false);
        s.apply(Action::Start);
        let run = s.run;
        s.apply(Action::Stream {
            run,
            msg: StreamMsg::Error(ErrorBody {
                error: ErrorDetail {
                    code: ErrorCode::Busy,
                    message: "busy".into(),
                    retry_after_s: Some(3),
                },
            }),
        });
        assert_eq!(
            s.phase,
            Phase::Failed(Failure::Busy {
                retry_after_s: Some(3)
            })
        );
    }

    #[test]
    fn messages_of_an_older_run_are_ignored() {
        let mut s = PageState::new(Lang::De, false);
        s.apply(Action::Start);
        let old = s.run;
        s.apply(Action::Fail {
            run: old,
            failure: Failure::Network,
        });
        s.apply(Action::Start);
        s.apply(Action::Stream {
            run: old,
            msg: port_msg(PortGroup::Range, 445, PortState::Open),
        });
        s.apply(Action::Ended { run: old });
        assert_eq!(s.phase, Phase::Running);
        assert!(s.range.is_empty());
    }

    #[test]
    fn a_double_click_starts_one_check() {
        let mut s = PageState::new(Lang::De, false);
        s.apply(Action::Start);
        let run = s.run;
        s.apply(Action::Stream {
            run,
            msg: port_msg(PortGroup::Range, 445, PortState::Open),
        });
        s.apply(Action::Start);
        assert_eq!(s.run, run);
        assert_eq!(s.port_state(445), Some(PortState::Open));
    }

    fn side(run: u32, family: Family, event: CheckEvent) -> Action {
        Action::Side { run, family, event }
    }

    #[test]
    fn both_families_fill_in_independently_and_settle_together() {
        let mut s = PageState::new(Lang::De, false);
        s.apply(Action::StartBoth);
        assert!(s.is_dual());
        assert_eq!(s.phase, Phase::Running);
        let run = s.run;
        let v6_port = CheckEvent::Stream(port_msg(PortGroup::Range, 443, PortState::Open));
        s.apply(side(run, Family::Ipv6, v6_port));
        assert_eq!(s.sides[1].port_state(443), Some(PortState::Open));
        assert_eq!(s.sides[0].progress(), (0, 10));
        // A single-check event cannot leak into a two-family run.
        s.apply(Action::Stream {
            run,
            msg: port_msg(PortGroup::Range, 445, PortState::Open),
        });
        assert!(s.range.is_empty());
        s.apply(side(
            run,
            Family::Ipv4,
            CheckEvent::Stream(StreamMsg::Finished(Box::new(report()))),
        ));
        assert_eq!(s.phase, Phase::Running, "IPv6 is still running");
        s.apply(side(run, Family::Ipv6, CheckEvent::Fail(Failure::Network)));
        assert_eq!(s.phase, Phase::BothSettled);
        assert!(s.sides[0].report().is_some());
        assert_eq!(
            s.sides[1].status,
            crate::page::dual::SideStatus::Failed(Failure::Network)
        );
        // Late events of the finished run change nothing.
        s.apply(side(run, Family::Ipv6, CheckEvent::Ended));
        assert_eq!(s.phase, Phase::BothSettled);
    }

    #[test]
    fn a_single_check_after_a_dual_one_clears_the_sides() {
        let mut s = PageState::new(Lang::En, false);
        s.apply(Action::StartBoth);
        let old = s.run;
        for family in [Family::Ipv4, Family::Ipv6] {
            s.apply(side(old, family, CheckEvent::Fail(Failure::Network)));
        }
        assert_eq!(s.phase, Phase::BothSettled);
        s.apply(Action::StartBoth);
        assert_eq!(s.run, old + 1);
        assert!(s.sides.iter().all(|x| !x.settled()));
        s.apply(side(old, Family::Ipv4, CheckEvent::Ended));
        assert!(!s.sides[0].settled(), "old run ignored");
        s.apply(Action::StartBoth);
        assert_eq!(s.run, old + 1, "double click");
        for family in [Family::Ipv4, Family::Ipv6] {
            s.apply(side(s.run, family, CheckEvent::Ended));
        }
        s.apply(Action::Start);
        assert!(!s.is_dual());
        assert_eq!(s.phase, Phase::Running);
    }

    #[test]
    fn check_again_keeps_router_and_resets_results() {
        let mut s = PageState::new(Lang::De, false);
        s.apply(Action::PickRouter(Router::FritzBox));
        s.apply(Action::Start);
        let run = s.run;
        s.apply(Action::Stream {
            run,
            msg: StreamMsg::Finished(Box::new(report())),
        });
        s.apply(Action::Copy(CopyStatus::Copied));
        s.apply(Action::Start);
        assert_eq!(s.router, Some(Router::FritzBox));
        assert_eq!(s.copy, CopyStatus::Idle);
        assert_eq!(s.progress(), (0, 10));
        assert_eq!(s.phase, Phase::Running);
    }
}
