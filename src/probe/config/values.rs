//! The kinds of value an option takes that plain types do not check: networks,
//! origins, the accent colour, texts shown on the page, contact URIs and the
//! metrics mode. Each is parsed by its `FromStr`, which clap calls for flags
//! and environment variables and serde calls for the file, so a value is
//! checked the same way wherever it comes from.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer};

/// An address or CIDR; a bare address is a single-host network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net(pub IpNet);

impl FromStr for Net {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Ok(net) = s.parse::<IpNet>() {
            return Ok(Net(net.trunc()));
        }
        s.parse::<IpAddr>()
            .map(|ip| Net(IpNet::from(ip)))
            .map_err(|_| format!("`{s}` is neither an IP address nor a CIDR like 10.0.0.0/8"))
    }
}

/// A web origin (`https://host[:port]`, no path), normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(pub String);

impl FromStr for Origin {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let url = url::Url::parse(s.trim()).map_err(|e| format!("`{s}` is not a URL: {e}"))?;
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
}

/// A `#RRGGBB` accent colour that keeps 4.5:1 contrast with white, as
/// lower-case `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accent(pub String);

impl FromStr for Accent {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let hex = s.trim().strip_prefix('#').unwrap_or(s.trim());
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
}

/// WCAG 2.1 contrast ratio of an sRGB colour against white.
pub fn contrast_with_white(rgb: [u8; 3]) -> f64 {
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
pub struct PlainText(pub String);

impl FromStr for PlainText {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
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
}

/// A security contact: a `mailto:`, `https:` or `tel:` URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactUri(pub String);

impl FromStr for ContactUri {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let url = url::Url::parse(s).map_err(|e| format!("`{s}` is not a URI: {e}"))?;
        match url.scheme() {
            "mailto" | "https" | "tel" => Ok(ContactUri(url.to_string())),
            _ => Err(format!("`{s}`: use a mailto:, https: or tel: URI")),
        }
    }
}

/// Where metrics are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Metrics {
    /// At `/metrics` on the main listener.
    #[default]
    On,
    Off,
    /// On a listener of their own.
    Listen(SocketAddr),
}

impl FromStr for Metrics {
    type Err = String;
    /// `on`, `off` or a socket address.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "on" | "true" | "yes" => Ok(Metrics::On),
            "off" | "false" | "no" => Ok(Metrics::Off),
            other => other
                .parse()
                .map(Metrics::Listen)
                .map_err(|_| format!("`{other}` is not on, off or an address like 127.0.0.1:9090")),
        }
    }
}

/// The file gives these values as strings, read by the same `FromStr` as
/// flags and environment variables.
macro_rules! deserialize_with_from_str {
    ($($kind:ty),+) => {$(
        impl<'de> Deserialize<'de> for $kind {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }
    )+};
}

deserialize_with_from_str!(Net, Origin, Accent, PlainText, ContactUri, Metrics);

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(s: &str) -> Result<String, String> {
        s.parse::<Origin>().map(|o| o.0)
    }

    fn accent(s: &str) -> Result<String, String> {
        s.parse::<Accent>().map(|a| a.0)
    }

    #[test]
    fn origins_are_normalised_and_checked() {
        assert_eq!(
            origin("https://Portcheck.Example/").unwrap(),
            "https://portcheck.example"
        );
        assert_eq!(
            origin("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            origin("https://[2001:db8::1]:8443").unwrap(),
            "https://[2001:db8::1]:8443"
        );
        assert_eq!(
            origin("https://example.org:443").unwrap(),
            "https://example.org"
        );
        for bad in [
            "example.org",
            "ftp://example.org",
            "https://example.org/path",
            "https://example.org/?q",
            "https://u@example.org",
            "javascript:alert(1)",
        ] {
            assert!(origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn accent_colour_must_be_hex_with_aa_contrast() {
        assert_eq!(accent("#1A5FB4").unwrap(), "#1a5fb4");
        assert_eq!(accent("005a9c").unwrap(), "#005a9c");
        let e = accent("#ffff00").unwrap_err();
        assert!(e.contains("4.5:1"), "{e}");
        for bad in [
            "red",
            "#12345",
            "#1234567",
            "#12345g",
            "#fff;}body{x:y",
            "url(x)",
        ] {
            assert!(accent(bad).is_err(), "{bad}");
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
        assert_eq!("off".parse(), Ok(Metrics::Off));
        assert_eq!("on".parse(), Ok(Metrics::On));
        assert_eq!(
            "127.0.0.1:9090".parse(),
            Ok(Metrics::Listen("127.0.0.1:9090".parse().unwrap()))
        );
        assert!("sometimes".parse::<Metrics>().is_err());
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
