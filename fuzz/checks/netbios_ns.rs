//! NetBIOS name service answers to the node status request.
//!
//! The checks of fuzz target `netbios_ns`, also run on its committed
//! corpus (fuzz/corpus/netbios_ns/) by tests/suite/fuzz_corpus.rs: a panic
//! or a failed assertion is a finding.

use portcheck::probe::ident::services::reported::netbios_ns;

/// Everything target `netbios_ns` asks of the parser about one input.
pub fn check(data: &[u8]) {
    let id = data
        .first_chunk::<2>()
        .map_or(0, |b| u16::from_be_bytes(*b));
    if let Some(d) = netbios_ns::parse(data, id) {
        assert!(d.names.len() <= netbios_ns::MAX_NAMES);
        assert!(d.names.len() * 18 <= data.len());
        assert!(d.names.iter().all(|n| n.name.len() <= 15));
        assert!(d.mac.is_none_or(|m| m.len() == 17));
    }
}
