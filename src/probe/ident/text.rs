//! Text that services send of themselves (banners, header values, titles,
//! greeting lines), made safe to report: printable only and short. Shared by
//! the services that report text (HTTP, TLS, the greetings, SSDP), so that
//! each of them clips the same way and none imports another for it.

pub use crate::probe::ident::progress::LineProgress;

/// Bytes of a line banner the probe reads.
pub(crate) const MAX_BANNER: usize = 512;
/// Characters kept of a banner, header or title.
pub const MAX_TEXT: usize = 200;
/// Bytes of a greeting (SSH, FTP, Telnet, MySQL, VNC) the probe reads.
pub const MAX_GREETING: usize = 1024;

/// Printable text only, at most `max` characters.
pub(crate) fn clip(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Printable ASCII of a header value or banner line, at most [`MAX_TEXT`].
pub(crate) fn printable(bytes: &[u8]) -> String {
    let s: String = bytes
        .iter()
        .filter(|b| (0x20..0x7f).contains(*b))
        .map(|&b| char::from(b))
        .take(MAX_TEXT)
        .collect();
    s.trim().to_owned()
}

/// Whether a line banner is complete: a newline arrived.
pub fn line_complete(buf: &[u8]) -> bool {
    LineProgress::default().complete(buf)
}

/// The first line of a banner, printable ASCII, or `None` when empty.
pub fn banner_line(buf: &[u8]) -> Option<String> {
    let end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    let s = printable(&buf[..end]);
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_banners_end_at_a_newline() {
        assert!(line_complete(b"220 ftp\r\n"));
        assert!(!line_complete(b"220 ftp"));
    }

    #[test]
    fn banners_are_clipped_and_printable() {
        assert_eq!(
            banner_line(b"SSH-2.0-OpenSSH_9.2p1 Debian\r\nmore").as_deref(),
            Some("SSH-2.0-OpenSSH_9.2p1 Debian")
        );
        assert_eq!(banner_line(b"\x00\x01\x02\n"), None);
        let long = vec![b'a'; 5000];
        assert_eq!(banner_line(&long).unwrap().len(), MAX_TEXT);
    }
}
