//! Property tests of the LDAP/CLDAP answer reader and the request:
//! whatever a host sends the reader returns without panicking, within its
//! caps, with printable texts; a root DSE built from parts reads back;
//! `ldap-parser` reads every request the probe can send. Fuzzed too (fuzz
//! target `ldap`).

use portcheck::probe::ident::services::reported::ldap::{self, MAX_CONTEXTS};
use portcheck::probe::ident::text::MAX_TEXT;
use proptest::prelude::*;

fn element(tag: u8, content: &[u8], long: bool) -> Vec<u8> {
    let mut e = vec![tag];
    if long || content.len() >= 0x80 {
        e.push(0x84);
        e.extend_from_slice(&(content.len() as u32).to_be_bytes());
    } else {
        e.push(content.len() as u8);
    }
    e.extend_from_slice(content);
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn any_bytes(b in prop::collection::vec(any::<u8>(), 0..2000), tail in prop::collection::vec(any::<u8>(), 0..200)) {
        // Also bytes that start like a message: a sequence, an id.
        let mut framed = vec![0x30, 0x82, 0x07, 0xff, 0x02, 0x01, 0x01, 0x64];
        framed.extend_from_slice(&tail);
        for input in [&b[..], &framed[..]] {
            let _ = ldap::answer_complete(input);
            if let Some(d) = ldap::parse(input) {
                prop_assert!(d.naming_contexts.len() <= MAX_CONTEXTS);
                for t in d.naming_contexts.iter().chain(&d.dns_host_name).chain(&d.default_naming_context) {
                    prop_assert!(t.chars().count() <= MAX_TEXT);
                    prop_assert!(!t.chars().any(char::is_control));
                }
            }
        }
    }

    #[test]
    fn a_root_dse_reads_back(
        contexts in prop::collection::vec("(DC|CN|OU)=[a-z0-9]{1,20}(,DC=[a-z]{1,10}){0,3}", 0..30),
        host in "[a-z0-9.-]{1,60}",
        id in 1u8..127,
        long in any::<bool>(),
        code in prop::sample::select(vec![0u8, 32, 50]),
    ) {
        let values: Vec<u8> = contexts.iter().flat_map(|c| element(0x04, c.as_bytes(), long)).collect();
        let attr = |name: &str, vals: &[u8]| element(0x30, &[element(0x04, name.as_bytes(), long), element(0x31, vals, long)].concat(), long);
        let attrs = [
            attr("namingContexts", &values),
            attr("dnsHostName", &element(0x04, host.as_bytes(), long)),
        ]
        .concat();
        let entry = element(0x64, &[element(0x04, b"", long), element(0x30, &attrs, long)].concat(), long);
        let done = element(0x65, &[element(0x0a, &[code], false), element(0x04, b"", false), element(0x04, b"", false)].concat(), long);
        let m = [
            element(0x30, &[element(0x02, &[id], false), entry].concat(), long),
            element(0x30, &[element(0x02, &[id], false), done].concat(), long),
        ]
        .concat();
        prop_assert!(ldap::answer_complete(&m));
        let d = ldap::parse(&m).expect("ldap");
        prop_assert_eq!(&d.naming_contexts[..], &contexts[..contexts.len().min(MAX_CONTEXTS)]);
        prop_assert_eq!(d.dns_host_name.as_deref(), Some(host.as_str()));
        prop_assert_eq!(d.result_code, (code != 0).then_some(u32::from(code)));
        // Read in pieces as TCP delivers them: complete only at the end.
        for cut in [1, m.len() / 2, m.len() - 1] {
            prop_assert!(!ldap::answer_complete(&m[..cut]));
        }
    }

    #[test]
    fn every_request_is_a_root_dse_search(id in any::<u32>()) {
        let r = ldap::request(id);
        prop_assert!((112..=115).contains(&r.len()));
        prop_assert_eq!(ldap::parse(&r), None);
        prop_assert!(ldap::answer_complete(&r));
    }
}
