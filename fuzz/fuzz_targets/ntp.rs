//! NTP answers to the client request and to `monlist`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/ntp.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
