//! SMB on the wire, as far as the probe goes: negotiate (SMB1 and SMB2/3) and
//! a session setup without credentials. Builders make the requests; parsers
//! read the server's answers. All pure functions over bytes.
//!
//! Why these messages and no more: the dialects, whether SMB1 is accepted and
//! whether signing is required come from negotiate alone; whether a guest or
//! anonymous session is granted comes from a session setup. The probe never
//! sends a tree connect, so it never touches a share, let alone a file.
//!
//! The parsers face bytes from a host the visitor controls: every offset and
//! length is checked against the buffer, nothing allocates from a length
//! field, and anything malformed is a [`Malformed`] error, never a panic.
//!
//! The NTLM messages of the session setups are in [`ntlm`]; `conversation`
//! runs the exchanges over TCP.

pub mod ntlm;

mod conversation;
pub(crate) use conversation::probe_smb;

/// SMB2/3 dialects the probe offers, one at a time, ascending.
pub const DIALECTS: [u16; 5] = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311];

/// Largest SMB message the probe reads (negotiate and session-setup answers
/// are a few hundred bytes; the cap only has to be generous).
pub const MAX_MESSAGE: usize = 8 * 1024;

const SMB2_MAGIC: [u8; 4] = [0xFE, b'S', b'M', b'B'];
const SMB1_MAGIC: [u8; 4] = [0xFF, b'S', b'M', b'B'];
const SMB2_HEADER: usize = 64;
const CMD_NEGOTIATE: u16 = 0;
const CMD_SESSION_SETUP: u16 = 1;
const SMB1_NEGOTIATE: u8 = 0x72;

/// NTSTATUS values the probe tells apart.
pub(crate) const STATUS_SUCCESS: u32 = 0;
pub(crate) const STATUS_MORE_PROCESSING_REQUIRED: u32 = 0xC000_0016;

/// SMB2 session flags (MS-SMB2 2.2.6).
pub(crate) const SESSION_FLAG_IS_NULL: u16 = 0x0002;

/// The answer did not have the shape of the message it should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

/// Printable name of a dialect, as nmap and Microsoft write it.
pub(crate) fn dialect_name(d: u16) -> Option<&'static str> {
    Some(match d {
        0x0202 => "2.0.2",
        0x0210 => "2.1",
        0x0300 => "3.0",
        0x0302 => "3.0.2",
        0x0311 => "3.1.1",
        _ => return None,
    })
}

/// Length of the message announced by a 4-byte direct-TCP (NetBIOS session)
/// header. Only session messages (type 0) are SMB.
pub fn frame_len(header: [u8; 4]) -> Result<usize, Malformed> {
    if header[0] != 0 {
        return Err(Malformed("not a NetBIOS session message"));
    }
    Ok(usize::from(header[1]) << 16 | usize::from(header[2]) << 8 | usize::from(header[3]))
}

fn framed(msg: Vec<u8>) -> Vec<u8> {
    let len = msg.len();
    let mut out = Vec::with_capacity(len + 4);
    out.extend_from_slice(&[0, (len >> 16) as u8, (len >> 8) as u8, len as u8]);
    out.extend_from_slice(&msg);
    out
}

fn smb2_header(command: u16, message_id: u64, session_id: u64) -> Vec<u8> {
    let mut h = Vec::with_capacity(SMB2_HEADER);
    h.extend_from_slice(&SMB2_MAGIC);
    h.extend_from_slice(&64u16.to_le_bytes()); // StructureSize
    h.extend_from_slice(&u16::from(message_id > 0).to_le_bytes()); // CreditCharge
    h.extend_from_slice(&0u32.to_le_bytes()); // Status / ChannelSequence
    h.extend_from_slice(&command.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes()); // CreditRequest
    h.extend_from_slice(&0u32.to_le_bytes()); // Flags
    h.extend_from_slice(&0u32.to_le_bytes()); // NextCommand
    h.extend_from_slice(&message_id.to_le_bytes());
    h.extend_from_slice(&0u32.to_le_bytes()); // Reserved (process id)
    h.extend_from_slice(&0u32.to_le_bytes()); // TreeId
    h.extend_from_slice(&session_id.to_le_bytes());
    h.extend_from_slice(&[0; 16]); // Signature
    h
}

fn pad8(v: &mut Vec<u8>) {
    while v.len() % 8 != 0 {
        v.push(0);
    }
}

/// Little-endian 16-bit fields, in order.
fn u16s(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// One negotiate context, 8-byte aligned: type, data length, reserved, data.
fn push_context(m: &mut Vec<u8>, kind: u16, data: &[u8]) {
    pad8(m);
    m.extend(u16s(&[kind, data.len() as u16]));
    m.extend_from_slice(&[0; 4]);
    m.extend_from_slice(data);
}

/// An SMB2 NEGOTIATE request offering `dialects`, framed for TCP. When 3.1.1
/// is offered, the negotiate contexts it requires (pre-authentication
/// integrity with SHA-512, encryption AES-128-GCM/CCM) are included.
pub fn negotiate_request(dialects: &[u16], client_guid: [u8; 16], salt: [u8; 32]) -> Vec<u8> {
    let mut m = smb2_header(CMD_NEGOTIATE, 0, 0);
    let with_contexts = dialects.contains(&0x0311);
    // StructureSize, DialectCount, SecurityMode (signing enabled), Reserved.
    m.extend(u16s(&[36, dialects.len() as u16, 1, 0]));
    // Capabilities: DFS | LARGE_MTU | ENCRYPTION, as common clients send.
    m.extend_from_slice(&0x45u32.to_le_bytes());
    m.extend_from_slice(&client_guid);
    let ctx_offset_at = m.len();
    m.extend_from_slice(&[0; 8]); // NegotiateContextOffset/Count or ClientStartTime
    m.extend(u16s(dialects));
    if with_contexts {
        pad8(&mut m);
        let offset = m.len() as u32;
        m[ctx_offset_at..ctx_offset_at + 4].copy_from_slice(&offset.to_le_bytes());
        m[ctx_offset_at + 4..ctx_offset_at + 6].copy_from_slice(&2u16.to_le_bytes());
        // SMB2_PREAUTH_INTEGRITY_CAPABILITIES: one hash (SHA-512), 32-byte salt.
        push_context(&mut m, 1, &[&u16s(&[1, 32, 1])[..], &salt].concat());
        // SMB2_ENCRYPTION_CAPABILITIES: AES-128-GCM, AES-128-CCM.
        push_context(&mut m, 2, &u16s(&[2, 2, 1]));
    }
    framed(m)
}

/// An SMB1 NEGOTIATE offering only `NT LM 0.12`, the one SMB1 dialect that
/// matters: a server that picks it speaks SMB1.
pub fn smb1_negotiate_request() -> Vec<u8> {
    let mut m = Vec::with_capacity(48);
    m.extend_from_slice(&SMB1_MAGIC);
    m.push(SMB1_NEGOTIATE);
    m.extend_from_slice(&[0; 4]); // Status
    m.push(0x18); // Flags: canonical paths, case-insensitive
    // Flags2: unicode, NT status, extended security, long names.
    m.extend_from_slice(&0xC801u16.to_le_bytes());
    m.extend_from_slice(&[0; 12]); // PIDHigh, SecurityFeatures, Reserved
    m.extend_from_slice(&0u16.to_le_bytes()); // TID
    m.extend_from_slice(&0xFEFFu16.to_le_bytes()); // PIDLow
    m.extend_from_slice(&0u16.to_le_bytes()); // UID
    m.extend_from_slice(&0u16.to_le_bytes()); // MID
    m.push(0); // WordCount
    let dialect = b"\x02NT LM 0.12\0";
    m.extend_from_slice(&(dialect.len() as u16).to_le_bytes());
    m.extend_from_slice(dialect);
    framed(m)
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, Malformed> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or(Malformed("truncated"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, Malformed> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or(Malformed("truncated"))
}

fn u64_at(b: &[u8], at: usize) -> Result<u64, Malformed> {
    b.get(at..at + 8)
        .map(|s| {
            let mut a = [0; 8];
            a.copy_from_slice(s);
            u64::from_le_bytes(a)
        })
        .ok_or(Malformed("truncated"))
}

/// The fields of an SMB2 response header the probe needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Smb2Header {
    pub status: u32,
    pub command: u16,
    pub session_id: u64,
}

/// Read an SMB2 response header (the message without its 4-byte frame).
pub(crate) fn parse_smb2_header(msg: &[u8]) -> Result<Smb2Header, Malformed> {
    if msg.get(..4) != Some(&SMB2_MAGIC[..]) {
        return Err(Malformed("not SMB2"));
    }
    if msg.len() < SMB2_HEADER || u16_at(msg, 4)? != 64 {
        return Err(Malformed("short SMB2 header"));
    }
    let flags = u32_at(msg, 16)?;
    if flags & 1 == 0 {
        return Err(Malformed("not a response"));
    }
    Ok(Smb2Header {
        status: u32_at(msg, 8)?,
        command: u16_at(msg, 12)?,
        session_id: u64_at(msg, 40)?,
    })
}

/// What a server answered to an SMB2 NEGOTIATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NegotiateAnswer {
    /// It chose `dialect`; `signing_required` from its security mode.
    Accepted {
        /// The dialect chosen, e.g. `0x0311`.
        dialect: u16,
        /// Whether the server requires signing.
        signing_required: bool,
    },
    /// An SMB2 error: it speaks SMB2 but not the offered dialect(s).
    Refused {
        /// The NTSTATUS code of the error.
        status: u32,
    },
    /// An SMB1 answer to an SMB2 request: an SMB1-only server.
    Smb1Only,
}

/// Read an SMB2 NEGOTIATE response (without its frame).
pub fn parse_negotiate_response(msg: &[u8]) -> Result<NegotiateAnswer, Malformed> {
    if msg.get(..4) == Some(&SMB1_MAGIC[..]) {
        return Ok(NegotiateAnswer::Smb1Only);
    }
    let h = parse_smb2_header(msg)?;
    if h.command != CMD_NEGOTIATE {
        return Err(Malformed("not a negotiate response"));
    }
    if h.status != STATUS_SUCCESS {
        return Ok(NegotiateAnswer::Refused { status: h.status });
    }
    let body = &msg[SMB2_HEADER..];
    if u16_at(body, 0)? != 65 {
        return Err(Malformed("negotiate response size"));
    }
    let security_mode = u16_at(body, 2)?;
    let dialect = u16_at(body, 4)?;
    Ok(NegotiateAnswer::Accepted {
        dialect,
        signing_required: security_mode & 0x02 != 0,
    })
}

/// What a server answered to the SMB1 NEGOTIATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Smb1Answer {
    /// It chose `NT LM 0.12`.
    Accepted {
        /// Whether the server requires signing.
        signing_required: bool,
    },
    /// An SMB answer that declines SMB1 (an error, no dialect chosen, or an
    /// SMB2 answer).
    Refused,
}

/// Read the answer to [`smb1_negotiate_request`] (without its frame).
pub fn parse_smb1_negotiate_response(msg: &[u8]) -> Result<Smb1Answer, Malformed> {
    if msg.get(..4) == Some(&SMB2_MAGIC[..]) {
        return Ok(Smb1Answer::Refused);
    }
    if msg.get(..4) != Some(&SMB1_MAGIC[..]) {
        return Err(Malformed("not SMB"));
    }
    if msg.len() < 35 {
        return Err(Malformed("short SMB1 header"));
    }
    if msg[4] != SMB1_NEGOTIATE {
        return Err(Malformed("not a negotiate response"));
    }
    if u32_at(msg, 5)? != STATUS_SUCCESS {
        return Ok(Smb1Answer::Refused);
    }
    let word_count = msg[32];
    let dialect_index = u16_at(msg, 33)?;
    // WordCount 17 is the NT LM 0.12 response; index 0 is the one dialect offered.
    if word_count != 17 || dialect_index != 0 {
        return Ok(Smb1Answer::Refused);
    }
    let security_mode = *msg.get(35).ok_or(Malformed("truncated"))?;
    Ok(Smb1Answer::Accepted {
        signing_required: security_mode & 0x08 != 0,
    })
}

/// An SMB2 SESSION_SETUP request carrying `token` (a SPNEGO token), framed.
pub fn session_setup_request(message_id: u64, session_id: u64, token: &[u8]) -> Vec<u8> {
    let mut m = smb2_header(CMD_SESSION_SETUP, message_id, session_id);
    m.extend_from_slice(&25u16.to_le_bytes()); // StructureSize
    m.push(0); // Flags
    m.push(1); // SecurityMode: signing enabled
    m.extend_from_slice(&0u32.to_le_bytes()); // Capabilities
    m.extend_from_slice(&0u32.to_le_bytes()); // Channel
    m.extend_from_slice(&((SMB2_HEADER + 24) as u16).to_le_bytes());
    m.extend_from_slice(&(token.len() as u16).to_le_bytes());
    m.extend_from_slice(&0u64.to_le_bytes()); // PreviousSessionId
    m.extend_from_slice(token);
    framed(m)
}

/// The answer to a SESSION_SETUP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSetupAnswer {
    /// The NTSTATUS code.
    pub status: u32,
    /// The session the server assigned.
    pub session_id: u64,
    /// The SMB2 session flags (guest, null session).
    pub session_flags: u16,
    /// The security blob (SPNEGO), within the message.
    pub token: Vec<u8>,
}

/// Read a SESSION_SETUP response (without its frame).
pub fn parse_session_setup_response(msg: &[u8]) -> Result<SessionSetupAnswer, Malformed> {
    let h = parse_smb2_header(msg)?;
    if h.command != CMD_SESSION_SETUP {
        return Err(Malformed("not a session setup response"));
    }
    let body = &msg[SMB2_HEADER..];
    // An error response has its own 9-byte body; only the status matters then.
    if h.status != STATUS_SUCCESS && h.status != STATUS_MORE_PROCESSING_REQUIRED {
        return Ok(SessionSetupAnswer {
            status: h.status,
            session_id: h.session_id,
            session_flags: 0,
            token: Vec::new(),
        });
    }
    if u16_at(body, 0)? != 9 {
        return Err(Malformed("session setup response size"));
    }
    let flags = u16_at(body, 2)?;
    let offset = usize::from(u16_at(body, 4)?);
    let len = usize::from(u16_at(body, 6)?);
    let token = if len == 0 {
        &[][..]
    } else {
        msg.get(offset..offset.saturating_add(len))
            .ok_or(Malformed("security buffer outside the message"))?
    };
    Ok(SessionSetupAnswer {
        status: h.status,
        session_id: h.session_id,
        session_flags: flags,
        token: token.to_vec(),
    })
}

/// How a session setup without a password ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionOutcome {
    /// Granted; `flags` are the SMB2 session flags.
    Granted { flags: u16 },
    /// Refused with this NTSTATUS (logon failure, access denied, …).
    Refused {
        /// The NTSTATUS code of the error.
        status: u32,
    },
}

/// Whether a session granted to an unknown user is guest access: granted and
/// not merely a null session.
pub(crate) fn is_guest_grant(o: SessionOutcome) -> bool {
    matches!(o, SessionOutcome::Granted { flags } if flags & SESSION_FLAG_IS_NULL == 0)
}

// ----------------------------------------------------------------- SPNEGO

/// DER tag-length-value with a definite length.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(content.len() + 6);
    v.push(tag);
    let n = content.len();
    if n < 0x80 {
        v.push(n as u8);
    } else if n < 0x100 {
        v.extend_from_slice(&[0x81, n as u8]);
    } else {
        v.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    v.extend_from_slice(content);
    v
}

const SPNEGO_OID: [u8; 6] = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x02];
const NTLMSSP_OID: [u8; 10] = [0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a];

/// SPNEGO NegTokenInit offering NTLMSSP, carrying its first message.
pub fn spnego_init(ntlm_negotiate: &[u8]) -> Vec<u8> {
    let mech_types = der(0xa0, &der(0x30, &der(0x06, &NTLMSSP_OID)));
    let mech_token = der(0xa2, &der(0x04, ntlm_negotiate));
    let init = der(0xa0, &der(0x30, &[mech_types, mech_token].concat()));
    der(0x60, &[der(0x06, &SPNEGO_OID), init].concat())
}

/// SPNEGO NegTokenResp carrying a later NTLMSSP message.
pub fn spnego_response(ntlm_message: &[u8]) -> Vec<u8> {
    der(0xa1, &der(0x30, &der(0xa2, &der(0x04, ntlm_message))))
}

/// The NTLMSSP message inside a security blob: servers wrap it in SPNEGO, a
/// few send it raw; either way it starts with its signature and runs to the
/// end of the blob (trailing DER fields after it would only be ignored by
/// the NTLMSSP parser, which reads through its own offsets).
pub fn find_ntlmssp(blob: &[u8]) -> Option<&[u8]> {
    blob.windows(ntlm::SIGNATURE.len())
        .position(|w| w == ntlm::SIGNATURE)
        .map(|at| &blob[at..])
}

#[cfg(test)]
mod tests;
