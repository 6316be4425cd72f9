//! VNC (RFB, RFC 6143): the server's version line, the version the probe
//! answers with, and the security types the server then offers (3.7 and
//! later: a list; 3.3: one type the server chose). Type 1, "None", means
//! the screen is open without a password. The probe reads the offer and
//! closes: it never picks a type, so it never logs in.

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use crate::api::VncDetails;
use crate::probe::ident::io::Limits;
use crate::probe::ident::io::tcp::{read_until, write_all};

/// An RFB version line: `RFB 003.008\n`.
pub const VERSION_LEN: usize = 12;

/// Most bytes of a security-type offer the probe reads (a count of at most
/// 255 and the types, or a 3.3 server's four bytes).
pub const MAX_OFFER: usize = 256;

/// The version a server announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    /// The major version (3).
    pub major: u16,
    /// The minor version.
    pub minor: u16,
}

impl Version {
    /// `3.8`, as the report shows it.
    pub(crate) fn label(self) -> String {
        format!("{}.{}", self.major, self.minor)
    }

    /// Whether the server sends a list of security types (3.7 and later)
    /// rather than choosing one itself (3.3).
    pub fn lists_types(self) -> bool {
        self.major > 3 || self.minor >= 7
    }

    /// The version line the probe answers with: the server's own up to 3.8
    /// (RFC 6143 names 3.3, 3.7 and 3.8; others are read as 3.3 or 3.8).
    pub fn reply(self) -> &'static [u8; VERSION_LEN] {
        match (self.lists_types(), self.major == 3 && self.minor == 7) {
            (false, _) => b"RFB 003.003\n",
            (true, true) => b"RFB 003.007\n",
            (true, false) => b"RFB 003.008\n",
        }
    }
}

/// The version line at the start of `buf`, if it is one.
pub fn parse_version(buf: &[u8]) -> Option<Version> {
    let line = buf.get(..VERSION_LEN)?;
    let rest = line.strip_prefix(b"RFB ")?;
    if rest[3] != b'.' || rest[7] != b'\n' {
        return None;
    }
    let number = |d: &[u8]| -> Option<u16> {
        d.iter().try_fold(0u16, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0'))
        })
    };
    Some(Version {
        major: number(&rest[..3])?,
        minor: number(&rest[4..7])?,
    })
}

/// Whether `buf` holds the whole offer that follows the probe's version.
pub fn offer_complete(buf: &[u8], lists: bool) -> bool {
    match (lists, buf.first()) {
        (true, Some(&n)) => n == 0 || buf.len() > usize::from(n),
        (true, None) => false,
        (false, _) => buf.len() >= 4,
    }
}

/// The security types offered, `Some(vec![])` when the server refused the
/// connection instead (a reason string follows, not read), `None` when
/// `buf` is no offer.
pub fn parse_offer(buf: &[u8], lists: bool) -> Option<Vec<u8>> {
    if lists {
        let (&n, rest) = buf.split_first()?;
        return rest.get(..usize::from(n)).map(<[u8]>::to_vec);
    }
    let chosen = u32::from_be_bytes(*buf.first_chunk::<4>()?);
    match chosen {
        0 => Some(Vec::new()),
        // 3.3 knows only None (1) and VNC authentication (2).
        1 | 2 => Some(vec![chosen as u8]),
        _ => None,
    }
}

/// Whether the offer lets a client in without a password; `None` when the
/// server refused the connection and offered nothing.
pub fn no_password(types: &[u8]) -> Option<bool> {
    (!types.is_empty()).then(|| types.contains(&1))
}

// The conversation, on the connection that read the version line.

/// Answer an RFB server with the version the probe speaks and read the
/// security types it offers.
pub(crate) async fn offer<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    v: Version,
    deadline: Instant,
    limits: &Limits,
) -> VncDetails {
    let mut details = VncDetails {
        version: v.label(),
        ..VncDetails::default()
    };
    if !write_all(s, v.reply(), deadline).await {
        return details;
    }
    let lists = v.lists_types();
    let mut buf = Vec::new();
    let done = |b: &[u8]| offer_complete(b, lists);
    read_until(s, &mut buf, MAX_OFFER, deadline, limits, done).await;
    if let Some(types) = parse_offer(&buf, lists) {
        details.no_password = no_password(&types);
        details.security_types = types;
    }
    details
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_replies() {
        let v38 = parse_version(b"RFB 003.008\n").expect("rfb");
        assert_eq!(
            (v38.label().as_str(), v38.reply()),
            ("3.8", b"RFB 003.008\n")
        );
        let v33 = parse_version(b"RFB 003.003\n").expect("rfb");
        assert!(!v33.lists_types());
        assert_eq!(v33.reply(), b"RFB 003.003\n");
        assert_eq!(
            parse_version(b"RFB 003.007\n").map(|v| v.reply()),
            Some(b"RFB 003.007\n")
        );
        // Apple's 3.889 and RealVNC's 5.0 list types; the probe speaks 3.8.
        let apple = parse_version(b"RFB 003.889\n").expect("rfb");
        assert_eq!(
            (apple.label().as_str(), apple.reply()),
            ("3.889", b"RFB 003.008\n")
        );
        assert_eq!(
            parse_version(b"RFB 005.000\n").map(|v| v.lists_types()),
            Some(true)
        );
        assert_eq!(parse_version(b"RFB 003.008"), None);
        assert_eq!(parse_version(b"RFB 0x3.008\n"), None);
        assert_eq!(parse_version(b"SSH-2.0-abcd\n"), None);
    }

    #[test]
    fn offers() {
        // Xvnc without a password: None only; with one: VNC authentication.
        assert!(offer_complete(&[1, 1], true));
        assert!(!offer_complete(&[2, 1], true));
        assert_eq!(parse_offer(&[1, 1], true), Some(vec![1]));
        assert_eq!(no_password(&[1]), Some(true));
        assert_eq!(no_password(&[2, 19]), Some(false));
        // A refusal: count 0, then a reason.
        assert!(offer_complete(&[0, 0, 0, 0, 5], true));
        assert_eq!(parse_offer(&[0, 0, 0, 0, 5], true), Some(vec![]));
        assert_eq!(no_password(&[]), None);
        // 3.3: the server chose.
        assert_eq!(parse_offer(&[0, 0, 0, 1], false), Some(vec![1]));
        assert_eq!(parse_offer(&[0, 0, 0, 2], false), Some(vec![2]));
        assert_eq!(parse_offer(&[0, 0, 1, 0], false), None);
        assert!(!offer_complete(&[0, 0], false));
        assert_eq!(parse_offer(&[], true), None);
    }
}
