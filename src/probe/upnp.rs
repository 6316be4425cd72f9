//! The UPnP check from outside: does the router's UPnP service answer an
//! SSDP search sent from the internet? If it does, anyone can ask it to
//! open forwardings (a router must answer SSDP on its LAN side only).
//!
//! What goes out: from one ephemeral UDP socket, at most [`MAX_SEARCHES`]
//! M-SEARCH datagrams (the second only when nothing answered the first
//! within a quarter of the wait),
//! to the visitor's own address, port 1900, and nothing else. What comes
//! in: only datagrams from that address count, at most [`MAX_DATAGRAMS`]
//! of them are read, each cut to [`ssdp::MAX_DATAGRAM`] bytes. The wait is
//! short and adapts to the visitor's round-trip time ([`wait_for`]).
//! Silence is reported as "no answer", never as "no UPnP": UDP answers
//! can be lost or filtered.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::{Instant, timeout_at};

use crate::api::{UpnpAnswer, UpnpResult};

pub mod ssdp;

pub use ssdp::SSDP_PORT;

/// Searches sent at most: one, and one more if nothing answered it.
pub const MAX_SEARCHES: u8 = 2;

/// Datagrams read at most per check, from any sender.
pub const MAX_DATAGRAMS: usize = 8;

/// What a device may add to its round-trip time before it answers: the
/// search's `MX: 1` lets it wait up to one second.
const DEVICE_DELAY: Duration = Duration::from_secs(1);

/// Bounds of the network part of the wait: four round-trip times within
/// these. So one search waits 1.1–1.5 s; with the second search a quarter
/// of that later, silence costs at most 1.875 s.
const NETWORK_WAIT: (Duration, Duration) = (Duration::from_millis(100), Duration::from_millis(500));

/// How long to wait for an answer to one search, given the visitor's
/// round-trip time when the probe knows it (the upper bound otherwise).
pub fn wait_for(rtt: Option<Duration>) -> Duration {
    let (floor, ceiling) = NETWORK_WAIT;
    let network = rtt.map_or(ceiling, |rtt| rtt.saturating_mul(4).clamp(floor, ceiling));
    DEVICE_DELAY + network
}

/// Search for a UPnP device at `target`'s port 1900, waiting
/// [`wait_for`]`(rtt)` after the last search.
pub async fn check(target: IpAddr, rtt: Option<Duration>) -> UpnpResult {
    search(SocketAddr::new(target, SSDP_PORT), wait_for(rtt)).await
}

/// Send the M-SEARCH to `to` and wait for an answer from `to`'s address:
/// up to `wait` after the last search. A second search follows a quarter of
/// `wait` after the first if nothing has answered by then (a datagram or
/// its answer may be lost), so silence costs `1.25 × wait`, not two waits.
pub async fn search(to: SocketAddr, wait: Duration) -> UpnpResult {
    let started = Instant::now();
    let mut result = UpnpResult {
        answer: UpnpAnswer::NoAnswer,
        port: to.port(),
        sent: 0,
        waited_ms: 0,
        server: None,
        location: None,
        st: None,
        usn: None,
    };
    let local: SocketAddr = match to {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let Ok(socket) = UdpSocket::bind(local).await else {
        result.answer = UpnpAnswer::Error;
        return result;
    };
    let request = ssdp::m_search(to);
    let mut read = 0;
    let mut buf = vec![0u8; ssdp::MAX_DATAGRAM];
    let resend = wait / 4;
    let mut next_search = started;
    let mut deadline = started;
    while read < MAX_DATAGRAMS {
        let now = Instant::now();
        if result.sent < MAX_SEARCHES && now >= next_search {
            if socket.send_to(&request, to).await.is_err() {
                if result.sent == 0 {
                    result.answer = UpnpAnswer::Error;
                    break;
                }
            } else {
                result.sent += 1;
                deadline = Instant::now() + wait;
            }
            next_search = now + resend;
        }
        let until = match result.sent < MAX_SEARCHES {
            true => next_search.min(deadline),
            false => deadline,
        };
        let Ok(received) = timeout_at(until, socket.recv_from(&mut buf)).await else {
            if Instant::now() >= deadline {
                break;
            }
            continue;
        };
        let Ok((n, from)) = received else {
            break;
        };
        read += 1;
        if from.ip() != to.ip() {
            continue;
        }
        if let Some(a) = buf.get(..n).and_then(ssdp::parse_answer) {
            result.answer = UpnpAnswer::Answered;
            (result.server, result.location) = (a.server, a.location);
            (result.st, result.usn) = (a.st, a.usn);
            break;
        }
    }
    result.waited_ms = elapsed_ms(started);
    result
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
pub(crate) mod tests;
