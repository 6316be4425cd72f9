//! The NetBIOS session service's answer to a session request.
//!
//! The checks of fuzz target `netbios`, also run on its committed corpus
//! (fuzz/corpus/netbios/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::netbios;

/// Everything target `netbios` asks of the parsers about one input.
pub fn check(data: &[u8]) {
    if netbios::parse_answer(data).is_some() {
        assert!(data.len() >= 4);
    }
}
