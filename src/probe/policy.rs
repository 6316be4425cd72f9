//! Which addresses the probe may check.
//!
//! The probe only ever checks the address a request came from, but even that
//! address must be a public one: a request arriving from a private, loopback
//! or otherwise special address would make the probe connect into its own
//! networks. Such targets are refused with a reason, unless the operator put
//! them on the allow list (the lab and a laptop use that).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// Turn IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what a dual-stack socket reports
/// for IPv4 peers) into plain IPv4, so policy and rate limits see one form.
pub fn normalise(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// A refused target and the reason, phrased for the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAllowed {
    /// Name of the special-purpose range the address belongs to.
    pub range: &'static str,
}

impl NotAllowed {
    pub fn message(&self) -> String {
        format!(
            "This request comes from a {} address, which is not reachable from the internet, so there is nothing to check. Open the page from the connection you want to check.",
            self.range
        )
    }
}

/// The operator's target policy: global addresses, plus the allow list.
#[derive(Debug, Clone, Default)]
pub struct TargetPolicy {
    allow: Vec<IpNet>,
}

impl TargetPolicy {
    /// `allow` is the operator's `--allow-target` list. When it is empty, the
    /// probe listens on loopback only and no reverse proxy is trusted, loopback
    /// targets are allowed, so that the default `portcheck serve` on a laptop
    /// checks that laptop. Behind a proxy, listening on loopback is the normal
    /// production set-up, and a client address of 127.0.0.1 taken from a
    /// forwarding header must not make the probe scan its own host.
    pub fn new(allow: Vec<IpNet>, listen: IpAddr, behind_proxy: bool) -> Self {
        let allow = if allow.is_empty() && listen.is_loopback() && !behind_proxy {
            loopback_nets()
        } else {
            allow
        };
        TargetPolicy { allow }
    }

    pub fn allow_list(&self) -> &[IpNet] {
        &self.allow
    }

    pub fn check(&self, ip: IpAddr) -> Result<(), NotAllowed> {
        let ip = normalise(ip);
        if self.allow.iter().any(|net| net.contains(&ip)) {
            return Ok(());
        }
        match special_purpose(ip) {
            Some(range) => Err(NotAllowed { range }),
            None => Ok(()),
        }
    }
}

fn loopback_nets() -> Vec<IpNet> {
    vec![
        IpNet::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)), 8).expect("valid prefix"),
        IpNet::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 128).expect("valid prefix"),
    ]
}

/// The non-global range `ip` belongs to, if any (IANA IPv4 and IPv6
/// special-purpose address registries, plus multicast and reserved space).
pub fn special_purpose(ip: IpAddr) -> Option<&'static str> {
    match normalise(ip) {
        IpAddr::V4(v4) => special_v4(v4),
        IpAddr::V6(v6) => special_v6(v6),
    }
}

fn special_v4(ip: Ipv4Addr) -> Option<&'static str> {
    #[rustfmt::skip]
    const TABLE: &[([u8; 4], u8, &str)] = &[
        ([0, 0, 0, 0], 8, "\"this network\" (0.0.0.0/8)"),
        ([10, 0, 0, 0], 8, "private (10.0.0.0/8)"),
        ([100, 64, 0, 0], 10, "carrier-grade NAT shared (100.64.0.0/10)"),
        ([127, 0, 0, 0], 8, "loopback (127.0.0.0/8)"),
        ([169, 254, 0, 0], 16, "link-local (169.254.0.0/16)"),
        ([172, 16, 0, 0], 12, "private (172.16.0.0/12)"),
        ([192, 0, 0, 0], 24, "IETF protocol assignment (192.0.0.0/24)"),
        ([192, 0, 2, 0], 24, "documentation (192.0.2.0/24)"),
        ([192, 88, 99, 0], 24, "6to4 relay anycast (192.88.99.0/24)"),
        ([192, 168, 0, 0], 16, "private (192.168.0.0/16)"),
        ([198, 18, 0, 0], 15, "benchmarking (198.18.0.0/15)"),
        ([198, 51, 100, 0], 24, "documentation (198.51.100.0/24)"),
        ([203, 0, 113, 0], 24, "documentation (203.0.113.0/24)"),
        ([224, 0, 0, 0], 4, "multicast (224.0.0.0/4)"),
        ([240, 0, 0, 0], 4, "reserved or broadcast (240.0.0.0/4)"),
    ];
    let bits = u32::from(ip);
    TABLE.iter().find_map(|(net, len, name)| {
        let mask = u32::MAX.checked_shl(32 - u32::from(*len)).unwrap_or(0);
        (bits & mask == u32::from_be_bytes(*net) & mask).then_some(*name)
    })
}

fn special_v6(ip: Ipv6Addr) -> Option<&'static str> {
    #[rustfmt::skip]
    const TABLE: &[(u128, u8, &str)] = &[
        (0, 128, "unspecified (::)"),
        (1, 128, "loopback (::1)"),
        (0xffff_0000_0000, 96, "IPv4-mapped (::ffff:0:0/96)"),
        (0x0064_ff9b_0001 << 80, 48, "local-use translation (64:ff9b:1::/48)"),
        (0x0100 << 112, 64, "discard-only (100::/64)"),
        (0x2001_0db8 << 96, 32, "documentation (2001:db8::/32)"),
        (0x2001 << 112, 23, "IETF protocol assignment (2001::/23)"),
        (0x3fff << 112, 20, "documentation (3fff::/20)"),
        (0xfc00 << 112, 7, "unique local (fc00::/7)"),
        (0xfe80 << 112, 10, "link-local (fe80::/10)"),
        (0xfec0 << 112, 10, "site-local (fec0::/10)"),
        (0xff00 << 112, 8, "multicast (ff00::/8)"),
    ];
    let bits = u128::from(ip);
    TABLE.iter().find_map(|(net, len, name)| {
        let mask = u128::MAX.checked_shl(128 - u32::from(*len)).unwrap_or(0);
        (bits & mask == net & mask).then_some(*name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn mapped_addresses_are_normalised() {
        assert_eq!(normalise(ip("::ffff:198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(normalise(ip("2001:db8::1")), ip("2001:db8::1"));
        assert_eq!(normalise(ip("192.0.2.1")), ip("192.0.2.1"));
    }

    #[test]
    fn global_addresses_are_allowed() {
        let p = TargetPolicy::new(vec![], ip("0.0.0.0"), false);
        for a in [
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.169.0.1",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "2a00:1450:4001::1",
            "2600::1",
            "2002:c000:204::1",
            "64:ff9b::808:808",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(p.check(ip(a)), Ok(()), "{a}");
        }
    }

    #[test]
    fn special_addresses_are_refused_with_their_range() {
        let p = TargetPolicy::new(vec![], ip("0.0.0.0"), false);
        let cases = [
            ("0.1.2.3", "\"this network\""),
            ("10.1.2.3", "private"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("100.127.255.254", "carrier-grade NAT"),
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("169.254.1.1", "link-local"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.0.0.8", "IETF"),
            ("192.0.2.55", "documentation"),
            ("192.88.99.1", "6to4"),
            ("192.168.178.1", "private"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.9", "documentation"),
            ("224.0.0.251", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("255.255.255.255", "reserved or broadcast"),
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.0.0.1", "private"),
            ("64:ff9b:1::1", "translation"),
            ("100::1", "discard"),
            ("2001:db8::7", "documentation"),
            ("2001::1", "IETF"),
            ("3fff::1", "documentation"),
            ("fd12:3456::1", "unique local"),
            ("fc00::1", "unique local"),
            ("fe80::1", "link-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
        ];
        for (a, want) in cases {
            let err = p.check(ip(a)).expect_err(a);
            assert!(err.range.contains(want), "{a}: {}", err.range);
            assert!(err.message().contains(want), "{a}");
        }
    }

    #[test]
    fn allow_list_overrides() {
        let p = TargetPolicy::new(
            vec![net("198.51.100.0/24"), net("2001:db8::/32")],
            ip("0.0.0.0"),
            false,
        );
        assert_eq!(p.check(ip("198.51.100.20")), Ok(()));
        assert_eq!(p.check(ip("::ffff:198.51.100.20")), Ok(()));
        assert_eq!(p.check(ip("2001:db8:1::5")), Ok(()));
        assert!(p.check(ip("198.51.101.1")).is_ok(), "global stays allowed");
        assert!(p.check(ip("10.0.0.1")).is_err());
        assert!(p.check(ip("127.0.0.1")).is_err(), "no implicit loopback");
    }

    #[test]
    fn loopback_listener_without_allow_list_checks_loopback() {
        for listen in ["127.0.0.1", "::1"] {
            let p = TargetPolicy::new(vec![], ip(listen), false);
            assert_eq!(p.check(ip("127.0.0.2")), Ok(()));
            assert_eq!(p.check(ip("::1")), Ok(()));
            assert_eq!(p.check(ip("::ffff:127.0.0.1")), Ok(()));
            assert!(p.check(ip("192.168.1.1")).is_err());
        }
    }

    #[test]
    fn explicit_allow_list_replaces_the_loopback_default() {
        let p = TargetPolicy::new(vec![net("198.51.100.0/24")], ip("127.0.0.1"), false);
        assert!(p.check(ip("127.0.0.2")).is_err());
        assert_eq!(p.check(ip("198.51.100.1")), Ok(()));
    }

    #[test]
    fn public_listener_never_allows_loopback_by_default() {
        for listen in ["0.0.0.0", "::", "198.51.100.1"] {
            let p = TargetPolicy::new(vec![], ip(listen), false);
            assert!(p.check(ip("127.0.0.1")).is_err(), "{listen}");
        }
    }

    #[test]
    fn loopback_listener_behind_a_proxy_never_allows_loopback_by_default() {
        // The usual production set-up: nginx in front, probe on 127.0.0.1.
        let p = TargetPolicy::new(vec![], ip("127.0.0.1"), true);
        assert!(p.check(ip("127.0.0.99")).is_err());
        assert!(p.check(ip("::1")).is_err());
        // The operator can still allow it explicitly (tests, a lab).
        let p = TargetPolicy::new(vec![net("127.0.0.0/8")], ip("127.0.0.1"), true);
        assert_eq!(p.check(ip("127.0.0.99")), Ok(()));
    }
}
