//! SMB negotiate/session-setup answers and the NTLM challenge inside them.
//!
//! The checks of fuzz target `smb`, also run on its committed corpus
//! (fuzz/corpus/smb/) by tests/suite/fuzz_corpus.rs: a panic or a failed
//! assertion is a finding.

use portcheck::probe::ident::services::smb::{self, ntlm};

/// Everything target `smb` asks of the parsers about one input.
pub fn check(data: &[u8]) {
    if data.len() >= 4 {
        let _ = smb::frame_len([data[0], data[1], data[2], data[3]]);
    }
    let _ = smb::parse_negotiate_response(data);
    let _ = smb::parse_smb1_negotiate_response(data);
    if let Ok(a) = smb::parse_session_setup_response(data) {
        assert!(a.token.len() <= data.len());
        if let Some(m) = smb::find_ntlmssp(&a.token) {
            if let Some(c) = ntlm::parse_challenge(m) {
                let _ = ntlm::authenticate_message(&c, Some(ntlm::GUEST_PROBE_USER), [0; 8], 0);
            }
        }
    }
    if let Some(c) = smb::find_ntlmssp(data).and_then(ntlm::parse_challenge) {
        assert!(c.target_info.len() <= data.len());
    }
}
