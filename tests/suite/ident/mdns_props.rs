//! Property tests of the mDNS answer parser (`services::reported::mdns`):
//! whatever a responder sends it returns without panicking, its lists stay
//! within their caps and its texts printable and short, and a service list
//! reads back as it was built. Fuzzed as target `mdns` (fuzz/).

use portcheck::probe::ident::services::reported::mdns;
use proptest::prelude::*;

/// `name` as DNS labels.
fn labels(name: &str) -> Vec<u8> {
    let mut v = Vec::new();
    for l in name.split('.') {
        v.push(l.len() as u8);
        v.extend_from_slice(l.as_bytes());
    }
    v.push(0);
    v
}

/// A legacy unicast answer to `id` listing `services`, the first PTR
/// owner spelled out, the others pointing at it.
fn answer(id: u16, services: &[String]) -> Vec<u8> {
    let mut a = id.to_be_bytes().to_vec();
    a.extend_from_slice(&[0x84, 0, 0, 0]);
    a.extend_from_slice(&(services.len() as u16).to_be_bytes());
    a.extend_from_slice(&[0, 0, 0, 0]);
    for (i, s) in services.iter().enumerate() {
        match i {
            0 => a.extend_from_slice(&labels(mdns::SERVICE_LIST)),
            _ => a.extend_from_slice(&[0xc0, 12]),
        }
        let target = labels(s);
        a.extend_from_slice(&[0, 12, 0, 1, 0, 0, 0x11, 0x94]);
        a.extend_from_slice(&(target.len() as u16).to_be_bytes());
        a.extend_from_slice(&target);
    }
    a
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_parse_within_caps(b in prop::collection::vec(any::<u8>(), 0..1600), id in any::<u16>()) {
        if let Some(d) = mdns::parse(&b, id) {
            prop_assert!(d.services.len() <= mdns::MAX_SERVICES);
            prop_assert!(d.names.len() <= mdns::MAX_NAMES);
            for t in d.services.iter().chain(&d.names) {
                prop_assert!(!t.is_empty() && t.chars().count() <= mdns::MAX_NAME_TEXT);
                prop_assert!(!t.chars().any(char::is_control));
            }
        }
    }

    #[test]
    fn a_service_list_reads_back(id in any::<u16>(), services in prop::collection::vec("_[a-z]{1,12}\\._(tcp|udp)\\.local", 0..40)) {
        let d = mdns::parse(&answer(id, &services), id).expect("an answer");
        let mut expected: Vec<String> = Vec::new();
        for s in &services {
            if !expected.contains(s) && expected.len() < mdns::MAX_SERVICES {
                expected.push(s.clone());
            }
        }
        prop_assert_eq!(d.services, expected);
        prop_assert!(d.names.is_empty());
        // Another id is no answer, unless the answer's id is 0 (multicast style).
        let other = mdns::parse(&answer(id, &services), id.wrapping_add(1));
        prop_assert_eq!(other.is_some(), id == 0);
    }
}

/// An answer recorded from a real daemon (the fuzz target's seed).
fn recorded(target: &str, name: &str) -> Vec<u8> {
    let path = format!("{}/fuzz/corpus/{target}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn avahi_answers_with_its_service_list() {
    // avahi-daemon 0.8, asked from another host on its link (it answers
    // no off-link asker), id 0x0102.
    let d =
        mdns::parse(&recorded("mdns", "avahi-service-list-answer-1"), 0x0102).expect("an answer");
    assert_eq!(d.services, ["_workstation._tcp.local"]);
    assert!(d.names.is_empty());
}
