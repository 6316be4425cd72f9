//! SNMP answers to the GetRequest for `sysDescr.0`.
//!
//! The checks of fuzz target `snmp`, also run on its committed corpus
//! (fuzz/corpus/snmp/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::reported::snmp;
use portcheck::probe::ident::text::MAX_TEXT;

/// The request id of a v1/v2c message with a one-byte community length:
/// the four bytes after the PDU's INTEGER header, where the seeds have it.
fn request_id(data: &[u8]) -> u32 {
    data.iter()
        .position(|&b| b == 0xa2)
        .and_then(|at| data.get(at + 4..at + 8))
        .and_then(|b| b.first_chunk::<4>())
        .map_or(0, |b| u32::from_be_bytes(*b))
}

/// Everything target `snmp` asks of the parser about one input.
pub fn check(data: &[u8]) {
    if let Some(d) = snmp::parse(data, request_id(data)) {
        assert!(d.version == "v1" || d.version == "v2c");
        if let Some(s) = d.sys_descr {
            assert!(!s.is_empty() && s.len() <= MAX_TEXT);
            assert!(s.bytes().all(|b| (0x20..0x7f).contains(&b)));
        }
    }
}
