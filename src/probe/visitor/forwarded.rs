//! Whose address a request comes from: the TCP peer, or — only when that peer
//! is a trusted reverse proxy — the client the proxy names.
//!
//! Forwarding headers are written by whoever sends the request, so they are
//! read only from a trusted peer and only as far as trust reaches: the list is
//! walked from the right (the entry the nearest proxy appended) past trusted
//! proxies, and the first untrusted address is the client. Entries left of it
//! were written by the client itself and are never read.
//!
//! Only one header is read, the one the operator's proxy writes
//! (`X-Forwarded-For` by default). Reading both would let a client send the
//! other one through a proxy that passes it on untouched.
//!
//! A trusted address proves little on a shared host: any local process (or
//! a request forgery in any other application there) can connect from
//! 127.0.0.1. The recommended proof is the Unix socket: the probe listens
//! on `unix:PATH` with mode 0660, so only the proxy's group can connect, and
//! `--trusted-proxy unix` believes the header on that socket only.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use ipnet::IpNet;

use crate::probe::visitor::policy::normalise;

/// Which forwarding header the trusted proxies write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, Caddy, most load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for=proxy1`.
    Forwarded,
}

impl ForwardedHeader {
    pub(crate) fn name(self) -> &'static str {
        match self {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        }
    }
}

/// The other end of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peer {
    /// A TCP peer at this address.
    Ip(IpAddr),
    /// A process on this host that connected to the probe's Unix socket.
    Unix,
}

impl Peer {
    /// The peer as an address: a Unix socket peer is on this host, so it
    /// stands for loopback (and is refused as a target like loopback).
    pub(crate) fn ip(self) -> IpAddr {
        match self {
            Peer::Ip(ip) => normalise(ip),
            Peer::Unix => IpAddr::V4(Ipv4Addr::LOCALHOST),
        }
    }
}

impl From<IpAddr> for Peer {
    fn from(ip: IpAddr) -> Self {
        Peer::Ip(ip)
    }
}

impl From<SocketAddr> for Peer {
    fn from(addr: SocketAddr) -> Self {
        Peer::Ip(addr.ip())
    }
}

/// The operator's trusted proxies.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trust {
    pub proxies: Vec<IpNet>,
    /// The proxy on the Unix socket (`--trusted-proxy unix`).
    pub unix: bool,
    pub header: ForwardedHeader,
}

impl Trust {
    /// Whether `ip` is inside a trusted proxy network (for the hops a
    /// forwarding header names, and TCP peers).
    pub(crate) fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = normalise(ip);
        self.proxies.iter().any(|net| net.contains(&ip))
    }

    /// Whether the peer of a connection is a trusted proxy.
    pub(crate) fn trusts(&self, peer: Peer) -> bool {
        match peer {
            Peer::Ip(ip) => self.is_trusted(ip),
            Peer::Unix => self.unix,
        }
    }

    /// Whether any proxy is trusted at all.
    pub(crate) fn any(&self) -> bool {
        self.unix || !self.proxies.is_empty()
    }
}

/// A trusted proxy sent a forwarding header that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadForwarding(pub &'static str);

/// The client address for a request from `peer` carrying `values` (every line
/// of the configured forwarding header, in order).
pub(crate) fn client_address<'a>(
    peer: impl Into<Peer>,
    values: impl IntoIterator<Item = &'a [u8]>,
    trust: &Trust,
) -> Result<IpAddr, BadForwarding> {
    let peer = peer.into();
    if !trust.trusts(peer) {
        return Ok(peer.ip());
    }
    let peer = peer.ip();
    let mut joined = Vec::new();
    for v in values {
        if !joined.is_empty() {
            joined.push(b',');
        }
        joined.extend_from_slice(v);
    }
    if joined.is_empty() {
        // A trusted proxy's own request (a health check, say).
        return Ok(peer);
    }
    let text = std::str::from_utf8(&joined).map_err(|_| BadForwarding("not UTF-8"))?;
    let parse = match trust.header {
        ForwardedHeader::XForwardedFor => parse_xff_entry,
        ForwardedHeader::Forwarded => parse_forwarded_element,
    };
    let mut current = peer;
    for entry in text.rsplit(',') {
        let hop = normalise(parse(entry)?);
        current = hop;
        if !trust.is_trusted(hop) {
            return Ok(hop);
        }
    }
    // Every hop is a trusted proxy: the request started at the leftmost one.
    Ok(current)
}

/// One `X-Forwarded-For` entry: an address, optionally with a port
/// (`198.51.100.7`, `198.51.100.7:5000`, `2001:db8::1`, `[2001:db8::1]:5000`).
pub(super) fn parse_xff_entry(entry: &str) -> Result<IpAddr, BadForwarding> {
    parse_node(entry.trim()).ok_or(BadForwarding("X-Forwarded-For entry is not an address"))
}

/// One RFC 7239 element (`for=…;proto=…;by=…`): its `for` parameter.
pub(super) fn parse_forwarded_element(element: &str) -> Result<IpAddr, BadForwarding> {
    let mut found = None;
    for pair in element.split(';') {
        let Some((key, value)) = pair.split_once('=') else {
            if pair.trim().is_empty() {
                continue;
            }
            return Err(BadForwarding("Forwarded parameter without a value"));
        };
        if !key.trim().eq_ignore_ascii_case("for") {
            continue;
        }
        if found.is_some() {
            return Err(BadForwarding("Forwarded element with two for= parameters"));
        }
        let value = value.trim();
        let value = match value.strip_prefix('"') {
            Some(rest) => rest
                .strip_suffix('"')
                .ok_or(BadForwarding("unterminated quoted string in Forwarded"))?,
            None => value,
        };
        // `unknown` and obfuscated identifiers (`_hidden`) name no address.
        found = Some(parse_node(value).ok_or(BadForwarding("Forwarded for= is not an address"))?);
    }
    found.ok_or(BadForwarding("Forwarded element without for="))
}

/// An address, a bracketed IPv6 address, or either with a port.
pub(super) fn parse_node(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    // `[2001:db8::1]` without a port.
    s.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|inner| inner.parse::<std::net::Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ForwardedHeader::{Forwarded, XForwardedFor};

    const PROXY: &[&str] = &["10.0.0.0/8", "fd00:1::/48"];

    /// The client found for a request from `peer` with header `lines`, or
    /// `None` for an error; `nets` are the trusted proxies.
    fn found(header: ForwardedHeader, nets: &[&str], peer: &str, lines: &[&str]) -> Option<IpAddr> {
        let trust = Trust {
            proxies: nets.iter().map(|n| n.parse().unwrap()).collect(),
            unix: false,
            header,
        };
        let peer: IpAddr = peer.parse().unwrap();
        client_address(peer, lines.iter().map(|v| v.as_bytes()), &trust).ok()
    }

    /// Every case: header, peer, header lines, the client (`None`: error).
    fn check(cases: &[(ForwardedHeader, &str, &[&str], Option<&str>)]) {
        for &(header, peer, lines, want) in cases {
            let want = want.map(|w| w.parse::<IpAddr>().unwrap());
            assert_eq!(
                found(header, PROXY, peer, lines),
                want,
                "{header:?} {peer} {lines:?}"
            );
        }
    }

    #[test]
    fn untrusted_peers_are_the_client_whatever_they_send() {
        check(&[
            (
                XForwardedFor,
                "192.0.2.10",
                &["198.51.100.7"],
                Some("192.0.2.10"),
            ),
            (
                XForwardedFor,
                "192.0.2.10",
                &["garbage"],
                Some("192.0.2.10"),
            ),
            (
                XForwardedFor,
                "192.0.2.10",
                &["127.0.0.1, 10.0.0.1"],
                Some("192.0.2.10"),
            ),
            // A mapped peer is normalised.
            (XForwardedFor, "::ffff:192.0.2.10", &[], Some("192.0.2.10")),
        ]);
        // No trusted proxies configured at all.
        let none = found(XForwardedFor, &[], "10.0.0.1", &["198.51.100.7"]);
        assert_eq!(none, Some("10.0.0.1".parse().unwrap()));
    }

    #[test]
    fn trusted_proxies_name_the_client() {
        let long = std::iter::repeat_n("10.3.3.3", 200)
            .collect::<Vec<_>>()
            .join(", ");
        let long = format!("192.0.2.10, {long}");
        check(&[
            (
                XForwardedFor,
                "10.0.0.1",
                &["192.0.2.10"],
                Some("192.0.2.10"),
            ),
            (
                XForwardedFor,
                "::ffff:10.0.0.1",
                &["192.0.2.10"],
                Some("192.0.2.10"),
            ),
            // Many hops: walk past the trusted proxies.
            (
                XForwardedFor,
                "10.0.0.1",
                &["198.51.100.7, 192.0.2.10, 10.1.1.1, 10.2.2.2"],
                Some("192.0.2.10"),
            ),
            (XForwardedFor, "10.0.0.1", &[&long], Some("192.0.2.10")),
            // An all-trusted chain ends at its leftmost hop.
            (
                XForwardedFor,
                "10.0.0.1",
                &["10.5.5.5, 10.6.6.6"],
                Some("10.5.5.5"),
            ),
            // A trusted proxy's own request.
            (XForwardedFor, "10.0.0.1", &[], Some("10.0.0.1")),
            (XForwardedFor, "10.0.0.1", &[""], Some("10.0.0.1")),
        ]);
    }

    #[test]
    fn client_prepended_entries_are_not_read() {
        check(&[
            // The client sent "X-Forwarded-For: 198.51.100.7"; nginx appended
            // the real address. The spoofed entry is left of the first
            // untrusted hop.
            (
                XForwardedFor,
                "10.0.0.1",
                &["198.51.100.7, 192.0.2.10"],
                Some("192.0.2.10"),
            ),
            // Even garbage or a trusted-looking address there changes nothing.
            (
                XForwardedFor,
                "10.0.0.1",
                &["not an ip, 10.9.9.9, 192.0.2.10"],
                Some("192.0.2.10"),
            ),
            // A spoofed header line of its own before the proxy's line.
            (
                XForwardedFor,
                "10.0.0.1",
                &["127.0.0.1", "192.0.2.10"],
                Some("192.0.2.10"),
            ),
        ]);
    }

    #[test]
    fn address_forms() {
        for entry in [
            "2001:db8::7",
            "[2001:db8::7]",
            "[2001:db8::7]:5000",
            " 2001:db8::7 ",
        ] {
            check(&[(XForwardedFor, "fd00:1::1", &[entry], Some("2001:db8::7"))]);
        }
        check(&[
            (
                XForwardedFor,
                "10.0.0.1",
                &["::ffff:192.0.2.10"],
                Some("192.0.2.10"),
            ),
            (
                XForwardedFor,
                "10.0.0.1",
                &["192.0.2.10:4711"],
                Some("192.0.2.10"),
            ),
        ]);
    }

    #[test]
    fn unreadable_entries_within_trust_are_errors() {
        let unreadable: [(ForwardedHeader, &[&str]); 2] = [
            (
                XForwardedFor,
                &[
                    " ",
                    "hello",
                    "192.0.2.10, ",
                    "999.1.1.1",
                    "[192.0.2.10]",
                    "192.0.2.10:99999",
                    "unknown",
                ],
            ),
            (
                Forwarded,
                &[
                    "for=unknown",
                    "for=_hidden",
                    "proto=https",
                    "for=\"[2001:db8::1]:80",
                    "for=192.0.2.1;for=192.0.2.2",
                    "for",
                ],
            ),
        ];
        for (header, entries) in unreadable {
            for entry in entries {
                check(&[(header, "10.0.0.1", &[entry], None)]);
            }
        }
        let trust = Trust {
            proxies: vec!["10.0.0.0/8".parse().unwrap()],
            unix: false,
            header: XForwardedFor,
        };
        let not_utf8 = client_address(
            "10.0.0.1".parse::<IpAddr>().unwrap(),
            [&b"\xff\xfe"[..]],
            &trust,
        );
        assert!(not_utf8.is_err());
    }

    #[test]
    fn rfc7239_forwarded() {
        check(&[
            (
                Forwarded,
                "10.0.0.1",
                &["for=192.0.2.10"],
                Some("192.0.2.10"),
            ),
            (
                Forwarded,
                "10.0.0.1",
                &["For=\"[2001:db8:cafe::17]:4711\""],
                Some("2001:db8:cafe::17"),
            ),
            (
                Forwarded,
                "10.0.0.1",
                &["for=198.51.100.7;proto=https, for=192.0.2.10;by=10.0.0.1;proto=http"],
                Some("192.0.2.10"),
            ),
            (
                Forwarded,
                "10.0.0.1",
                &["for=192.0.2.10, for=10.4.4.4"],
                Some("192.0.2.10"),
            ),
        ]);
    }

    /// On the Unix socket the header is believed only with `unix` trusted;
    /// a trusted loopback network trusts no Unix peer, and `unix` trusts no
    /// loopback TCP peer.
    #[test]
    fn the_unix_socket_is_trusted_only_when_declared() {
        let read = |trust: &Trust, peer: Peer| {
            client_address(peer, [&b"192.0.2.10"[..]], trust).expect("readable")
        };
        let unix = Trust {
            unix: true,
            ..Trust::default()
        };
        let loopback = Trust {
            proxies: vec!["127.0.0.1/32".parse().unwrap()],
            ..Trust::default()
        };
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(
            read(&unix, Peer::Unix),
            "192.0.2.10".parse::<IpAddr>().unwrap()
        );
        assert_eq!(read(&unix, Peer::Ip(local)), local);
        assert_eq!(read(&loopback, Peer::Unix), local);
        assert_eq!(read(&Trust::default(), Peer::Unix), local);
        // The proxy's own request on the socket (no header): loopback.
        assert_eq!(client_address(Peer::Unix, [], &unix), Ok(local));
        assert!(unix.any() && loopback.any() && !Trust::default().any());
    }

    #[test]
    fn the_other_header_is_never_read() {
        check(&[
            // With X-Forwarded-For configured, a Forwarded header is simply
            // not passed in; and Forwarded syntax in X-Forwarded-For is an
            // error.
            (XForwardedFor, "10.0.0.1", &["for=198.51.100.7"], None),
            // With Forwarded configured, a bare address list is not Forwarded.
            (Forwarded, "10.0.0.1", &["198.51.100.7"], None),
        ]);
    }
}
