//! The SSDP check over the UDP layer: one search, a second one a quarter
//! of the wait later if nothing answered, and the first well-formed answer
//! from the visitor's address.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::time::Instant;

use super::{BUDGET, SSDP_PORT, m_search, parse_answer, wait_for};
use crate::api::{UpnpAnswer, UpnpResult};
use crate::probe::ident::io::Limits;
use crate::probe::ident::io::udp::{Datagrams, Received};

/// Search for a UPnP device at `target`'s port 1900, waiting
/// [`wait_for`]`(rtt)` after the last search.
pub(crate) async fn check(target: IpAddr, rtt: Option<Duration>) -> UpnpResult {
    search(SocketAddr::new(target, SSDP_PORT), wait_for(rtt)).await
}

/// Send the M-SEARCH to `to` and wait for an answer from `to`'s address:
/// up to `wait` after the last search. A second search follows a quarter of
/// `wait` after the first if nothing has answered by then (a datagram or
/// its answer may be lost), so silence costs `1.25 × wait`, not two waits.
pub(super) async fn search(to: SocketAddr, wait: Duration) -> UpnpResult {
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
    match Datagrams::open(to, BUDGET).await {
        Ok(mut datagrams) => {
            result.answer = converse(&mut datagrams, to, wait, &mut result).await;
            result.sent = datagrams.sent();
        }
        Err(_) => result.answer = UpnpAnswer::Error,
    }
    result.waited_ms = elapsed_ms(started);
    result
}

/// The searches and the wait for an answer, whose details go into
/// `result`.
async fn converse(
    datagrams: &mut Datagrams,
    to: SocketAddr,
    wait: Duration,
    result: &mut UpnpResult,
) -> UpnpAnswer {
    let request = m_search(to);
    let limits = Limits::default();
    let resend = wait / 4;
    let mut next_search = Instant::now();
    let mut deadline = next_search;
    loop {
        let now = Instant::now();
        if datagrams.can_send() && now >= next_search {
            match datagrams.send(&request).await {
                Err(_) if datagrams.sent() == 0 => return UpnpAnswer::Error,
                Err(_) => {}
                Ok(()) => deadline = Instant::now() + wait,
            }
            next_search = now + resend;
        }
        let until = match datagrams.can_send() {
            true => next_search.min(deadline),
            false => deadline,
        };
        match datagrams.recv_until(until, &limits).await {
            Received::Answer(datagram) => {
                if let Some(a) = parse_answer(&datagram) {
                    (result.server, result.location) = (a.server, a.location);
                    (result.st, result.usn) = (a.st, a.usn);
                    return UpnpAnswer::Answered;
                }
            }
            Received::Deadline if Instant::now() >= deadline => return UpnpAnswer::NoAnswer,
            Received::Deadline => {}
            Received::Cap | Received::Failed => return UpnpAnswer::NoAnswer,
        }
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}
