//! Property tests of the SNMP answer parser (`services::reported::snmp`):
//! whatever an agent sends it returns without panicking, the description
//! stays printable and short, only a Response to the request's id counts,
//! and a built Response reads back. Fuzzed as target `snmp` (fuzz/).

use portcheck::probe::ident::services::reported::snmp;
use portcheck::probe::ident::text::MAX_TEXT;
use proptest::prelude::*;

/// A BER TLV with a short or long-form length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    match content.len() {
        n @ 0..=0x7f => v.push(n as u8),
        n @ 0x80..=0xff => v.extend_from_slice(&[0x81, n as u8]),
        n => v.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]),
    }
    v.extend_from_slice(content);
    v
}

/// A v2c Response to `id` with sysDescr.0 = `descr`.
fn response(id: u32, descr: &[u8]) -> Vec<u8> {
    let mut varbind = tlv(0x06, &snmp::SYS_DESCR);
    varbind.extend_from_slice(&tlv(0x04, descr));
    let mut pdu = tlv(0x02, &id.to_be_bytes());
    pdu.extend_from_slice(&[0x02, 1, 0, 0x02, 1, 0]);
    pdu.extend_from_slice(&tlv(0x30, &tlv(0x30, &varbind)));
    let mut body = vec![0x02, 1, 1];
    body.extend_from_slice(&tlv(0x04, snmp::COMMUNITY));
    body.extend_from_slice(&tlv(0xa2, &pdu));
    tlv(0x30, &body)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_parse_without_panic(b in prop::collection::vec(any::<u8>(), 0..600), id in any::<u32>()) {
        if let Some(d) = snmp::parse(&b, id) {
            prop_assert!(d.version == "v1" || d.version == "v2c");
            prop_assert!(d.sys_descr.is_none_or(|s| !s.is_empty() && s.len() <= MAX_TEXT));
        }
    }

    #[test]
    fn a_response_reads_back(id in any::<u32>(), descr in "[ -~]{1,300}") {
        let id = snmp::request_id(id);
        let a = response(id, descr.as_bytes());
        let d = snmp::parse(&a, id).expect("a response");
        let expected: String = descr.chars().take(MAX_TEXT).collect::<String>().trim().to_owned();
        prop_assert_eq!(d.sys_descr, (!expected.is_empty()).then_some(expected));
        prop_assert_eq!(d.error_status, None);
        prop_assert_eq!(snmp::parse(&a, id ^ 1), None);
        // Any mutilation of the header's length is no answer or still this answer.
        prop_assert_eq!(snmp::parse(&a[..a.len() - 1], id), None);
    }

    #[test]
    fn the_request_stays_43_bytes(id in any::<u32>()) {
        let r = snmp::request(snmp::request_id(id));
        prop_assert_eq!(r.len(), 43);
        // The request is never read as an answer.
        prop_assert_eq!(snmp::parse(&r, snmp::request_id(id)), None);
    }
}

/// An answer recorded from a real daemon (the fuzz target's seed).
fn recorded(target: &str, name: &str) -> Vec<u8> {
    let path = format!("{}/fuzz/corpus/{target}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn net_snmp_answers_with_its_description() {
    // snmpd 5.9 with `rocommunity public`, request id 0x40000005.
    let d = snmp::parse(&recorded("snmp", "netsnmp-sysdescr-answer-1"), 0x4000_0005)
        .expect("an answer");
    assert_eq!(d.version, "v2c");
    assert_eq!(
        d.sys_descr.as_deref(),
        Some("Linux praxis-gw 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64")
    );
    assert_eq!(d.error_status, None);
}
