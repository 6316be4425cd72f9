//! One check: the scan stream of one origin, from consent to its report or
//! its failure, with the ports known so far.
//!
//! The page runs one check against its own origin, or one per address
//! family when the operator names an IPv4 and an IPv6 origin; either way it
//! is this one model with this one reducer. A check starts with the plan the
//! page expects and takes the plan the probe announces in `started`, so every
//! grid, count and table follows what the probe really scans. [`Phase`]
//! says where a run of checks is, for the main check and the practice
//! check alike.

use super::sse::StreamMsg;
use crate::api::{Family, Level, PortGroup, PortResult, PortState, Queued, Report};
use crate::plan::{Group, Plan, Transport};
use crate::texts::failure::Failure;

/// What the page shows, derived from its checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Explanation and consent button: no check yet.
    Start,
    /// A check is running.
    Running,
    /// Every check has its report or its failure.
    Settled,
}

impl Phase {
    /// Where a run of `checks` is.
    pub(crate) fn of(checks: &[Check]) -> Phase {
        if checks.is_empty() {
            Phase::Start
        } else if checks.iter().all(Check::settled) {
            Phase::Settled
        } else {
            Phase::Running
        }
    }
}

/// One thing that happened to a check's stream.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckEvent {
    /// A decoded event of the scan stream.
    Stream(StreamMsg),
    /// The check failed before a report arrived.
    Fail(Failure),
    /// The stream closed; without a report this is an interruption.
    Ended,
}

/// How far a check is.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Waiting for the probe or scanning.
    Running,
    /// The probe's report arrived.
    Done(Box<Report>),
    /// No report: why, for the visitor.
    Failed(Failure),
}

/// A port as a grid shows it: number, transport, service name, state once
/// known.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    pub port: u16,
    pub transport: Transport,
    pub service: String,
    pub state: Option<PortState>,
}

/// A result's place in a check's maps: its number and transport (the same
/// number can be planned over TCP and UDP).
pub(crate) type PortKey = (u16, Transport);

/// Port results by port and transport. A check has a few dozen, so a list
/// searched in order does, and it keeps a map's code out of the page's wasm.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PortResults(Vec<PortResult>);

impl PortResults {
    /// Adds a result, or replaces the one of the same port and transport.
    fn insert(&mut self, result: PortResult) {
        let key = (result.port, result.transport);
        match self.0.iter_mut().find(|p| (p.port, p.transport) == key) {
            Some(known) => *known = result,
            None => self.0.push(result),
        }
    }

    /// The result of a port over a transport, if known.
    pub(crate) fn get(&self, (port, transport): PortKey) -> Option<&PortResult> {
        self.0
            .iter()
            .find(|p| p.port == port && p.transport == transport)
    }

    /// Whether no result is known yet.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One check against one origin: its plan, progress and result.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The address family whose origin this check runs against; `None` for
    /// the check of the page's own origin.
    pub family: Option<Family>,
    /// The plan the probe announced (until then, the one the page expects).
    pub plan: Plan,
    /// How far it is.
    pub status: Status,
    /// While the probe is busy: the place in its queue, until `started`.
    pub queued: Option<Queued>,
    /// The range ports' results so far, by port and transport.
    pub range: PortResults,
    /// The control ports' results so far, by port and transport.
    pub control: PortResults,
}

impl Check {
    pub(crate) fn new(family: Option<Family>, plan: Plan) -> Check {
        Check {
            family,
            plan,
            status: Status::Running,
            queued: None,
            range: PortResults::default(),
            control: PortResults::default(),
        }
    }

    /// Applies one event of this check's stream; a settled check stays as
    /// it is (the stream closing after the report is no interruption).
    pub(crate) fn apply(&mut self, event: CheckEvent) {
        if self.settled() {
            return;
        }
        if !matches!(event, CheckEvent::Stream(StreamMsg::Queued(_))) {
            self.queued = None;
        }
        match event {
            CheckEvent::Stream(StreamMsg::Queued(q)) => self.queued = Some(q),
            CheckEvent::Stream(StreamMsg::Started(s)) => self.plan = s.plan,
            CheckEvent::Stream(StreamMsg::Port(p)) => {
                let map = match p.group {
                    PortGroup::Range => &mut self.range,
                    PortGroup::Control => &mut self.control,
                };
                map.insert(p.result);
            }
            CheckEvent::Stream(StreamMsg::Finished(report)) => {
                // The report is authoritative, also for ports whose events
                // were missed.
                let by_port = |v: &[PortResult]| PortResults(v.to_vec());
                self.range = by_port(&report.ports);
                self.control = by_port(&report.control);
                self.status = Status::Done(report);
            }
            CheckEvent::Stream(StreamMsg::Error(body)) => {
                self.status = Status::Failed(Failure::from_error_body(body, None));
            }
            CheckEvent::Fail(f) => self.status = Status::Failed(f),
            CheckEvent::Ended => self.status = Status::Failed(Failure::Interrupted),
        }
    }

    pub(crate) fn settled(&self) -> bool {
        self.status != Status::Running
    }

    /// Range ports of the plan known so far, and how many the plan has
    /// (a number planned over TCP and UDP counts twice).
    pub(crate) fn progress(&self) -> (usize, usize) {
        // Each port and transport once; a few dozen, so no sort is needed.
        let mut range: Vec<PortKey> = Vec::new();
        for (_, role, e) in self.plan.entries() {
            let key = (e.port, e.transport);
            if role == PortGroup::Range && !range.contains(&key) {
                range.push(key);
            }
        }
        let done = range
            .iter()
            .filter(|k| self.range.get(**k).is_some())
            .count();
        (done, range.len())
    }

    /// State of a TCP range port, `None` while it is still being checked.
    #[cfg(test)]
    pub(crate) fn port_state(&self, port: u16) -> Option<PortState> {
        self.state_of(port, Transport::Tcp)
    }

    /// State of a range port over `transport`, `None` while it is still
    /// being checked.
    pub(crate) fn state_of(&self, port: u16, transport: Transport) -> Option<PortState> {
        self.range.get((port, transport)).map(|p| p.state)
    }

    /// The range ports of `group` as the grid shows them.
    pub(crate) fn cells(&self, group: &Group) -> Vec<Cell> {
        group
            .ports
            .iter()
            .map(|s| Cell {
                port: s.port,
                transport: s.transport,
                service: s.service.clone(),
                state: self.state_of(s.port, s.transport),
            })
            .collect()
    }

    pub(crate) fn report(&self) -> Option<&Report> {
        match &self.status {
            Status::Done(r) => Some(r),
            _ => None,
        }
    }

    #[cfg(test)]
    pub(crate) fn failure(&self) -> Option<&Failure> {
        match &self.status {
            Status::Failed(f) => Some(f),
            _ => None,
        }
    }
}

/// Range ports known so far and the ranges' size, over `checks`.
pub(crate) fn progress_of(checks: &[Check]) -> (usize, usize) {
    checks
        .iter()
        .map(Check::progress)
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

/// The worst verdict of the `checks` that have one.
pub(crate) fn worst_level_of(checks: &[Check]) -> Option<Level> {
    checks
        .iter()
        .filter_map(|c| c.report().map(|r| r.verdict.level))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{PortEvent, Started, Target};

    fn report() -> Report {
        Plan::standard().sample_report("::1".parse().unwrap(), |_, p| {
            if p == 443 {
                PortState::Open
            } else {
                PortState::Closed
            }
        })
    }

    #[test]
    fn a_check_fills_in_and_settles_once() {
        let mut c = Check::new(Some(Family::Ipv6), Plan::standard());
        let r = report();
        c.apply(CheckEvent::Stream(StreamMsg::Port(PortEvent {
            group: PortGroup::Range,
            group_name: None,
            result: r
                .ports
                .iter()
                .find(|p| p.port == 443)
                .cloned()
                .expect("443"),
        })));
        // Both groups' range ports count: 440–449 and 80–89.
        assert_eq!(c.progress(), (1, 20));
        assert_eq!(c.port_state(443), Some(PortState::Open));
        assert!(!c.settled());
        c.apply(CheckEvent::Stream(StreamMsg::Finished(Box::new(r.clone()))));
        assert!(c.settled());
        assert_eq!(c.progress(), (20, 20));
        // The stream closing after the report changes nothing.
        c.apply(CheckEvent::Ended);
        assert_eq!(c.report(), Some(&r));
        let mut cut = Check::new(Some(Family::Ipv4), Plan::standard());
        cut.apply(CheckEvent::Ended);
        assert_eq!(cut.status, Status::Failed(Failure::Interrupted));
    }

    #[test]
    fn the_announced_plan_replaces_the_expected_one() {
        let mut other = Plan::standard();
        other.groups[0].ports.truncate(4);
        other.groups.truncate(1);
        let mut c = Check::new(None, Plan::standard());
        c.apply(CheckEvent::Stream(StreamMsg::Started(Started::new(
            Target::new("192.0.2.1".parse().unwrap()),
            other.clone(),
        ))));
        assert_eq!(c.progress(), (0, 4));
        let cells = c.cells(&c.plan.groups[0]);
        assert_eq!(cells.len(), 4);
        assert_eq!((cells[0].port, cells[0].service.as_str()), (440, "sgcp"));
        assert_eq!(cells[0].state, None);
    }

    #[test]
    fn a_queued_check_shows_its_place_until_it_starts() {
        let mut c = Check::new(None, Plan::standard());
        let place = |position| {
            CheckEvent::Stream(StreamMsg::Queued(Queued {
                position,
                wait_s: 20,
            }))
        };
        c.apply(place(2));
        c.apply(place(1));
        assert_eq!(c.queued.map(|q| q.position), Some(1));
        assert!(!c.settled());
        c.apply(CheckEvent::Stream(StreamMsg::Started(Started::new(
            Target::new("192.0.2.1".parse().unwrap()),
            Plan::standard(),
        ))));
        assert_eq!(c.queued, None);
    }
}
