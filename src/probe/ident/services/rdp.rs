//! Remote Desktop (RDP): the X.224 Connection Request the probe sends, with
//! an RDP negotiation request offering TLS and CredSSP, and the parser of
//! the server's Connection Confirm (MS-RDPBCGR 2.2.1.1 and 2.2.1.2). The
//! confirm says which security protocol the server chose, or why it
//! refused; the probe closes the connection there, before any login.

use std::net::SocketAddr;

use tokio::time::Instant;

use crate::probe::ident::io::Limits;
use crate::probe::ident::io::tcp::{Framing, exchange};

use crate::api::{RdpDetails, RdpSecurity};

/// TPKT header (version 3, length 19), X.224 Connection Request (length
/// indicator 14, code 0xE0, references 0, class 0) and RDP_NEG_REQ (type 1,
/// length 8) asking for PROTOCOL_SSL | PROTOCOL_HYBRID.
pub const CONNECTION_REQUEST: [u8; 19] = [
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x03,
    0x00, 0x00, 0x00,
];

/// Longest Connection Confirm the probe reads (a real one has 19 bytes).
pub(crate) const MAX_CONFIRM: usize = 512;

/// The length of what follows a TPKT header (version 3, reserved 0), `None`
/// for a header that is not TPKT or announces less than an X.224 header.
pub fn tpkt_len(h: [u8; 4]) -> Option<usize> {
    let total = usize::from(u16::from_be_bytes([h[2], h[3]]));
    (h[0] == 3 && h[1] == 0 && total >= 4 + 7).then(|| total - 4)
}

/// Read a Connection Confirm (the TPKT payload): `None` when it is not one.
/// A confirm without negotiation data (old servers) is still RDP.
pub fn parse_confirm(tpdu: &[u8]) -> Option<RdpDetails> {
    let (&li, rest) = tpdu.split_first()?;
    // Connection Confirm, class 0: code 0xD0, then dst-ref, src-ref, class.
    if rest.first()? & 0xf0 != 0xd0 || usize::from(li) < 6 || rest.len() < 6 {
        return None;
    }
    let neg = rest.get(6..usize::from(li).min(rest.len()))?;
    let Some([kind, _flags, l0, l1, v0, v1, v2, v3]) = neg.first_chunk::<8>().copied() else {
        return Some(RdpDetails::default());
    };
    let value = u32::from_le_bytes([v0, v1, v2, v3]);
    if u16::from_le_bytes([l0, l1]) != 8 {
        return Some(RdpDetails::default());
    }
    Some(match kind {
        // RDP_NEG_RSP
        2 => RdpDetails {
            security: Some(security(value)),
            failure_code: None,
        },
        // RDP_NEG_FAILURE
        3 => RdpDetails {
            security: None,
            failure_code: Some(value),
        },
        _ => RdpDetails::default(),
    })
}

/// The security protocol named by a negotiation response.
fn security(selected: u32) -> RdpSecurity {
    match selected {
        0 => RdpSecurity::Rdp,
        1 => RdpSecurity::Tls,
        2 => RdpSecurity::Credssp,
        8 => RdpSecurity::CredsspEarlyUserAuth,
        _ => RdpSecurity::Other,
    }
}

// The conversation: one message out on a fresh connection, one answer
// read within the deadline and its byte cap, then the connection is reset.
// Never a login.

const TPKT: Framing = Framing {
    len: tpkt_len,
    max: MAX_CONFIRM,
};

pub(crate) async fn probe_rdp(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<RdpDetails> {
    let request = &CONNECTION_REQUEST;
    let tpdu = exchange(addr, request, &TPKT, deadline, limits)
        .await
        .ok()?;
    parse_confirm(&tpdu)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A confirm as a server sends it, TPKT header included.
    fn confirm(kind: u8, value: u32) -> Vec<u8> {
        let mut m = vec![0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0, 0, 0x12, 0x34, 0x00];
        m.extend_from_slice(&[kind, 0x00, 0x08, 0x00]);
        m.extend_from_slice(&value.to_le_bytes());
        m
    }

    fn read(m: &[u8]) -> Option<RdpDetails> {
        let len = tpkt_len(m[..4].try_into().expect("4 bytes"))?;
        parse_confirm(m.get(4..4 + len)?)
    }

    #[test]
    fn the_request_frames_itself() {
        let h = CONNECTION_REQUEST[..4].try_into().expect("4 bytes");
        assert_eq!(tpkt_len(h), Some(CONNECTION_REQUEST.len() - 4));
        assert_eq!(
            usize::from(CONNECTION_REQUEST[4]),
            CONNECTION_REQUEST.len() - 5
        );
    }

    #[test]
    fn selected_protocols_and_failures() {
        let tls = read(&confirm(2, 1)).expect("rdp");
        assert_eq!(tls.security, Some(RdpSecurity::Tls));
        let nla = read(&confirm(2, 2)).expect("rdp");
        assert_eq!(nla.security, Some(RdpSecurity::Credssp));
        assert_eq!(
            read(&confirm(2, 0)).and_then(|d| d.security),
            Some(RdpSecurity::Rdp)
        );
        assert_eq!(
            read(&confirm(2, 4)).and_then(|d| d.security),
            Some(RdpSecurity::Other)
        );
        // Standard RDP security only: SSL_NOT_ALLOWED_BY_SERVER.
        let old = read(&confirm(3, 2)).expect("rdp");
        assert_eq!((old.security, old.failure_code), (None, Some(2)));
    }

    #[test]
    fn a_confirm_without_negotiation_is_rdp() {
        let bare = [0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0, 0, 0x12, 0x34, 0x00];
        assert_eq!(read(&bare), Some(RdpDetails::default()));
    }

    #[test]
    fn other_answers_are_not_rdp() {
        assert_eq!(tpkt_len(*b"HTTP"), None);
        assert_eq!(tpkt_len([3, 0, 0, 5]), None);
        // A disconnect request (0x80) is X.224 but no confirm.
        assert_eq!(parse_confirm(&[0x06, 0x80, 0, 0, 0, 0, 0]), None);
        assert_eq!(parse_confirm(&[]), None);
        assert_eq!(parse_confirm(&[0x0e, 0xd0]), None);
    }
}
