//! SIP (RFC 3261) on UDP 5060: a phone system or VoIP gateway that answers
//! anyone on the internet is asked for its calls and passwords around the
//! clock (toll fraud), and its `Server` or `User-Agent` header names the
//! product and version.
//!
//! What goes out: one `OPTIONS` request to `sip:<visitor address>` (RFC
//! 3261 11: "what can you do"; nothing is registered, no call is set up,
//! nothing changes on the device), 348–416 bytes to port 5060 (by the
//! length of the address), with the headers RFC
//! 3261 8.1.1 asks of a request: `Via` with a `z9hG4bK` branch and `rport`
//! (RFC 3581: answer to the port the request came from), `Max-Forwards: 0`
//! (a proxy must not forward it: 16.3), `To`, `From` with a tag, `Call-ID`,
//! `CSeq` and `Content-Length: 0`. What comes back: one status line and its
//! headers, read by [`parse`].
//!
//! The parser is hand-written: the probe needs the status code and two
//! header values (with SIP's compact forms and case-insensitive names) from
//! one datagram, a line scan of a dozen lines; the SIP crates on crates.io
//! parse whole messages into trees of their own and are little used.

use std::fmt::Write as _;
use std::net::SocketAddr;

use crate::api::{PortDetails, SipDetails};
use crate::probe::ident::services::UdpQuestion;
use crate::probe::ident::text::printable;

/// Bytes of an answer the parser looks at (the status line and headers).
pub const MAX_ANSWER: usize = 4096;

/// The `OPTIONS` request to `to` (the visitor's own address), with `id`
/// in its branch, tag and Call-ID so that the answer can be matched.
pub fn request(to: SocketAddr, id: u32) -> Vec<u8> {
    let host = match to {
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
    };
    let port = to.port();
    let mut m = String::with_capacity(512);
    // `write!` to a String cannot fail.
    let _ = write!(
        m,
        "OPTIONS sip:{host}:{port} SIP/2.0\r\n\
         Via: SIP/2.0/UDP portcheck.invalid;branch=z9hG4bK{id:08x};rport\r\n\
         Max-Forwards: 0\r\n\
         To: <sip:{host}:{port}>\r\n\
         From: <sip:portcheck@portcheck.invalid>;tag={id:08x}\r\n\
         Call-ID: {id:08x}@portcheck.invalid\r\n\
         CSeq: 1 OPTIONS\r\n\
         User-Agent: portcheck (self-test of this connection)\r\n\
         Accept: application/sdp\r\n\
         Content-Length: 0\r\n\r\n"
    );
    m.into_bytes()
}

/// Read a SIP answer: a `SIP/2.0 NNN` status line, then headers up to the
/// first empty line. `None` for anything else (a request, another
/// protocol). Each line is looked at once; the values kept are printable
/// and short.
pub fn parse(datagram: &[u8]) -> Option<SipDetails> {
    let datagram = &datagram[..datagram.len().min(MAX_ANSWER)];
    let mut lines = datagram.split(|&b| b == b'\n').map(<[u8]>::trim_ascii);
    let status = status_of(lines.next()?)?;
    let mut details = SipDetails {
        status,
        server: None,
        user_agent: None,
    };
    for line in lines.take_while(|l| !l.is_empty()) {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = line[..colon].trim_ascii();
        let slot = if name.eq_ignore_ascii_case(b"server") {
            &mut details.server
        } else if name.eq_ignore_ascii_case(b"user-agent") {
            &mut details.user_agent
        } else {
            continue;
        };
        if slot.is_none() {
            let text = printable(line[colon + 1..].trim_ascii());
            *slot = (!text.is_empty()).then_some(text);
        }
    }
    Some(details)
}

/// The code of `SIP/2.0 NNN reason`, 100–699.
fn status_of(line: &[u8]) -> Option<u16> {
    let rest = line.strip_prefix(b"SIP/2.0 ")?;
    let code = rest.get(..3)?;
    if !code.iter().all(u8::is_ascii_digit) || rest.get(3).is_some_and(|&b| b != b' ') {
        return None;
    }
    let code = code.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    (100..=699).contains(&code).then_some(code)
}

/// The question for a UDP 5060 entry to `to`: the request, and the answer
/// read into `sip`. A provisional answer (1xx) is kept only until a final
/// one arrives.
pub(crate) fn question(id: u32, to: SocketAddr) -> UdpQuestion {
    UdpQuestion {
        datagrams: vec![request(to, id)],
        read: Box::new(
            |datagram: &[u8], details: &mut PortDetails| match parse(datagram) {
                Some(d) => {
                    let keep = details
                        .reported
                        .sip
                        .as_ref()
                        .is_none_or(|old| old.status < 200);
                    if keep {
                        details.reported.sip = Some(d);
                    }
                    true
                }
                None => false,
            },
        ),
        any_source_port: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::ident::text::MAX_TEXT;

    fn to() -> SocketAddr {
        "198.51.100.7:5060".parse().unwrap()
    }

    #[test]
    fn the_request_has_rfc_3261s_headers() {
        let r = String::from_utf8(request(to(), 0xabc)).unwrap();
        assert!(r.starts_with("OPTIONS sip:198.51.100.7:5060 SIP/2.0\r\n"));
        for h in [
            "Via: SIP/2.0/UDP portcheck.invalid;branch=z9hG4bK00000abc;rport\r\n",
            "Max-Forwards: 0\r\n",
            "To: <sip:198.51.100.7:5060>\r\n",
            ";tag=00000abc\r\n",
            "Call-ID: 00000abc@portcheck.invalid\r\n",
            "CSeq: 1 OPTIONS\r\n",
            "Content-Length: 0\r\n\r\n",
        ] {
            assert!(r.contains(h), "{h}");
        }
        assert_eq!(r.len(), 358);
        let v6 = String::from_utf8(request("[2001:db8::7]:5060".parse().unwrap(), 1)).unwrap();
        assert!(v6.starts_with("OPTIONS sip:[2001:db8::7]:5060 SIP/2.0\r\n"));
        assert!(!question(1, to()).any_source_port);
    }

    #[test]
    fn answers_of_phone_systems() {
        let asterisk = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP portcheck.invalid;branch=z9hG4bK1;received=203.0.113.9;rport=40000\r\nServer: Asterisk PBX 20.5.0\r\nAllow: INVITE, ACK, OPTIONS\r\nContent-Length: 0\r\n\r\n";
        let d = parse(asterisk).expect("sip");
        assert_eq!(d.status, 200);
        assert_eq!(d.server.as_deref(), Some("Asterisk PBX 20.5.0"));
        assert_eq!(d.user_agent, None);
        let fritz = b"SIP/2.0 404 Not Found\nuser-agent:  AVM FRITZ!Box 7590 \nserver: x\n\nServer: ignored";
        let d = parse(fritz).expect("sip");
        assert_eq!(
            (d.status, d.user_agent.as_deref(), d.server.as_deref()),
            (404, Some("AVM FRITZ!Box 7590"), Some("x"))
        );
        let long = format!("SIP/2.0 200 OK\r\nServer: {}\r\n\r\n", "x".repeat(5000));
        assert_eq!(
            parse(long.as_bytes()).unwrap().server.unwrap().len(),
            MAX_TEXT
        );
    }

    #[test]
    fn a_final_answer_replaces_a_provisional_one() {
        let q = question(1, to());
        let mut details = PortDetails::default();
        assert!((q.read)(b"SIP/2.0 100 Trying\r\n\r\n", &mut details));
        assert!((q.read)(
            b"SIP/2.0 200 OK\r\nServer: a\r\n\r\n",
            &mut details
        ));
        assert!((q.read)(
            b"SIP/2.0 200 OK\r\nServer: b\r\n\r\n",
            &mut details
        ));
        let sip = details.reported.sip.expect("sip");
        assert_eq!((sip.status, sip.server.as_deref()), (200, Some("a")));
    }

    #[test]
    fn other_datagrams_are_no_answer() {
        for not in [
            &b""[..],
            b"OPTIONS sip:x SIP/2.0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\n\r\n",
            b"SIP/2.0 099 x\r\n",
            b"SIP/2.0 700 x\r\n",
            b"SIP/2.0 2000 x\r\n",
            b"SIP/2.0 20\r\n",
        ] {
            assert_eq!(parse(not), None, "{}", String::from_utf8_lossy(not));
        }
        assert_eq!(parse(b"SIP/2.0 486").map(|d| d.status), Some(486));
        // Blanks before the status line are tolerated (RFC 3261 7.5 lets
        // a receiver skip what precedes it), a line before it is not.
        assert_eq!(
            parse(b"\t SIP/2.0 200 OK\r\n\r\n").map(|d| d.status),
            Some(200)
        );
        assert_eq!(parse(b"\nSIP/2.0 200 OK\r\n\r\n"), None);
    }
}
