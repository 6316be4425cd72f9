//! A KDC's answer to the probe's AS-REQ (KRB-ERROR or AS-REP) and the TCP
//! record marker in front of it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck::probe::ident::services::kerberos;

fuzz_target!(|data: &[u8]| {
    if data.len() >= 4 {
        let _ = kerberos::frame_len([data[0], data[1], data[2], data[3]]);
    }
    if let Ok(kerberos::Answer::Error(e)) = kerberos::parse_answer(data) {
        for s in [&e.realm, &e.crealm, &e.text, &e.server_time].into_iter().flatten() {
            assert!(s.len() <= 200 && s.len() <= data.len());
        }
        let _ = e.own_realm();
    }
});
