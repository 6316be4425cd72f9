//! SSDP/UPnP over UDP 1900, the first UDP service: does the router's UPnP
//! service answer an SSDP search sent from the internet? If it does, anyone
//! can ask it to open forwardings (a router must answer SSDP on its LAN
//! side only).
//!
//! What goes out: from one ephemeral UDP socket, at most [`MAX_SEARCHES`]
//! M-SEARCH datagrams (the second only when nothing answered the first
//! within a quarter of the wait), to the visitor's own address, port 1900,
//! and nothing else. What comes in: only datagrams from that address count,
//! at most [`MAX_DATAGRAMS`] of them are read, each cut to [`MAX_DATAGRAM`]
//! bytes; datagrams from any other address are dropped without counting
//! and without ending the wait (the UDP layer, `io::udp`). The wait is
//! short and adapts to the visitor's round-trip time ([`wait_for`]).
//! Silence is reported as "no answer", never as "no UPnP": UDP answers can
//! be lost or filtered.
//!
//! This file holds the pure part (the search the probe sends, the parser of
//! a device's answer, the budget), property-tested and fuzzed without a
//! socket; `conversation` runs it over the UDP layer. A plan asks for it
//! with `Plan::upnp`; the report carries it as `Report::upnp`.

use std::net::SocketAddr;
use std::time::Duration;

use crate::probe::ident::io::udp::UdpBudget;
use crate::probe::ident::text::printable;

mod conversation;
pub(crate) use conversation::check;
#[cfg(test)]
use conversation::search;

/// The port UPnP devices listen on for SSDP searches (UDA 1.1, 1.3.2).
pub const SSDP_PORT: u16 = 1900;

/// At most this many bytes of one datagram are read; the rest of a longer
/// datagram is discarded by the socket.
pub const MAX_DATAGRAM: usize = 2048;

/// Searches sent at most: one, and one more if nothing answered it.
pub(crate) const MAX_SEARCHES: u8 = 2;

/// Datagrams read at most per check, from the visitor's address (others
/// are dropped uncounted).
pub(crate) const MAX_DATAGRAMS: usize = 8;

/// What the UDP layer may spend on one check.
pub(crate) const BUDGET: UdpBudget = UdpBudget {
    sends: MAX_SEARCHES,
    answers: MAX_DATAGRAMS,
    datagram: MAX_DATAGRAM,
};

/// What a device may add to its round-trip time before it answers: the
/// search's `MX: 1` lets it wait up to one second.
const DEVICE_DELAY: Duration = Duration::from_secs(1);

/// Bounds of the network part of the wait: four round-trip times within
/// these. So one search waits 1.1–1.5 s; with the second search a quarter
/// of that later, silence costs at most 1.875 s.
const NETWORK_WAIT: (Duration, Duration) = (Duration::from_millis(100), Duration::from_millis(500));

/// How long to wait for an answer to one search, given the visitor's
/// round-trip time when the probe knows it (the upper bound otherwise).
pub(crate) fn wait_for(rtt: Option<Duration>) -> Duration {
    let (floor, ceiling) = NETWORK_WAIT;
    let network = rtt.map_or(ceiling, |rtt| rtt.saturating_mul(4).clamp(floor, ceiling));
    DEVICE_DELAY + network
}

/// The search target: root devices. Every UPnP device, an Internet
/// Gateway Device included, answers for it.
pub(crate) const SEARCH_TARGET: &str = "upnp:rootdevice";

/// The M-SEARCH the probe sends to `to` (the visitor's own address).
/// `MX: 1` lets a device that honours it wait at most one second.
pub fn m_search(to: SocketAddr) -> Vec<u8> {
    format!(
        "M-SEARCH * HTTP/1.1\r\nHOST: {to}\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: {SEARCH_TARGET}\r\n\r\n"
    )
    .into_bytes()
}

/// What a device said of itself in its answer; each value printable ASCII,
/// at most [`crate::probe::ident::text::MAX_TEXT`] characters, `None` when
/// the header is missing or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SsdpAnswer {
    /// The `SERVER` header.
    pub server: Option<String>,
    /// The `LOCATION` header (the device description's URL).
    pub location: Option<String>,
    /// The `ST` header (the search target answered).
    pub st: Option<String>,
    /// The `USN` header (the device's unique name).
    pub usn: Option<String>,
}

/// Parse one datagram as an answer to an M-SEARCH: an `HTTP/1.x 200`
/// status line followed by header lines. `None` for anything else (a
/// NOTIFY, an error status, bytes of another protocol). Reads at most
/// [`MAX_DATAGRAM`] bytes, each once.
pub fn parse_answer(datagram: &[u8]) -> Option<SsdpAnswer> {
    let datagram = &datagram[..datagram.len().min(MAX_DATAGRAM)];
    let mut lines = datagram.split(|&b| b == b'\n').map(<[u8]>::trim_ascii);
    if !is_ok_status(lines.next()?) {
        return None;
    }
    let mut answer = SsdpAnswer::default();
    for line in lines.take_while(|l| !l.is_empty()) {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (line[..colon].trim_ascii(), &line[colon + 1..]);
        let slot = if name.eq_ignore_ascii_case(b"server") {
            &mut answer.server
        } else if name.eq_ignore_ascii_case(b"location") {
            &mut answer.location
        } else if name.eq_ignore_ascii_case(b"st") {
            &mut answer.st
        } else if name.eq_ignore_ascii_case(b"usn") {
            &mut answer.usn
        } else {
            continue;
        };
        if slot.is_none() {
            let text = printable(value.trim_ascii());
            *slot = (!text.is_empty()).then_some(text);
        }
    }
    Some(answer)
}

/// `HTTP/1.0 200 …` or `HTTP/1.1 200 …` (the reason phrase may be absent).
fn is_ok_status(line: &[u8]) -> bool {
    let mut parts = line
        .split(u8::is_ascii_whitespace)
        .filter(|p| !p.is_empty());
    let version = parts.next().unwrap_or_default();
    let code = parts.next().unwrap_or_default();
    (version.eq_ignore_ascii_case(b"HTTP/1.1") || version.eq_ignore_ascii_case(b"HTTP/1.0"))
        && code == b"200"
}

#[cfg(test)]
pub(crate) mod tests;
