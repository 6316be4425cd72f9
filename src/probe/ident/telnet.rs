//! Telnet (RFC 854/855): a server opens with option negotiation — IAC DO,
//! WILL, … — and after it a greeting or login prompt. The parser collects
//! the options asked about, the first printable line, and the probe's
//! refusal of every option (WONT to DO, DONT to WILL), which lets the
//! server go on to its prompt. The probe never types a user name.

use super::http::printable;
use crate::api::TelnetDetails;

/// "Interpret as command".
pub const IAC: u8 = 255;
const SE: u8 = 240;
const SB: u8 = 250;
const WILL: u8 = 251;
const WONT: u8 = 252;
const DO: u8 = 253;
const DONT: u8 = 254;

/// Most options recorded (a server asks about a handful).
const MAX_OPTIONS: usize = 32;

/// What a Telnet server's bytes said, and the probe's answer to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Negotiation {
    pub details: TelnetDetails,
    /// IAC WONT/DONT for every DO/WILL, in order.
    pub refusal: Vec<u8>,
}

/// Read a Telnet server's bytes; `None` unless they open with a negotiation
/// command (IAC followed by WILL, WONT, DO, DONT or SB).
pub fn parse(buf: &[u8]) -> Option<Negotiation> {
    if !matches!(buf, [IAC, SB..=DONT, ..]) {
        return None;
    }
    let mut n = Negotiation::default();
    let mut text = Vec::new();
    let mut i = 0;
    while i < buf.len() {
        if buf[i] != IAC {
            text.push(buf[i]);
            i += 1;
            continue;
        }
        match buf.get(i + 1) {
            Some(&cmd @ WILL..=DONT) => {
                let Some(&opt) = buf.get(i + 2) else { break };
                if n.details.options.len() < MAX_OPTIONS && !n.details.options.contains(&opt) {
                    n.details.options.push(opt);
                }
                match cmd {
                    DO => n.refusal.extend_from_slice(&[IAC, WONT, opt]),
                    WILL => n.refusal.extend_from_slice(&[IAC, DONT, opt]),
                    _ => {}
                }
                i += 3;
            }
            // Subnegotiation: skip to IAC SE.
            Some(&SB) => {
                let end = buf[i + 2..].windows(2).position(|w| w == [IAC, SE]);
                match end {
                    Some(e) => i += 2 + e + 2,
                    None => break,
                }
            }
            Some(&IAC) => {
                text.push(IAC);
                i += 2;
            }
            Some(_) => i += 2,
            None => break,
        }
    }
    n.details.greeting = text
        .split(|&b| b == b'\n')
        .map(printable)
        .find(|l| !l.is_empty());
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telnetd_opening_and_prompt() {
        // DO TERMINAL-TYPE, DO TSPEED, WILL ECHO, a subnegotiation, text.
        let mut b = vec![IAC, DO, 24, IAC, DO, 32, IAC, WILL, 1];
        b.extend_from_slice(&[IAC, SB, 24, 1, IAC, SE]);
        b.extend_from_slice(b"\r\nDebian GNU/Linux 12\r\nlab login: ");
        let n = parse(&b).expect("telnet");
        assert_eq!(n.details.options, vec![24, 32, 1]);
        assert_eq!(n.details.greeting.as_deref(), Some("Debian GNU/Linux 12"));
        assert_eq!(n.refusal, vec![IAC, WONT, 24, IAC, WONT, 32, IAC, DONT, 1]);
    }

    #[test]
    fn cut_off_and_foreign_bytes() {
        assert_eq!(parse(b"login: "), None);
        assert_eq!(parse(&[IAC]), None);
        assert_eq!(parse(&[IAC, 1, 2]), None);
        let cut = parse(&[IAC, DO]).expect("telnet");
        assert!(cut.details.options.is_empty() && cut.refusal.is_empty());
        let open_sb = parse(&[IAC, SB, 24, 1, b'x']).expect("telnet");
        assert_eq!(open_sb.details.greeting, None);
        let escaped = parse(&[IAC, DONT, 1, IAC, IAC, b'h', b'i']).expect("telnet");
        assert_eq!(escaped.details.greeting.as_deref(), Some("hi"));
        assert!(escaped.refusal.is_empty());
    }
}
