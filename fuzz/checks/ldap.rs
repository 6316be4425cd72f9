//! LDAP and CLDAP answers to the root DSE search.
//!
//! The checks of fuzz target `ldap`, also run on its committed corpus
//! (fuzz/corpus/ldap/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::reported::ldap;
use portcheck::probe::ident::text::MAX_TEXT;

/// Everything target `ldap` asks of the parser about one input (one CLDAP
/// datagram, or what a TCP read gathered).
pub fn check(data: &[u8]) {
    let _ = ldap::answer_complete(data);
    if let Some(d) = ldap::parse(data) {
        assert_eq!(data.first(), Some(&0x30));
        assert!(d.naming_contexts.len() <= ldap::MAX_CONTEXTS);
        assert!(d.supported_ldap_versions.len() <= ldap::MAX_VERSIONS);
        let texts = d
            .naming_contexts
            .iter()
            .chain(&d.dns_host_name)
            .chain(&d.default_naming_context);
        for t in texts {
            assert!(!t.is_empty() && t.chars().count() <= MAX_TEXT);
            assert!(!t.chars().any(char::is_control));
        }
    }
}
