//! SQL Server resolution service answers (SVR_RESP) to CLNT_UCAST_EX.
//!
//! The checks of fuzz target `mssql_browser`, also run on its committed corpus
//! (fuzz/corpus/mssql_browser/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::reported::mssql_browser;
use portcheck::probe::ident::text::MAX_TEXT;

/// Everything target `mssql_browser` asks of the parser about one input.
pub fn check(data: &[u8]) {
    if let Some(d) = mssql_browser::parse(data) {
        assert_eq!(data.first(), Some(&0x05));
        assert!(d.instances.len() <= mssql_browser::MAX_INSTANCES);
        for i in &d.instances {
            for t in [&i.server, &i.instance, &i.version].into_iter().flatten() {
                assert!(!t.is_empty() && t.len() <= MAX_TEXT);
                assert!(t.bytes().all(|b| (0x20..0x7f).contains(&b)));
            }
        }
    }
}
