//! An RDP server's X.224 Connection Confirm behind its TPKT header.
//!
//! The checks of fuzz target `rdp`, also run on its committed corpus
//! (fuzz/corpus/rdp/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::rdp;

/// Everything target `rdp` asks of the parsers about one input.
pub fn check(data: &[u8]) {
    if let Some(h) = data.first_chunk::<4>() {
        if let Some(n) = rdp::tpkt_len(*h) {
            assert!(n <= 65535 - 4);
        }
    }
    let _ = rdp::parse_confirm(data);
}
