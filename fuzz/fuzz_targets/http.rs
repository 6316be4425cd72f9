//! HTTP answers, titles, admin-page and IPP recognition and line banners.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck::probe::ident::{http, ipp};

fuzz_target!(|data: &[u8]| {
    let _ = http::response_complete(data);
    if let Some(r) = http::parse_response(data) {
        assert!((100..=599).contains(&r.status));
        assert!(r.title.as_ref().is_none_or(|t| t.chars().count() <= http::MAX_TEXT));
        let _ = ipp::recognise(&r.into());
    }
    if let Some(b) = http::banner_line(data) {
        assert!(b.len() <= http::MAX_TEXT);
    }
});
