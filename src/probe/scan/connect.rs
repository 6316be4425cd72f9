//! One port's connection attempts and what they saw.
//!
//! A port gets its first SYN at once and a second one a little later (an
//! eighth of the timeout, at most 25 ms), on a socket of its own, without
//! waiting for the first to time out: a lost SYN or SYN-ACK then costs that
//! little instead of a whole timeout, and silence is known about one timeout
//! after the start. The gap keeps one dropped frame or one full queue from
//! taking both SYNs; it is no defence against a loss burst longer than it.
//!
//! `connect()` reports an ICMP port-unreachable with the same errno as a TCP
//! reset (ECONNREFUSED). Each socket asks for ICMP errors in its error queue
//! (`IP_RECVERR`, `IPV6_RECVERR`), so a refusal that came from an ICMP
//! message is read as filtered, as nmap's SYN scan reads it, and only a reset
//! as closed.

use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

use prometheus_client::metrics::gauge::Gauge;
use socket2::{Domain, SockAddr, Socket, Type};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::api::{PortState, Reason};
use crate::probe::ident::Opened;
use crate::probe::ident::io::udp::receive_errors;
use crate::probe::metrics::Held;

/// What one connection attempt saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Outcome {
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

/// An ICMP error the kernel queued for a socket: where it came from
/// (`SO_EE_ORIGIN_*`), its type and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IcmpError {
    pub origin: u8,
    pub kind: u8,
    pub code: u8,
}

impl IcmpError {
    /// Whether it is an ICMP or ICMPv6 message at all (not a local error).
    pub(crate) fn is_from_network(self) -> bool {
        self.origin == libc::SO_EE_ORIGIN_ICMP || self.origin == libc::SO_EE_ORIGIN_ICMP6
    }
}

/// Classify a failed `connect()` by its errno and, for a refusal, by the
/// ICMP error queued with it (none for a TCP reset).
pub(crate) fn classify_error(err: &io::Error, icmp: Option<IcmpError>, rtt: Duration) -> Outcome {
    let answer = |state, reason| Outcome::Answer { state, reason, rtt };
    match err.raw_os_error() {
        Some(libc::ECONNREFUSED) if icmp.is_some_and(IcmpError::is_from_network) => {
            answer(PortState::Filtered, Reason::Unreachable)
        }
        Some(libc::ECONNREFUSED | libc::ECONNRESET) => answer(PortState::Closed, Reason::Refused),
        Some(libc::EHOSTUNREACH | libc::ENETUNREACH | libc::EHOSTDOWN | libc::ENONET) => {
            answer(PortState::Filtered, Reason::Unreachable)
        }
        Some(libc::EACCES | libc::EPERM) => answer(PortState::Filtered, Reason::Prohibited),
        Some(libc::ETIMEDOUT) => Outcome::Silence,
        _ => Outcome::LocalError,
    }
}

/// Longest gap between a port's first and second SYN.
pub(super) const SECOND_SYN_MAX_GAP: Duration = Duration::from_millis(25);

/// When the second SYN of a silent port goes out: an eighth of the current
/// timeout after the first, at most [`SECOND_SYN_MAX_GAP`].
pub(crate) fn second_syn_after(timeout: Duration) -> Duration {
    (timeout / 8).min(SECOND_SYN_MAX_GAP)
}

/// A non-blocking TCP socket that queues ICMP errors for [`icmp_error`] and
/// is reset when closed (no FIN, no TIME_WAIT), whether its handshake
/// finished or not.
fn open_socket(addr: SocketAddr) -> io::Result<Socket> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_nonblocking(true)?;
    socket.set_linger(Some(Duration::ZERO))?;
    // Without it a refusal by ICMP reads as closed, as it always did.
    let _ = receive_errors(&socket, addr);
    Ok(socket)
}

/// The first ICMP error queued for the socket, without waiting.
fn icmp_error(fd: RawFd) -> Option<IcmpError> {
    let mut data = [0u8; 64];
    // u64 words: cmsg headers need their alignment.
    let mut control = [0u64; 64];
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: msghdr is plain old data; every pointer in it points into the
    // buffers above, which outlive the call, with their true lengths.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &raw mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control);
    // SAFETY: as above; MSG_DONTWAIT never blocks.
    let n = unsafe { libc::recvmsg(fd, &raw mut msg, libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT) };
    if n < 0 {
        return None;
    }
    // SAFETY: the CMSG_* walk stays within msg_controllen, which the kernel
    // set to what it wrote; the payload of a RECVERR message is a
    // sock_extended_err (read unaligned).
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&raw const msg);
        while !cmsg.is_null() {
            let (level, kind) = ((*cmsg).cmsg_level, (*cmsg).cmsg_type);
            if (level == libc::SOL_IP && kind == libc::IP_RECVERR)
                || (level == libc::SOL_IPV6 && kind == libc::IPV6_RECVERR)
            {
                let ee: libc::sock_extended_err =
                    std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast());
                return Some(IcmpError {
                    origin: ee.ee_origin,
                    kind: ee.ee_type,
                    code: ee.ee_code,
                });
            }
            cmsg = libc::CMSG_NXTHDR(&raw const msg, cmsg);
        }
    }
    None
}

/// A failed connect, classified with the socket's queued ICMP error.
fn refused(socket: &impl AsRawFd, err: &io::Error, rtt: Duration) -> Outcome {
    classify_error(err, icmp_error(socket.as_raw_fd()), rtt)
}

/// One connection attempt: its SYN goes out `delay` after `started`
/// (following the shared timeout), and it waits for an answer the current
/// timeout from then.
async fn attempt(
    addr: SocketAddr,
    mut timeout: watch::Receiver<Duration>,
    sockets: &Gauge,
    started: Instant,
    delay: impl Fn(Duration) -> Duration,
) -> Attempt {
    // A SYN due now goes out in this poll, before any later one.
    while delay(*timeout.borrow_and_update()) > started.elapsed() {
        let send_at = started + delay(*timeout.borrow());
        tokio::select! {
            () = tokio::time::sleep_until(tokio::time::Instant::from_std(send_at)) => break,
            changed = timeout.changed() => if changed.is_err() { return Attempt::ended(Outcome::Silence) },
        }
    }
    let socket = match open_socket(addr) {
        Ok(s) => s,
        // EMFILE, ENFILE, ENOBUFS, ENOMEM: the probe's own resources.
        Err(_) => return Attempt::ended(Outcome::LocalError),
    };
    let counted = Held::new(sockets);
    let sent = Instant::now();
    let in_progress = match socket.connect(&SockAddr::from(addr)) {
        Ok(()) => false,
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => true,
        Err(e) => return Attempt::ended(refused(&socket, &e, sent.elapsed())),
    };
    let Ok(stream) = TcpStream::from_std(std::net::TcpStream::from(socket)) else {
        return Attempt::ended(Outcome::LocalError);
    };
    if !in_progress {
        return opened(stream, counted, sent.elapsed());
    }
    loop {
        let deadline = tokio::time::Instant::from_std(sent + *timeout.borrow_and_update());
        tokio::select! {
            // An answer first: on a busy probe the timer and the socket may
            // be ready in the same poll.
            biased;
            ready = stream.writable() => {
                let rtt = sent.elapsed();
                // Writable means the handshake ended, one way or the other.
                return match (ready, stream.take_error()) {
                    (Ok(()), Ok(None)) if stream.peer_addr().is_ok() => opened(stream, counted, rtt),
                    (_, Ok(Some(e))) => Attempt::ended(refused(&stream, &e, rtt)),
                    _ => Attempt::ended(Outcome::LocalError),
                };
            }
            changed = timeout.changed() => {
                if changed.is_err() {
                    // The scan is gone; nobody waits for this attempt.
                    return Attempt::ended(Outcome::Silence);
                }
            }
            () = tokio::time::sleep_until(deadline) => return last_look(stream, counted, sent),
        }
    }
}

/// At the deadline, what the kernel knows already: a handshake or a
/// refusal that arrived while the probe was too busy to see it in time is
/// still the port's answer, not silence.
fn last_look(stream: TcpStream, counted: Held, sent: Instant) -> Attempt {
    let rtt = sent.elapsed();
    match stream.take_error() {
        Ok(Some(e)) => Attempt::ended(refused(&stream, &e, rtt)),
        Ok(None) if stream.peer_addr().is_ok() => opened(stream, counted, rtt),
        _ => Attempt::ended(Outcome::Silence),
    }
}

/// What one attempt saw, and its connection when the port was open (for
/// identification, still counted among the scan's sockets).
#[derive(Debug)]
pub(super) struct Attempt {
    pub outcome: Outcome,
    pub connection: Option<Opened>,
}

impl Attempt {
    fn ended(outcome: Outcome) -> Self {
        Attempt {
            outcome,
            connection: None,
        }
    }
}

/// A completed handshake: the outcome, with the connection kept.
fn opened(stream: TcpStream, counted: Held, rtt: Duration) -> Attempt {
    Attempt {
        outcome: Outcome::Answer {
            state: PortState::Open,
            reason: Reason::Connected,
            rtt,
        },
        connection: Some(Opened {
            stream,
            connected_at: tokio::time::Instant::now(),
            rtt,
            counted,
        }),
    }
}

/// The port's first two attempts, the second sent early: the first answer
/// of either, or silence, with the number of attempts made.
pub(super) async fn first_attempts(
    addr: SocketAddr,
    timeout: watch::Receiver<Duration>,
    sockets: &Gauge,
) -> (Attempt, u8) {
    let started = Instant::now();
    let first = attempt(addr, timeout.clone(), sockets, started, |_| Duration::ZERO);
    let second = attempt(addr, timeout.clone(), sockets, started, second_syn_after);
    tokio::pin!(first, second);
    let (mut first_done, mut second_done) = (false, false);
    loop {
        tokio::select! {
            // The first attempt first: when both have answered by this poll,
            // the answer is the first SYN's, and no loss is seen.
            biased;
            a = &mut first, if !first_done => {
                if a.outcome != Outcome::Silence {
                    return (a, 1);
                }
                first_done = true;
            }
            a = &mut second, if !second_done => {
                if a.outcome != Outcome::Silence {
                    return (a, 2);
                }
                second_done = true;
            }
        }
        if first_done && second_done {
            return (Attempt::ended(Outcome::Silence), 2);
        }
    }
}

/// A later attempt (after loss was seen), its SYN sent at once.
pub(super) async fn retry(
    addr: SocketAddr,
    timeout: watch::Receiver<Duration>,
    sockets: &Gauge,
) -> Attempt {
    attempt(addr, timeout, sockets, Instant::now(), |_| Duration::ZERO).await
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let got = state(classify_error(&e(errno), None, rtt));
            assert_eq!(got, Some((want_state, want_reason)), "errno {errno}");
        }
        assert_eq!(
            classify_error(&e(libc::ETIMEDOUT), None, rtt),
            Outcome::Silence
        );
        assert_eq!(
            classify_error(&e(libc::EMFILE), None, rtt),
            Outcome::LocalError
        );
        assert_eq!(
            classify_error(&e(libc::ENOBUFS), None, rtt),
            Outcome::LocalError
        );
    }

    #[test]
    fn a_refusal_by_icmp_is_filtered_and_a_reset_closed() {
        let rtt = Duration::from_millis(3);
        let refused = io::Error::from_raw_os_error(libc::ECONNREFUSED);
        let port_unreachable_v4 = IcmpError {
            origin: libc::SO_EE_ORIGIN_ICMP,
            kind: 3,
            code: 3,
        };
        let port_unreachable_v6 = IcmpError {
            origin: libc::SO_EE_ORIGIN_ICMP6,
            kind: 1,
            code: 4,
        };
        for icmp in [port_unreachable_v4, port_unreachable_v6] {
            assert_eq!(
                classify_error(&refused, Some(icmp), rtt),
                Outcome::Answer {
                    state: PortState::Filtered,
                    reason: Reason::Unreachable,
                    rtt
                }
            );
        }
        let local = IcmpError {
            origin: libc::SO_EE_ORIGIN_LOCAL,
            kind: 0,
            code: 0,
        };
        for icmp in [None, Some(local)] {
            assert_eq!(
                classify_error(&refused, icmp, rtt),
                Outcome::Answer {
                    state: PortState::Closed,
                    reason: Reason::Refused,
                    rtt
                }
            );
        }
    }

    /// With a timeout of zero the timer is due as soon as the runtime next
    /// looks, when the handshake (loopback) has arrived too: the answer is
    /// the port's, every time, not silence.
    #[tokio::test]
    async fn an_answer_already_there_at_the_deadline_is_not_silence() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (_keep, timeout) = watch::channel(Duration::ZERO);
        for _ in 0..50 {
            let a = retry(addr, timeout.clone(), &Gauge::default()).await;
            assert!(
                matches!(
                    a.outcome,
                    Outcome::Answer {
                        state: PortState::Open,
                        ..
                    }
                ),
                "{:?}",
                a.outcome
            );
        }
    }

    #[test]
    fn the_second_syn_goes_out_early() {
        assert_eq!(
            second_syn_after(Duration::from_millis(150)),
            Duration::from_micros(18_750)
        );
        assert_eq!(
            second_syn_after(Duration::from_millis(900)),
            SECOND_SYN_MAX_GAP
        );
        assert_eq!(second_syn_after(Duration::ZERO), Duration::ZERO);
    }
}
