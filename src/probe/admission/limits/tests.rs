//! The rate limit against floods: per /64 for IPv6, burst then refill,
//! a full table that keeps known visitors and locks nobody out, and a
//! flood from one site that changes nothing for any other site.

use super::*;

const S: u64 = 1_000_000_000;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// The rate-limit key of an address: IPv4 as is, IPv6 by its /64.
fn limit_prefix(ip: IpAddr) -> IpAddr {
    network(ip, NetworkLevel::Host).prefix
}

/// A table with explicit time, and the key maker of a running limiter.
struct Lab {
    book: RateBook,
    keys: RateLimit,
}

impl Lab {
    fn new(burst: u32, refill_s: u64, table: usize) -> Self {
        let settings = RateSettings {
            burst,
            refill: Duration::from_secs(refill_s),
            table_size: table,
        };
        Lab {
            book: RateBook::new(settings),
            keys: RateLimit::new(settings),
        }
    }

    fn check(&mut self, ip: IpAddr, now_s: u64) -> Result<(), Refused> {
        let keys = self.keys.keys(ip);
        self.book.check(keys, now_s * S)
    }
}

fn v6(site: u16, subnet: u16, host: u16) -> IpAddr {
    IpAddr::V6(std::net::Ipv6Addr::new(
        0x2001, 0xdb8, site, subnet, 0, 0, 0, host,
    ))
}

#[test]
fn ipv6_is_limited_per_64() {
    assert_eq!(
        limit_prefix(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
        ip("2001:db8:1:2::")
    );
    assert_eq!(limit_prefix(ip("::ffff:198.51.100.7")), ip("198.51.100.7"));
    assert_eq!(limit_prefix(ip("198.51.100.7")), ip("198.51.100.7"));
}

#[test]
fn burst_then_one_per_period() {
    let mut lab = Lab::new(5, 60, 100);
    let a = ip("198.51.100.7");
    for _ in 0..5 {
        assert_eq!(lab.check(a, 0), Ok(()));
    }
    assert_eq!(
        lab.check(a, 0),
        Err(Refused::RateLimited(Duration::from_secs(60)))
    );
    assert_eq!(
        lab.check(a, 1),
        Err(Refused::RateLimited(Duration::from_secs(59)))
    );
    // Others are not affected.
    assert_eq!(lab.check(ip("198.51.100.8"), 1), Ok(()));
    assert_eq!(lab.check(a, 60), Ok(()));
    assert!(matches!(lab.check(a, 60), Err(Refused::RateLimited(_))));
}

#[test]
fn one_ipv6_subscriber_cannot_rotate_addresses() {
    let mut lab = Lab::new(2, 60, 100);
    assert_eq!(lab.check(ip("2001:db8:0:1::1"), 0), Ok(()));
    assert_eq!(lab.check(ip("2001:db8:0:1::2"), 0), Ok(()));
    assert!(matches!(
        lab.check(ip("2001:db8:0:1:ffff::3"), 0),
        Err(Refused::RateLimited(_))
    ));
    assert_eq!(lab.check(ip("2001:db8:0:2::1"), 0), Ok(()));
}

#[test]
fn refilled_entries_are_forgotten() {
    let mut lab = Lab::new(5, 60, 10);
    for i in 0..10u8 {
        assert_eq!(lab.check(IpAddr::from([198, 51, i, 1]), 0), Ok(()));
    }
    // One scan each: refilled after one period.
    lab.book.forget_refilled(59 * S);
    assert_eq!(lab.book.len(), 10);
    lab.book.forget_refilled(60 * S);
    assert!(lab.book.is_empty());
}

/// A table of 64 that knows one visitor (one scan used of 3), then a flood
/// of three scans from each of `flood`.
fn visitor_then_flood(flood: impl Iterator<Item = IpAddr>) -> (Lab, IpAddr) {
    let mut lab = Lab::new(3, 60, 64);
    let visitor = ip("203.0.113.9");
    assert_eq!(lab.check(visitor, 0), Ok(()));
    for a in flood {
        for _ in 0..3 {
            let _ = lab.check(a, 1);
        }
    }
    assert!(lab.book.len() <= 64, "memory stays bounded");
    (lab, visitor)
}

#[test]
fn a_full_table_keeps_a_known_visitor_s_allowance() {
    // 10,000 /64s of one /48 fill the table.
    let (mut lab, visitor) = visitor_then_flood((0..10_000u16).map(|s| v6(7, s, 1)));
    // The visitor still has the two scans left, and no more.
    assert_eq!(lab.check(visitor, 2), Ok(()));
    assert_eq!(lab.check(visitor, 2), Ok(()));
    assert!(matches!(
        lab.check(visitor, 2),
        Err(Refused::RateLimited(_))
    ));
}

#[test]
fn a_flood_from_many_networks_locks_nobody_out() {
    let (mut lab, visitor) = visitor_then_flood((0..2000u16).map(|s| v6(s, 1, 1)));
    // Remembered or (the stalest) forgotten: either way not refused.
    assert_eq!(lab.check(visitor, 2), Ok(()));
    assert_eq!(lab.check(ip("198.51.100.1"), 2), Ok(()), "a newcomer too");
}

#[test]
fn beyond_its_host_cap_a_site_shares_one_allowance() {
    // A table of 128 gives each site 8 hosts of its own (a sixteenth).
    let mut lab = Lab::new(2, 60, 128);
    assert_eq!(lab.book.host_cap(), 8);
    // Eight visitors of other sites, each with one scan used.
    let others: Vec<IpAddr> = (0..8u8).map(|i| IpAddr::from([198, 51, i, 1])).collect();
    for &a in &others {
        assert_eq!(lab.check(a, 0), Ok(()));
    }
    // 100 different /64s of one /48, three scans each: the first 8 have
    // their own burst of 2, the other 92 share one burst of 2.
    let allowed = (0..100u16)
        .flat_map(|subnet| [subnet; 3])
        .filter(|&subnet| lab.check(v6(7, subnet, 1), 1).is_ok())
        .count();
    assert_eq!(allowed, 8 * 2 + 2, "8 hosts' bursts and one for the rest");
    assert_eq!(lab.book.len(), 8 + 8 + 1, "the site holds 9 entries");
    assert!(
        matches!(lab.check(v6(7, 500, 1), 2), Err(Refused::RateLimited(_))),
        "a newcomer of the full site shares its used allowance"
    );
    // The other visitors keep exactly what they had: one scan left each.
    for &a in &others {
        assert_eq!(lab.check(a, 2), Ok(()), "{a}");
        assert!(
            matches!(lab.check(a, 2), Err(Refused::RateLimited(_))),
            "{a}"
        );
    }
}

/// The review's scenario: with a table of 4,000, every /64 of one /48
/// asks for a scan within 15 s. Before, the table went into its coarse
/// mode for everybody, and visitors of an unrelated /24 were counted
/// together at their /24 (the sixth got 429 on its first scan).
#[test]
fn a_flood_from_one_48_coarsens_only_that_48() {
    let mut lab = Lab::new(5, 60, 4000);
    let cap = lab.book.host_cap();
    assert_eq!(cap, 250);
    let mut allowed = 0;
    for subnet in 0..=u16::MAX {
        let at = u64::from(subnet) * 15 * S / 65_536;
        let keys = lab.keys.keys(v6(7, subnet, 1));
        if lab.book.check(keys, at).is_ok() {
            allowed += 1;
        }
    }
    // One scan for each of the site's first 250 /64s, and the shared
    // burst of 5 for the other 65,286.
    assert_eq!(allowed, cap + 5, "the flooding /48 is limited as a site");
    assert_eq!(lab.book.len(), cap + 1);
    assert!(matches!(
        lab.check(v6(7, 60_000, 2), 15),
        Err(Refused::RateLimited(_))
    ));
    // Twenty visitors of an unrelated /24 and twenty /64s of another /48:
    // every first scan is allowed, and each has its own burst.
    for host in 1..=20u8 {
        let a = IpAddr::from([198, 51, 100, host]);
        assert_eq!(lab.check(a, 15), Ok(()), "{a}: first scan");
    }
    for subnet in 1..=20u16 {
        assert_eq!(lab.check(v6(8, subnet, 1), 15), Ok(()), "first scan");
    }
    let a = ip("198.51.100.1");
    for _ in 1..5 {
        assert_eq!(lab.check(a, 15), Ok(()), "its own burst of 5");
    }
    assert!(matches!(lab.check(a, 15), Err(Refused::RateLimited(_))));
}

/// A newcomer is never counted at another site's allowance, even when the
/// table is full: it takes the stalest entry's place with a full burst.
#[test]
fn a_full_table_gives_a_newcomer_a_full_allowance() {
    let mut lab = Lab::new(3, 60, 32);
    assert_eq!(lab.book.host_cap(), 2);
    // 16 sites of 2 hosts each (one scan each): full.
    for site in 0..16u16 {
        for subnet in 0..2u16 {
            assert_eq!(lab.check(v6(site, subnet, 1), 0), Ok(()));
        }
    }
    assert_eq!(lab.book.len(), 32);
    let newcomer = ip("192.0.2.1");
    for _ in 0..3 {
        assert_eq!(lab.check(newcomer, 1), Ok(()));
    }
    assert!(matches!(
        lab.check(newcomer, 1),
        Err(Refused::RateLimited(_))
    ));
    assert_eq!(lab.book.len(), 32);
    assert!(lab.book.sites() <= lab.book.len());
}

#[test]
fn the_stalest_entry_makes_room() {
    let mut lab = Lab::new(1, 60, 2);
    // Two sites, so that neither shares the other's allowance.
    let old = ip("192.0.2.1");
    let recent = ip("203.0.113.2");
    assert_eq!(lab.check(old, 0), Ok(()));
    assert_eq!(lab.check(recent, 30), Ok(()));
    // Full, nothing refilled: a newcomer from another /24 evicts `old`.
    assert_eq!(lab.check(ip("198.51.100.1"), 40), Ok(()));
    assert_eq!(lab.book.len(), 2);
    assert!(
        matches!(lab.check(recent, 40), Err(Refused::RateLimited(_))),
        "the recent visitor is still remembered"
    );
    assert_eq!(lab.check(old, 40), Ok(()), "forgotten: a fresh allowance");
}

#[test]
fn flood_from_many_addresses_stays_bounded() {
    let mut lab = Lab::new(5, 60, 1000);
    for i in 0..50_000u32 {
        let a = IpAddr::V6(((0x2001_0db8u128 << 96) | (u128::from(i) << 64)).into());
        let _ = lab.check(a, 0);
    }
    assert!(lab.book.len() <= 1000);
    // The same from 50,000 /48s: the stalest make room.
    for i in 0..50_000u32 {
        let a = IpAddr::V6(((0x2001_0000u128 << 96) | (u128::from(i) << 80)).into());
        let _ = lab.check(a, 1);
    }
    assert_eq!(lab.book.len(), 1000);
    assert!(lab.book.sites() <= 1000);
}

#[test]
fn retry_after_rounds_up() {
    assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
    assert_eq!(retry_after_secs(Duration::ZERO), 1);
    assert_eq!(retry_after_secs(Duration::from_millis(59_001)), 60);
    assert_eq!(retry_after_secs(Duration::from_secs(60)), 60);
}

mod isolation {
    use proptest::prelude::*;

    use super::*;

    /// One request: from the flooding site (any host) or from the visitor's
    /// site (one of four hosts), some seconds after the one before.
    #[derive(Debug, Clone)]
    enum Ask {
        Flood { host: u16, after_s: u8 },
        Visitor { host: u8, after_s: u8 },
    }

    fn ask() -> impl Strategy<Value = Ask> {
        prop_oneof![
            3 => (any::<u16>(), 0..3u8).prop_map(|(host, after_s)| Ask::Flood { host, after_s }),
            1 => (0..4u8, 0..5u8).prop_map(|(host, after_s)| Ask::Visitor { host, after_s }),
        ]
    }

    /// The flooding site: a /48 or a /24.
    fn flooder(v4: bool, host: u16) -> IpAddr {
        if v4 {
            IpAddr::from([203, 0, 113, host.to_be_bytes()[1]])
        } else {
            v6(7, host, 1)
        }
    }

    /// The visitor's site: a /24 or a /48.
    fn visitor(v4: bool, host: u8) -> IpAddr {
        if v4 {
            IpAddr::from([198, 51, 100, host])
        } else {
            v6(8, u16::from(host), 1)
        }
    }

    /// The decisions for the visitor's requests, with or without the
    /// flood's requests in between.
    fn decisions(
        asks: &[Ask],
        with_flood: bool,
        (burst, refill_s): (u32, u64),
        (flood_v4, visitor_v4): (bool, bool),
    ) -> Vec<Result<(), Refused>> {
        // 64 entries: the flooding site takes at most 4 + 1, the visitor's
        // site at most 4 + 1: within the table's bound.
        let mut lab = Lab::new(burst, refill_s, 64);
        let mut now = 0;
        let mut seen = Vec::new();
        for a in asks {
            match *a {
                Ask::Flood { host, after_s } => {
                    now += u64::from(after_s);
                    if with_flood {
                        let _ = lab.check(flooder(flood_v4, host), now);
                    }
                }
                Ask::Visitor { host, after_s } => {
                    now += u64::from(after_s);
                    seen.push(lab.check(visitor(visitor_v4, host), now));
                }
            }
        }
        seen
    }

    proptest! {
        #[test]
        fn no_site_changes_another_site_s_decisions(
            asks in proptest::collection::vec(ask(), 1..400),
            burst in 1..6u32,
            refill_s in 10..120u64,
            families in any::<(bool, bool)>(),
        ) {
            prop_assert_eq!(
                decisions(&asks, true, (burst, refill_s), families),
                decisions(&asks, false, (burst, refill_s), families)
            );
        }
    }
}
