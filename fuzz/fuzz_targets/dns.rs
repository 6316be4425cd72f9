//! DNS answers to the open-resolver question.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/dns.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
