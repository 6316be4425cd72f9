//! HTTP answers, titles, admin-page and IPP recognition and line banners.
//!
//! The checks of fuzz target `http`, also run on its committed corpus
//! (fuzz/corpus/http/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::{http, ipp};
use portcheck::probe::ident::{self, text};

/// Everything target `http` asks of the parsers about one input.
pub fn check(data: &[u8]) {
    // Read in pieces as they might arrive, the answer agrees with reading
    // the whole at once.
    let whole = http::response_complete(data);
    let step = usize::from(data.first().copied().unwrap_or(1));
    let mut progress = http::ResponseProgress::default();
    let pieces = ident::read_in_pieces(data, step, |b| progress.complete(b));
    assert_eq!(pieces, whole);
    if let Some(r) = http::parse_response(data) {
        assert!((100..=599).contains(&r.status));
        assert!(
            r.title
                .as_ref()
                .is_none_or(|t| t.chars().count() <= text::MAX_TEXT)
        );
        if let Some(e) = &r.exchange {
            assert!(e.build.as_ref().is_none_or(|b| b.len() <= text::MAX_TEXT));
            assert!(e.product.is_none() || e.build.is_some());
        }
        let _ = ipp::recognise(&r.into());
    }
    // Exchange's recognition on any header values.
    let half = data.len() / 2;
    if let Some(e) = http::exchange::recognise(Some(&data[..half]), Some(&data[half..])) {
        assert!(e.build.as_ref().is_none_or(|b| b.len() <= text::MAX_TEXT));
    }
    if let Some(b) = text::banner_line(data) {
        assert!(b.len() <= text::MAX_TEXT);
    }
}
