//! The kinds of value an option takes that plain types do not check: the
//! listening address, networks and trusted proxies, origins, the accent
//! colour, texts shown on the page, contact URIs and the metrics mode. Each kind has one parser; clap calls it (through `FromStr`)
//! for flags and environment variables and serde for the file, so a value is
//! checked the same way wherever it comes from.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer};

/// An address or CIDR; a bare address is a single-host network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Net(pub IpNet);

fn net(s: &str) -> Result<Net, String> {
    if let Ok(net) = s.parse::<IpNet>() {
        return Ok(Net(net.trunc()));
    }
    s.parse::<IpAddr>()
        .map(|ip| Net(IpNet::from(ip)))
        .map_err(|_| format!("`{s}` is neither an IP address nor a CIDR like 10.0.0.0/8"))
}

/// Where the probe listens: a TCP address, or a Unix socket (`unix:PATH`)
/// that only the reverse proxy can reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    /// A TCP address and port.
    Tcp(SocketAddr),
    /// An absolute path; the socket is created there with mode 0660.
    Unix(PathBuf),
}

impl From<SocketAddr> for Listen {
    fn from(addr: SocketAddr) -> Self {
        Listen::Tcp(addr)
    }
}

impl std::fmt::Display for Listen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Listen::Tcp(addr) => write!(f, "{addr}"),
            Listen::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

fn listen(s: &str) -> Result<Listen, String> {
    match s.strip_prefix("unix:") {
        Some(path) if path.starts_with('/') && path.len() > 1 => {
            Ok(Listen::Unix(PathBuf::from(path)))
        }
        Some(_) => Err(format!(
            "`{s}`: a Unix socket needs an absolute path, like unix:/run/portcheck/http.sock"
        )),
        None => s
            .parse()
            .map(Listen::Tcp)
            .map_err(|e| format!("`{s}`: {e}")),
    }
}

/// A reverse proxy whose forwarding header is believed: a network its
/// requests come from, or `unix`, the connections on the probe's Unix
/// socket (which only the proxy can open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustedProxy {
    /// Requests from this network.
    Net(IpNet),
    /// The connections on the probe's Unix socket.
    Unix,
}

fn trusted_proxy(s: &str) -> Result<TrustedProxy, String> {
    if s == "unix" {
        return Ok(TrustedProxy::Unix);
    }
    net(s)
        .map(|n| TrustedProxy::Net(n.0))
        .map_err(|e| format!("{e}, nor `unix`"))
}

/// A web origin (`https://host[:port]`, no path), normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin(pub String);

fn origin(s: &str) -> Result<Origin, String> {
    let url = url::Url::parse(s).map_err(|e| format!("`{s}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{s}`: an origin must be http:// or https://"));
    }
    if url.host().is_none()
        || url.path() != "/"
        || url.query().is_some()
        || !url.username().is_empty()
    {
        return Err(format!(
            "`{s}`: give only scheme, host and port, like https://portcheck.example"
        ));
    }
    Ok(Origin(url.origin().ascii_serialization()))
}

/// A `#RRGGBB` accent colour that keeps 4.5:1 contrast with white, as
/// lower-case `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accent(pub String);

fn accent(s: &str) -> Result<Accent, String> {
    let hex = s.strip_prefix('#').unwrap_or(s);
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{s}` is not a colour like #1a5fb4"));
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
    let ratio = contrast_with_white([channel(0), channel(2), channel(4)]);
    if ratio < 4.5 {
        return Err(format!(
            "`{s}` has a contrast of {ratio:.2}:1 with white text; WCAG AA needs 4.5:1 (pick a darker colour)"
        ));
    }
    Ok(Accent(format!("#{}", hex.to_ascii_lowercase())))
}

/// WCAG 2.1 contrast ratio of an sRGB colour against white.
pub(crate) fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
    1.05 / (l + 0.05)
}

/// Text shown on the page: one line, no markup characters, at most 200 chars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlainText(pub String);

fn plain_text(s: &str) -> Result<PlainText, String> {
    if s.is_empty()
        || s.chars().count() > 200
        || s.chars().any(|c| c.is_control() || c == '<' || c == '>')
    {
        return Err(format!(
            "`{s}` must be one line of 1 to 200 characters without < or >"
        ));
    }
    Ok(PlainText(s.to_owned()))
}

/// A security contact: a `mailto:`, `https:` or `tel:` URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContactUri(pub String);

fn contact_uri(s: &str) -> Result<ContactUri, String> {
    let url = url::Url::parse(s).map_err(|e| format!("`{s}` is not a URI: {e}"))?;
    match url.scheme() {
        "mailto" | "https" | "tel" => Ok(ContactUri(url.to_string())),
        _ => Err(format!("`{s}`: use a mailto:, https: or tel: URI")),
    }
}

/// Where metrics are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetricsMode {
    /// At `/metrics` on the main listener.
    On,
    /// Not served (the default: on the public listener, counter changes
    /// of a quiet probe would tell an observer individual results).
    #[default]
    Off,
    /// On a listener of their own.
    Listen(SocketAddr),
}

/// `on`, `off` or a socket address.
fn metrics(s: &str) -> Result<MetricsMode, String> {
    match s {
        "on" | "true" | "yes" => Ok(MetricsMode::On),
        "off" | "false" | "no" => Ok(MetricsMode::Off),
        other => other
            .parse()
            .map(MetricsMode::Listen)
            .map_err(|_| format!("`{other}` is not on, off or an address like 127.0.0.1:9090")),
    }
}

/// Each kind read from text by its parser, surrounding white space ignored:
/// `FromStr` for clap, `Deserialize` from a string for the file.
macro_rules! read_by {
    ($($kind:ty => $parse:ident;)+) => {$(
        impl FromStr for $kind {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $parse(s.trim())
            }
        }

        impl<'de> Deserialize<'de> for $kind {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $parse(String::deserialize(d)?.trim()).map_err(serde::de::Error::custom)
            }
        }
    )+};
}

read_by! {
    Listen => listen;
    Net => net;
    TrustedProxy => trusted_proxy;
    Origin => origin;
    Accent => accent;
    PlainText => plain_text;
    ContactUri => contact_uri;
    MetricsMode => metrics;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_and_checked() {
        for (given, normalised) in [
            ("https://Portcheck.Example/", "https://portcheck.example"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443"),
            ("https://example.org:443", "https://example.org"),
        ] {
            assert_eq!(given.parse(), Ok(Origin(normalised.to_owned())));
        }
        for bad in [
            "example.org",
            "ftp://example.org",
            "https://example.org/path",
            "https://example.org/?q",
            "https://u@example.org",
            "javascript:alert(1)",
        ] {
            assert!(bad.parse::<Origin>().is_err(), "{bad}");
        }
    }

    #[test]
    fn accent_colour_must_be_hex_with_aa_contrast() {
        assert_eq!("#1A5FB4".parse(), Ok(Accent("#1a5fb4".to_owned())));
        assert_eq!("005a9c".parse(), Ok(Accent("#005a9c".to_owned())));
        let e = "#ffff00".parse::<Accent>().unwrap_err();
        assert!(e.contains("4.5:1"), "{e}");
        for bad in [
            "red",
            "#12345",
            "#1234567",
            "#12345g",
            "#fff;}body{x:y",
            "url(x)",
        ] {
            assert!(bad.parse::<Accent>().is_err(), "{bad}");
        }
        assert!((contrast_with_white([0, 0, 0]) - 21.0).abs() < 0.01);
        assert!((contrast_with_white([255, 255, 255]) - 1.0).abs() < 0.01);
    }

    #[test]
    fn networks_take_an_address_or_a_cidr() {
        assert_eq!(
            "192.168.1.1".parse::<Net>().unwrap().0,
            "192.168.1.1/32".parse::<IpNet>().unwrap()
        );
        assert_eq!(
            " 10.1.2.3/8".parse::<Net>().unwrap().0,
            "10.0.0.0/8".parse::<IpNet>().unwrap()
        );
        assert_eq!(
            "::1".parse::<Net>().unwrap().0,
            "::1/128".parse::<IpNet>().unwrap()
        );
        for bad in ["nonsense", "10.0.0.0/33", ""] {
            assert!(bad.parse::<Net>().is_err(), "{bad}");
        }
    }

    #[test]
    fn listen_takes_an_address_or_a_unix_socket() {
        assert_eq!(
            "127.0.0.1:8080".parse(),
            Ok(Listen::Tcp("127.0.0.1:8080".parse().unwrap()))
        );
        let unix = "unix:/run/portcheck/http.sock".parse::<Listen>().unwrap();
        assert_eq!(unix, Listen::Unix("/run/portcheck/http.sock".into()));
        assert_eq!(unix.to_string(), "unix:/run/portcheck/http.sock");
        for bad in ["unix:", "unix:relative.sock", "localhost", "/run/x.sock"] {
            assert!(bad.parse::<Listen>().is_err(), "{bad}");
        }
    }

    #[test]
    fn trusted_proxies_are_networks_or_the_unix_socket() {
        assert_eq!("unix".parse(), Ok(TrustedProxy::Unix));
        assert_eq!(
            "127.0.0.1".parse(),
            Ok(TrustedProxy::Net("127.0.0.1/32".parse().unwrap()))
        );
        let e = "unix:/x".parse::<TrustedProxy>().unwrap_err();
        assert!(e.contains("nor `unix`"), "{e}");
    }

    #[test]
    fn page_texts_are_one_line_without_markup() {
        assert_eq!(
            " Zahnärztekammer Beispiel ".parse::<PlainText>().unwrap().0,
            "Zahnärztekammer Beispiel"
        );
        let long = "x".repeat(201);
        for bad in ["<script>", "a\nb", "", "   ", long.as_str()] {
            assert!(bad.parse::<PlainText>().is_err(), "{bad}");
        }
    }

    #[test]
    fn metrics_and_contacts() {
        assert_eq!("off".parse(), Ok(MetricsMode::Off));
        assert_eq!("on".parse(), Ok(MetricsMode::On));
        assert_eq!(
            "127.0.0.1:9090".parse(),
            Ok(MetricsMode::Listen("127.0.0.1:9090".parse().unwrap()))
        );
        assert!("sometimes".parse::<MetricsMode>().is_err());
        assert!("http://insecure.example".parse::<ContactUri>().is_err());
        assert_eq!(
            "mailto:abuse@kammer.example"
                .parse::<ContactUri>()
                .unwrap()
                .0,
            "mailto:abuse@kammer.example"
        );
    }
}
