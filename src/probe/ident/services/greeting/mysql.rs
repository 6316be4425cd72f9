//! MySQL and MariaDB: the server speaks first, with its initial handshake
//! packet (protocol 10, then the server version) or, to a host it does not
//! accept, an error packet — either way a MySQL server answered. The probe
//! reads that one packet and closes; it never sends a login.

use crate::api::MysqlDetails;
use crate::probe::ident::text::{MAX_GREETING, printable};

/// The whole length (header included) of the packet at the start of `buf`
/// when it looks like a server's first packet: a 3-byte length, sequence 0,
/// and a handshake (10) or error (0xFF) marker.
pub(crate) fn packet_len(buf: &[u8]) -> Option<usize> {
    let [l0, l1, l2, seq, kind, ..] = *buf else {
        return None;
    };
    let len = usize::from(l0) | usize::from(l1) << 8 | usize::from(l2) << 16;
    (seq == 0 && matches!(kind, 0x0a | 0xff) && (3..=MAX_GREETING - 4).contains(&len))
        .then_some(len + 4)
}

/// The server's first packet: its version from a handshake, or its error
/// code. `None` when `buf` does not hold a whole such packet.
pub fn parse_greeting(buf: &[u8]) -> Option<MysqlDetails> {
    let payload = buf.get(4..packet_len(buf)?)?;
    let (&kind, rest) = payload.split_first()?;
    if kind == 0xff {
        let code = u16::from_le_bytes(*rest.first_chunk::<2>()?);
        return (1000..10000).contains(&code).then_some(MysqlDetails {
            version: None,
            error_code: Some(code),
        });
    }
    let nul = rest.iter().position(|&b| b == 0)?;
    let version = printable(&rest[..nul]);
    // A version starts with a digit: `8.0.36`, `10.11.6-MariaDB-…`.
    if !version.starts_with(|c: char| c.is_ascii_digit()) || version.len() != nul {
        return None;
    }
    Some(MysqlDetails {
        version: Some(version),
        error_code: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(payload: &[u8]) -> Vec<u8> {
        let mut m = (payload.len() as u32).to_le_bytes()[..3].to_vec();
        m.push(0);
        m.extend_from_slice(payload);
        m
    }

    #[test]
    fn mariadb_handshake() {
        let mut p = vec![0x0a];
        p.extend_from_slice(b"10.11.6-MariaDB-0+deb12u1\0");
        p.extend_from_slice(&[
            7, 0, 0, 0, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h', 0,
        ]);
        let m = packet(&p);
        assert_eq!(packet_len(&m), Some(m.len()));
        let d = parse_greeting(&m).expect("mysql");
        assert_eq!(d.version.as_deref(), Some("10.11.6-MariaDB-0+deb12u1"));
        // Cut short: not yet.
        assert_eq!(parse_greeting(&m[..m.len() - 1]), None);
    }

    #[test]
    fn host_not_allowed() {
        let mut p = vec![0xff, 0x6a, 0x04];
        p.extend_from_slice(b"Host '192.0.2.7' is not allowed to connect to this MariaDB server");
        let d = parse_greeting(&packet(&p)).expect("mysql");
        assert_eq!((d.version, d.error_code), (None, Some(1130)));
    }

    #[test]
    fn other_bytes_are_not_mysql() {
        assert_eq!(packet_len(b"SSH-2.0-x\r\n"), None);
        assert_eq!(parse_greeting(&packet(b"\x0aabc\0")), None);
        assert_eq!(parse_greeting(&packet(b"\x0a8.0.3")), None);
        assert_eq!(parse_greeting(&packet(&[0xff, 1, 0])), None);
        assert_eq!(packet_len(&[0xff, 0xff, 0xff, 0, 0x0a]), None);
    }
}
