//! SIP answers to OPTIONS.
//!
//! The checks of fuzz target `sip`, also run on its committed corpus
//! (fuzz/corpus/sip/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::reported::sip;
use portcheck::probe::ident::text::MAX_TEXT;

/// Everything target `sip` asks of the parser about one input.
pub fn check(data: &[u8]) {
    if let Some(d) = sip::parse(data) {
        // The status line first (blanks before it are tolerated).
        assert!(data.trim_ascii_start().starts_with(b"SIP/2.0 "));
        assert!((100..=699).contains(&d.status));
        for t in [d.server, d.user_agent].into_iter().flatten() {
            assert!(!t.is_empty() && t.len() <= MAX_TEXT);
            assert!(t.bytes().all(|b| (0x20..0x7f).contains(&b)));
        }
    }
}
