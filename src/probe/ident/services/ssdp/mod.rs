//! SSDP/UPnP over UDP 1900, the first UDP service: does the router's UPnP
//! service answer an SSDP search sent from the internet? If it does, anyone
//! can ask it to open forwardings (a router must answer SSDP on its LAN
//! side only).
//!
//! What goes out: the practice plan's 1900/udp entry asks it like every
//! UDP entry (`scan::udp`): from one ephemeral UDP socket, at most two
//! M-SEARCH datagrams (the second only when nothing answered the first
//! within a quarter of the wait), to the visitor's own address, port 1900,
//! and nothing else. What comes in: a device may answer from another port
//! than 1900 ([`question`] says `any_source_port`), so the socket is
//! unconnected, and only datagrams from the visitor's address count, at
//! most eight of them, each cut to [`MAX_DATAGRAM`] bytes; datagrams from
//! any other address are dropped without counting and without ending the
//! wait (the UDP layer, `io::udp`). The wait is short and adapts to the
//! visitor's round-trip time, plus [`DEVICE_DELAY`]. Silence is reported
//! as `open|filtered`, never as "no UPnP": UDP answers can be lost or
//! filtered.
//!
//! This file holds the pure part (the search the probe sends, the parser of
//! a device's answer), property-tested and fuzzed without a socket; the
//! answer goes into the port's `details.upnp`.

use std::net::SocketAddr;
use std::time::Duration;

use super::UdpQuestion;
use crate::api::UpnpDetails;
use crate::probe::ident::text::printable;

/// The port UPnP devices listen on for SSDP searches (UDA 1.1, 1.3.2).
pub const SSDP_PORT: u16 = 1900;

/// At most this many bytes of one datagram are read (the UDP layer's cut,
/// `scan::udp::MAX_DATAGRAM`); the parser reads no further either.
pub const MAX_DATAGRAM: usize = 2048;

/// What a device may add to its round-trip time before it answers: the
/// search's `MX: 1` lets it wait up to one second.
pub(crate) const DEVICE_DELAY: Duration = Duration::from_secs(1);

/// The SSDP question for the visitor's `to` (its address and port 1900):
/// one M-SEARCH, answers from any port of that address, the first `200`
/// answer read into `details.upnp`.
pub(crate) fn question(to: SocketAddr) -> UdpQuestion {
    UdpQuestion {
        datagrams: vec![m_search(to)],
        read: Box::new(|datagram, details| match parse_answer(datagram) {
            Some(a) => {
                details.upnp = Some(a.into());
                true
            }
            None => false,
        }),
        any_source_port: true,
    }
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

impl From<SsdpAnswer> for UpnpDetails {
    fn from(a: SsdpAnswer) -> Self {
        UpnpDetails {
            server: a.server,
            location: a.location,
            st: a.st,
            usn: a.usn,
        }
    }
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
