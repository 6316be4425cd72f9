//! What services send first: SSH and FTP lines, RFB versions and security
//! offers, MySQL/MariaDB handshakes and errors, Telnet negotiation (read
//! at once and in pieces).
//!
//! The checks of fuzz target `greeting`, also run on its committed corpus
//! (fuzz/corpus/greeting/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::plan::Service;
use portcheck::probe::ident::services::greeting::{self, mysql, telnet};
use portcheck::probe::ident::services::vnc;

/// Everything target `greeting` asks of the parsers about one input.
pub fn check(data: &[u8]) {
    let _ = greeting::complete(data);
    for expected in [Service::Http, Service::Ftp] {
        let _ = greeting::classify(data, expected);
    }
    if let Some(m) = mysql::parse_greeting(data) {
        assert!(m.version.is_none_or(|v| v.len() < data.len()));
    }
    let whole = telnet::parse(data);
    if let Some(t) = &whole {
        assert!(t.details.options.len() <= 32);
        assert!(t.refusal.len() <= 3 * data.len());
    }
    // Read as it arrives, in pieces of the first byte's size: the same.
    let step = usize::from(data.first().copied().unwrap_or(1)).max(1);
    let mut reader = telnet::Reader::default();
    let pieces = portcheck::probe::ident::read_in_pieces(data, step, |part| {
        reader.read(part).then(|| reader.negotiation())
    });
    assert_eq!(pieces, whole);
    assert!(reader.examined() <= 2 * data.len() + data.len() / step + 2);
    let _ = vnc::parse_version(data);
    for lists in [true, false] {
        let _ = vnc::offer_complete(data, lists);
        if let Some(types) = vnc::parse_offer(data, lists) {
            assert!(types.len() < data.len().max(1));
            let _ = vnc::no_password(&types);
        }
    }
}
