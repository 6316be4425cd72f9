//! NTP over UDP 123: a time server reachable from the internet, and
//! whether it still answers the `monlist` request that makes it one of the
//! strongest reflection amplifiers (a 8-byte request, up to 100 answers of
//! 468 bytes; CVE-2013-5211; Shadowserver's "Open NTP Version" and "NTP
//! Monitor" reports).
//!
//! What goes out, two datagrams:
//! - a client request (mode 3, version 4), 48 bytes, all zero but the
//!   transmit timestamp, which carries the check's id; a server copies it
//!   into its answer's origin timestamp (RFC 5905 8), which ties the answer
//!   to the question;
//! - a mode 7 (ntpd's private mode) `MON_GETLIST_1` request, 8 bytes
//!   (`17 00 03 2a 00 00 00 00`: version 2, implementation 3 `XNTPD`,
//!   request code 42, no items), the request `ntpdc -c monlist` sends and
//!   Shadowserver's NTP monitor scan asks. The older code 20
//!   (`MON_GETLIST`) is not sent: every ntpd that knows mode 7 with
//!   implementation 3 also serves 42 from the same list, so a second
//!   request would only double the bytes. ntpd requires a mode 7 request's
//!   sequence number to be 0, so it carries no id: its answer is
//!   recognised by mode, implementation and request code.
//!
//! Both only read: mode 3 asks the time, `monlist` reads the list of
//! recent clients (no mode 7 request that configures anything is sent, and
//! none without the authentication ntpd requires for those).
//!
//! What is read: from the server's answer (mode 4) its version and
//! stratum, parsed by Rusticata's `ntp-parser` (the 48-byte header only:
//! the crate knows no mode 7 and rejects MACs of other lengths than 20
//! bytes, which do not matter here); from a mode 7 answer to the request,
//! hand-read (the 8-byte header of ntpd's `resp_pkt`), whether it answered
//! with the list (no error: `monlist` true) and how many entries each
//! answer datagram holds, added up and capped at [`MAX_MONLIST_ENTRIES`].
//! An error answer (ntpd 4.2.7p26 and later say "no data" or nothing) is
//! an answer, but not `monlist`.

use ntp_parser::{NtpMode, NtpPacket, parse_ntp};

use crate::api::{NtpDetails, PortDetails};
use crate::probe::ident::services::UdpQuestion;

/// The port NTP servers answer on.
pub const NTP_PORT: u16 = 123;

/// Length of an NTP header (RFC 5905 7.3), and of the client request.
pub const HEADER: usize = 48;

/// The `monlist` request: version 2, mode 7; no authentication, sequence
/// 0; implementation 3 (`IMPL_XNTPD`); request 42 (`REQ_MON_GETLIST_1`);
/// no error, no items, item size 0.
pub const MONLIST_REQUEST: [u8; 8] = [0x17, 0x00, IMPL_XNTPD, REQ_MON_GETLIST_1, 0, 0, 0, 0];

/// ntpd's implementation number for mode 7 requests since IPv6 support.
const IMPL_XNTPD: u8 = 3;

/// ntpd's request code for the monitor list with version-1 entries.
const REQ_MON_GETLIST_1: u8 = 42;

/// Entries of `monlist` answers counted at most (ntpd keeps at most 600 by
/// default).
pub const MAX_MONLIST_ENTRIES: u32 = 600;

/// The client request's transmit timestamp for the check's `id`: the id
/// in the seconds and its complement in the fraction, so that it is never
/// zero (a zero transmit timestamp is no request, RFC 5905 8).
pub fn transmit_timestamp(id: u32) -> u64 {
    (u64::from(id) << 32) | u64::from(!id)
}

/// The client request: version 4, mode 3, everything zero but the transmit
/// timestamp.
pub fn client_request(id: u32) -> Vec<u8> {
    let mut request = vec![0u8; HEADER];
    request[0] = (4 << 3) | 3;
    request[40..].copy_from_slice(&transmit_timestamp(id).to_be_bytes());
    request
}

/// The server's answer to the client request with `id`: an NTPv3 or v4
/// header in mode 4 whose origin timestamp is the request's transmit
/// timestamp. Returns the version and stratum.
pub fn parse_server(datagram: &[u8], id: u32) -> Option<(u8, u8)> {
    let (_, packet) = parse_ntp(datagram.get(..HEADER)?).ok()?;
    let (version, mode, stratum, origin) = match packet {
        NtpPacket::V3(p) => (p.version, p.mode, p.stratum, p.ts_orig),
        NtpPacket::V4(p) => (p.version, p.mode, p.stratum, p.ts_orig),
    };
    (mode == NtpMode::Server && origin == transmit_timestamp(id)).then_some((version, stratum))
}

/// What a mode 7 answer to the `monlist` request said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Monlist {
    /// The list (or one datagram of it): this many entries.
    Entries(u16),
    /// An error code instead (4: no data, monitoring is off).
    Error(u8),
}

/// A mode 7 answer to [`MONLIST_REQUEST`]: the response bit, mode 7,
/// implementation 3 and request 42, and for an answer without error as
/// many items of the stated size as the datagram holds.
pub fn parse_monlist(datagram: &[u8]) -> Option<Monlist> {
    let header = datagram.first_chunk::<8>()?;
    let response = header[0] & 0x80 != 0;
    if !(response && header[0] & 0x07 == 7)
        || header[2] != IMPL_XNTPD
        || header[3] != REQ_MON_GETLIST_1
    {
        return None;
    }
    let error = header[4] >> 4;
    let items = u16::from_be_bytes([header[4], header[5]]) & 0x0fff;
    let item_size = usize::from(u16::from_be_bytes([header[6], header[7]]) & 0x0fff);
    if error != 0 {
        return Some(Monlist::Error(error));
    }
    (usize::from(items) * item_size <= datagram.len() - 8).then_some(Monlist::Entries(items))
}

/// Reads one datagram into `details`: the server's answer or a `monlist`
/// answer; true when it was either.
pub fn read(datagram: &[u8], id: u32, details: &mut Option<NtpDetails>) -> bool {
    if let Some((version, stratum)) = parse_server(datagram, id) {
        let ntp = details.get_or_insert_default();
        (ntp.version, ntp.stratum) = (Some(version), Some(stratum));
        return true;
    }
    match parse_monlist(datagram) {
        Some(Monlist::Entries(n)) => {
            let ntp = details.get_or_insert_default();
            ntp.monlist = true;
            let before = ntp.monlist_entries.unwrap_or(0);
            ntp.monlist_entries =
                Some(before.saturating_add(u32::from(n)).min(MAX_MONLIST_ENTRIES));
            true
        }
        Some(Monlist::Error(_)) => {
            details.get_or_insert_default();
            true
        }
        None => false,
    }
}

/// The question for a UDP entry expecting NTP: the client request, then
/// `monlist`.
pub(crate) fn question(id: u32) -> UdpQuestion {
    UdpQuestion {
        datagrams: vec![client_request(id), MONLIST_REQUEST.to_vec()],
        read: Box::new(move |datagram: &[u8], details: &mut PortDetails| {
            read(datagram, id, &mut details.reported.ntp)
        }),
        any_source_port: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server's answer to the request with `id`: version 4, mode 4.
    fn server_answer(id: u32, stratum: u8) -> Vec<u8> {
        let mut a = vec![0u8; HEADER];
        a[0] = (4 << 3) | 4;
        a[1] = stratum;
        a[24..32].copy_from_slice(&transmit_timestamp(id).to_be_bytes());
        a[40..48].copy_from_slice(&0xe8a0_0000_0000_0000u64.to_be_bytes());
        a
    }

    /// A `monlist` answer datagram with `items` entries of 72 bytes.
    fn monlist_answer(items: u16, more: bool) -> Vec<u8> {
        let b0 = 0x80 | if more { 0x40 } else { 0 } | (2 << 3) | 7;
        let mut a = vec![b0, 0, 3, 42];
        a.extend_from_slice(&items.to_be_bytes());
        a.extend_from_slice(&72u16.to_be_bytes());
        a.resize(8 + usize::from(items) * 72, 0);
        a
    }

    #[test]
    fn the_requests_are_48_and_8_bytes() {
        let c = client_request(0x0102_0304);
        assert_eq!((c.len(), c[0]), (48, 0x23));
        assert!(c[1..40].iter().all(|&b| b == 0));
        assert_eq!(&c[40..44], &[1, 2, 3, 4]);
        assert_eq!(&c[44..], &[0xfe, 0xfd, 0xfc, 0xfb]);
        assert_eq!(MONLIST_REQUEST, [0x17, 0, 3, 0x2a, 0, 0, 0, 0]);
        // ntp-parser reads the client request as one.
        let Ok((_, NtpPacket::V4(p))) = parse_ntp(&c) else {
            panic!("an NTPv4 packet");
        };
        assert_eq!(p.mode, NtpMode::Client);
    }

    #[test]
    fn a_server_answer_gives_version_and_stratum() {
        assert_eq!(parse_server(&server_answer(7, 2), 7), Some((4, 2)));
        // Another question's answer, a client request, a short header.
        assert_eq!(parse_server(&server_answer(7, 2), 8), None);
        assert_eq!(parse_server(&client_request(7), 7), None);
        assert_eq!(parse_server(&server_answer(7, 2)[..47], 7), None);
        // NTPv3, and an answer with a MAC the crate would not read whole.
        let mut v3 = server_answer(7, 1);
        v3[0] = (3 << 3) | 4;
        assert_eq!(parse_server(&v3, 7), Some((3, 1)));
        let mut mac = server_answer(7, 3);
        mac.extend_from_slice(&[0; 24]);
        assert_eq!(parse_server(&mac, 7), Some((4, 3)));
        // Version 1 and 2 headers are not read.
        let mut v2 = server_answer(7, 1);
        v2[0] = (2 << 3) | 4;
        assert_eq!(parse_server(&v2, 7), None);
    }

    #[test]
    fn monlist_answers_and_errors() {
        assert_eq!(
            parse_monlist(&monlist_answer(6, true)),
            Some(Monlist::Entries(6))
        );
        assert_eq!(
            parse_monlist(&monlist_answer(0, false)),
            Some(Monlist::Entries(0))
        );
        // Fewer bytes than the items announced.
        let a = monlist_answer(6, false);
        assert_eq!(parse_monlist(&a[..a.len() - 1]), None);
        // "No data": monitoring off.
        let no_data = [0x97, 0, 3, 42, 0x40, 0, 0, 0];
        assert_eq!(parse_monlist(&no_data), Some(Monlist::Error(4)));
        // Our request reflected, another request code, another mode.
        assert_eq!(parse_monlist(&MONLIST_REQUEST), None);
        assert_eq!(parse_monlist(&[0x97, 0, 3, 20, 0, 0, 0, 0]), None);
        assert_eq!(parse_monlist(&[0x96, 0, 3, 42, 0, 0, 0, 0]), None);
        assert_eq!(parse_monlist(&[0x97, 0, 3]), None);
    }

    #[test]
    fn the_question_adds_up_both_answers() {
        let q = question(11);
        assert_eq!(
            q.datagrams,
            vec![client_request(11), MONLIST_REQUEST.to_vec()]
        );
        let mut details = PortDetails::default();
        assert!(!(q.read)(b"garbage", &mut details));
        assert_eq!(details.reported.ntp, None);
        assert!((q.read)(&server_answer(11, 3), &mut details));
        assert!((q.read)(&monlist_answer(6, true), &mut details));
        assert!((q.read)(&monlist_answer(4, false), &mut details));
        assert_eq!(
            details.reported.ntp,
            Some(NtpDetails {
                version: Some(4),
                stratum: Some(3),
                monlist: true,
                monlist_entries: Some(10),
            })
        );
    }

    #[test]
    fn entries_are_capped_and_errors_are_no_monlist() {
        let mut ntp = None;
        for _ in 0..200 {
            assert!(read(&monlist_answer(6, true), 1, &mut ntp));
        }
        assert_eq!(
            ntp.and_then(|n| n.monlist_entries),
            Some(MAX_MONLIST_ENTRIES)
        );
        let mut ntp = None;
        assert!(read(&[0x97, 0, 3, 42, 0x40, 0, 0, 0], 1, &mut ntp));
        assert_eq!(ntp, Some(NtpDetails::default()));
    }
}
