//! HTTP answers, titles, admin-page and IPP recognition and line banners.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/http.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
