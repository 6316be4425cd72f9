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
use crate::plan::{Plan, PortGroup, Transport, service_name};

impl Plan {
    /// A result of `port` in `state` as a scan records it (the reason that
    /// goes with the state, a round-trip time when the port answered).
    /// A UDP entry's open port answered (a datagram its parser accepted),
    /// a closed one sent ICMP port unreachable.
    pub fn sample_result(&self, port: u16, state: PortState) -> PortResult {
        let udp = self
            .service(port)
            .is_some_and(|s| s.transport == Transport::Udp);
        let reason = match state {
            PortState::Open if udp => Reason::Answered,
            PortState::Closed if udp => Reason::PortUnreachable,
            PortState::Open => Reason::Connected,
            PortState::Closed => Reason::Refused,
            PortState::Filtered => Reason::Timeout,
            PortState::OpenFiltered => Reason::NoAnswer,
            PortState::Error => Reason::LocalError,
        };
        PortResult {
            port,
            service: self
                .service(port)
                .map_or_else(|| service_name(port).to_owned(), |s| s.service.clone()),
            transport: self.service(port).map(|s| s.transport).unwrap_or_default(),
            state,
            reason,
            rtt_ms: state.answered().then_some(0.2),
            attempts: 1,
            details: None,
        }
    }

    /// The report of a scan of this plan from `ip` in which every port has
    /// the state `state_of(role, port)` gives it, with its verdict; started
    /// 2026-11-29 08:15 UTC, 812 ms long.
    pub fn sample_report(
        &self,
        ip: IpAddr,
        state_of: impl Fn(PortGroup, u16) -> PortState,
    ) -> Report {
        let results = |role: PortGroup, ports: Vec<u16>| -> Vec<PortResult> {
            ports
                .into_iter()
                .map(|p| self.sample_result(p, state_of(role, p)))
                .collect()
        };
        let ports = results(PortGroup::Range, self.range_ports());
        let control = results(PortGroup::Control, self.control_ports());
        Report {
            target: Target::new(ip),
            verdict: evaluate(self, &ports, &control),
            ports,
            control,
            groups: GroupPorts::of(self),
            started_at: "2026-11-29T08:15:00Z".into(),
            duration_ms: 812,
            timeout_ms: 900,
            upnp: None,
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
