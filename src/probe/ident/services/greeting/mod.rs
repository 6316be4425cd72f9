//! What a service says before it is asked: SSH and FTP greet with a line,
//! VNC with its RFB version, MySQL/MariaDB with a handshake packet, Telnet
//! with option negotiation. [`classify`] tells them apart from the first
//! bytes; [`complete`] says when enough has arrived to do so. Pure
//! functions, with Telnet's negotiation in [`telnet`] and MySQL's packet in
//! [`mysql`]; `conversation` runs the plain step (the greeting wait, then
//! `GET /`) over TCP.

pub mod mysql;
pub mod telnet;

mod conversation;
pub(crate) use conversation::{Hint, Plain, probe_plain};

use crate::api::{FtpDetails, MysqlDetails, SshDetails, TelnetDetails};
use crate::plan::Service;
use crate::probe::ident::progress::LineProgress;
use crate::probe::ident::services::vnc;
use crate::probe::ident::text::{MAX_TEXT, printable};

/// What the first bytes of a service showed it to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Greeting {
    /// An SSH server's identification line.
    Ssh(SshDetails),
    /// An FTP server's greeting.
    Ftp(FtpDetails),
    /// An RFB server and the version it announced.
    Vnc(vnc::Version),
    /// A MySQL server's handshake.
    Mysql(MysqlDetails),
    /// A Telnet server's option negotiation.
    Telnet(TelnetDetails),
    /// A line of text from something else (SMTP, POP3, …).
    Other(String),
    /// No bytes, or none that tell anything.
    Nothing,
}

/// Whether `buf` holds enough of a greeting to classify it: a whole line,
/// a whole RFB version, a whole MySQL packet, or Telnet negotiation.
pub fn complete(buf: &[u8]) -> bool {
    GreetingProgress::default().complete(buf)
}

/// [`complete`] as bytes arrive: only a newline is looked for in the whole
/// buffer, and only in what is new, so a greeting dripped a byte at a time
/// costs linear work.
#[derive(Debug, Clone, Default)]
pub struct GreetingProgress {
    line: LineProgress,
}

impl GreetingProgress {
    /// Whether `buf` (the greeting so far; it only ever grows) is enough.
    pub fn complete(&mut self, buf: &[u8]) -> bool {
        if buf.len() >= 3 && telnet::opens(buf) {
            return true;
        }
        if buf.starts_with(b"RFB ") {
            return buf.len() >= vnc::VERSION_LEN;
        }
        if let Some(total) = mysql::packet_len(buf) {
            return buf.len() >= total;
        }
        self.line.complete(buf)
    }
}

/// Classify the greeting in `buf`. `expected` is the protocol the port's
/// plan entry names: a `220` line is FTP when it says so or when FTP is
/// expected there (SMTP greets with `220` too).
pub fn classify(buf: &[u8], expected: Service) -> Greeting {
    if let Some(v) = vnc::parse_version(buf) {
        return Greeting::Vnc(v);
    }
    if let Some(t) = telnet::parse(buf) {
        return Greeting::Telnet(t.details);
    }
    if let Some(m) = mysql::parse_greeting(buf) {
        return Greeting::Mysql(m);
    }
    let line_end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    let line = &buf[..line_end];
    if let Some(s) = parse_ssh(line) {
        return Greeting::Ssh(s);
    }
    if let Some(f) = parse_ftp(line, expected == Service::Ftp) {
        return Greeting::Ftp(f);
    }
    let text = printable(line);
    if text.is_empty() {
        Greeting::Nothing
    } else {
        Greeting::Other(text)
    }
}

/// An SSH version line, `SSH-protoversion-softwareversion SP comments`
/// (RFC 4253 4.2).
pub(crate) fn parse_ssh(line: &[u8]) -> Option<SshDetails> {
    let rest = line.strip_prefix(b"SSH-")?;
    let dash = rest.iter().position(|&b| b == b'-')?;
    let protocol = printable(&rest[..dash]);
    if !matches!(protocol.as_str(), "2.0" | "1.99" | "1.5") {
        return None;
    }
    let after = &rest[dash + 1..];
    let (software, comment) = match after.iter().position(|&b| b == b' ') {
        Some(sp) => (&after[..sp], Some(printable(&after[sp + 1..]))),
        None => (after, None),
    };
    let software = printable(software);
    if software.is_empty() {
        return None;
    }
    Some(SshDetails {
        protocol,
        software,
        comment: comment.filter(|c| !c.is_empty()),
    })
}

/// An FTP greeting line: a reply code a server may greet with (RFC 959
/// 5.4: 120, 220, 421), then text. Without `expected`, only a line that
/// names FTP and not SMTP.
pub(crate) fn parse_ftp(line: &[u8], expected: bool) -> Option<FtpDetails> {
    let [a, b, c, sep, ..] = *line else {
        return None;
    };
    if ![a, b, c].iter().all(u8::is_ascii_digit) || !matches!(sep, b' ' | b'-') {
        return None;
    }
    let code = u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0');
    if !matches!(code, 120 | 220 | 421) {
        return None;
    }
    let text = printable(&line[4..]);
    let lower = text.to_ascii_lowercase();
    let says_ftp = lower.contains("ftp");
    if lower.contains("smtp") || !(says_ftp || expected) {
        return None;
    }
    Some(FtpDetails {
        code,
        text: text.chars().take(MAX_TEXT).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_lines() {
        let s = parse_ssh(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r").expect("ssh");
        assert_eq!(s.protocol, "2.0");
        assert_eq!(s.software, "OpenSSH_9.2p1");
        assert_eq!(s.comment.as_deref(), Some("Debian-2+deb12u3"));
        let bare = parse_ssh(b"SSH-1.99-Cisco-1.25").expect("ssh");
        assert_eq!((bare.software.as_str(), bare.comment), ("Cisco-1.25", None));
        assert_eq!(parse_ssh(b"SSH-3.0-x"), None);
        assert_eq!(parse_ssh(b"SSH-2.0-"), None);
        assert_eq!(parse_ssh(b"220 SSH-2.0-x"), None);
    }

    #[test]
    fn ftp_and_smtp_greetings() {
        let vsftpd = parse_ftp(b"220 (vsFTPd 3.0.3)\r", false).expect("ftp");
        assert_eq!((vsftpd.code, vsftpd.text.as_str()), (220, "(vsFTPd 3.0.3)"));
        assert_eq!(parse_ftp(b"220 mail.example ESMTP Postfix", true), None);
        assert_eq!(parse_ftp(b"220 Welcome", false), None);
        assert_eq!(parse_ftp(b"220 Welcome", true).map(|f| f.code), Some(220));
        assert_eq!(
            parse_ftp(b"421-Too many connections", true).map(|f| f.code),
            Some(421)
        );
        assert_eq!(parse_ftp(b"230 ftp logged in", true), None);
        assert_eq!(parse_ftp(b"22", true), None);
    }

    #[test]
    fn classify_by_first_bytes() {
        let ssh = b"SSH-2.0-OpenSSH_9.2p1\r\n";
        assert!(complete(ssh));
        assert!(matches!(classify(ssh, Service::Http), Greeting::Ssh(_)));
        let ftp = b"220 ProFTPD Server (Debian)\r\n";
        assert!(matches!(classify(ftp, Service::Http), Greeting::Ftp(_)));
        let smtp = b"220 mx ESMTP\r\n";
        let other = classify(smtp, Service::Ftp);
        assert_eq!(other, Greeting::Other("220 mx ESMTP".into()));
        assert!(!complete(b"SSH-2.0-Open"));
        assert!(!complete(b"RFB 003.0"));
        assert!(complete(b"RFB 003.008\n"));
        assert!(matches!(
            classify(b"RFB 003.008\n", Service::Http),
            Greeting::Vnc(_)
        ));
        assert!(complete(&[0xff, 0xfd, 0x18]));
        assert!(matches!(
            classify(&[0xff, 0xfd, 0x18], Service::Http),
            Greeting::Telnet(_)
        ));
        assert_eq!(classify(&[0, 1, 2], Service::Http), Greeting::Nothing);
    }
}
