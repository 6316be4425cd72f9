//! SSDP answers to the UPnP check's search.
//!
//! The checks of fuzz target `ssdp`, also run on its committed corpus
//! (fuzz/corpus/ssdp/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::ssdp;
use portcheck::probe::ident::text::MAX_TEXT;

/// Everything target `ssdp` asks of the parsers about one input.
pub fn check(data: &[u8]) {
    if let Some(a) = ssdp::parse_answer(data) {
        for v in [a.server, a.location, a.st, a.usn].into_iter().flatten() {
            assert!(!v.is_empty() && v.len() <= MAX_TEXT);
            assert!(v.bytes().all(|b| (0x20..0x7f).contains(&b)));
        }
    }
}
