//! mDNS answers to the service-list question.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/mdns.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
