//! Which addresses the probe may check.
//!
//! The probe only ever checks the address a request came from, but even that
//! address must be a public one: a request arriving from a private, loopback
//! or otherwise special address would make the probe connect into its own
//! networks. Such targets are refused with a reason, unless the operator put
//! them on the allow list (the lab uses that) or, for loopback, allowed it
//! with `--allow-loopback` (a laptop checking itself).
//!
//! Loopback is never allowed by itself, not even when the probe listens on
//! loopback: a relay in front of it that writes no forwarding header (a
//! plain `proxy_pass`, socat, any TCP forwarder) makes every visitor arrive
//! from 127.0.0.1, and the probe would show them its own host's ports.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// Turn IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what a dual-stack socket reports
/// for IPv4 peers) into plain IPv4, so policy and rate limits see one form.
pub(crate) fn normalise(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// A refused target and the reason, phrased for the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotAllowed {
    /// Name of the special-purpose range the address belongs to.
    pub range: &'static str,
    /// For an IPv6 form that carries an IPv4 address (NAT64, 6to4, …): the
    /// non-global IPv4 range of the address it carries.
    pub embedded: Option<&'static str>,
}

impl NotAllowed {
    pub(crate) fn message(&self) -> String {
        let what = match self.embedded {
            Some(v4) => format!("{} address carrying a {v4}", self.range),
            None => self.range.to_owned(),
        };
        format!(
            "This request comes from a {what} address, which is not reachable from the internet, so there is nothing to check. Open the page from the connection you want to check."
        )
    }
}

/// The operator's target policy: global addresses, plus the allow list.
#[derive(Debug, Clone, Default)]
pub(crate) struct TargetPolicy {
    allow: Vec<IpNet>,
    /// `--allow-loopback`: loopback is on the allow list.
    loopback: bool,
}

impl TargetPolicy {
    /// `allow` is the operator's `--allow-target` list; `loopback` adds
    /// 127.0.0.0/8 and ::1 to it (`--allow-loopback`; IPv4-mapped forms
    /// are normalised to IPv4 before the check).
    pub(crate) fn new(mut allow: Vec<IpNet>, loopback: bool) -> Self {
        if loopback {
            allow.extend(loopback_nets());
        }
        TargetPolicy { allow, loopback }
    }

    /// Whether the operator allowed loopback with `--allow-loopback`.
    pub(crate) fn allows_loopback(&self) -> bool {
        self.loopback
    }

    pub(crate) fn check(&self, ip: IpAddr) -> Result<(), NotAllowed> {
        let ip = normalise(ip);
        if self.allow.iter().any(|net| net.contains(&ip)) {
            return Ok(());
        }
        match refusal(ip) {
            Some(refused) => Err(refused),
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
pub(crate) fn special_purpose(ip: IpAddr) -> Option<&'static str> {
    match normalise(ip) {
        IpAddr::V4(v4) => special_v4(v4),
        IpAddr::V6(v6) => special_v6(v6),
    }
}

/// Why `ip` may not be checked: its own range, or the range of a non-global
/// IPv4 address an IPv6 form carries (a NAT64 front end or a trusted proxy
/// can present one).
fn refusal(ip: IpAddr) -> Option<NotAllowed> {
    if let Some(range) = special_purpose(ip) {
        return Some(NotAllowed {
            range,
            embedded: None,
        });
    }
    let IpAddr::V6(v6) = normalise(ip) else {
        return None;
    };
    let (range, v4) = embedded_v4(v6)?;
    special_v4(v4).map(|v4_range| NotAllowed {
        range,
        embedded: Some(v4_range),
    })
}

/// IPv6 forms that carry an IPv4 address: prefix, prefix length, name, and
/// how far from the right the 32 bits of the IPv4 address sit.
#[rustfmt::skip]
const EMBEDDINGS: &[(u128, u8, &str, u32)] = &[
    (0, 96, "IPv4-compatible (::/96)", 0),
    (0xffff << 48, 96, "SIIT IPv4-translated (::ffff:0:0:0/96)", 0),
    (0x0064_ff9b << 96, 96, "NAT64 (64:ff9b::/96)", 0),
    (0x2002 << 112, 16, "6to4 (2002::/16)", 80),
];

/// The IPv6 form `ip` belongs to and the IPv4 address it carries.
pub(crate) fn embedded_v4(ip: Ipv6Addr) -> Option<(&'static str, Ipv4Addr)> {
    let bits = u128::from(ip);
    EMBEDDINGS.iter().find_map(|(net, len, name, shift)| {
        let v4 = Ipv4Addr::from((bits >> shift) as u32);
        in_v6_net(bits, *net, *len).then_some((*name, v4))
    })
}

fn in_v6_net(bits: u128, net: u128, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    bits & mask == net & mask
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
        (0x5f00 << 112, 16, "SRv6 segment identifiers (5f00::/16)"),
        (0xfc00 << 112, 7, "unique local (fc00::/7)"),
        (0xfe80 << 112, 10, "link-local (fe80::/10)"),
        (0xfec0 << 112, 10, "site-local (fec0::/10)"),
        (0xff00 << 112, 8, "multicast (ff00::/8)"),
    ];
    let bits = u128::from(ip);
    TABLE
        .iter()
        .find_map(|(net, len, name)| in_v6_net(bits, *net, *len).then_some(*name))
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
        let p = TargetPolicy::new(vec![], false);
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
            "2002:808:808::1",
            "64:ff9b::808:808",
            "::ffff:8.8.8.8",
            "::ffff:0:808:808",
            "::808:808",
            "5eff:ffff::1",
            "5f01::1",
        ] {
            assert_eq!(p.check(ip(a)), Ok(()), "{a}");
        }
    }

    #[test]
    fn special_addresses_are_refused_with_their_range() {
        let p = TargetPolicy::new(vec![], false);
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
            ("5f00::1", "SRv6"),
            ("5f00:ffff:ffff::1", "SRv6"),
        ];
        for (a, want) in cases {
            let err = p.check(ip(a)).expect_err(a);
            assert!(err.range.contains(want), "{a}: {}", err.range);
            assert!(err.message().contains(want), "{a}");
        }
    }

    /// Each IPv6 form that carries an IPv4 address, with the IPv4 address
    /// 127.0.0.1, 10.1.2.3 and 169.254.9.9 in it, is refused and named.
    #[test]
    fn ipv6_forms_carrying_a_non_global_ipv4_address_are_refused() {
        let p = TargetPolicy::new(vec![], false);
        let carried = [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("169.254.9.9", "link-local"),
        ];
        let forms = [
            ("::", "IPv4-compatible"),
            ("::ffff:0:", "SIIT"),
            ("64:ff9b::", "NAT64"),
        ];
        let mut cases: Vec<(String, &str, &str)> = forms
            .iter()
            .flat_map(|(prefix, form)| {
                carried.map(|(v4, range)| (format!("{prefix}{v4}"), *form, range))
            })
            .collect();
        // 6to4 carries the IPv4 address in its second and third groups.
        for (a, range) in [
            ("2002:7f00:1::1", "loopback"),
            ("2002:a01:203:4::5", "private"),
            ("2002:a9fe:909:ffff::", "link-local"),
        ] {
            cases.push((a.to_owned(), "6to4", range));
        }
        for (a, form, v4) in cases {
            let err = p.check(ip(&a)).expect_err(&a);
            assert!(err.range.contains(form), "{a}: {}", err.range);
            assert!(err.embedded.is_some_and(|r| r.contains(v4)), "{a}: {err:?}");
            let message = err.message();
            assert!(
                message.contains(form) && message.contains(v4),
                "{a}: {message}"
            );
        }
    }

    fn embed(form: usize, v4: Ipv4Addr) -> IpAddr {
        let (net, _, _, shift) = EMBEDDINGS[form];
        IpAddr::V6(Ipv6Addr::from(net | u128::from(u32::from(v4)) << shift))
    }

    proptest::proptest! {
        #[test]
        fn every_embedding_refuses_every_non_global_ipv4_address(
            form in 0..EMBEDDINGS.len(),
            v4 in proptest::prelude::any::<u32>(),
        ) {
            let v4 = Ipv4Addr::from(v4);
            let p = TargetPolicy::new(vec![], false);
            let addr = embed(form, v4);
            let (name, carried) = match addr {
                IpAddr::V6(v6) => embedded_v4(v6).expect("an embedding"),
                IpAddr::V4(_) => unreachable!("embed makes IPv6"),
            };
            proptest::prop_assert_eq!(carried, v4);
            proptest::prop_assert_eq!(name, EMBEDDINGS[form].2);
            if special_v4(v4).is_some() {
                proptest::prop_assert!(p.check(addr).is_err(), "{}", addr);
            } else if special_purpose(addr).is_none() {
                proptest::prop_assert_eq!(p.check(addr), Ok(()), "{}", addr);
            }
        }

        #[test]
        fn embeddings_of_the_ipv4_special_ranges_are_refused(
            form in 0..EMBEDDINGS.len(),
            host in proptest::prelude::any::<u32>(),
            net in proptest::sample::select(vec![
                ([10, 0, 0, 0], 8), ([127, 0, 0, 0], 8), ([169, 254, 0, 0], 16),
                ([172, 16, 0, 0], 12), ([192, 168, 0, 0], 16), ([100, 64, 0, 0], 10),
                ([0, 0, 0, 0], 8), ([224, 0, 0, 0], 4), ([240, 0, 0, 0], 4),
            ]),
        ) {
            let (prefix, len): ([u8; 4], u32) = net;
            let host_mask = u32::MAX >> len;
            let v4 = Ipv4Addr::from(u32::from_be_bytes(prefix) | (host & host_mask));
            let p = TargetPolicy::new(vec![], false);
            let addr = embed(form, v4);
            proptest::prop_assert!(p.check(addr).is_err(), "{}", addr);
        }
    }

    #[test]
    fn allow_list_overrides() {
        let p = TargetPolicy::new(vec![net("198.51.100.0/24"), net("2001:db8::/32")], false);
        assert_eq!(p.check(ip("198.51.100.20")), Ok(()));
        assert_eq!(p.check(ip("::ffff:198.51.100.20")), Ok(()));
        assert_eq!(p.check(ip("2001:db8:1::5")), Ok(()));
        assert!(p.check(ip("198.51.101.1")).is_ok(), "global stays allowed");
        assert!(p.check(ip("10.0.0.1")).is_err());
        assert!(p.check(ip("127.0.0.1")).is_err(), "no implicit loopback");
    }

    /// Loopback in all its forms is refused unless allowed explicitly.
    #[test]
    fn loopback_is_a_target_only_when_allowed_explicitly() {
        let loopback = [
            "127.0.0.1",
            "127.0.0.2",
            "127.255.255.254",
            "::1",
            "::ffff:127.0.0.1",
        ];
        let refusing = [
            TargetPolicy::new(vec![], false),
            TargetPolicy::default(),
            TargetPolicy::new(vec![net("198.51.100.0/24")], false),
        ];
        for p in &refusing {
            assert!(!p.allows_loopback());
            for a in loopback {
                let err = p.check(ip(a)).expect_err(a);
                assert!(err.range.contains("loopback"), "{a}: {err:?}");
            }
        }
        for p in [
            TargetPolicy::new(vec![], true),
            TargetPolicy::new(vec![net("198.51.100.0/24")], true),
        ] {
            assert!(p.allows_loopback());
            for a in loopback {
                assert_eq!(p.check(ip(a)), Ok(()), "{a}");
            }
            // Loopback only: private and other special ranges stay refused.
            assert!(p.check(ip("192.168.1.1")).is_err());
            assert!(p.check(ip("::2")).is_err());
            assert!(p.check(ip("0.0.0.0")).is_err());
        }
        // An allow list naming loopback allows it too (the lab, tests).
        let p = TargetPolicy::new(vec![net("127.0.0.0/8")], false);
        assert_eq!(p.check(ip("127.0.0.99")), Ok(()));
        assert!(!p.allows_loopback());
    }
}
