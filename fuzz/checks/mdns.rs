//! mDNS answers to the service-list question.
//!
//! The checks of fuzz target `mdns`, also run on its committed corpus
//! (fuzz/corpus/mdns/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::reported::mdns;

/// Everything target `mdns` asks of the parser about one input: lists
/// within their caps, texts printable and short.
pub fn check(data: &[u8]) {
    let id = data
        .first_chunk::<2>()
        .map_or(0, |b| u16::from_be_bytes(*b));
    if let Some(d) = mdns::parse(data, id) {
        assert!(d.services.len() <= mdns::MAX_SERVICES);
        assert!(d.names.len() <= mdns::MAX_NAMES);
        assert!(d.services.iter().all(|s| s.is_ascii()));
        for t in d.services.iter().chain(&d.names) {
            assert!(!t.is_empty() && t.chars().count() <= mdns::MAX_NAME_TEXT);
            assert!(!t.chars().any(char::is_control));
        }
    }
}
