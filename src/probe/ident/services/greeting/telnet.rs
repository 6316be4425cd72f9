//! Telnet (RFC 854/855): a server opens with option negotiation — IAC DO,
//! WILL, … — and after it a greeting or login prompt. The parser collects
//! the options asked about, the first printable line, and the probe's
//! refusal of every option (WONT to DO, DONT to WILL), which lets the
//! server go on to its prompt. The probe never types a user name.

use crate::api::TelnetDetails;
use crate::probe::ident::text::{MAX_TEXT, printable};

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
    /// The options the server asked for or offered.
    pub details: TelnetDetails,
    /// IAC WONT/DONT for every DO/WILL, in order.
    pub refusal: Vec<u8>,
}

/// Whether a server's bytes open with a negotiation command (IAC followed
/// by WILL, WONT, DO, DONT or SB): Telnet.
pub(crate) fn opens(buf: &[u8]) -> bool {
    matches!(buf, [IAC, SB..=DONT, ..])
}

/// Read a Telnet server's bytes; `None` unless they open with a negotiation
/// command (IAC followed by WILL, WONT, DO, DONT or SB).
pub fn parse(buf: &[u8]) -> Option<Negotiation> {
    let mut reader = Reader::default();
    reader.read(buf).then(|| reader.negotiation())
}

/// A Telnet server's bytes, read as they arrive. Each [`Reader::read`] goes
/// on where the last one stopped: a command cut off at the end is read
/// again once the rest came (at most two bytes), and an open subnegotiation
/// is searched for its end only in what is new. So reading n bytes costs
/// O(n) in all, however the server splits them.
#[derive(Debug, Clone, Default)]
pub struct Reader {
    /// The next byte to read.
    pos: usize,
    /// Inside a subnegotiation: where its IAC SE is still to be looked for.
    in_sub: Option<usize>,
    negotiation: Negotiation,
    /// The first text line with something printable in it, once ended.
    greeting: Option<String>,
    /// The text line being read, how many printable bytes it has and
    /// whether one of the first [`MAX_TEXT`] of them is not a space (what
    /// makes [`printable`] of it non-empty).
    line: Vec<u8>,
    line_printable: usize,
    line_visible: bool,
    examined: usize,
}

impl Reader {
    /// Reads what is new in `buf` (all bytes so far; it only ever grows).
    /// `false` unless they open with a negotiation command.
    pub fn read(&mut self, buf: &[u8]) -> bool {
        if !opens(buf) {
            return false;
        }
        while let Some(&b) = buf.get(self.pos) {
            self.examined += 1;
            if let Some(from) = self.in_sub {
                match self.sub_end(buf, from) {
                    Some(end) => {
                        self.pos = end;
                        self.in_sub = None;
                        continue;
                    }
                    None => return true,
                }
            }
            if b != IAC {
                self.text(b);
                self.pos += 1;
                continue;
            }
            match buf.get(self.pos + 1) {
                Some(&cmd @ WILL..=DONT) => {
                    let Some(&opt) = buf.get(self.pos + 2) else {
                        return true;
                    };
                    self.option(cmd, opt);
                    self.pos += 3;
                }
                Some(&SB) => self.in_sub = Some(self.pos + 2),
                Some(&IAC) => {
                    self.text(IAC);
                    self.pos += 2;
                }
                Some(_) => self.pos += 2,
                None => return true,
            }
        }
        true
    }

    /// Whether a greeting or prompt has arrived.
    pub fn greeted(&self) -> bool {
        self.greeting.is_some() || self.line_visible
    }

    /// What the bytes read so far said.
    pub fn negotiation(&self) -> Negotiation {
        let mut n = self.negotiation.clone();
        n.details.greeting = self
            .greeting
            .clone()
            .or_else(|| self.line_visible.then(|| printable(&self.line)));
        n
    }

    /// Byte positions looked at so far.
    pub fn examined(&self) -> usize {
        self.examined
    }

    /// Where the subnegotiation searched from `from` ends (past its IAC
    /// SE), or `None` with the search saved for the next read.
    fn sub_end(&mut self, buf: &[u8], mut from: usize) -> Option<usize> {
        loop {
            match (buf.get(from), buf.get(from + 1)) {
                (Some(&IAC), Some(&SE)) => return Some(from + 2),
                (Some(_), Some(_)) => {
                    self.examined += 1;
                    from += 1;
                }
                _ => {
                    self.in_sub = Some(from);
                    return None;
                }
            }
        }
    }

    fn option(&mut self, cmd: u8, opt: u8) {
        let n = &mut self.negotiation;
        if n.details.options.len() < MAX_OPTIONS && !n.details.options.contains(&opt) {
            n.details.options.push(opt);
        }
        match cmd {
            DO => n.refusal.extend_from_slice(&[IAC, WONT, opt]),
            WILL => n.refusal.extend_from_slice(&[IAC, DONT, opt]),
            _ => {}
        }
    }

    fn text(&mut self, b: u8) {
        if self.greeting.is_some() {
            return;
        }
        if b == b'\n' {
            if self.line_visible {
                self.greeting = Some(printable(&self.line));
            }
            self.line.clear();
            self.line_printable = 0;
            self.line_visible = false;
            return;
        }
        self.line.push(b);
        if (0x20..0x7f).contains(&b) {
            self.line_printable += 1;
            self.line_visible |= b != b' ' && self.line_printable <= MAX_TEXT;
        }
    }
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

    /// A negotiation, a long subnegotiation and a prompt, read in every
    /// split: the same as read at once, in linear work.
    #[test]
    fn reading_in_pieces_agrees_and_stays_linear() {
        let mut b = vec![IAC, DO, 24, IAC, WILL, 1, IAC, SB, 24];
        b.extend(std::iter::repeat_n(7u8, 4000));
        b.extend_from_slice(&[IAC, SE, IAC, IAC]);
        b.extend_from_slice(b"\r\n   \r\nlab login: ");
        let whole = parse(&b);
        for step in [1, 2, 3, 7, 64] {
            let mut r = Reader::default();
            let pieces = crate::probe::ident::read_in_pieces(&b, step, |part| {
                r.read(part);
                r.negotiation()
            });
            assert_eq!(Some(pieces), whole, "step {step}");
            assert!(
                r.examined() <= 2 * b.len() + 2,
                "step {step}: {}",
                r.examined()
            );
        }
        let n = whole.expect("telnet");
        assert_eq!(n.details.greeting.as_deref(), Some("lab login:"));
        // An endless subnegotiation dripped a byte at a time.
        let mut r = Reader::default();
        let mut sub = vec![IAC, SB, 24];
        sub.extend(std::iter::repeat_n(1u8, 16 * 1024));
        for n in 3..=sub.len() {
            assert!(r.read(&sub[..n]));
            assert!(!r.greeted());
        }
        assert!(r.examined() <= 2 * sub.len(), "{}", r.examined());
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
