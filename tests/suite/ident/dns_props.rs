//! Property tests of the DNS answer parser (`services::reported::dns`):
//! whatever a server sends it returns without panicking, reports at most
//! the records the datagram holds, reads only answers to its own id, and
//! reads a well-formed answer back as it was built. Fuzzed as target
//! `dns` (fuzz/).

use portcheck::probe::ident::services::reported::dns;
use proptest::prelude::*;

const RCODES: [&str; 11] = [
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
    "NXRRSET", "NOTAUTH", "NOTZONE",
];

/// An answer to `. NS` with `n` NS records naming `x<i>.root-servers.net`.
fn answer(id: u16, ra: bool, rcode: u8, n: u16) -> Vec<u8> {
    let flags: u16 = 0x8100 | if ra { 0x80 } else { 0 } | u16::from(rcode);
    let mut a = id.to_be_bytes().to_vec();
    a.extend_from_slice(&flags.to_be_bytes());
    a.extend_from_slice(&[0, 1]);
    a.extend_from_slice(&n.to_be_bytes());
    a.extend_from_slice(&[0, 0, 0, 0, 0, 0, 2, 0, 1]);
    for i in 0..n {
        a.extend_from_slice(&[0, 0, 2, 0, 1, 0, 0, 0, 60, 0, 20]);
        a.extend_from_slice(&[1, b'a' + (i % 26) as u8, 12]);
        a.extend_from_slice(b"root-servers\x03net\x00");
    }
    a
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_parse_without_panic(b in prop::collection::vec(any::<u8>(), 0..700), id in any::<u16>()) {
        if let Some(d) = dns::parse(&b, id) {
            // Each record takes at least 11 bytes after a 12-byte header.
            prop_assert!(usize::from(d.answers) * 11 + 12 <= b.len().min(dns::MAX_DATAGRAM));
            prop_assert!(b[..2] == id.to_be_bytes());
            prop_assert!(!d.rcode.is_empty());
        }
    }

    #[test]
    fn a_built_answer_reads_back(id in any::<u16>(), ra in any::<bool>(), rcode in 0u8..=10, n in 0u16..13) {
        let a = answer(id, ra, rcode, n);
        let d = dns::parse(&a, id).expect("an answer");
        prop_assert_eq!(d.recursion_available, ra);
        prop_assert_eq!(d.rcode.as_str(), RCODES[usize::from(rcode)]);
        prop_assert_eq!(d.answers, n);
        prop_assert_eq!(dns::parse(&a, id.wrapping_add(1)), None);
        // Cut anywhere inside, it is no answer.
        if a.len() > 17 {
            prop_assert_eq!(dns::parse(&a[..a.len() - 1], id), None);
        }
    }

    #[test]
    fn the_request_carries_its_id(id in any::<u32>()) {
        let q = dns::request(dns::transaction_id(id));
        prop_assert_eq!(q.len(), 17);
        prop_assert_eq!(&q[..2], &((id & 0xffff) as u16).to_be_bytes()[..]);
    }
}

/// An answer recorded from a real daemon (the fuzz target's seed).
fn recorded(target: &str, name: &str) -> Vec<u8> {
    let path = format!("{}/fuzz/corpus/{target}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn dnsmasq_as_an_open_resolver_reads_as_one() {
    // dnsmasq 2.89 forwarding to a stand-in root server, asked `. NS`
    // with id 0x1234 (its answer keeps the upstream's AA bit).
    let d = dns::parse(&recorded("dns", "dnsmasq-root-ns-answer-1"), 0x1234).expect("an answer");
    assert!(d.recursion_available);
    assert_eq!((d.rcode.as_str(), d.answers), ("NOERROR", 13));
}
