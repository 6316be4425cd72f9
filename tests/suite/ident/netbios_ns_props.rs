//! Property tests of the NetBIOS node status parser
//! (`services::reported::netbios_ns`): whatever a host sends it returns
//! without panicking, never reports more names than the table holds or the
//! cap allows, and a built name table reads back. Fuzzed as target
//! `netbios_ns` (fuzz/).

use portcheck::probe::ident::services::reported::netbios_ns;
use proptest::prelude::*;

/// A node status answer to `id` with `names` (unique, suffix 0x20 unless
/// the first, which is the computer with 0x00) and the unit id `mac`.
fn answer(id: u16, names: &[String], mac: [u8; 6]) -> Vec<u8> {
    let mut a = id.to_be_bytes().to_vec();
    a.extend_from_slice(&[
        0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 0x0c, 0, 0x21, 0, 1, 0, 0, 0, 0,
    ]);
    let mut rdata = vec![names.len() as u8];
    for (i, n) in names.iter().enumerate() {
        rdata.extend_from_slice(format!("{n:<15}").as_bytes());
        rdata.extend_from_slice(&[if i == 0 { 0 } else { 0x20 }, 0x04, 0]);
    }
    rdata.extend_from_slice(&mac);
    a.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    a.extend_from_slice(&rdata);
    a
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_parse_without_panic(b in prop::collection::vec(any::<u8>(), 0..800), id in any::<u16>()) {
        if let Some(d) = netbios_ns::parse(&b, id) {
            prop_assert!(d.names.len() <= netbios_ns::MAX_NAMES);
            prop_assert!(d.names.len() * 18 <= b.len());
            for n in &d.names {
                prop_assert!(n.name.len() <= 15);
                prop_assert!(n.name.bytes().all(|c| (0x20..0x7f).contains(&c)));
            }
            prop_assert!(d.mac.is_none_or(|m| m.len() == 17));
        }
    }

    #[test]
    fn a_name_table_reads_back(id in any::<u16>(), names in prop::collection::vec("[A-Z][A-Z0-9-]{0,14}", 1..60), mac in any::<[u8; 6]>()) {
        let d = netbios_ns::parse(&answer(id, &names, mac), id).expect("an answer");
        prop_assert_eq!(d.names.len(), names.len().min(netbios_ns::MAX_NAMES));
        for (got, want) in d.names.iter().zip(&names) {
            prop_assert_eq!(&got.name, want);
            prop_assert!(!got.group);
        }
        prop_assert_eq!(d.computer.as_ref(), Some(&names[0]));
        prop_assert_eq!(d.mac.is_some(), mac != [0; 6]);
        prop_assert_eq!(netbios_ns::parse(&answer(id, &names, mac), id ^ 1), None);
    }
}

/// An answer recorded from a real daemon (the fuzz target's seed).
fn recorded(target: &str, name: &str) -> Vec<u8> {
    let path = format!("{}/fuzz/corpus/{target}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn nmbd_answers_with_computer_and_workgroup() {
    // Samba 4.17's nmbd, id 0xbeef.
    let d = netbios_ns::parse(&recorded("netbios_ns", "nmbd-node-status-answer-1"), 0xbeef)
        .expect("an answer");
    assert_eq!(d.computer.as_deref(), Some("PRAXIS-SRV"));
    assert_eq!(d.workgroup.as_deref(), Some("PRAXIS"));
    assert_eq!(d.names.len(), 5);
    assert_eq!(d.mac, None);
}
