//! DNS answers to the open-resolver question.
//!
//! The checks of fuzz target `dns`, also run on its committed corpus
//! (fuzz/corpus/dns/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::reported::dns;

/// Everything target `dns` asks of the parser about one input: the id is
/// the input's own (so answers are reached), and an answer never reports
/// more records than the bytes hold.
pub fn check(data: &[u8]) {
    let id = data
        .first_chunk::<2>()
        .map_or(0, |b| u16::from_be_bytes(*b));
    if let Some(d) = dns::parse(data, id) {
        assert!(usize::from(d.answers) * 11 + 12 <= data.len().min(dns::MAX_DATAGRAM));
        assert!(!d.rcode.is_empty());
    }
}
