//! The networks an address belongs to, for sharing limits fairly.
//!
//! One IPv6 subscriber usually holds a whole /64 and often a /48, so a limit
//! per IPv6 address is no limit at all; many IPv4 visitors can share one
//! address behind carrier-grade NAT, and one operator often holds a /24.
//! Every per-visitor limit (connections, scan slots, the rate limiter)
//! therefore counts at two levels: a *host* network (an IPv4 address, an
//! IPv6 /64) and the *site* network around it (an IPv4 /24, an IPv6 /48).
//! A [`Network`] is only a prefix, kept in memory while it is counted.

use std::net::IpAddr;

use crate::probe::visitor::policy::normalise;

/// A network prefix: the address with the bits past `len` cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Network {
    pub prefix: IpAddr,
    pub len: u8,
}

/// The level a network is counted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NetworkLevel {
    /// IPv4 /32, IPv6 /64: one subscriber.
    Host,
    /// IPv4 /24, IPv6 /48: one site or operator.
    Site,
}

impl NetworkLevel {
    fn len(self, ip: IpAddr) -> u8 {
        match (ip, self) {
            (IpAddr::V4(_), NetworkLevel::Host) => 32,
            (IpAddr::V4(_), NetworkLevel::Site) => 24,
            (IpAddr::V6(_), NetworkLevel::Host) => 64,
            (IpAddr::V6(_), NetworkLevel::Site) => 48,
        }
    }
}

/// The network of `ip` at `level` (IPv4-mapped IPv6 counts as IPv4).
pub(crate) fn network(ip: IpAddr, level: NetworkLevel) -> Network {
    let ip = normalise(ip);
    let len = level.len(ip);
    let prefix = match ip {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & mask).into())
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & mask).into())
        }
    };
    Network { prefix, len }
}

/// The host and site networks of `ip`, the two levels limits count at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Networks {
    pub host: Network,
    pub site: Network,
}

impl Networks {
    pub(crate) fn of(ip: IpAddr) -> Self {
        Networks {
            host: network(ip, NetworkLevel::Host),
            site: network(ip, NetworkLevel::Site),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn net(s: &str) -> Network {
        let (p, l) = s.split_once('/').unwrap();
        Network {
            prefix: ip(p),
            len: l.parse().unwrap(),
        }
    }

    #[test]
    fn levels_and_mapped_addresses() {
        let cases = [
            (
                "2001:db8:aaaa:bbcc:1:2:3:4",
                NetworkLevel::Host,
                "2001:db8:aaaa:bbcc::/64",
            ),
            (
                "2001:db8:aaaa:bbcc:1:2:3:4",
                NetworkLevel::Site,
                "2001:db8:aaaa::/48",
            ),
            ("198.51.100.77", NetworkLevel::Host, "198.51.100.77/32"),
            ("198.51.100.77", NetworkLevel::Site, "198.51.100.0/24"),
        ];
        for (a, level, want) in cases {
            assert_eq!(network(ip(a), level), net(want), "{a} at {level:?}");
        }
        let a = ip("198.51.100.77");
        assert_eq!(
            Networks::of(ip("::ffff:198.51.100.77")),
            Networks::of(a),
            "an IPv4-mapped address is the IPv4 address"
        );
    }

    #[test]
    fn same_prefix_different_length_are_different_networks() {
        // 2001:db8:1::/48 and 2001:db8:1::/64 share the prefix address.
        let a = ip("2001:db8:1::1");
        assert_ne!(
            network(a, NetworkLevel::Host),
            network(a, NetworkLevel::Site)
        );
    }

    #[test]
    fn addresses_of_one_64_share_both_networks() {
        let a = Networks::of(ip("2001:db8:1:2::1"));
        let b = Networks::of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        let c = Networks::of(ip("2001:db8:1:3::1"));
        assert_eq!(a, b);
        assert_ne!(a.host, c.host);
        assert_eq!(a.site, c.site);
    }
}
