//! The scan's UDP entries: one conversation per entry on the budgeted UDP
//! layer (`ident::io::udp`), with the question the entry's service gives
//! (`ident::udp::question`), and the port's state as nmap reads it.
//!
//! A conversation sends the question's datagrams, sends them once more a
//! quarter of the wait later if nothing came back (a datagram or its
//! answer may be lost; nmap retransmits too), and ends at the first
//! well-formed answer, at an ICMP error that counts, at the answer cap, or
//! a full wait after the last sending. The wait is the service's own delay
//! (an SSDP device may wait up to a second before it answers) plus four
//! round-trip times within 100–500 ms, so silence costs at most 1.25 waits.
//!
//! What was heard becomes the state in one pure function, [`classify`]:
//! a well-formed answer is `open` (`answered`); any other datagram from the
//! asked port is `open` too (`unparsed_answer`, as nmap says); an ICMP port
//! unreachable from the visitor is `closed`; another ICMP unreachable is
//! `filtered`; silence is `open|filtered` (`no_answer`), never "nothing
//! there"; a local failure before anything was heard is `error`.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::time::Instant;

use crate::api::{PortDetails, PortState, Reason};
use crate::plan::Service;
use crate::probe::ident::io::Limits;
use crate::probe::ident::io::udp::{Datagrams, Received, UdpBudget, Unreachable};
use crate::probe::ident::services::{UdpQuestion, ssdp};

/// Bytes kept of one datagram; the socket discards the rest.
pub(crate) const MAX_DATAGRAM: usize = 2048;

/// Datagrams from the visitor's address read at most per conversation
/// (others are dropped uncounted).
pub(crate) const MAX_DATAGRAMS: usize = 8;

/// How often the question goes out at most: once, and once more when
/// nothing came back.
pub(crate) const ROUNDS: u8 = 2;

/// Bounds of the network part of the wait: four round-trip times within
/// these.
const NETWORK_WAIT: (Duration, Duration) = (Duration::from_millis(100), Duration::from_millis(500));

/// WS-Discovery's `APP_MAX_DELAY`: a target service may wait up to this
/// long before it answers a probe.
const WS_DISCOVERY_DELAY: Duration = Duration::from_millis(500);

/// What a service may add to the round trip before it answers.
fn device_delay(service: Service) -> Duration {
    match service {
        Service::Ssdp => ssdp::DEVICE_DELAY,
        Service::WsDiscovery => WS_DISCOVERY_DELAY,
        _ => Duration::ZERO,
    }
}

/// How long to wait for an answer after one sending of `service`'s
/// question, given the visitor's round-trip time when the probe knows it
/// (the upper bound otherwise).
pub(crate) fn wait_for(service: Service, rtt: Option<Duration>) -> Duration {
    let (floor, ceiling) = NETWORK_WAIT;
    let network = rtt.map_or(ceiling, |rtt| rtt.saturating_mul(4).clamp(floor, ceiling));
    device_delay(service) + network
}

/// The longest any UDP conversation can take: two sendings a quarter wait
/// apart and a full wait after the second, at the longest wait.
pub(crate) fn worst_case() -> Duration {
    let longest = [Service::Ssdp, Service::WsDiscovery, Service::Dns]
        .into_iter()
        .map(|s| wait_for(s, None))
        .max()
        .unwrap_or_default();
    longest + longest / 4
}

/// What one conversation heard, for [`classify`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Heard {
    /// The question went out at least once.
    pub(crate) sent: bool,
    /// The service's parser accepted a datagram as its answer.
    pub(crate) answered: bool,
    /// A datagram came from the asked port that the parser rejected.
    pub(crate) unparsed: bool,
    /// An ICMP error that counts (`io::udp`) came back.
    pub(crate) icmp: Option<Unreachable>,
    /// The socket failed.
    pub(crate) failed: bool,
}

impl Heard {
    /// Whether the visitor's port said anything (so no second sending).
    fn spoke(&self) -> bool {
        self.answered || self.unparsed
    }
}

/// The port's state and reason from what its conversation heard: an answer
/// wins over an error message, an error message over a local failure, and
/// only silence after the question went out is `open|filtered`.
pub(crate) fn classify(heard: &Heard) -> (PortState, Reason) {
    match heard {
        Heard { sent: false, .. } => (PortState::Error, Reason::LocalError),
        Heard { answered: true, .. } => (PortState::Open, Reason::Answered),
        Heard { unparsed: true, .. } => (PortState::Open, Reason::UnparsedAnswer),
        Heard {
            icmp: Some(kind), ..
        } => match kind {
            Unreachable::Port => (PortState::Closed, Reason::PortUnreachable),
            Unreachable::Prohibited => (PortState::Filtered, Reason::Prohibited),
            Unreachable::Other => (PortState::Filtered, Reason::Unreachable),
        },
        Heard { failed: true, .. } => (PortState::Error, Reason::LocalError),
        _ => (PortState::OpenFiltered, Reason::NoAnswer),
    }
}

/// How one conversation ended.
#[derive(Debug)]
pub(crate) struct Conversation {
    /// The port's state and reason ([`classify`]).
    pub(crate) state: PortState,
    pub(crate) reason: Reason,
    /// From the last sending to the first answer, when one came.
    pub(crate) rtt: Option<Duration>,
    /// How often the question went out.
    pub(crate) attempts: u8,
    /// What the service's answers said.
    pub(crate) details: PortDetails,
}

/// Ask the visitor's `to` the `question`, waiting `wait` after each
/// sending (see the module doc).
pub(crate) async fn converse(
    to: SocketAddr,
    question: UdpQuestion,
    wait: Duration,
) -> Conversation {
    let mut details = PortDetails::default();
    let mut heard = Heard::default();
    let per_round = u8::try_from(question.datagrams.len()).unwrap_or(u8::MAX);
    let budget = UdpBudget {
        sends: per_round.saturating_mul(ROUNDS),
        answers: MAX_DATAGRAMS,
        datagram: MAX_DATAGRAM,
    };
    let (mut rounds, mut rtt) = (0u8, None);
    let limits = Limits::default();
    match Datagrams::open(to, budget, question.any_source_port).await {
        Ok(mut socket) => {
            let talk = Talk {
                socket: &mut socket,
                question: &question,
                wait,
                limits: &limits,
            };
            (rounds, rtt) = talk.run(to, &mut heard, &mut details).await;
        }
        Err(_) => heard.failed = true,
    }
    details.limit = details.limit.or(limits.reported());
    let (state, reason) = classify(&heard);
    Conversation {
        state,
        reason,
        rtt,
        attempts: rounds,
        details,
    }
}

/// One conversation's loop over an open socket.
struct Talk<'a> {
    socket: &'a mut Datagrams,
    question: &'a UdpQuestion,
    wait: Duration,
    limits: &'a Limits,
}

impl Talk<'_> {
    /// Send, resend once and listen; the rounds sent and the first
    /// answer's round-trip time.
    async fn run(
        self,
        to: SocketAddr,
        heard: &mut Heard,
        details: &mut PortDetails,
    ) -> (u8, Option<Duration>) {
        let Talk {
            socket,
            question,
            wait,
            limits,
        } = self;
        let resend = wait / 4;
        let (mut rounds, mut answers, mut rtt) = (0u8, 0usize, None);
        let mut next_round = Instant::now();
        let (mut deadline, mut last_sent) = (next_round, next_round);
        loop {
            let now = Instant::now();
            let may_resend = rounds < ROUNDS && !heard.spoke();
            if may_resend && now >= next_round {
                let mut out = false;
                for datagram in &question.datagrams {
                    out |= socket.send(datagram).await.is_ok();
                }
                if out {
                    rounds += 1;
                    heard.sent = true;
                    last_sent = Instant::now();
                    deadline = last_sent + wait;
                } else if rounds == 0 {
                    heard.failed = true;
                    break;
                }
                next_round = now + resend;
            }
            let until = match rounds < ROUNDS && !heard.spoke() {
                true => next_round.min(deadline),
                false => deadline,
            };
            match socket.recv_until(until, limits).await {
                Received::Answer(bytes, port) => {
                    if (question.read)(&bytes, details) {
                        heard.answered = true;
                        answers += 1;
                        rtt.get_or_insert_with(|| last_sent.elapsed());
                        if answers >= question.datagrams.len() {
                            break;
                        }
                    } else if port == to.port() {
                        heard.unparsed = true;
                    }
                }
                Received::Icmp(kind) => {
                    heard.icmp = Some(kind);
                    break;
                }
                Received::Deadline if Instant::now() >= deadline => break,
                Received::Deadline => {}
                Received::Cap => break,
                Received::Failed => {
                    heard.failed = true;
                    break;
                }
            }
        }
        (rounds, rtt)
    }
}

#[cfg(test)]
mod ssdp_tests;
#[cfg(test)]
mod tests;
