//! SNMP answers to the GetRequest for `sysDescr.0`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/snmp.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
