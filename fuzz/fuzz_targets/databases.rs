//! MS SQL Server's answer to a TDS pre-login and PostgreSQL's answer to an
//! SSLRequest (MySQL speaks first: see the greeting target).
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck::probe::ident::services::{mssql, postgres};

fuzz_target!(|data: &[u8]| {
    if let Some(h) = data.first_chunk::<4>() {
        let _ = mssql::frame_len(*h);
    }
    if let Some(d) = mssql::parse_prelogin(data) {
        assert!(d.version.is_some());
    }
    let _ = postgres::answer_complete(data);
    let _ = postgres::parse_answer(data);
});
