//! The SSDP messages of the UPnP check: the one search the probe sends and
//! the parser of a device's answer.
//!
//! Pure functions over bytes, so the parser of what a (possibly hostile)
//! host sends back is property-tested and fuzzed without a socket.

use std::net::SocketAddr;

use crate::probe::ident::http::printable;

/// The port UPnP devices listen on for SSDP searches (UDA 1.1, 1.3.2).
pub const SSDP_PORT: u16 = 1900;

/// At most this many bytes of one datagram are read; the rest of a longer
/// datagram is discarded by the socket.
pub const MAX_DATAGRAM: usize = 2048;

/// The search target: root devices. Every UPnP device, an Internet
/// Gateway Device included, answers for it.
pub const SEARCH_TARGET: &str = "upnp:rootdevice";

/// The M-SEARCH the probe sends to `to` (the visitor's own address).
/// `MX: 1` lets a device that honours it wait at most one second.
pub fn m_search(to: SocketAddr) -> Vec<u8> {
    format!(
        "M-SEARCH * HTTP/1.1\r\nHOST: {to}\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: {SEARCH_TARGET}\r\n\r\n"
    )
    .into_bytes()
}

/// What a device said of itself in its answer; each value printable ASCII,
/// at most [`crate::probe::ident::http::MAX_TEXT`] characters, `None` when
/// the header is missing or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SsdpAnswer {
    pub server: Option<String>,
    pub location: Option<String>,
    pub st: Option<String>,
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
mod tests {
    use super::*;
    use crate::probe::ident::http::MAX_TEXT;
    use proptest::prelude::*;

    /// An answer as miniupnpd writes it.
    const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: upnp:rootdevice\r\nUSN: uuid:3a6f2c1e-0000-4000-8000-000000000001::upnp:rootdevice\r\nEXT:\r\nSERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3.3\r\nLOCATION: http://192.168.1.1:5000/rootDesc.xml\r\nOPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n\r\n";

    #[test]
    fn reads_what_the_device_says_of_itself() {
        let a = parse_answer(ANSWER).expect("an answer");
        assert_eq!(
            a.server.as_deref(),
            Some("Debian/12 UPnP/1.1 MiniUPnPd/2.3.3")
        );
        assert_eq!(
            a.location.as_deref(),
            Some("http://192.168.1.1:5000/rootDesc.xml")
        );
        assert_eq!(a.st.as_deref(), Some("upnp:rootdevice"));
        assert!(a.usn.is_some_and(|u| u.starts_with("uuid:3a6f2c1e")));
    }

    #[test]
    fn header_names_are_case_insensitive_and_bare_newlines_work() {
        let a = parse_answer(b"http/1.0 200\nServer: x\nlocation:  y \n\nSERVER: later")
            .expect("an answer");
        assert_eq!(a.server.as_deref(), Some("x"));
        assert_eq!(a.location.as_deref(), Some("y"));
        assert_eq!(a.st, None);
    }

    #[test]
    fn only_a_200_answer_counts() {
        for not in [
            &b"NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\n\r\n"[..],
            b"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\n\r\n",
            b"HTTP/1.1 2000 OK\r\n\r\n",
            b"HTTP/2 200\r\n\r\n",
            b"",
            b"\x00\x01\x02",
        ] {
            assert_eq!(parse_answer(not), None, "{not:?}");
        }
    }

    #[test]
    fn values_are_printable_and_capped() {
        let mut d = b"HTTP/1.1 200 OK\r\nSERVER: \x1b[31mred\x07\r\nLOCATION: ".to_vec();
        d.extend(std::iter::repeat_n(b'a', 1000));
        let a = parse_answer(&d).expect("an answer");
        assert_eq!(a.server.as_deref(), Some("[31mred"));
        assert_eq!(a.location.map(|l| l.len()), Some(MAX_TEXT));
    }

    #[test]
    fn the_search_names_the_target_and_asks_root_devices() {
        let to: SocketAddr = "[2001:db8::7]:1900".parse().expect("address");
        let text = String::from_utf8(m_search(to)).expect("ascii");
        assert!(text.starts_with("M-SEARCH * HTTP/1.1\r\nHOST: [2001:db8::7]:1900\r\n"));
        assert!(text.contains("MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: upnp:rootdevice\r\n"));
        assert!(text.ends_with("\r\n\r\n"));
        assert_eq!(parse_answer(text.as_bytes()), None, "a search is no answer");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_bytes_give_short_printable_values(b in prop::collection::vec(any::<u8>(), 0..3000)) {
            if let Some(a) = parse_answer(&b) {
                for v in [a.server, a.location, a.st, a.usn].into_iter().flatten() {
                    prop_assert!(!v.is_empty() && v.len() <= MAX_TEXT && v.len() <= b.len());
                    prop_assert!(v.bytes().all(|c| (0x20..0x7f).contains(&c)));
                }
            }
        }

        #[test]
        fn built_answers_read_back(server in "[!-~][ -~]{0,150}[!-~]", location in "[!-~]{1,150}", cut in 0usize..400) {
            let d = format!("HTTP/1.1 200 OK\r\nLOCATION: {location}\r\nSERVER: {server}\r\n\r\n");
            let a = parse_answer(d.as_bytes()).expect("an answer");
            prop_assert_eq!(a.server.as_deref(), Some(server.as_str()));
            prop_assert_eq!(a.location.as_deref(), Some(location.as_str()));
            // Cut anywhere: still no panic, and a cut value is a prefix.
            let cut = &d.as_bytes()[..cut.min(d.len())];
            if let Some(a) = parse_answer(cut) {
                prop_assert!(a.server.is_none_or(|s| server.starts_with(&s)));
            }
        }

        #[test]
        fn only_the_first_datagram_bytes_are_read(tail in prop::collection::vec(any::<u8>(), 0..100)) {
            let mut d = b"HTTP/1.1 200 OK\r\n".to_vec();
            d.resize(MAX_DATAGRAM, b'x');
            d.extend(b"\r\nSERVER: late\r\n");
            d.extend(tail);
            prop_assert_eq!(parse_answer(&d).and_then(|a| a.server), None);
        }
    }
}
