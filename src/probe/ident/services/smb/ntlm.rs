//! NTLMSSP, the three messages of an NTLM logon, for the one logon the probe
//! tries: an unknown user with an empty password (what a server configured
//! with "map to guest" turns into a guest session), and the anonymous logon.
//!
//! The response to the server's challenge is computed properly (NTLMv2 with
//! the empty password), because some servers check it even for a user they
//! then map to guest. Pure functions; the challenge parser treats the
//! server's bytes as hostile.

use hmac::{Hmac, Mac};
use md4::{Digest, Md4};
use md5::Md5;

/// The first 8 bytes of every NTLM message.
pub const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";

const NEGOTIATE_UNICODE: u32 = 0x0000_0001;
const REQUEST_TARGET: u32 = 0x0000_0004;
const NEGOTIATE_NTLM: u32 = 0x0000_0200;
const NEGOTIATE_ANONYMOUS: u32 = 0x0000_0800;
const NEGOTIATE_ALWAYS_SIGN: u32 = 0x0000_8000;
const NEGOTIATE_EXTENDED_SESSIONSECURITY: u32 = 0x0008_0000;
const NEGOTIATE_TARGET_INFO: u32 = 0x0080_0000;
const NEGOTIATE_128: u32 = 0x2000_0000;
const NEGOTIATE_56: u32 = 0x8000_0000;

const FLAGS: u32 = NEGOTIATE_UNICODE
    | REQUEST_TARGET
    | NEGOTIATE_NTLM
    | NEGOTIATE_ALWAYS_SIGN
    | NEGOTIATE_EXTENDED_SESSIONSECURITY
    | NEGOTIATE_TARGET_INFO
    | NEGOTIATE_128
    | NEGOTIATE_56;

/// The user name the guest probe logs on as: one no server should know.
pub const GUEST_PROBE_USER: &str = "portcheck-guest-probe";

/// The largest target-info block the probe copies into its answer. Real ones
/// are a few hundred bytes.
const MAX_TARGET_INFO: usize = 2048;

/// NEGOTIATE_MESSAGE (type 1).
pub fn negotiate_message(anonymous: bool) -> Vec<u8> {
    let flags = if anonymous {
        FLAGS | NEGOTIATE_ANONYMOUS
    } else {
        FLAGS
    };
    let mut m = Vec::with_capacity(32);
    m.extend_from_slice(SIGNATURE);
    m.extend_from_slice(&1u32.to_le_bytes());
    m.extend_from_slice(&flags.to_le_bytes());
    m.extend_from_slice(&[0; 16]); // domain and workstation fields: empty
    m
}

/// What the probe needs from a CHALLENGE_MESSAGE (type 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The server's 8-byte challenge.
    pub server_challenge: [u8; 8],
    /// The negotiate flags.
    pub flags: u32,
    /// The AV pairs (target info), as sent.
    pub target_info: Vec<u8>,
}

/// Read a CHALLENGE_MESSAGE starting at its signature.
pub fn parse_challenge(m: &[u8]) -> Option<Challenge> {
    if m.get(..8)? != SIGNATURE || u32::from_le_bytes(m.get(8..12)?.try_into().ok()?) != 2 {
        return None;
    }
    let flags = u32::from_le_bytes(m.get(20..24)?.try_into().ok()?);
    let server_challenge: [u8; 8] = m.get(24..32)?.try_into().ok()?;
    let len = usize::from(u16::from_le_bytes(m.get(40..42)?.try_into().ok()?));
    let off = u32::from_le_bytes(m.get(44..48)?.try_into().ok()?) as usize;
    let target_info = if len == 0 {
        Vec::new()
    } else if len > MAX_TARGET_INFO {
        return None;
    } else {
        m.get(off..off.checked_add(len)?)?.to_vec()
    };
    Some(Challenge {
        server_challenge,
        flags,
        target_info,
    })
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    // HMAC takes keys of any length; new_from_slice cannot fail for it.
    let Ok(mut mac) = Hmac::<Md5>::new_from_slice(key) else {
        return [0; 16];
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// NTOWFv2 for `user`/`domain` with the empty password.
pub(crate) fn ntowf_v2_empty_password(user: &str, domain: &str) -> [u8; 16] {
    let nt_hash: [u8; 16] = Md4::digest(utf16le("")).into();
    let ident = utf16le(&(user.to_uppercase() + domain));
    hmac_md5(&nt_hash, &[&ident])
}

/// AUTHENTICATE_MESSAGE (type 3). With `user` = `None` it is the anonymous
/// logon (empty names, empty NT response, one zero byte as LM response);
/// otherwise an NTLMv2 logon as `user` with the empty password.
pub fn authenticate_message(
    challenge: &Challenge,
    user: Option<&str>,
    client_challenge: [u8; 8],
    timestamp: u64,
) -> Vec<u8> {
    let (lm, nt, user_bytes, flags) = match user {
        None => (
            vec![0u8],
            Vec::new(),
            Vec::new(),
            FLAGS | NEGOTIATE_ANONYMOUS,
        ),
        Some(user) => {
            let key = ntowf_v2_empty_password(user, "");
            let mut blob = Vec::with_capacity(32 + challenge.target_info.len());
            blob.extend_from_slice(&[1, 1, 0, 0, 0, 0, 0, 0]);
            blob.extend_from_slice(&timestamp.to_le_bytes());
            blob.extend_from_slice(&client_challenge);
            blob.extend_from_slice(&[0; 4]);
            blob.extend_from_slice(&challenge.target_info);
            blob.extend_from_slice(&[0; 4]);
            let proof = hmac_md5(&key, &[&challenge.server_challenge, &blob]);
            let nt = [&proof[..], &blob].concat();
            let lm_proof = hmac_md5(&key, &[&challenge.server_challenge, &client_challenge]);
            let lm = [&lm_proof[..], &client_challenge].concat();
            (lm, nt, utf16le(user), FLAGS)
        }
    };
    const HEADER: usize = 64;
    let mut payload = Vec::new();
    let field = |data: &[u8], payload: &mut Vec<u8>| -> [u8; 8] {
        let off = (HEADER + payload.len()) as u32;
        payload.extend_from_slice(data);
        let len = data.len() as u16;
        let mut f = [0u8; 8];
        f[..2].copy_from_slice(&len.to_le_bytes());
        f[2..4].copy_from_slice(&len.to_le_bytes());
        f[4..].copy_from_slice(&off.to_le_bytes());
        f
    };
    let lm_f = field(&lm, &mut payload);
    let nt_f = field(&nt, &mut payload);
    let domain_f = field(&[], &mut payload);
    let user_f = field(&user_bytes, &mut payload);
    let ws_f = field(&[], &mut payload);
    let key_f = field(&[], &mut payload);
    let mut m = Vec::with_capacity(HEADER + payload.len());
    m.extend_from_slice(SIGNATURE);
    m.extend_from_slice(&3u32.to_le_bytes());
    for f in [lm_f, nt_f, domain_f, user_f, ws_f, key_f] {
        m.extend_from_slice(&f);
    }
    m.extend_from_slice(&flags.to_le_bytes());
    m.extend_from_slice(&payload);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn ntowfv2_matches_ms_nlmp_construction() {
        // MD4 of the empty UTF-16 string is the well-known empty NT hash.
        let nt: [u8; 16] = Md4::digest(utf16le("")).into();
        assert_eq!(hex(&nt), "31d6cfe0d16ae931b73c59d7e0c089c0");
        // MS-NLMP 4.2.4.1.1 test vector: User/Domain with "Password".
        let nt_pw: [u8; 16] = Md4::digest(utf16le("Password")).into();
        let v2 = hmac_md5(&nt_pw, &[&utf16le(&("User".to_uppercase() + "Domain"))]);
        assert_eq!(hex(&v2), "0c868a403bfd7a93a3001ef22ef02e3f");
    }

    fn challenge_message(target_info: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(SIGNATURE);
        m.extend_from_slice(&2u32.to_le_bytes());
        m.extend_from_slice(&[0; 8]); // target name
        m.extend_from_slice(&FLAGS.to_le_bytes());
        m.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        m.extend_from_slice(&[0; 8]);
        let len = target_info.len() as u16;
        m.extend_from_slice(&len.to_le_bytes());
        m.extend_from_slice(&len.to_le_bytes());
        m.extend_from_slice(&48u32.to_le_bytes());
        m.extend_from_slice(target_info);
        m
    }

    #[test]
    fn parses_challenge_and_rejects_lies() {
        let c =
            parse_challenge(&challenge_message(b"\x02\x00\x02\x00A\x00\x00\x00\x00\x00")).unwrap();
        assert_eq!(c.server_challenge, [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(c.target_info.len(), 10);
        let mut lying = challenge_message(b"abcd");
        lying[40..42].copy_from_slice(&60000u16.to_le_bytes());
        assert_eq!(parse_challenge(&lying), None);
        let mut far = challenge_message(b"abcd");
        far[44..48].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(parse_challenge(&far), None);
        assert_eq!(parse_challenge(&challenge_message(b"")[..30]), None);
        assert_eq!(parse_challenge(&negotiate_message(false)), None);
    }

    #[test]
    fn authenticate_fields_point_into_the_payload() {
        let c = parse_challenge(&challenge_message(b"\x00\x00\x00\x00")).unwrap();
        let m = authenticate_message(&c, Some(GUEST_PROBE_USER), [9; 8], 1);
        let field = |at: usize| {
            let len = u16::from_le_bytes([m[at], m[at + 1]]) as usize;
            let off = u32::from_le_bytes(m[at + 4..at + 8].try_into().unwrap()) as usize;
            &m[off..off + len]
        };
        assert_eq!(field(12).len(), 24); // LMv2
        assert_eq!(field(20).len(), 16 + 28 + 4 + 4); // proof + blob
        assert_eq!(field(36), &utf16le(GUEST_PROBE_USER)[..]);
        let anon = authenticate_message(&c, None, [9; 8], 1);
        assert_eq!(&anon[12..14], &1u16.to_le_bytes()); // LM: one zero byte
        assert_eq!(&anon[20..22], &0u16.to_le_bytes()); // NT: empty
        let flags = u32::from_le_bytes(anon[60..64].try_into().unwrap());
        assert_ne!(flags & NEGOTIATE_ANONYMOUS, 0);
    }
}
