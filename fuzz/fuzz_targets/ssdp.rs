//! SSDP answers to the UPnP check's search.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck::probe::ident::services::ssdp;
use portcheck::probe::ident::text::MAX_TEXT;

fuzz_target!(|data: &[u8]| {
    if let Some(a) = ssdp::parse_answer(data) {
        for v in [a.server, a.location, a.st, a.usn].into_iter().flatten() {
            assert!(!v.is_empty() && v.len() <= MAX_TEXT);
            assert!(v.bytes().all(|b| (0x20..0x7f).contains(&b)));
        }
    }
});
