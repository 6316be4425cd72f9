//! A KDC's answer to the probe's AS-REQ (KRB-ERROR or AS-REP) and the TCP
//! record marker in front of it.
//!
//! The checks of fuzz target `kerberos`, also run on its committed corpus
//! (fuzz/corpus/kerberos/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::kerberos;

/// Everything target `kerberos` asks of the parsers about one input.
pub fn check(data: &[u8]) {
    if data.len() >= 4 {
        let _ = kerberos::frame_len([data[0], data[1], data[2], data[3]]);
    }
    if let Ok(kerberos::Answer::Error(e)) = kerberos::parse_answer(data) {
        for s in [&e.realm, &e.crealm, &e.text, &e.server_time]
            .into_iter()
            .flatten()
        {
            assert!(s.len() <= 200 && s.len() <= data.len());
        }
        let _ = e.own_realm();
    }
}
