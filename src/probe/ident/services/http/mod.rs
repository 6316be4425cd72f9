//! HTTP: what a web server says of itself in its answer to `GET /`. Pure
//! functions over the bytes read so far; the conversation decides when to
//! stop reading (delimiter, byte cap or deadline) by asking a
//! [`ResponseProgress`] as bytes arrive ([`response_complete`] asks the
//! same of a whole buffer). The request goes out over plain TCP
//! (`conversation`, after the greeting wait of the greeting services) or
//! over TLS (the TLS service's conversation).
//!
//! Recognising an administration interface is a list of product signatures
//! in titles, `Server` headers and pages: routers and NAS systems whose
//! login page on the internet is an invitation to guess passwords.

/// Bytes of an HTTP answer the probe reads: the head and enough of the page
/// to find its title.
pub const MAX_RESPONSE: usize = 16 * 1024;

use std::net::SocketAddr;

pub use crate::probe::ident::progress::ResponseProgress;
use crate::probe::ident::text::{MAX_TEXT, clip, printable};

pub(crate) mod conversation;
pub mod exchange;
use crate::api::{ExchangeDetails, HttpDetails};

/// The `Host` header value for a service at `addr` (IPv6 in brackets).
pub fn host_header(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
    }
}

/// The request the probe sends: one `GET /`, no compression, no keep-alive.
pub fn request(host: &str) -> Vec<u8> {
    format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: portcheck (self-test of this connection)\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

/// What an HTTP answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The `Server` header.
    pub server: Option<String>,
    /// The page's `<title>`.
    pub title: Option<String>,
    /// The router or device admin interface the answer names, if any.
    pub admin_interface: Option<String>,
    /// Exchange's web access, if the answer shows it ([`exchange`]).
    pub exchange: Option<ExchangeDetails>,
}

impl From<Response> for HttpDetails {
    fn from(r: Response) -> Self {
        HttpDetails {
            status: r.status,
            server: r.server,
            title: r.title,
            admin_interface: r.admin_interface,
            exchange: r.exchange,
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether the answer read so far holds everything the probe wants: the
/// head, and either a closed title or the end of the page's `<head>`.
pub fn response_complete(buf: &[u8]) -> bool {
    ResponseProgress::default().complete(buf)
}

/// Parse an HTTP answer read so far (complete or cut off by a limit).
/// `None` when it does not start with an HTTP status line.
pub fn parse_response(buf: &[u8]) -> Option<Response> {
    let line_end = find(buf, b"\n").unwrap_or(buf.len());
    let line = std::str::from_utf8(&buf[..line_end]).ok()?.trim_end();
    let rest = line.strip_prefix("HTTP/")?;
    let mut parts = rest.split_ascii_whitespace();
    let version = parts.next()?;
    if !matches!(version, "1.0" | "1.1" | "2" | "2.0") {
        return None;
    }
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    let status: u16 = code.parse().ok()?;
    if !(100..=599).contains(&status) {
        return None;
    }
    let head_end = ResponseProgress::body_start(buf).unwrap_or(buf.len());
    let head = &buf[line_end.min(head_end)..head_end];
    let header = |name: &[u8]| {
        head.split(|&b| b == b'\n').find_map(|l| {
            let colon = l.iter().position(|&b| b == b':')?;
            l[..colon]
                .trim_ascii()
                .eq_ignore_ascii_case(name)
                .then(|| l[colon + 1..].trim_ascii())
                .filter(|v| !v.is_empty())
        })
    };
    let server = head
        .split(|&b| b == b'\n')
        .filter_map(|l| {
            let colon = l.iter().position(|&b| b == b':')?;
            l[..colon]
                .trim_ascii()
                .eq_ignore_ascii_case(b"server")
                .then(|| printable(&l[colon + 1..]))
        })
        .find(|s| !s.is_empty());
    let exchange = exchange::recognise(header(b"x-owa-version"), header(b"location"));
    let body = &buf[head_end..];
    let title = title_of(body);
    let admin_interface = recognise_admin(title.as_deref(), server.as_deref(), body);
    Some(Response {
        status,
        server,
        title,
        admin_interface,
        exchange,
    })
}

/// The text of the first `<title>` element, whitespace collapsed.
pub(crate) fn title_of(body: &[u8]) -> Option<String> {
    let start = find_ci(body, b"<title")?;
    let after = &body[start..];
    let open_end = after.iter().position(|&b| b == b'>')? + 1;
    let inner = &after[open_end..];
    let close = find_ci(inner, b"</title").unwrap_or(inner.len());
    let text = decode_entities(&String::from_utf8_lossy(&inner[..close]));
    let words: Vec<&str> = text.split_whitespace().collect();
    let t = clip(&words.join(" "), MAX_TEXT);
    (!t.is_empty()).then_some(t)
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

/// Router, NAS and server administration interfaces, by the words their
/// login pages show in the title, the `Server` header or the page itself.
/// Each entry: the name reported and its lower-case signatures.
const ADMIN_SIGNATURES: &[(&str, &[&str])] = &[
    ("FRITZ!Box", &["fritz!box", "fritz!os", "avm fritz"]),
    ("Digitalisierungsbox", &["digitalisierungsbox"]),
    ("bintec elmeg", &["bintec", "be.ip", "elmeg"]),
    ("Speedport", &["speedport"]),
    ("LANCOM", &["lancom"]),
    ("Synology DSM", &["synology", "diskstation"]),
    ("QNAP", &["qnap", "qts login"]),
    ("Zyxel", &["zyxel"]),
    ("TP-Link", &["tp-link", "tplink"]),
    ("MikroTik RouterOS", &["routeros", "mikrotik"]),
    ("OpenWrt LuCI", &["- luci", "openwrt"]),
    ("pfSense", &["pfsense"]),
    ("OPNsense", &["opnsense"]),
    ("Sophos", &["sophos"]),
    ("FortiGate", &["fortigate", "fortinet"]),
    ("Ubiquiti UniFi", &["unifi os", "unifi network", "ubiquiti"]),
    ("DrayTek Vigor", &["draytek", "vigor router"]),
    ("Securepoint", &["securepoint"]),
    ("Windows Admin Center", &["windows admin center"]),
    ("Webmin", &["webmin"]),
    ("Proxmox VE", &["proxmox"]),
    ("VMware ESXi", &["vmware esxi", "vsphere"]),
    (
        "HPE iLO",
        &["ilo 4", "ilo 5", "ilo 6", "integrated lights-out"],
    ),
    ("Dell iDRAC", &["idrac"]),
    ("phpMyAdmin", &["phpmyadmin"]),
];

/// Name of the administration interface a page belongs to, if recognised.
/// Titles and `Server` headers are trusted more than the page: in the body
/// only a signature next to a password field counts (a shop selling a
/// FRITZ!Box is not a FRITZ!Box).
pub(crate) fn recognise_admin(
    title: Option<&str>,
    server: Option<&str>,
    body: &[u8],
) -> Option<String> {
    let lower = |s: Option<&str>| s.unwrap_or("").to_ascii_lowercase();
    let (t, s) = (lower(title), lower(server));
    let page = String::from_utf8_lossy(body).to_ascii_lowercase();
    let has_password_field = page.contains("type=\"password\"")
        || page.contains("type='password'")
        || page.contains("type=password");
    ADMIN_SIGNATURES
        .iter()
        .find(|(_, sigs)| {
            sigs.iter().any(|sig| {
                t.contains(sig) || s.contains(sig) || (has_password_field && page.contains(sig))
            })
        })
        .map(|(name, _)| (*name).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Status, `Server`, title and recognised admin interface of an answer.
    fn read(raw: &[u8]) -> (u16, Option<String>, Option<String>, Option<String>) {
        let r = parse_response(raw).expect("an HTTP answer");
        (r.status, r.server, r.title, r.admin_interface)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn answers_and_what_they_say() {
        let fritzbox = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><title>FRITZ!Box</title></head>";
        assert_eq!(
            read(fritzbox),
            (200, None, some("FRITZ!Box"), some("FRITZ!Box"))
        );
        let nginx = b"HTTP/1.0 404 Not Found\nserver:  nginx/1.24 \n\n<TITLE>\n  Praxis  Dr.\tMuster &amp; Partner </TITLE>";
        let title = some("Praxis Dr. Muster & Partner");
        assert_eq!(read(nginx), (404, some("nginx/1.24"), title, None));
        // Cut-off answers still parse.
        let cut = b"HTTP/1.1 302 Found\r\nServer: x";
        assert_eq!(read(cut), (302, some("x"), None, None));
        let open_title = b"HTTP/1.1 200 OK\r\n\r\n<title>never closed";
        assert_eq!(read(open_title).2, some("never closed"));
    }

    #[test]
    fn body_signature_needs_a_password_field() {
        let shop = b"HTTP/1.1 200 OK\r\n\r\n<title>Shop</title><p>Buy a FRITZ!Box 7590</p>";
        assert_eq!(parse_response(shop).unwrap().admin_interface, None);
        let login = b"HTTP/1.1 200 OK\r\n\r\n<title>Login</title><img alt=Synology><input type=\"password\">";
        assert_eq!(
            parse_response(login).unwrap().admin_interface.as_deref(),
            Some("Synology DSM")
        );
        assert_eq!(
            recognise_admin(None, Some("Speedport Smart 4"), b"").as_deref(),
            Some("Speedport")
        );
    }

    #[test]
    fn outlook_on_the_web() {
        let owa = b"HTTP/1.1 302 Found\r\nLocation: https://mail.praxis.example/owa/\r\nX-OWA-Version: 15.2.1748.10\r\nServer: Microsoft-IIS/10.0\r\n\r\n";
        let details = HttpDetails::from(parse_response(owa).expect("http"));
        let exchange = details.exchange.expect("exchange");
        assert_eq!(exchange.build.as_deref(), Some("15.2.1748.10"));
        assert_eq!(exchange.product.as_deref(), Some("Exchange Server 2019"));
        assert_eq!(exchange.support, crate::api::ExchangeSupport::Ended);
        let redirect = b"HTTP/1.1 302 Found\r\nlocation: /owa/\r\n\r\n";
        assert!(parse_response(redirect).unwrap().exchange.is_some());
        // Headers in the body do not count.
        let body = b"HTTP/1.1 200 OK\r\n\r\nX-OWA-Version: 15.1.1.1\r\n";
        assert_eq!(parse_response(body).unwrap().exchange, None);
    }

    #[test]
    fn not_http() {
        assert_eq!(parse_response(b"SSH-2.0-OpenSSH_9.2\r\n"), None);
        assert_eq!(parse_response(b"HTTP/1.1 2000 OK\r\n\r\n"), None);
        assert_eq!(parse_response(b"HTTP/9 200 OK\r\n\r\n"), None);
        assert_eq!(parse_response(b"HTTP/1.1 099 x\r\n\r\n"), None);
        assert_eq!(parse_response(b"\xff\xfe"), None);
        assert_eq!(parse_response(b""), None);
    }

    #[test]
    fn completeness() {
        assert!(!response_complete(b"HTTP/1.1 200 OK\r\n"));
        assert!(!response_complete(b"HTTP/1.1 200 OK\r\n\r\n<html><ti"));
        assert!(response_complete(
            b"HTTP/1.1 200 OK\r\n\r\n<title>x</title>"
        ));
        assert!(response_complete(b"HTTP/1.1 200 OK\r\n\r\n<html><body>"));
    }

    #[test]
    fn the_request_names_the_host() {
        assert!(request("198.51.100.7").starts_with(b"GET / HTTP/1.1\r\nHost: 198.51.100.7\r\n"));
    }
}
