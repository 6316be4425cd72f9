//! The NetBIOS name service over UDP 137: does a Windows or Samba
//! computer answer name queries from the internet? Its node status answer
//! names the computer, its workgroup or domain, the logged-on services and
//! the network card's address; it belongs on the local network only
//! (Shadowserver's "Accessible NetBIOS" report).
//!
//! What goes out: one node status request (NBSTAT, RFC 1002 4.2.17) for
//! the wildcard name `*`, 50 bytes: a header with the check's id and no
//! flags (a query, no broadcast, no recursion), one question for `*`
//! padded with NULs in first-level encoding, type NBSTAT (0x21), class IN.
//! A status request only reads; it registers, releases or claims no name.
//!
//! What is read (RFC 1002 4.2.18): the answer's name table, each name
//! printable without its padding and with its suffix (the 16th byte) and
//! group flag, capped at [`MAX_NAMES`]; from it the computer name (the
//! first unique name with suffix 0x00) and the workgroup (the first group
//! name with suffix 0x00); and the unit id that follows the table, which
//! Windows fills with the adapter's MAC address (Samba with zeros: then no
//! `mac` is reported).
//!
//! Hand-written: the format is a fixed header, one resource record and a
//! counted table of 18-byte entries, read in one pass. A DNS decoder
//! rejects the answer's NetBIOS-encoded name and NBSTAT data, and the one
//! crate that reads it would bring a second DNS decoder
//! (docs/dependencies.md).

use crate::api::{NetbiosName, NetbiosNsDetails, PortDetails};
use crate::probe::ident::services::UdpQuestion;
use crate::probe::ident::text::printable;

/// The port the NetBIOS name service answers on.
pub const NBNS_PORT: u16 = 137;

/// Bytes of one answer the parser reads: a full table of 255 names is
/// 12 + 34 + 10 + 1 + 255 × 18 + 46 bytes; the rest is ignored.
pub const MAX_DATAGRAM: usize = 4700;

/// Names reported at most.
pub const MAX_NAMES: usize = 16;

/// The resource record type of a node status request and answer.
const NBSTAT: u16 = 0x21;

/// Length of one name table entry: 15 name bytes, the suffix, two flag
/// bytes.
const ENTRY: usize = 18;

/// The name `*` followed by 15 NULs, in first-level encoding (each
/// nibble plus `A`), as a length-prefixed label with the root after it.
fn wildcard_name() -> [u8; 34] {
    let mut name = [0u8; 34];
    name[0] = 32;
    for (i, byte) in std::iter::once(b'*').chain([0; 15]).enumerate() {
        name[1 + 2 * i] = b'A' + (byte >> 4);
        name[2 + 2 * i] = b'A' + (byte & 0x0f);
    }
    name
}

/// The transaction id of the check's `id`.
pub fn transaction_id(id: u32) -> u16 {
    (id & 0xffff) as u16
}

/// The node status request the probe sends.
pub fn request(id: u16) -> Vec<u8> {
    let mut r = id.to_be_bytes().to_vec();
    // Flags 0 (a query), one question, no records.
    r.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    r.extend_from_slice(&wildcard_name());
    r.extend_from_slice(&NBSTAT.to_be_bytes());
    r.extend_from_slice(&1u16.to_be_bytes());
    r
}

/// Skips an encoded name at `at` (labels, or a compression pointer, which
/// ends it), returning the offset after it.
fn skip_name(b: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let len = *b.get(at)?;
        match len {
            0 => return Some(at + 1),
            l if l & 0xc0 == 0xc0 => return (at + 2 <= b.len()).then_some(at + 2),
            l if l & 0xc0 != 0 => return None,
            l => at += 1 + usize::from(l),
        }
    }
}

/// The answer to the request with `id`: a positive name query response
/// (QR set, opcode 0, rcode 0) with one record of type NBSTAT whose table
/// fits in its data. `None` for anything else.
pub fn parse(datagram: &[u8], id: u16) -> Option<NetbiosNsDetails> {
    let b = &datagram[..datagram.len().min(MAX_DATAGRAM)];
    let header = b.first_chunk::<12>()?;
    let flags = u16::from_be_bytes([header[2], header[3]]);
    let (response, opcode, rcode) = (flags & 0x8000 != 0, (flags >> 11) & 0x0f, flags & 0x0f);
    let answers = u16::from_be_bytes([header[6], header[7]]);
    if u16::from_be_bytes([header[0], header[1]]) != id || !response || opcode != 0 || rcode != 0 {
        return None;
    }
    if answers == 0 {
        return None;
    }
    // Questions are not echoed in answers (RFC 1002 4.2.18: QDCOUNT 0);
    // skip any a server adds all the same.
    let mut at = 12;
    for _ in 0..u16::from_be_bytes([header[4], header[5]]) {
        at = skip_name(b, at)? + 4;
    }
    at = skip_name(b, at)?;
    let fixed = b.get(at..at + 10)?;
    let rr_type = u16::from_be_bytes([fixed[0], fixed[1]]);
    let rdlength = usize::from(u16::from_be_bytes([fixed[8], fixed[9]]));
    let rdata = b.get(at + 10..at + 10 + rdlength)?;
    if rr_type != NBSTAT {
        return None;
    }
    let (&count, rest) = rdata.split_first()?;
    let table = rest.get(..usize::from(count) * ENTRY)?;
    let mut details = NetbiosNsDetails::default();
    for entry in table.chunks_exact(ENTRY) {
        let name = printable(&entry[..15]);
        let suffix = entry[15];
        let group = entry[16] & 0x80 != 0;
        if suffix == 0 && !name.is_empty() {
            let slot = match group {
                false => &mut details.computer,
                true => &mut details.workgroup,
            };
            slot.get_or_insert_with(|| name.clone());
        }
        if details.names.len() < MAX_NAMES {
            details.names.push(NetbiosName {
                name,
                suffix,
                group,
            });
        }
    }
    details.mac = rest
        .get(table.len()..table.len() + 6)
        .filter(|unit| unit.iter().any(|&x| x != 0))
        .map(|unit| {
            unit.iter()
                .map(|x| format!("{x:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        });
    Some(details)
}

/// The question for a UDP entry expecting the NetBIOS name service.
pub(crate) fn question(id: u32) -> UdpQuestion {
    let id = transaction_id(id);
    UdpQuestion {
        datagrams: vec![request(id)],
        read: Box::new(move |datagram: &[u8], details: &mut PortDetails| {
            let Some(netbios) = parse(datagram, id) else {
                return false;
            };
            details.reported.netbios_ns = Some(netbios);
            true
        }),
        any_source_port: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One table entry: `name` padded to 15, its suffix, the group flag.
    fn entry(name: &str, suffix: u8, group: bool) -> Vec<u8> {
        let mut e = format!("{name:<15}").into_bytes();
        e.push(suffix);
        e.extend_from_slice(&[if group { 0x84 } else { 0x04 }, 0]);
        e
    }

    /// A node status answer to `id` with `entries`, the unit id `mac` and
    /// the rest of the statistics zero.
    fn answer(id: u16, entries: &[Vec<u8>], mac: [u8; 6]) -> Vec<u8> {
        let mut a = id.to_be_bytes().to_vec();
        a.extend_from_slice(&[0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
        a.extend_from_slice(&wildcard_name());
        a.extend_from_slice(&[0, 0x21, 0, 1, 0, 0, 0, 0]);
        let mut rdata = vec![entries.len() as u8];
        for e in entries {
            rdata.extend_from_slice(e);
        }
        rdata.extend_from_slice(&mac);
        rdata.extend_from_slice(&[0; 40]);
        a.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        a.extend_from_slice(&rdata);
        a
    }

    fn samba() -> Vec<Vec<u8>> {
        vec![
            entry("PRAXIS-SRV", 0x00, false),
            entry("PRAXIS-SRV", 0x03, false),
            entry("PRAXIS-SRV", 0x20, false),
            entry("\x01\x02__MSBROWSE__\x02", 0x01, true),
            entry("WORKGROUP", 0x00, true),
            entry("WORKGROUP", 0x1e, true),
        ]
    }

    #[test]
    fn the_request_is_a_node_status_for_the_wildcard() {
        let r = request(0xbeef);
        assert_eq!(r.len(), 50);
        assert_eq!(&r[..12], &[0xbe, 0xef, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&r[12..15], b"\x20CK");
        assert!(r[15..45].iter().all(|&b| b == b'A'));
        assert_eq!(&r[45..], &[0, 0, 0x21, 0, 1]);
    }

    #[test]
    fn a_samba_answer_names_computer_and_workgroup() {
        let d = parse(&answer(3, &samba(), [0; 6]), 3).expect("an answer");
        assert_eq!(d.computer.as_deref(), Some("PRAXIS-SRV"));
        assert_eq!(d.workgroup.as_deref(), Some("WORKGROUP"));
        assert_eq!(d.names.len(), 6);
        assert_eq!(
            d.names[3],
            NetbiosName {
                name: "__MSBROWSE__".into(),
                suffix: 1,
                group: true
            }
        );
        // Samba's unit id is zero: no MAC.
        assert_eq!(d.mac, None);
    }

    #[test]
    fn a_windows_answer_gives_its_mac() {
        let mac = [0x00, 0x15, 0x5d, 0x01, 0x02, 0x0a];
        let d = parse(&answer(3, &samba(), mac), 3).expect("an answer");
        assert_eq!(d.mac.as_deref(), Some("00:15:5d:01:02:0a"));
    }

    #[test]
    fn names_are_capped() {
        let many: Vec<Vec<u8>> = (0..255)
            .map(|i| entry(&format!("N{i}"), 0x20, false))
            .collect();
        let a = answer(3, &many, [1; 6]);
        assert!(a.len() <= MAX_DATAGRAM);
        let d = parse(&a, 3).expect("an answer");
        assert_eq!(d.names.len(), MAX_NAMES);
        assert_eq!(d.mac.as_deref(), Some("01:01:01:01:01:01"));
        assert_eq!((d.computer, d.workgroup), (None, None));
    }

    #[test]
    fn a_pointer_for_the_name_is_read() {
        let mut a = 3u16.to_be_bytes().to_vec();
        a.extend_from_slice(&[0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 0x0c]);
        a.extend_from_slice(&[0, 0x21, 0, 1, 0, 0, 0, 0, 0, 19, 1]);
        a.extend_from_slice(&entry("PC1", 0, false));
        assert_eq!(parse(&a, 3).and_then(|d| d.computer), Some("PC1".into()));
    }

    #[test]
    fn other_ids_errors_and_short_tables_are_no_answer() {
        let good = answer(3, &samba(), [0; 6]);
        assert_eq!(parse(&good, 4), None);
        assert_eq!(parse(&request(3), 3), None);
        let mut negative = good.clone();
        negative[3] = 0x03;
        assert_eq!(parse(&negative, 3), None);
        // The record's data ends inside the table.
        assert_eq!(parse(&good[..12 + 34 + 10 + 20], 3), None);
        // A record of another type (NB, 0x20).
        let mut nb = good.clone();
        nb[12 + 34 + 1] = 0x20;
        assert_eq!(parse(&nb, 3), None);
        assert_eq!(parse(b"", 3), None);
    }

    #[test]
    fn the_question_reads_answers_into_the_details() {
        let q = question(0x0005_0003);
        assert_eq!(q.datagrams, vec![request(3)]);
        let mut details = PortDetails::default();
        assert!((q.read)(&answer(3, &samba(), [0; 6]), &mut details));
        assert_eq!(
            details.reported.netbios_ns.and_then(|n| n.workgroup),
            Some("WORKGROUP".into())
        );
    }
}
