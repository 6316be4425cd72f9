//! Microsoft SQL Server: the TDS PRELOGIN message the probe sends (MS-TDS
//! 2.2.6.5) and the parser of the server's answer, whose VERSION option
//! names the product version and ENCRYPTION option says whether the server
//! encrypts. PRELOGIN comes before any login; the probe stops there.

use std::net::SocketAddr;

use tokio::time::Instant;

use crate::probe::ident::io::Limits;
use crate::probe::ident::io::tcp::{Framing, exchange};

use crate::api::{MssqlDetails, MssqlEncryption};

const VERSION: u8 = 0x00;
const ENCRYPTION: u8 = 0x01;
const TERMINATOR: u8 = 0xff;
/// Packet type of a server's answer (tabular result).
const RESPONSE: u8 = 0x04;

/// Longest PRELOGIN answer the probe reads (a real one is under 100 bytes).
pub(crate) const MAX_RESPONSE: usize = 1024;

/// PRELOGIN: TDS header (type 0x12, end of message, length 41), then the
/// option table (VERSION, ENCRYPTION, INSTOPT, THREADID, terminator) and
/// its data: version 0, encryption off, default instance, thread 0.
pub(crate) const PRELOGIN: [u8; 41] = [
    0x12, 0x01, 0x00, 0x29, 0x00, 0x00, 0x01, 0x00, // header
    0x00, 0x00, 0x15, 0x00, 0x06, // VERSION at 21, 6 bytes
    0x01, 0x00, 0x1b, 0x00, 0x01, // ENCRYPTION at 27, 1 byte
    0x02, 0x00, 0x1c, 0x00, 0x01, // INSTOPT at 28, 1 byte
    0x03, 0x00, 0x1d, 0x00, 0x04, // THREADID at 29, 4 bytes
    0xff, // terminator
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // version
    0x00, // encryption off
    0x00, // instance: default
    0x00, 0x00, 0x00, 0x00, // thread id
];

/// The length of what follows the first four bytes of a TDS header (type,
/// status, length), for a server's answer; `None` for anything else.
pub fn frame_len(h: [u8; 4]) -> Option<usize> {
    let total = usize::from(u16::from_be_bytes([h[2], h[3]]));
    (h[0] == RESPONSE && total > 8).then(|| total - 4)
}

/// Read a PRELOGIN answer's payload (after the 8-byte TDS header): `None`
/// unless it is a well-formed option table with a VERSION option.
pub fn parse_prelogin(payload: &[u8]) -> Option<MssqlDetails> {
    let mut details = MssqlDetails::default();
    let mut seen_version = false;
    // Each entry: token, offset (u16 BE), length (u16 BE), until the
    // terminator; every step consumes five bytes, so the walk is linear.
    let mut rest = payload;
    loop {
        let (&token, tail) = rest.split_first()?;
        if token == TERMINATOR {
            break;
        }
        let (&[o0, o1, l0, l1], tail) = tail.split_first_chunk::<4>()?;
        rest = tail;
        let offset = usize::from(u16::from_be_bytes([o0, o1]));
        let len = usize::from(u16::from_be_bytes([l0, l1]));
        let data = payload.get(offset..offset + len)?;
        match (token, data) {
            (VERSION, [major, minor, b0, b1, ..]) => {
                let build = u16::from_be_bytes([*b0, *b1]);
                details.version = Some(format!("{major}.{minor}.{build}"));
                seen_version = true;
            }
            (ENCRYPTION, [e, ..]) => {
                details.encryption = Some(match e {
                    0 => MssqlEncryption::Off,
                    1 => MssqlEncryption::On,
                    2 => MssqlEncryption::NotSupported,
                    3 => MssqlEncryption::Required,
                    _ => MssqlEncryption::Other,
                });
            }
            _ => {}
        }
    }
    seen_version.then_some(details)
}

// The conversation: one message out on a fresh connection, one answer
// read within the deadline and its byte cap, then the connection is reset.
// Never a login.

const TDS: Framing = Framing {
    len: frame_len,
    max: MAX_RESPONSE,
};

pub(crate) async fn probe_mssql(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<MssqlDetails> {
    let packet = exchange(addr, &PRELOGIN, &TDS, deadline, limits)
        .await
        .ok()?;
    // The rest of the 8-byte header: SPID, packet id, window.
    parse_prelogin(packet.get(4..)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server's answer: SQL Server 2022 (16.0.1000), encryption `enc`.
    pub(crate) fn answer(enc: u8) -> Vec<u8> {
        let payload = [
            0x00, 0x00, 0x10, 0x00, 0x06, 0x01, 0x00, 0x16, 0x00, 0x01, 0x02, 0x00, 0x17, 0x00,
            0x01, 0xff, 0x10, 0x00, 0x03, 0xe8, 0x00, 0x00, enc, 0x00,
        ];
        let mut m = vec![
            0x04,
            0x01,
            0x00,
            8 + payload.len() as u8,
            0x00,
            0x00,
            0x01,
            0x00,
        ];
        m.extend_from_slice(&payload);
        m
    }

    #[test]
    fn the_request_is_one_prelogin_packet() {
        assert_eq!(usize::from(PRELOGIN[3]), PRELOGIN.len());
        // The request parses as an option table too (without the type).
        let d = parse_prelogin(&PRELOGIN[8..]).expect("own table");
        assert_eq!(d.version.as_deref(), Some("0.0.0"));
        assert_eq!(d.encryption, Some(MssqlEncryption::Off));
    }

    #[test]
    fn sql_server_2022() {
        let m = answer(2);
        let len = frame_len(m[..4].try_into().expect("4 bytes")).expect("tds");
        assert_eq!(len, m.len() - 4);
        let d = parse_prelogin(&m[8..]).expect("mssql");
        assert_eq!(d.version.as_deref(), Some("16.0.1000"));
        assert_eq!(d.encryption, Some(MssqlEncryption::NotSupported));
        let req = parse_prelogin(&answer(3)[8..]).and_then(|d| d.encryption);
        assert_eq!(req, Some(MssqlEncryption::Required));
    }

    #[test]
    fn broken_tables_are_not_mssql() {
        assert_eq!(frame_len(*b"HTTP"), None);
        assert_eq!(parse_prelogin(&[]), None);
        assert_eq!(parse_prelogin(&[0xff]), None);
        // VERSION pointing past the end.
        assert_eq!(parse_prelogin(&[0x00, 0x00, 0x40, 0x00, 0x06, 0xff]), None);
        // An entry cut short.
        assert_eq!(parse_prelogin(&[0x00, 0x00, 0x06]), None);
    }
}
