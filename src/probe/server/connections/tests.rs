//! Connection caps per host and site network, whom a full table sheds for
//! a newcomer, and that trusted proxies count only towards the total.

use std::net::Ipv6Addr;

use super::*;

impl ConnectionTable {
    fn len(&self) -> usize {
        self.open.len()
    }

    fn is_empty(&self) -> bool {
        self.open.is_empty()
    }
}

fn v6(site: u16, subnet: u16, host: u16) -> Option<IpAddr> {
    Some(IpAddr::V6(Ipv6Addr::new(
        0x2001, 0xdb8, site, subnet, 0, 0, 0, host,
    )))
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> Option<IpAddr> {
    Some(IpAddr::from([a, b, c, d]))
}

#[test]
fn standard_caps() {
    assert_eq!(
        Caps::new(1024, 16),
        Caps {
            total: 1024,
            per_host: 16,
            per_site: 128,
            headroom: 64
        }
    );
}

#[test]
fn one_64_is_one_host_whatever_its_addresses() {
    let mut t = ConnectionTable::new(Caps::new(1024, 16));
    let opened = (0..1000u16)
        .filter(|&h| t.open(v6(1, 1, h)).is_some())
        .count();
    assert_eq!(opened, 16);
    assert!(
        t.open(v6(1, 2, 1)).is_some(),
        "the next /64 is another host"
    );
}

#[test]
fn one_48_is_capped_across_its_64s() {
    let mut t = ConnectionTable::new(Caps::new(1024, 16));
    let opened = (0..64u16)
        .flat_map(|s| (0..16u16).map(move |h| (s, h)))
        .filter(|&(s, h)| t.open(v6(1, s, h)).is_some())
        .count();
    assert_eq!(opened, 128, "64 /64s × 16 of one /48 do not fill 1024");
    assert!(t.open(v6(2, 0, 1)).is_some());
}

#[test]
fn ipv4_address_and_24() {
    let mut t = ConnectionTable::new(Caps::new(1024, 16));
    let per_address = (0..20).filter(|_| t.open(v4(198, 51, 100, 1)).is_some());
    assert_eq!(per_address.count(), 16);
    let per_24 = (2..=255u8)
        .flat_map(|d| std::iter::repeat_n(d, 16))
        .filter(|&d| t.open(v4(198, 51, 100, d)).is_some())
        .count();
    assert_eq!(per_24 + 16, 128);
    assert!(t.open(v4(198, 51, 101, 1)).is_some());
}

#[test]
fn full_table_sheds_the_oldest_of_the_heaviest_network_for_a_newcomer() {
    let mut t = ConnectionTable::new(Caps {
        total: 8,
        per_host: 4,
        per_site: 8,
        headroom: 2,
    });
    let light = t.open(v4(192, 0, 2, 1)).unwrap().id;
    let heavy: Vec<ConnId> = (0..7u8)
        .map(|i| t.open(v4(198, 51, 100, i / 4 + 1)).unwrap().id)
        .collect();
    assert_eq!(t.len(), 8);
    // The heavy site may not grow, the light one neither: both hold some.
    assert_eq!(t.open(v4(198, 51, 100, 9)), None);
    assert_eq!(t.open(v4(192, 0, 2, 2)), None);
    // A newcomer's network holds nothing: in, and the heavy site's oldest
    // is shed; then the next, not the same one twice.
    let first = t.open(v4(203, 0, 113, 1)).unwrap();
    assert_eq!(first.shed, Some(heavy[0]));
    let second = t.open(v6(1, 1, 1)).unwrap();
    assert_eq!(second.shed, Some(heavy[1]));
    // The headroom is used up until shed connections close.
    assert_eq!(t.open(v6(2, 1, 1)), None);
    t.close(heavy[0]);
    assert_eq!(t.open(v6(2, 1, 1)).unwrap().shed, Some(heavy[2]));
    assert_ne!(first.shed, Some(light));
}

#[test]
fn trusted_proxies_count_only_towards_the_total() {
    let mut t = ConnectionTable::new(Caps::new(4, 1));
    for _ in 0..4 {
        assert!(t.open(None).is_some());
    }
    assert_eq!(t.open(None), None);
    // Nothing to shed: proxies are never shed for a newcomer.
    assert_eq!(t.open(v4(192, 0, 2, 1)), None);
}

#[test]
fn closing_gives_the_places_back() {
    let mut t = ConnectionTable::new(Caps::new(2, 1));
    let a = t.open(v4(192, 0, 2, 1)).unwrap().id;
    assert_eq!(t.open(v4(192, 0, 2, 1)), None);
    t.close(a);
    t.close(a);
    assert!(t.is_empty());
    assert!(t.open(v4(192, 0, 2, 1)).is_some());
}
