//! SIP answers to OPTIONS.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/sip.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
