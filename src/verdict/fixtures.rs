//! Sample results of a plan, for tests: every port with the plan's service
//! name and the state a test chooses, and the report a probe would write
//! for them, with its verdict.
//!
//! They need the verdict rules, so they live here, above `plan` and `api`,
//! as methods of [`Plan`]. Never part of the product: compiled for the
//! crate's own unit tests and with the `fixtures` feature, which the
//! integration tests (`tests/`) turn on through the crate's dev-dependency
//! on itself (see `Cargo.toml`).

use std::net::IpAddr;

use super::evaluate;
use crate::api::{GroupPorts, PortResult, PortState, Reason, Report, Target};
use crate::plan::{Plan, PlannedPort, PortGroup, Service, Transport};

impl Plan {
    /// A result of `port` in `state` as a scan records it (the reason that
    /// goes with the state, a round-trip time when the port answered): the
    /// plan's TCP entry of that number, else its UDP entry, else an
    /// unplanned TCP port.
    pub fn sample_result(&self, port: u16, state: PortState) -> PortResult {
        let entry = self
            .service(port, Transport::Tcp)
            .or_else(|| self.service(port, Transport::Udp))
            .cloned()
            .unwrap_or_else(|| PlannedPort::new(port, Service::Http));
        sample_of(&entry, state)
    }

    /// The report of a scan of this plan from `ip` in which every port has
    /// the state `state_of(role, port)` gives it, with its verdict; started
    /// 2026-11-29 08:15 UTC, 812 ms long. A number planned over TCP and UDP
    /// gets the same state over both.
    pub fn sample_report(
        &self,
        ip: IpAddr,
        state_of: impl Fn(PortGroup, u16) -> PortState,
    ) -> Report {
        let results = |role: PortGroup| -> Vec<PortResult> {
            let mut v: Vec<PortResult> = self
                .entries()
                .filter(|(_, r, _)| *r == role)
                .map(|(_, _, e)| sample_of(e, state_of(role, e.port)))
                .collect();
            v.sort_by_key(|r| (r.port, r.transport == Transport::Udp));
            v.dedup_by_key(|r| (r.port, r.transport));
            v
        };
        let ports = results(PortGroup::Range);
        let control = results(PortGroup::Control);
        Report {
            target: Target::new(ip),
            verdict: evaluate(self, &ports, &control),
            ports,
            control,
            groups: GroupPorts::of(self),
            started_at: "2026-11-29T08:15:00Z".into(),
            duration_ms: 812,
            timeout_ms: 900,
        }
    }

    /// The report of the Digitalisierungsbox fault: every range forwarded
    /// to a live host where the `open` ports listen (the rest of each range
    /// refuses), the control ports silent.
    pub fn sample_forwarded(&self, ip: IpAddr, open: &[u16]) -> Report {
        self.sample_report(ip, |role, port| match role {
            PortGroup::Control => PortState::Filtered,
            PortGroup::Range if open.contains(&port) => PortState::Open,
            PortGroup::Range => PortState::Closed,
        })
    }
}

/// A result of the plan entry `entry` in `state`, with the reason a scan
/// over its transport records for that state.
fn sample_of(entry: &PlannedPort, state: PortState) -> PortResult {
    let reason = match (entry.transport, state) {
        (Transport::Tcp, PortState::Open) => Reason::Connected,
        (Transport::Tcp, PortState::Closed) => Reason::Refused,
        (Transport::Tcp, PortState::Filtered) => Reason::Timeout,
        (Transport::Udp, PortState::Open) => Reason::Answered,
        (Transport::Udp, PortState::Closed) => Reason::PortUnreachable,
        (Transport::Udp, PortState::Filtered) => Reason::Unreachable,
        (_, PortState::OpenFiltered) => Reason::NoAnswer,
        (_, PortState::Error) => Reason::LocalError,
    };
    PortResult {
        port: entry.port,
        service: entry.service.clone(),
        transport: entry.transport,
        state,
        reason,
        rtt_ms: state.answered().then_some(0.2),
        attempts: 1,
        details: None,
    }
}

/// The Celle pattern: the standard plan's range forwarded to a server where
/// 443 and 445 listen, seen from 198.51.100.7.
#[cfg(test)]
pub(crate) fn celle_report() -> Report {
    let visitor = IpAddr::from([198, 51, 100, 7]);
    Plan::standard().sample_forwarded(visitor, &[443, 445])
}

/// Asserts that `text` holds every one of `parts`.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_holds(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "no {part:?} in:\n{text}");
    }
}
