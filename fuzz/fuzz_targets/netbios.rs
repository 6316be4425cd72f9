//! The NetBIOS session service's answer to a session request.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck::probe::ident::services::netbios;

fuzz_target!(|data: &[u8]| {
    if netbios::parse_answer(data).is_some() {
        assert!(data.len() >= 4);
    }
});
