//! A server's first TLS flight (legacy probe) and the certificate in it.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/tls.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
