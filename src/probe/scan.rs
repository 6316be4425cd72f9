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
//!
//! UDP entries run beside the connect scan from the start, each one
//! conversation with its service's question (`udp`): their states are
//! nmap's for a UDP scan (`open`, `open|filtered`, `closed`, `filtered`),
//! and their `port` event is sent when the conversation ends.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use prometheus_client::metrics::gauge::Gauge;
use tokio::sync::watch;

use crate::api::{
    GroupPorts, PortDetails, PortEvent, PortGroup, PortResult, PortState, Reason, Report, Target,
};
use crate::plan::{Plan, PlannedPort, Service, Transport};
use crate::probe::ident;
use crate::verdict;

mod connect;
mod timing;
pub(crate) mod udp;

pub(crate) use connect::Outcome;

pub use timing::Timing;
pub(crate) use timing::{RttEstimate, attempts_allowed, timeout_for};

/// How a scan runs, besides its target: timeouts, the identification
/// budget (`None` turns identification off), and the gauge that counts the
/// scan's open sockets (the running probe's own).
#[derive(Debug, Clone)]
pub(crate) struct ScanSetup {
    pub timing: Timing,
    pub identify: Option<ident::Budget>,
    pub sockets: Gauge,
}

impl ScanSetup {
    /// The longest a scan of `plan` can take, connect phase and
    /// identification together: every attempt a silent port may get, each
    /// at the ceiling, then one identification budget. [`scan`] enforces it
    /// with a deadline.
    pub(crate) fn worst_case(&self, plan: &Plan) -> Duration {
        let has = |t: Transport| plan.entries().any(|(_, _, p)| p.transport == t);
        let tcp = timing::worst_case(
            self.timing,
            self.identify.map(|b| b.time),
            has(Transport::Tcp),
        );
        match has(Transport::Udp) {
            true => tcp.max(udp::worst_case()),
            false => tcp,
        }
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
pub(crate) async fn scan(
    target: IpAddr,
    plan: &Plan,
    setup: &ScanSetup,
    rtt_hint: Option<RttEstimate>,
    mut on_port: impl FnMut(PortEvent),
) -> Report {
    let started_at = SystemTime::now();
    let started = Instant::now();
    let deadline = tokio::time::Instant::from_std(started + setup.worst_case(plan));
    let mut timeouts = Timeouts::new(setup.timing, rtt_hint);
    let mut ports = Ports::new(target, setup, timeouts.watch());
    // Every port of every group at once: the scan's duration does not grow
    // with the number of ports or groups.
    let wait_rtt = rtt_hint.map(|r| r.srtt);
    for (index, group, port) in plan.entries() {
        match port.transport {
            Transport::Tcp => ports.launch((index, group), port.clone(), 0),
            Transport::Udp => ports.ask((index, group), port.clone(), wait_rtt),
        }
    }
    let mut settled = Settled::default();
    let details = ports
        .run(plan, &mut timeouts, &mut settled, deadline, &mut on_port)
        .await;
    settled.fail_unsettled(plan, &mut on_port);
    let (range, control) = settled.with_details(details);
    Report {
        target: Target::new(target),
        verdict: verdict::evaluate(plan, &range, &control),
        ports: range,
        control,
        groups: GroupPorts::of(plan),
        started_at: humantime::format_rfc3339_millis(started_at).to_string(),
        duration_ms: millis(started.elapsed()),
        timeout_ms: millis(timeouts.current()),
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The adaptive timeout: what the scan has learnt of the path (the RTT
/// estimate, whether a first SYN was lost) and the channel that hands the
/// current timeout to every running attempt.
struct Timeouts {
    timing: Timing,
    rtt: Option<RttEstimate>,
    loss_seen: bool,
    tx: watch::Sender<Duration>,
}

impl Timeouts {
    fn new(timing: Timing, rtt: Option<RttEstimate>) -> Self {
        let (tx, _) = watch::channel(timeout_for(rtt, timing));
        Timeouts {
            timing,
            rtt,
            loss_seen: false,
            tx,
        }
    }

    fn watch(&self) -> watch::Receiver<Duration> {
        self.tx.subscribe()
    }

    fn current(&self) -> Duration {
        timeout_for(self.rtt, self.timing)
    }

    /// A handshake answer after `tries` attempts took `rtt`. Only handshake
    /// answers measure the path to the host; ICMP errors come from routers
    /// and are often rate-limited.
    fn learn(&mut self, rtt: Duration, tries: u8) {
        // An answer to a retry: the first SYN (or its answer) was lost.
        self.loss_seen |= tries > 1;
        self.rtt = Some(RttEstimate::with(self.rtt, rtt));
        let t = self.current();
        self.tx.send_if_modified(|cur| {
            let changed = *cur != t;
            *cur = t;
            changed
        });
    }
}

/// One finished connect attempt (or the early pair), with where its port
/// belongs.
struct Attempted {
    place: (usize, PortGroup),
    port: PlannedPort,
    tries: u8,
    attempt: connect::Attempt,
}

type Running<'a, T> = FuturesUnordered<Pin<Box<dyn Future<Output = T> + Send + 'a>>>;

/// A port's entry by number and transport: how results and details find
/// each other (the same number can be planned over TCP and UDP).
type PortKey = (u16, Transport);

/// One finished UDP conversation, with where its port belongs.
struct Asked {
    place: (usize, PortGroup),
    port: PlannedPort,
    conversation: Option<udp::Conversation>,
}

/// The ports in flight: connect attempts, identification of the ports
/// found open, and UDP conversations.
struct Ports<'a> {
    target: IpAddr,
    setup: &'a ScanSetup,
    timeout: watch::Receiver<Duration>,
    pending: Running<'a, Attempted>,
    identifying: Running<'static, (PortKey, PortDetails)>,
    asking: Running<'static, Asked>,
}

impl<'a> Ports<'a> {
    fn new(target: IpAddr, setup: &'a ScanSetup, timeout: watch::Receiver<Duration>) -> Self {
        Ports {
            target,
            setup,
            timeout,
            pending: FuturesUnordered::new(),
            identifying: FuturesUnordered::new(),
            asking: FuturesUnordered::new(),
        }
    }

    /// Start the UDP conversation of `port`, with a fresh random
    /// transaction id; `rtt` sizes its wait. An entry whose service has no
    /// question is not asked (`conversation` none: reported as not tested).
    fn ask(&mut self, place: (usize, PortGroup), port: PlannedPort, rtt: Option<Duration>) {
        let to = SocketAddr::new(self.target, port.port);
        let id = u32::from_ne_bytes(ident::io::random_bytes::<4>());
        let question = ident::udp::question(port.expects, id, to);
        let wait = udp::wait_for(port.expects, rtt);
        self.asking.push(Box::pin(async move {
            let conversation = match question {
                Some(q) => Some(udp::converse(to, q, wait).await),
                None => None,
            };
            Asked {
                place,
                port,
                conversation,
            }
        }));
    }

    /// Start the next attempt on `port`, which has had `tries`. The first
    /// two attempts of a port run together (the second SYN goes out
    /// early); later ones, after loss was seen, one at a time.
    fn launch(&mut self, place: (usize, PortGroup), port: PlannedPort, tries: u8) {
        let rx = self.timeout.clone();
        let sockets = &self.setup.sockets;
        let addr = SocketAddr::new(self.target, port.port);
        self.pending.push(Box::pin(async move {
            let (attempt, tries) = if tries == 0 {
                connect::first_attempts(addr, rx, sockets).await
            } else {
                (connect::retry(addr, rx, sockets).await, tries + 1)
            };
            Attempted {
                place,
                port,
                tries,
                attempt,
            }
        }));
    }

    /// Run the attempts and identifications until all are done or the
    /// deadline passes, settling each port as its state becomes final;
    /// what identification found, by port.
    async fn run(
        &mut self,
        plan: &Plan,
        timeouts: &mut Timeouts,
        settled: &mut Settled,
        deadline: tokio::time::Instant,
        on_port: &mut impl FnMut(PortEvent),
    ) -> Vec<(PortKey, PortDetails)> {
        let mut details = Vec::new();
        while !(self.pending.is_empty() && self.identifying.is_empty() && self.asking.is_empty()) {
            let done = tokio::select! {
                Some(done) = self.pending.next(), if !self.pending.is_empty() => done,
                Some(found) = self.identifying.next(), if !self.identifying.is_empty() => {
                    details.push(found);
                    continue;
                }
                Some(asked) = self.asking.next(), if !self.asking.is_empty() => {
                    let (result, found) = udp_result(&asked.port, asked.conversation);
                    details.push(((asked.port.port, Transport::Udp), found));
                    settled.push(plan, asked.place, result, on_port);
                    continue;
                }
                _ = tokio::time::sleep_until(deadline) => break,
            };
            let place = done.place;
            if let Some((result, expects, opened)) = self.settle(done, timeouts) {
                if result.state == PortState::Open {
                    self.identify(result.port, expects, opened);
                }
                settled.push(plan, place, result, on_port);
            }
        }
        details
    }

    /// The port's final result from its latest attempt, or `None` when it
    /// gets another one.
    fn settle(
        &mut self,
        done: Attempted,
        timeouts: &mut Timeouts,
    ) -> Option<(PortResult, Service, Option<ident::Opened>)> {
        let Attempted {
            place,
            port,
            tries,
            attempt,
        } = done;
        let (state, reason, rtt) = match attempt.outcome {
            Outcome::Answer { state, reason, rtt } => {
                if state.answered() {
                    timeouts.learn(rtt, tries);
                }
                (state, reason, Some(rtt))
            }
            Outcome::Silence if tries < attempts_allowed(timeouts.loss_seen) => {
                self.launch(place, port, tries);
                return None;
            }
            Outcome::Silence => (PortState::Filtered, Reason::Timeout, None),
            Outcome::LocalError => (PortState::Error, Reason::LocalError, None),
        };
        let result = port_result(&port, (state, reason), rtt, tries);
        Some((result, port.expects, attempt.connection))
    }

    /// Hand a port found open to identification, with the scan's own
    /// connection: a service that closes it unasked is known one round
    /// trip later, before any step's fresh connection could tell.
    fn identify(&mut self, number: u16, expects: Service, opened: Option<ident::Opened>) {
        let Some(budget) = self.setup.identify else {
            return;
        };
        let addr = SocketAddr::new(self.target, number);
        self.identifying.push(Box::pin(async move {
            let found = ident::identify_on(addr, expects, budget, opened).await;
            ((number, Transport::Tcp), found)
        }));
    }
}

/// The ports whose state is final, per role, in the order they settled.
#[derive(Default)]
struct Settled {
    range: Vec<PortResult>,
    control: Vec<PortResult>,
}

impl Settled {
    /// A port's final result: announced, then kept in its group's list.
    fn push(
        &mut self,
        plan: &Plan,
        (index, group): (usize, PortGroup),
        result: PortResult,
        on_port: &mut impl FnMut(PortEvent),
    ) {
        on_port(PortEvent {
            group,
            group_name: plan.groups.get(index).map(|g| g.name.clone()),
            result: result.clone(),
        });
        match group {
            PortGroup::Range => self.range.push(result),
            PortGroup::Control => self.control.push(result),
        }
    }

    /// Past the deadline (an overloaded probe): what is still unsettled is
    /// the probe's own failure, not the target's answer.
    fn fail_unsettled(&mut self, plan: &Plan, on_port: &mut impl FnMut(PortEvent)) {
        for (index, group, port) in plan.entries() {
            let done = match group {
                PortGroup::Range => &self.range,
                PortGroup::Control => &self.control,
            };
            if done.iter().any(|r| port.is(r.port, r.transport)) {
                continue;
            }
            let result = port_result(port, (PortState::Error, Reason::LocalError), None, 0);
            self.push(plan, (index, group), result, on_port);
        }
    }

    /// Range and control results, ascending, with what identification
    /// found on each port.
    fn with_details(
        self,
        details: Vec<(PortKey, PortDetails)>,
    ) -> (Vec<PortResult>, Vec<PortResult>) {
        let Settled {
            mut range,
            mut control,
        } = self;
        // By number, TCP before UDP of the same number.
        range.sort_by_key(|r| (r.port, r.transport == Transport::Udp));
        control.sort_by_key(|r| (r.port, r.transport == Transport::Udp));
        for ((port, transport), found) in details {
            if let Some(r) = range
                .iter_mut()
                .chain(control.iter_mut())
                .find(|r| (r.port, r.transport) == (port, transport))
            {
                r.details = (!found.is_empty()).then(|| Box::new(found));
            }
        }
        (range, control)
    }
}

/// A UDP entry's result and details from its conversation; an entry that
/// was not asked is the probe's failure to test it.
fn udp_result(
    port: &PlannedPort,
    conversation: Option<udp::Conversation>,
) -> (PortResult, PortDetails) {
    match conversation {
        Some(c) => (
            port_result(port, (c.state, c.reason), c.rtt, c.attempts),
            c.details,
        ),
        None => (
            port_result(port, (PortState::Error, Reason::LocalError), None, 0),
            PortDetails::default(),
        ),
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
        transport: port.transport,
        state,
        reason,
        rtt_ms: rtt.map(|d| (d.as_secs_f64() * 1e5).round() / 100.0),
        attempts,
        details: None,
    }
}
