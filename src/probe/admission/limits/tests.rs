//! The rate limit against floods: per /64 for IPv6, burst then refill,
//! a full table that keeps known visitors and locks nobody out.

use super::*;

const S: u64 = 1_000_000_000;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
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
fn under_pressure_a_flood_from_one_48_shares_one_allowance() {
    let mut lab = Lab::new(2, 60, 8);
    // Fill the table with other visitors, each of whom scanned once.
    for i in 0..8u8 {
        assert_eq!(lab.check(IpAddr::from([198, 51, i, 1]), 0), Ok(()));
    }
    assert_eq!(lab.book.len(), 8);
    // Now 100 different /64s of one /48: counted together.
    let allowed = (0..100u16)
        .filter(|&subnet| lab.check(v6(7, subnet, 1), 1).is_ok())
        .count();
    assert_eq!(allowed, 2, "one burst for the whole /48");
    assert!(lab.book.len() <= 8);
}

#[test]
fn from_three_quarters_full_new_keys_count_per_56() {
    let mut lab = Lab::new(1, 60, 4);
    for i in 0..3u8 {
        assert_eq!(lab.check(IpAddr::from([192, 0, 2, i]), 0), Ok(()));
    }
    // 3 of 4: a new /64 is counted at its /56, which its neighbour shares;
    // full now, another /56 is counted at the /48 and evicts the stalest.
    assert_eq!(lab.check(v6(1, 0x0101, 1), 0), Ok(()));
    assert!(matches!(
        lab.check(v6(1, 0x01ff, 1), 0),
        Err(Refused::RateLimited(_))
    ));
    assert_eq!(lab.check(v6(1, 0x0201, 1), 0), Ok(()));
}

#[test]
fn the_stalest_entry_makes_room() {
    let mut lab = Lab::new(1, 60, 2);
    let old = ip("192.0.2.1");
    let recent = ip("192.0.2.2");
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
}

#[test]
fn retry_after_rounds_up() {
    assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
    assert_eq!(retry_after_secs(Duration::ZERO), 1);
    assert_eq!(retry_after_secs(Duration::from_millis(59_001)), 60);
    assert_eq!(retry_after_secs(Duration::from_secs(60)), 60);
}
