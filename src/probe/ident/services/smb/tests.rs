//! The SMB parsers and builders against recorded and hand-made messages.

use super::*;

fn unframe(v: &[u8]) -> &[u8] {
    let len = frame_len([v[0], v[1], v[2], v[3]]).unwrap();
    assert_eq!(len, v.len() - 4);
    &v[4..]
}

/// A response header for `command` with `status`.
fn resp_header(command: u16, status: u32, session: u64) -> Vec<u8> {
    let mut h = smb2_header(command, 0, session);
    h[8..12].copy_from_slice(&status.to_le_bytes());
    h[16..20].copy_from_slice(&1u32.to_le_bytes());
    h
}

fn negotiate_response(dialect: u16, security_mode: u16) -> Vec<u8> {
    let mut m = resp_header(CMD_NEGOTIATE, 0, 0);
    m.extend_from_slice(&65u16.to_le_bytes());
    m.extend_from_slice(&security_mode.to_le_bytes());
    m.extend_from_slice(&dialect.to_le_bytes());
    m.extend_from_slice(&[0; 58]);
    m
}

#[test]
fn negotiate_request_layout() {
    let r = negotiate_request(&[0x0202], [7; 16], [9; 32]);
    let m = unframe(&r);
    assert_eq!(&m[..4], &SMB2_MAGIC);
    assert_eq!(u16_at(m, 64).unwrap(), 36);
    assert_eq!(u16_at(m, 66).unwrap(), 1); // one dialect
    assert_eq!(u16_at(m, 100).unwrap(), 0x0202);
    assert_eq!(m.len(), 102);
}

#[test]
fn negotiate_311_carries_contexts_at_their_offset() {
    let r = negotiate_request(&[0x0311], [7; 16], [9; 32]);
    let m = unframe(&r);
    let off = u32_at(m, 64 + 28).unwrap() as usize;
    assert_eq!(off % 8, 0);
    assert_eq!(u16_at(m, 64 + 32).unwrap(), 2); // two contexts
    assert_eq!(u16_at(m, off).unwrap(), 1); // preauth integrity first
    assert_eq!(u16_at(m, off + 8).unwrap(), 1); // one hash
    assert_eq!(u16_at(m, off + 12).unwrap(), 1); // SHA-512
    assert_eq!(&m[off + 14..off + 46], &[9; 32]);
    // Encryption, 8-byte aligned: AES-128-GCM, AES-128-CCM.
    assert_eq!(&m[off + 48..], &[2, 0, 6, 0, 0, 0, 0, 0, 2, 0, 2, 0, 1, 0]);
}

#[test]
fn reads_accepted_dialect_and_signing() {
    let a = parse_negotiate_response(&negotiate_response(0x0311, 0x01)).unwrap();
    assert_eq!(
        a,
        NegotiateAnswer::Accepted {
            dialect: 0x0311,
            signing_required: false
        }
    );
    let a = parse_negotiate_response(&negotiate_response(0x0210, 0x03)).unwrap();
    assert_eq!(
        a,
        NegotiateAnswer::Accepted {
            dialect: 0x0210,
            signing_required: true
        }
    );
}

#[test]
fn refused_dialect_and_smb1_only_and_garbage() {
    let mut m = resp_header(CMD_NEGOTIATE, 0xC000_00BB, 0);
    m.extend_from_slice(&9u16.to_le_bytes());
    m.extend_from_slice(&[0; 7]);
    assert_eq!(
        parse_negotiate_response(&m).unwrap(),
        NegotiateAnswer::Refused {
            status: 0xC000_00BB
        }
    );
    let smb1 = unframe(&smb1_negotiate_request()).to_vec();
    assert_eq!(
        parse_negotiate_response(&smb1).unwrap(),
        NegotiateAnswer::Smb1Only
    );
    assert!(parse_negotiate_response(b"HTTP/1.1 400 Bad Request\r\n").is_err());
    assert!(parse_negotiate_response(&[]).is_err());
    // A request echoed back is not a response.
    let echo = unframe(&negotiate_request(&[0x0202], [0; 16], [0; 32])).to_vec();
    assert!(parse_negotiate_response(&echo).is_err());
    // Truncated body.
    let full = negotiate_response(0x0202, 0);
    assert!(parse_negotiate_response(&full[..66]).is_err());
}

#[test]
fn smb1_answers() {
    let mut m = unframe(&smb1_negotiate_request()).to_vec();
    m.truncate(32);
    m.push(17);
    m.extend_from_slice(&0u16.to_le_bytes());
    m.push(0x0f); // security mode: signatures required (0x08) among others
    m.extend_from_slice(&[0; 40]);
    assert_eq!(
        parse_smb1_negotiate_response(&m).unwrap(),
        Smb1Answer::Accepted {
            signing_required: true
        }
    );
    m[35] = 0x03;
    assert_eq!(
        parse_smb1_negotiate_response(&m).unwrap(),
        Smb1Answer::Accepted {
            signing_required: false
        }
    );
    // No dialect chosen: WordCount 1, index 0xFFFF.
    let mut none = m[..32].to_vec();
    none.extend_from_slice(&[1, 0xff, 0xff, 0, 0]);
    assert_eq!(
        parse_smb1_negotiate_response(&none).unwrap(),
        Smb1Answer::Refused
    );
    // An error status.
    let mut err = m.clone();
    err[5..9].copy_from_slice(&0xC000_0002u32.to_le_bytes());
    assert_eq!(
        parse_smb1_negotiate_response(&err).unwrap(),
        Smb1Answer::Refused
    );
    assert_eq!(
        parse_smb1_negotiate_response(&negotiate_response(0x02ff, 0)).unwrap(),
        Smb1Answer::Refused
    );
    assert!(parse_smb1_negotiate_response(b"SSH-2.0-x").is_err());
    assert!(parse_smb1_negotiate_response(&m[..34]).is_err());
}

#[test]
fn frame_lengths() {
    assert_eq!(frame_len([0, 0, 1, 0]).unwrap(), 256);
    assert_eq!(frame_len([0, 0xff, 0xff, 0xff]).unwrap(), 0xff_ffff);
    assert!(frame_len([0x85, 0, 0, 0]).is_err());
}

#[test]
fn session_setup_round_trip() {
    let r = session_setup_request(1, 0, b"token");
    let m = unframe(&r);
    assert_eq!(u16_at(m, 64).unwrap(), 25);
    assert_eq!(u16_at(m, 64 + 12).unwrap(), 88);
    assert_eq!(&m[88..], b"token");

    let mut resp = resp_header(CMD_SESSION_SETUP, STATUS_MORE_PROCESSING_REQUIRED, 0x55);
    resp.extend_from_slice(&9u16.to_le_bytes());
    resp.extend_from_slice(&0u16.to_le_bytes());
    resp.extend_from_slice(&72u16.to_le_bytes());
    resp.extend_from_slice(&3u16.to_le_bytes());
    resp.extend_from_slice(b"abc");
    let a = parse_session_setup_response(&resp).unwrap();
    assert_eq!(a.session_id, 0x55);
    assert_eq!(a.token, b"abc");
    // A lying buffer length is an error, not a read past the end.
    resp[70..72].copy_from_slice(&4000u16.to_le_bytes());
    assert!(parse_session_setup_response(&resp).is_err());
    // Logon failure: status only.
    let mut fail = resp_header(CMD_SESSION_SETUP, 0xC000_006D, 0x55);
    fail.extend_from_slice(&9u16.to_le_bytes());
    let a = parse_session_setup_response(&fail).unwrap();
    assert_eq!(a.status, 0xC000_006D);
}

#[test]
fn guest_means_granted_and_not_null() {
    assert!(is_guest_grant(SessionOutcome::Granted { flags: 1 }));
    assert!(is_guest_grant(SessionOutcome::Granted { flags: 0 }));
    assert!(!is_guest_grant(SessionOutcome::Granted { flags: 2 }));
    assert!(!is_guest_grant(SessionOutcome::Refused {
        status: 0xC000_006D
    }));
}

#[test]
fn spnego_wraps_and_unwraps() {
    let msg = ntlm::negotiate_message(false);
    let init = spnego_init(&msg);
    assert_eq!(init[0], 0x60);
    assert_eq!(find_ntlmssp(&init), Some(&msg[..]));
    let big = vec![0u8; 300];
    let resp = spnego_response(&big);
    assert_eq!(&resp[..2], &[0xa1, 0x82]);
    assert_eq!(
        usize::from(u16::from_be_bytes([resp[2], resp[3]])),
        resp.len() - 4
    );
    assert_eq!(find_ntlmssp(b"no signature here"), None);
}

#[test]
fn dialect_names() {
    let names: Vec<_> = DIALECTS.iter().filter_map(|d| dialect_name(*d)).collect();
    assert_eq!(names, ["2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"]);
    assert_eq!(dialect_name(0x02ff), None);
}
