//! RPC portmapper replies to DUMP, over UDP and TCP.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/portmapper.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
