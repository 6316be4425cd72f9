//! RPC portmapper replies to DUMP, over UDP and TCP.
//!
//! The checks of fuzz target `portmapper`, also run on its committed corpus
//! (fuzz/corpus/portmapper/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::reported::portmapper;

/// Everything target `portmapper` asks of the parser about one input: as
/// a reply to the transaction id in its first four bytes (so that the
/// fuzzer reaches the list), and as a TCP record mark.
pub fn check(data: &[u8]) {
    let xid = data
        .first_chunk::<4>()
        .map_or(0, |w| u32::from_be_bytes(*w));
    if let Some(d) = portmapper::parse(data, xid) {
        assert!(d.programs.len() <= portmapper::MAX_PROGRAMS);
        // Six header words, then five per entry.
        assert!(data.len() >= 24 + 20 * d.programs.len());
        for p in &d.programs {
            assert_eq!(p.name.as_deref(), portmapper::program_name(p.program));
            assert!(!p.protocol.is_empty() && p.protocol.len() <= 10);
        }
    }
    if let Some(mark) = data.first_chunk::<4>() {
        let last = mark[0] & 0x80 != 0;
        assert_eq!(portmapper::record_len(*mark).is_some(), last);
    }
}
