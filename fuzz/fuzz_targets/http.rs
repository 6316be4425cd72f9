//! HTTP answers, titles, admin-page recognition and line banners.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck::probe::ident::http;

fuzz_target!(|data: &[u8]| {
    // Read in pieces as they might arrive, the answer agrees with reading
    // the whole at once.
    let whole = http::response_complete(data);
    let step = usize::from(data.first().copied().unwrap_or(1).max(1));
    let mut progress = http::ResponseProgress::default();
    let mut n = 0;
    while n < data.len() {
        n = (n + step).min(data.len());
        progress.complete(&data[..n]);
    }
    assert_eq!(progress.complete(data), whole);
    if let Some(r) = http::parse_response(data) {
        assert!((100..=599).contains(&r.status));
        assert!(r.title.is_none_or(|t| t.chars().count() <= http::MAX_TEXT));
    }
    if let Some(b) = http::banner_line(data) {
        assert!(b.len() <= http::MAX_TEXT);
    }
});
