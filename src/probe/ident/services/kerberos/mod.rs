//! Kerberos on the wire, as far as the probe goes: one unauthenticated
//! AS-REQ (RFC 4120 §5.4.1) for a principal that does not exist, and the
//! KDC's answer. A KDC answers such a request with a KRB-ERROR
//! (typically "client not found" or "wrong realm"); that answer alone proves
//! a Kerberos KDC — on a Windows network, a domain controller — is reachable.
//!
//! Why no more: the error says what the probe needs (a KDC answers, its
//! error code, the realm when the KDC names one other than the one asked);
//! the probe sends no password, no pre-authentication and no second
//! request, so it never tries a login.
//!
//! The parser faces bytes from a host the visitor controls: a minimal DER
//! reader that checks every length against the buffer, never allocates from a
//! length field, reads each byte at most a fixed number of times (linear
//! time) and returns [`Malformed`] for anything it cannot read.

/// Largest Kerberos message the probe reads over TCP (a KRB-ERROR is a few
/// hundred bytes; an AS-REP without pre-authentication about a kilobyte).
pub const MAX_MESSAGE: usize = 8 * 1024;

/// The realm the probe asks for: a reserved name (RFC 2606 `.invalid`) that
/// no KDC serves, so the request can never match a real account.
pub const PROBE_REALM: &str = "PORTCHECK.INVALID";

/// `[APPLICATION 10]`: AS-REQ.
const AS_REQ: u8 = 0x6a;
/// `[APPLICATION 11]`: AS-REP.
const AS_REP: u8 = 0x6b;
/// `[APPLICATION 30]`: KRB-ERROR.
const KRB_ERROR: u8 = 0x7e;
const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const GENERAL_STRING: u8 = 0x1b;
const GENERALIZED_TIME: u8 = 0x18;
/// Context tag `[n]`, constructed.
const fn ctx(n: u8) -> u8 {
    0xa0 | n
}

/// The answer did not have the shape of a Kerberos message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

/// What a KDC answered to the probe's AS-REQ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A KRB-ERROR: the usual answer.
    Error(KrbError),
    /// An AS-REP: the KDC issued a ticket for the made-up principal, which
    /// no correctly working KDC does; reported, never used.
    Reply,
}

/// The fields of a KRB-ERROR the probe reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KrbError {
    /// `error-code`, e.g. 6 (KDC_ERR_C_PRINCIPAL_UNKNOWN), 68 (KDC_ERR_WRONG_REALM).
    pub code: i32,
    /// `realm`, the KDC's realm as it wrote it (printable ASCII, ≤ 200 chars).
    pub realm: Option<String>,
    /// `crealm`, when sent.
    pub crealm: Option<String>,
    /// `stime`, the KDC's clock (`YYYYMMDDHHMMSSZ`).
    pub server_time: Option<String>,
    /// `e-text`, when sent (printable ASCII, ≤ 200 chars).
    pub text: Option<String>,
}

impl KrbError {
    /// The realm the KDC named, unless it only echoed the probe's made-up one.
    pub fn own_realm(&self) -> Option<&str> {
        [&self.realm, &self.crealm]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|r| !r.eq_ignore_ascii_case(PROBE_REALM))
    }
}

/// RFC 4120 §7.5.9 name of an error code the probe is likely to see.
pub(crate) fn error_name(code: i32) -> Option<&'static str> {
    Some(match code {
        6 => "KDC_ERR_C_PRINCIPAL_UNKNOWN",
        7 => "KDC_ERR_S_PRINCIPAL_UNKNOWN",
        12 => "KDC_ERR_POLICY",
        14 => "KDC_ERR_ETYPE_NOSUPP",
        18 => "KDC_ERR_CLIENT_REVOKED",
        24 => "KDC_ERR_PREAUTH_FAILED",
        25 => "KDC_ERR_PREAUTH_REQUIRED",
        37 => "KRB_AP_ERR_SKEW",
        60 => "KRB_ERR_GENERIC",
        61 => "KRB_ERR_FIELD_TOOLONG",
        68 => "KDC_ERR_WRONG_REALM",
        _ => return None,
    })
}

/// A DER element: tag and length, then `content`.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = Vec::with_capacity(len + 6);
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

fn integer(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    // Minimal two's complement: drop leading bytes that only repeat the sign.
    let mut start = 0;
    while start < 7 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    tlv(INTEGER, &bytes[start..])
}

fn string(s: &str) -> Vec<u8> {
    tlv(GENERAL_STRING, s.as_bytes())
}

fn principal(name_type: i64, parts: &[&str]) -> Vec<u8> {
    let names: Vec<u8> = parts.iter().flat_map(|p| string(p)).collect();
    tlv(
        SEQUENCE,
        &[
            tlv(ctx(0), &integer(name_type)),
            tlv(ctx(1), &tlv(SEQUENCE, &names)),
        ]
        .concat(),
    )
}

/// An AS-REQ for `user@realm` with `nonce`, framed for TCP (RFC 4120
/// §7.2.2: a 4-byte big-endian length, then the message). No
/// pre-authentication data: the KDC answers with an error before any
/// password could matter.
pub fn as_req(user: &str, realm: &str, nonce: u32) -> Vec<u8> {
    let etypes: Vec<u8> = [18, 17, 23].iter().flat_map(|&e| integer(e)).collect();
    let body = [
        // forwardable, renewable, renewable-ok
        tlv(ctx(0), &tlv(BIT_STRING, &[0, 0x40, 0x80, 0x00, 0x10])),
        tlv(ctx(1), &principal(1, &[user])),
        tlv(ctx(2), &string(realm)),
        tlv(ctx(3), &principal(2, &["krbtgt", realm])),
        tlv(ctx(5), &tlv(GENERALIZED_TIME, b"20370913024805Z")),
        tlv(ctx(7), &integer(i64::from(nonce & 0x7fff_ffff))),
        tlv(ctx(8), &tlv(SEQUENCE, &etypes)),
    ]
    .concat();
    let req = [
        tlv(ctx(1), &integer(5)),
        tlv(ctx(2), &integer(10)),
        tlv(ctx(4), &tlv(SEQUENCE, &body)),
    ]
    .concat();
    let msg = tlv(AS_REQ, &tlv(SEQUENCE, &req));
    let mut out = (msg.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(&msg);
    out
}

/// Length of the message announced by the 4-byte TCP record marker. The
/// top bit is reserved and must be zero (RFC 4120 §7.2.2).
pub fn frame_len(header: [u8; 4]) -> Result<usize, Malformed> {
    let n = u32::from_be_bytes(header);
    if n & 0x8000_0000 != 0 {
        return Err(Malformed("reserved bit set in the record marker"));
    }
    usize::try_from(n).map_err(|_| Malformed("record marker too large"))
}

/// A cursor over DER elements.
struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Der { rest: bytes }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next element's tag and content.
    fn next(&mut self) -> Result<(u8, &'a [u8]), Malformed> {
        let (&tag, after) = self.rest.split_first().ok_or(Malformed("truncated"))?;
        if tag & 0x1f == 0x1f {
            return Err(Malformed("multi-byte tags are not used by Kerberos"));
        }
        let (&first, mut after) = after.split_first().ok_or(Malformed("truncated"))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || after.len() < n {
                return Err(Malformed("bad length"));
            }
            let (bytes, tail) = after.split_at(n);
            after = tail;
            bytes
                .iter()
                .fold(0usize, |acc, &b| acc << 8 | usize::from(b))
        };
        if after.len() < len {
            return Err(Malformed("length beyond the message"));
        }
        let (content, tail) = after.split_at(len);
        self.rest = tail;
        Ok((tag, content))
    }

    /// The content of an element with exactly `tag`.
    fn expect(&mut self, tag: u8) -> Result<&'a [u8], Malformed> {
        match self.next()? {
            (t, content) if t == tag => Ok(content),
            _ => Err(Malformed("unexpected element")),
        }
    }
}

fn read_integer(content: &[u8]) -> Result<i64, Malformed> {
    let mut d = Der::new(content);
    let bytes = d.expect(INTEGER)?;
    if bytes.is_empty() || bytes.len() > 8 {
        return Err(Malformed("integer size"));
    }
    let sign = if bytes[0] & 0x80 != 0 { -1i64 } else { 0 };
    Ok(bytes.iter().fold(sign, |acc, &b| acc << 8 | i64::from(b)))
}

/// Printable ASCII of a string element, at most 200 characters.
fn read_text(content: &[u8]) -> Result<String, Malformed> {
    let (_, bytes) = Der::new(content).next()?;
    Ok(bytes
        .iter()
        .filter(|b| b.is_ascii_graphic() || **b == b' ')
        .take(200)
        .map(|&b| char::from(b))
        .collect())
}

/// Read a KDC's answer (the message after the TCP record marker).
pub fn parse_answer(msg: &[u8]) -> Result<Answer, Malformed> {
    let mut outer = Der::new(msg);
    match outer.next()? {
        (AS_REP, _) => Ok(Answer::Reply),
        (KRB_ERROR, content) => parse_error(content).map(Answer::Error),
        _ => Err(Malformed("neither KRB-ERROR nor AS-REP")),
    }
}

fn parse_error(content: &[u8]) -> Result<KrbError, Malformed> {
    let mut fields = Der::new(Der::new(content).expect(SEQUENCE)?);
    let mut err = KrbError::default();
    let (mut pvno, mut msg_type, mut code) = (None, None, None);
    while !fields.is_empty() {
        let (tag, field) = fields.next()?;
        match tag {
            t if t == ctx(0) => pvno = Some(read_integer(field)?),
            t if t == ctx(1) => msg_type = Some(read_integer(field)?),
            t if t == ctx(4) => err.server_time = Some(read_text(field)?),
            t if t == ctx(6) => code = Some(read_integer(field)?),
            t if t == ctx(7) => err.crealm = Some(read_text(field)?),
            t if t == ctx(9) => err.realm = Some(read_text(field)?),
            t if t == ctx(11) => err.text = Some(read_text(field)?),
            _ => {}
        }
    }
    if pvno != Some(5) || msg_type != Some(30) {
        return Err(Malformed("not a Kerberos 5 KRB-ERROR"));
    }
    let code = code.ok_or(Malformed("no error code"))?;
    err.code = i32::try_from(code).map_err(|_| Malformed("error code out of range"))?;
    Ok(err)
}

mod conversation;
pub(crate) use conversation::{kdc_answered, probe_kerberos};

#[cfg(test)]
pub(crate) mod tests;

#[cfg(test)]
mod props;
