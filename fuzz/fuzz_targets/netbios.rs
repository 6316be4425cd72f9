//! The NetBIOS session service's answer to a session request.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/netbios.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
