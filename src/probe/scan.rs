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
//! Sockets: the connect scan holds at most one socket per port; open
//! connections are reset at once (linger 0) so the probe keeps no TIME_WAIT
//! state. Running out of sockets gives the port the state `error`, never a
//! panic. An open port is then identified (`ident`) on connections of its
//! own, within a fixed per-port budget, while the scan goes on.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use prometheus_client::metrics::gauge::Gauge;
use tokio::net::TcpSocket;
use tokio::sync::watch;

use crate::api::{GroupPorts, PortEvent, PortGroup, PortResult, PortState, Reason, Report, Target};
use crate::plan::{Plan, Protocol, Service};
use crate::probe::ident;
use crate::probe::metrics::Held;
use crate::verdict;

/// Attempts per port before silence is called "filtered".
pub const MAX_ATTEMPTS: u8 = 2;

/// Attempts per silent port once the scan has seen packet loss (a port that
/// answered only on a retry): on a lossy path two lost SYNs in a row are
/// common, so silence needs more tries before it means "filtered".
pub const LOSSY_MAX_ATTEMPTS: u8 = 4;

/// Attempts a silent port gets: more once loss has been seen.
pub fn attempts_allowed(loss_seen: bool) -> u8 {
    if loss_seen {
        LOSSY_MAX_ATTEMPTS
    } else {
        MAX_ATTEMPTS
    }
}

/// Connect timeout bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub floor: Duration,
    pub ceiling: Duration,
}

/// The per-attempt timeout for a round-trip time estimate: `3 × rtt` within
/// the bounds, the ceiling while nothing is known.
pub fn timeout_for(rtt: Option<Duration>, timing: Timing) -> Duration {
    match rtt {
        None => timing.ceiling,
        Some(rtt) => rtt
            .saturating_mul(3)
            .clamp(timing.floor, timing.ceiling.max(timing.floor)),
    }
}

/// What one connection attempt saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// An answer: the port's final state.
    Answer {
        state: PortState,
        reason: Reason,
        rtt: Duration,
    },
    /// No answer within the timeout.
    Silence,
    /// The probe could not make the attempt (no sockets, no memory).
    LocalError,
}

/// Classify a failed `connect()` by its errno.
pub fn classify_error(err: &io::Error, rtt: Duration) -> Outcome {
    let answer = |state, reason| Outcome::Answer { state, reason, rtt };
    match err.raw_os_error() {
        Some(libc::ECONNREFUSED) => answer(PortState::Closed, Reason::Refused),
        Some(libc::EHOSTUNREACH | libc::ENETUNREACH | libc::EHOSTDOWN | libc::ENONET) => {
            answer(PortState::Filtered, Reason::Unreachable)
        }
        Some(libc::EACCES | libc::EPERM) => answer(PortState::Filtered, Reason::Prohibited),
        Some(libc::ETIMEDOUT) => Outcome::Silence,
        Some(libc::ECONNRESET) => answer(PortState::Closed, Reason::Refused),
        _ => Outcome::LocalError,
    }
}

/// Classify a failure to create or set up the socket itself.
fn classify_socket_error(_err: &io::Error) -> Outcome {
    // EMFILE, ENFILE, ENOBUFS, ENOMEM: the probe's own resources.
    Outcome::LocalError
}

/// One connection attempt, with a deadline that follows the shared timeout.
async fn attempt(
    addr: SocketAddr,
    mut timeout: watch::Receiver<Duration>,
    sockets: &Gauge,
) -> Outcome {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4(),
        SocketAddr::V6(_) => TcpSocket::new_v6(),
    };
    let socket = match socket {
        Ok(s) => s,
        Err(e) => return classify_socket_error(&e),
    };
    let _counted = Held::new(sockets);
    let started = Instant::now();
    let connect = socket.connect(addr);
    tokio::pin!(connect);
    loop {
        let deadline = tokio::time::Instant::from_std(started + *timeout.borrow_and_update());
        tokio::select! {
            res = &mut connect => {
                let rtt = started.elapsed();
                return match res {
                    Ok(stream) => {
                        // Reset instead of FIN: nothing to say, no TIME_WAIT.
                        let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
                        drop(stream);
                        Outcome::Answer { state: PortState::Open, reason: Reason::Connected, rtt }
                    }
                    Err(e) => classify_error(&e, rtt),
                };
            }
            _ = tokio::time::sleep_until(deadline) => return Outcome::Silence,
            changed = timeout.changed() => {
                if changed.is_err() {
                    // The scan is gone; nobody waits for this attempt.
                    return Outcome::Silence;
                }
            }
        }
    }
}

/// How a scan runs, besides its target: timeouts, the identification
/// budget (`None` turns identification off), and the gauge that counts the
/// scan's open sockets (the running probe's own).
#[derive(Debug, Clone)]
pub struct ScanSetup {
    pub timing: Timing,
    pub identify: Option<ident::Budget>,
    pub sockets: Gauge,
}

/// [`scan`] with a chosen identification budget and sockets counted nowhere
/// (tests and benchmarks compare budgets).
pub async fn scan_with(
    target: IpAddr,
    plan: &Plan,
    timing: Timing,
    rtt_hint: Option<Duration>,
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
/// `rtt_hint` is the round-trip time of the visitor's own connection, when the
/// probe saw it directly.
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
    rtt_hint: Option<Duration>,
    mut on_port: impl FnMut(PortEvent),
) -> Report {
    let ScanSetup {
        timing, identify, ..
    } = *setup;
    let started_at = SystemTime::now();
    let started = Instant::now();
    let mut rtt_estimate = rtt_hint;
    let mut loss_seen = false;
    let (timeout_tx, timeout_rx) = watch::channel(timeout_for(rtt_estimate, timing));

    let mut pending = FuturesUnordered::new();
    // Every port of every group at once: the scan's duration does not grow
    // with the number of ports or groups.
    let launch = |place: (usize, PortGroup), port: &Service, tries: u8| {
        let rx = timeout_rx.clone();
        let port = port.clone();
        let sockets = &setup.sockets;
        async move {
            let outcome = attempt(SocketAddr::new(target, port.port), rx, sockets).await;
            (place, port, tries, outcome)
        }
    };
    for (index, group, port) in plan.entries() {
        pending.push(launch((index, group), port, 1));
    }

    let mut range = Vec::new();
    let mut control = Vec::new();
    let mut identifying = FuturesUnordered::new();
    let mut details = Vec::new();
    loop {
        let (place, port, tries, outcome) = tokio::select! {
            Some(done) = pending.next(), if !pending.is_empty() => done,
            Some(found) = identifying.next(), if !identifying.is_empty() => {
                details.push(found);
                continue;
            }
            else => break,
        };
        let (state, reason, rtt) = match outcome {
            Outcome::Answer { state, reason, rtt } => {
                // Only handshake answers measure the path to the host; ICMP
                // errors come from routers and are often rate-limited.
                if state.answered() {
                    // An answer to a retry: the first SYN (or its answer) was lost.
                    loss_seen |= tries > 1;
                    let longest = rtt_estimate.map_or(rtt, |e| e.max(rtt));
                    rtt_estimate = Some(longest);
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
                pending.push(launch(place, &port, tries + 1));
                continue;
            }
            Outcome::Silence => (PortState::Filtered, Reason::Timeout, None),
            Outcome::LocalError => (PortState::Error, Reason::LocalError, None),
        };
        let result = PortResult {
            port: port.port,
            service: port.service.clone(),
            state,
            reason,
            rtt_ms: rtt.map(|d| (d.as_secs_f64() * 1e5).round() / 100.0),
            attempts: tries,
            details: None,
        };
        if let (PortState::Open, Some(budget)) = (state, identify) {
            let (number, first): (u16, Protocol) = (port.port, port.protocol);
            let addr = SocketAddr::new(target, number);
            identifying.push(async move { (number, ident::identify(addr, first, budget).await) });
        }
        let (index, group) = place;
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

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timing = Timing {
        floor: Duration::from_millis(100),
        ceiling: Duration::from_millis(1500),
    };

    #[test]
    fn timeout_adapts_within_bounds() {
        assert_eq!(timeout_for(None, T), T.ceiling);
        assert_eq!(timeout_for(Some(Duration::from_micros(50)), T), T.floor);
        assert_eq!(
            timeout_for(Some(Duration::from_millis(80)), T),
            Duration::from_millis(240)
        );
        assert_eq!(timeout_for(Some(Duration::from_secs(2)), T), T.ceiling);
        // A floor above the ceiling wins rather than panicking in clamp().
        let odd = Timing {
            floor: Duration::from_secs(2),
            ceiling: Duration::from_secs(1),
        };
        assert_eq!(
            timeout_for(Some(Duration::from_millis(1)), odd),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn silence_gets_more_attempts_once_loss_is_seen() {
        assert_eq!(attempts_allowed(false), 2);
        assert_eq!(attempts_allowed(true), 4);
    }

    #[test]
    fn errno_classification() {
        let rtt = Duration::from_millis(3);
        let e = |n| io::Error::from_raw_os_error(n);
        let state = |o: Outcome| match o {
            Outcome::Answer { state, reason, .. } => Some((state, reason)),
            _ => None,
        };
        let answers = [
            (libc::ECONNREFUSED, PortState::Closed, Reason::Refused),
            (libc::ECONNRESET, PortState::Closed, Reason::Refused),
            (libc::EHOSTUNREACH, PortState::Filtered, Reason::Unreachable),
            (libc::ENETUNREACH, PortState::Filtered, Reason::Unreachable),
            (libc::EACCES, PortState::Filtered, Reason::Prohibited),
            (libc::EPERM, PortState::Filtered, Reason::Prohibited),
        ];
        for (errno, want_state, want_reason) in answers {
            let got = state(classify_error(&e(errno), rtt));
            assert_eq!(got, Some((want_state, want_reason)), "errno {errno}");
        }
        assert_eq!(classify_error(&e(libc::ETIMEDOUT), rtt), Outcome::Silence);
        assert_eq!(classify_error(&e(libc::EMFILE), rtt), Outcome::LocalError);
        assert_eq!(classify_error(&e(libc::ENOBUFS), rtt), Outcome::LocalError);
    }
}
