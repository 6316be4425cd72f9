//! NTP answers to the client request and to `monlist`.
//!
//! The checks of fuzz target `ntp`, also run on its committed corpus
//! (fuzz/corpus/ntp/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::reported::ntp;

/// Everything target `ntp` asks of the parsers about one input: the id is
/// taken from the input's origin timestamp (so answers are reached); the
/// input is read once and then as two further answers, and the entry count
/// stays within its cap.
pub fn check(data: &[u8]) {
    let id = data
        .get(24..28)
        .and_then(|b| b.first_chunk::<4>())
        .map_or(0, |b| u32::from_be_bytes(*b));
    if let Some((version, _)) = ntp::parse_server(data, id) {
        assert!(version == 3 || version == 4);
    }
    let mut details = None;
    for _ in 0..3 {
        let read = ntp::read(data, id, &mut details);
        assert_eq!(read, details.is_some());
    }
    if let Some(d) = details {
        assert!(
            d.monlist_entries
                .is_none_or(|n| n <= ntp::MAX_MONLIST_ENTRIES)
        );
    }
}
