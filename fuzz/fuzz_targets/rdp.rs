//! An RDP server's X.224 Connection Confirm behind its TPKT header.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/rdp.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
