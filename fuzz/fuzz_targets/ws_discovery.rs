//! WS-Discovery answers (ProbeMatches) to the Probe.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/ws_discovery.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
