//! The scan engine: TCP connect to every port of the plan at once, classify
//! each answer, retry silence once, and adapt the timeout to the target's
//! round-trip time.
//!
//! Timing: every attempt waits at most the *current* timeout, which starts at
//! an estimate from the incoming request's TCP handshake (when the probe sees
//! the visitor directly) or at the ceiling, and shrinks as soon as any port
//! answers and gives a measured round-trip time. So a host that drops most
//! ports is done after about two timeouts of a few RTTs each, not after a
//! fixed multi-second wait. The timeout is `3 × RTT` clamped to the
//! configured floor and ceiling.
//!
//! Sockets: the connect scan holds at most two sockets per port (the early
//! second SYN); every socket is reset when closed (linger 0), so the probe
//! keeps no TIME_WAIT state. The connection that found a port open goes to
//! identification, which watches it for a service that closes unasked. Running out of sockets gives the port the state `error`, never a
//! panic. An open port is then identified (`ident`) on connections of its
//! own, within a fixed per-port budget, while the scan goes on.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use prometheus_client::metrics::gauge::Gauge;
use tokio::sync::watch;

use crate::api::{GroupPorts, PortEvent, PortGroup, PortResult, PortState, Reason, Report, Target};
use crate::plan::{Plan, PlannedPort, Service};
use crate::probe::ident;
use crate::verdict;

mod connect;
mod timing;

pub use connect::{IcmpError, Outcome, classify_error, second_syn_after};

pub use timing::{
    LOSSY_MAX_ATTEMPTS, MAX_ATTEMPTS, RttEstimate, Timing, attempts_allowed, timeout_for,
};

/// How a scan runs, besides its target: timeouts, the identification
/// budget (`None` turns identification off), and the gauge that counts the
/// scan's open sockets (the running probe's own).
#[derive(Debug, Clone)]
pub struct ScanSetup {
    pub timing: Timing,
    pub identify: Option<ident::Budget>,
    pub sockets: Gauge,
}

impl ScanSetup {
    /// The longest a scan of `plan` can take, connect phase and
    /// identification together: every attempt a silent port may get, each
    /// at the ceiling, then one identification budget. [`scan`] enforces it
    /// with a deadline.
    pub fn worst_case(&self, plan: &Plan) -> Duration {
        let has_ports = plan.entries().next().is_some();
        timing::worst_case(self.timing, self.identify.map(|b| b.time), has_ports)
    }
}

/// [`scan`] with a chosen identification budget and sockets counted nowhere
/// (tests and benchmarks compare budgets).
pub async fn scan_with(
    target: IpAddr,
    plan: &Plan,
    timing: Timing,
    rtt_hint: Option<RttEstimate>,
    identify: Option<ident::Budget>,
    on_port: impl FnMut(PortEvent),
) -> Report {
    let setup = ScanSetup {
        timing,
        identify,
        sockets: Gauge::default(),
    };
    scan(target, plan, &setup, rtt_hint, on_port).await
}

/// Scan `target` on the plan's ports, reporting each port to `on_port` as soon
/// as its state is final, and return the full report.
///
/// `rtt_hint` is what TCP estimated for the visitor's own connection, when
/// the probe saw it directly.
///
/// The scan ends by [`ScanSetup::worst_case`] whatever happens: a port still
/// unsettled then is reported as a local error, identification still running
/// is cut off.
///
/// Identification runs for each port as soon as it is found open, in
/// parallel with the rest of the connect scan and with the other open
/// ports, each within its own budget. The `port` event is sent at connect
/// time, so the page shows an open port at once; what identification learnt
/// is in the final report's `details`, and the verdict uses it.
pub async fn scan(
    target: IpAddr,
    plan: &Plan,
    setup: &ScanSetup,
    rtt_hint: Option<RttEstimate>,
    mut on_port: impl FnMut(PortEvent),
) -> Report {
    let ScanSetup {
        timing, identify, ..
    } = *setup;
    let started_at = SystemTime::now();
    let started = Instant::now();
    let deadline = tokio::time::Instant::from_std(started + setup.worst_case(plan));
    let mut rtt_estimate = rtt_hint;
    let mut loss_seen = false;
    let (timeout_tx, timeout_rx) = watch::channel(timeout_for(rtt_estimate, timing));

    let mut pending = FuturesUnordered::new();
    // Every port of every group at once: the scan's duration does not grow
    // with the number of ports or groups.
    // The first two attempts of a port run together (the second SYN goes
    // out early); later ones, after loss was seen, one at a time.
    let launch = |place: (usize, PortGroup), port: &PlannedPort, tries: u8| {
        let rx = timeout_rx.clone();
        let port = port.clone();
        let sockets = &setup.sockets;
        async move {
            let addr = SocketAddr::new(target, port.port);
            let (attempt, tries) = if tries == 0 {
                connect::first_attempts(addr, rx, sockets).await
            } else {
                (connect::retry(addr, rx, sockets).await, tries + 1)
            };
            (place, port, tries, attempt)
        }
    };
    for (index, group, port) in plan.entries() {
        pending.push(launch((index, group), port, 0));
    }

    let mut range = Vec::new();
    let mut control = Vec::new();
    let mut identifying = FuturesUnordered::new();
    let mut details = Vec::new();
    while !(pending.is_empty() && identifying.is_empty()) {
        let (place, port, tries, attempt) = tokio::select! {
            Some(done) = pending.next(), if !pending.is_empty() => done,
            Some(found) = identifying.next(), if !identifying.is_empty() => {
                details.push(found);
                continue;
            }
            _ = tokio::time::sleep_until(deadline) => break,
        };
        let (state, reason, rtt) = match attempt.outcome {
            Outcome::Answer { state, reason, rtt } => {
                // Only handshake answers measure the path to the host; ICMP
                // errors come from routers and are often rate-limited.
                if state.answered() {
                    // An answer to a retry: the first SYN (or its answer) was lost.
                    loss_seen |= tries > 1;
                    rtt_estimate = Some(RttEstimate::with(rtt_estimate, rtt));
                    let t = timeout_for(rtt_estimate, timing);
                    timeout_tx.send_if_modified(|cur| {
                        let changed = *cur != t;
                        *cur = t;
                        changed
                    });
                }
                (state, reason, Some(rtt))
            }
            Outcome::Silence if tries < attempts_allowed(loss_seen) => {
                pending.push(launch(place, &port, tries));
                continue;
            }
            Outcome::Silence => (PortState::Filtered, Reason::Timeout, None),
            Outcome::LocalError => (PortState::Error, Reason::LocalError, None),
        };
        if let (PortState::Open, Some(budget)) = (state, identify) {
            let (number, first): (u16, Service) = (port.port, port.expects);
            let addr = SocketAddr::new(target, number);
            // The scan's own connection goes along: a service that closes it
            // unasked is known one round trip later, before any protocol's
            // fresh connection could tell.
            let opened = attempt.connection;
            identifying.push(async move {
                let found = ident::identify_on(addr, first, budget, opened).await;
                (number, found)
            });
        }
        let result = port_result(&port, (state, reason), rtt, tries);
        settle(
            plan,
            place,
            result,
            [&mut range, &mut control],
            &mut on_port,
        );
    }

    // Past the deadline (an overloaded probe): what is still unsettled is
    // the probe's own failure, not the target's answer.
    for (index, group, port) in plan.entries() {
        let done = if group == PortGroup::Range {
            &range
        } else {
            &control
        };
        if done.iter().any(|r| r.port == port.port) {
            continue;
        }
        let result = port_result(port, (PortState::Error, Reason::LocalError), None, 0);
        let lists = [&mut range, &mut control];
        settle(plan, (index, group), result, lists, &mut on_port);
    }
    range.sort_by_key(|r| r.port);
    control.sort_by_key(|r| r.port);
    for (port, found) in details {
        if let Some(r) = range
            .iter_mut()
            .chain(control.iter_mut())
            .find(|r| r.port == port)
        {
            r.details = (!found.is_empty()).then(|| Box::new(found));
        }
    }
    let verdict = verdict::evaluate(plan, &range, &control);
    Report {
        target: Target::new(target),
        ports: range,
        control,
        groups: GroupPorts::of(plan),
        verdict,
        started_at: humantime::format_rfc3339_millis(started_at).to_string(),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        timeout_ms: u64::try_from(timeout_for(rtt_estimate, timing).as_millis())
            .unwrap_or(u64::MAX),
        upnp: None,
    }
}

fn port_result(
    port: &PlannedPort,
    (state, reason): (PortState, Reason),
    rtt: Option<Duration>,
    attempts: u8,
) -> PortResult {
    PortResult {
        port: port.port,
        service: port.service.clone(),
        state,
        reason,
        rtt_ms: rtt.map(|d| (d.as_secs_f64() * 1e5).round() / 100.0),
        attempts,
        details: None,
    }
}

/// A port's final result: announced, then kept in its group's list.
fn settle(
    plan: &Plan,
    (index, group): (usize, PortGroup),
    result: PortResult,
    [range, control]: [&mut Vec<PortResult>; 2],
    on_port: &mut impl FnMut(PortEvent),
) {
    on_port(PortEvent {
        group,
        group_name: plan.groups.get(index).map(|g| g.name.clone()),
        result: result.clone(),
    });
    match group {
        PortGroup::Range => range.push(result),
        PortGroup::Control => control.push(result),
    }
}
