//! A KDC's answer to the probe's AS-REQ (KRB-ERROR or AS-REP) and the TCP
//! record marker in front of it.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/kerberos.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
