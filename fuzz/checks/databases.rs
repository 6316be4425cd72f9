//! MS SQL Server's answer to a TDS pre-login and PostgreSQL's answer to an
//! SSLRequest (MySQL speaks first: see the greeting target).
//!
//! The checks of fuzz target `databases`, also run on its committed corpus
//! (fuzz/corpus/databases/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::{mssql, postgres};

/// Everything target `databases` asks of the parsers about one input.
pub fn check(data: &[u8]) {
    if let Some(h) = data.first_chunk::<4>() {
        let _ = mssql::frame_len(*h);
    }
    if let Some(d) = mssql::parse_prelogin(data) {
        assert!(d.version.is_some());
    }
    let _ = postgres::answer_complete(data);
    let _ = postgres::parse_answer(data);
}
