//! NetBIOS name service answers to the node status request.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/netbios_ns.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
