//! WS-Discovery answers (ProbeMatches) to the Probe.
//!
//! The checks of fuzz target `ws_discovery`, also run on its committed corpus
//! (fuzz/corpus/ws_discovery/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::reported::ws_discovery as wsd;
use portcheck::probe::ident::text::MAX_TEXT;

/// Everything target `ws_discovery` asks of the parser about one input.
pub fn check(data: &[u8]) {
    if let Some(m) = wsd::parse(data) {
        assert!(data.len() <= wsd::MAX_ANSWER);
        assert!(m.details.types.len() <= wsd::MAX_MATCHES);
        assert!(m.details.xaddrs.len() <= wsd::MAX_XADDRS);
        let texts = m
            .details
            .types
            .iter()
            .chain(&m.details.xaddrs)
            .chain(&m.relates_to);
        for t in texts {
            assert!(t.chars().count() <= MAX_TEXT);
            assert!(!t.chars().any(char::is_control));
        }
    }
}
