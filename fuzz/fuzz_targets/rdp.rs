//! An RDP server's X.224 Connection Confirm behind its TPKT header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck::probe::ident::services::rdp;

fuzz_target!(|data: &[u8]| {
    if let Some(h) = data.first_chunk::<4>() {
        if let Some(n) = rdp::tpkt_len(*h) {
            assert!(n <= 65535 - 4);
        }
    }
    let _ = rdp::parse_confirm(data);
});
