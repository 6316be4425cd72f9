//! SSDP answers to the UPnP check's search.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/ssdp.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
