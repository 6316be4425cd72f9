//! The NetBIOS session service (port 139, RFC 1002 4.3): the session
//! request the probe sends to the generic name `*SMBSERVER`, and the parser
//! of the answer — positive, negative (with its error code) or retarget.
//! Any of them shows the session service of Windows file sharing; SMB
//! itself is asked afterwards like on 445.

use std::net::SocketAddr;

use tokio::time::Instant;

use crate::probe::ident::io::Limits;
use crate::probe::ident::io::tcp::ask;

use crate::api::{NetbiosDetails, NetbiosSession};

const SESSION_REQUEST: u8 = 0x81;
const POSITIVE: u8 = 0x82;
const NEGATIVE: u8 = 0x83;
const RETARGET: u8 = 0x84;

/// Longest answer the probe reads (a retarget response has 10 bytes).
pub const MAX_ANSWER: usize = 16;

/// A NetBIOS name in first-level encoding (RFC 1001 14.1): 16 bytes
/// (padded with spaces, the last one the suffix), each split into two
/// nibbles written as `A`+nibble, behind a length byte of 32.
fn encode_name(name: &[u8], suffix: u8) -> [u8; 34] {
    let mut raw = [b' '; 16];
    for (r, &c) in raw.iter_mut().zip(name.iter().take(15)) {
        *r = c;
    }
    raw[15] = suffix;
    let mut out = [0u8; 34];
    out[0] = 32;
    for (i, &c) in raw.iter().enumerate() {
        out[1 + 2 * i] = b'A' + (c >> 4);
        out[2 + 2 * i] = b'A' + (c & 0x0f);
    }
    out
}

/// The session request: called `*SMBSERVER` (file server, suffix 0x20),
/// calling `PORTCHECK` (workstation, suffix 0).
pub fn session_request() -> Vec<u8> {
    let mut m = vec![SESSION_REQUEST, 0, 0, 68];
    m.extend_from_slice(&encode_name(b"*SMBSERVER", 0x20));
    m.extend_from_slice(&encode_name(b"PORTCHECK", 0x00));
    m
}

/// The whole answer's length (header included) once its header is read.
pub fn answer_len(buf: &[u8]) -> Option<usize> {
    let [_, flags, l0, l1, ..] = *buf else {
        return None;
    };
    Some(4 + (usize::from(flags & 1) << 16 | usize::from(u16::from_be_bytes([l0, l1]))))
}

/// The answer to a session request; `None` for anything else.
pub fn parse_answer(buf: &[u8]) -> Option<NetbiosDetails> {
    let len = answer_len(buf)?;
    let body = buf.get(4..len)?;
    let (session, error_code) = match (buf[0], body) {
        (POSITIVE, []) => (NetbiosSession::Positive, None),
        (NEGATIVE, [code]) => (NetbiosSession::Negative, Some(*code)),
        (RETARGET, [_, _, _, _, _, _]) => (NetbiosSession::Retarget, None),
        _ => return None,
    };
    (buf[1] & 0xfe == 0).then_some(NetbiosDetails {
        session,
        error_code,
    })
}

// The conversation: one message out on a fresh connection, one answer
// read within the deadline and its byte cap, then the connection is reset.
// Never a login.

pub(crate) async fn probe_netbios(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<NetbiosDetails> {
    // A length beyond the cap is no session answer: stop reading there
    // rather than count it as a byte limit.
    let done = |b: &[u8]| answer_len(b).is_some_and(|n| b.len() >= n || n > MAX_ANSWER);
    let request = session_request();
    let answer = ask(addr, &request, MAX_ANSWER, deadline, limits, done).await?;
    parse_answer(&answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_encodes_both_names() {
        let r = session_request();
        assert_eq!(answer_len(&r), Some(r.len()));
        // `*` is 0x2A: `C`, `K`; the suffix 0x20 of the called name: `C`, `A`.
        assert_eq!(&r[4..7], &[32, b'C', b'K']);
        assert_eq!(&r[35..37], b"CA");
        assert_eq!(&r[69..71], b"AA");
    }

    #[test]
    fn answers() {
        let pos = parse_answer(&[0x82, 0, 0, 0]).expect("netbios");
        assert_eq!(
            (pos.session, pos.error_code),
            (NetbiosSession::Positive, None)
        );
        let neg = parse_answer(&[0x83, 0, 0, 1, 0x82]).expect("netbios");
        assert_eq!(
            (neg.session, neg.error_code),
            (NetbiosSession::Negative, Some(0x82))
        );
        let re = parse_answer(&[0x84, 0, 0, 6, 10, 0, 0, 1, 0, 139]).expect("netbios");
        assert_eq!(re.session, NetbiosSession::Retarget);
    }

    #[test]
    fn other_answers_are_not_netbios() {
        assert_eq!(parse_answer(&[0x82, 0, 0, 1, 0]), None);
        assert_eq!(parse_answer(&[0x83, 0, 0, 1]), None);
        assert_eq!(parse_answer(b"HTTP/1.1"), None);
        assert_eq!(parse_answer(&[0x82, 2, 0, 0]), None);
        assert_eq!(parse_answer(&[0x82]), None);
    }
}
