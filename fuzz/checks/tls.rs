//! A server's first TLS flight (legacy probe) and the certificate in it.
//!
//! The checks of fuzz target `tls`, also run on its committed corpus
//! (fuzz/corpus/tls/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::{self, services::tls};

/// Everything target `tls` asks of the parsers about one input.
pub fn check(data: &[u8]) {
    let whole = tls::parse_legacy_flight(data);
    // Read in pieces, the last answer is the same as at once.
    let step = usize::from(data.last().copied().unwrap_or(1));
    let mut reader = tls::FlightReader::default();
    assert_eq!(ident::read_in_pieces(data, step, |b| reader.read(b)), whole);
    if let tls::LegacyAnswer::Hello {
        certificate: Some(c),
        ..
    } = whole
    {
        assert!(c.len() <= data.len());
        let _ = tls::summarize_certificate(&c);
    }
    let _ = tls::summarize_certificate(data);
}
