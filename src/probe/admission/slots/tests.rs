//! Fair shares of the scan slots: what one host or site network may hold,
//! and that the queue lets the next network in when a slot frees.

use std::net::{IpAddr, Ipv6Addr};

use super::*;

impl SlotBook {
    fn is_running(&self, ticket: Ticket) -> bool {
        self.running.contains_key(&ticket)
    }
}

fn v6(site: u16, subnet: u16, host: u16) -> Networks {
    Networks::of(IpAddr::V6(Ipv6Addr::new(
        0x2001, 0xdb8, site, subnet, 0, 0, 0, host,
    )))
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> Networks {
    Networks::of(IpAddr::from([a, b, c, d]))
}

fn running(r: Request) -> Ticket {
    match r {
        Request::Running(t) => t,
        other => panic!("expected a slot, got {other:?}"),
    }
}

fn queued(r: Request) -> Ticket {
    match r {
        Request::Queued(t) => t,
        other => panic!("expected a queue place, got {other:?}"),
    }
}

#[test]
fn standard_shares_for_64_slots() {
    let s = Shares::of(64);
    assert_eq!((s.per_host, s.per_site), (4, 8));
    assert_eq!((s.queue, s.queue_per_host, s.queue_per_site), (32, 2, 4));
    let one = Shares::of(1);
    assert_eq!((one.per_host, one.per_site, one.queue), (1, 1, 1));
}

#[test]
fn sixty_four_64s_of_one_48_do_not_fill_the_slots() {
    let mut book = SlotBook::new(Shares::of(64));
    let results: Vec<Request> = (0..64).map(|s| book.request(v6(1, s, 1))).collect();
    let ran = results
        .iter()
        .filter(|r| matches!(r, Request::Running(_)))
        .count();
    assert_eq!(ran, 8, "one /48 holds at most 1/8 of the slots");
    assert_eq!(book.running(), 8);
    // A visitor from elsewhere runs at once.
    running(book.request(v6(2, 0, 1)));
    running(book.request(v4(198, 51, 100, 7)));
}

#[test]
fn one_64_holds_at_most_its_share() {
    let mut book = SlotBook::new(Shares::of(64));
    for host in 0..4 {
        running(book.request(v6(1, 1, host)));
    }
    queued(book.request(v6(1, 1, 9)));
    queued(book.request(v6(1, 1, 10)));
    assert_eq!(
        book.request(v6(1, 1, 11)),
        Request::Full,
        "queue share used"
    );
    running(book.request(v6(1, 2, 1)));
}

#[test]
fn ipv4_address_and_24_shares() {
    let mut book = SlotBook::new(Shares::of(64));
    for _ in 0..4 {
        running(book.request(v4(198, 51, 100, 1)));
    }
    queued(book.request(v4(198, 51, 100, 1)));
    for d in 2..6 {
        running(book.request(v4(198, 51, 100, d)));
    }
    queued(book.request(v4(198, 51, 100, 9)));
    running(book.request(v4(198, 51, 101, 1)));
}

#[test]
fn a_queued_visitor_runs_when_a_slot_frees() {
    let mut book = SlotBook::new(Shares::of(2));
    let a = running(book.request(v4(192, 0, 2, 1)));
    let _b = running(book.request(v4(198, 51, 100, 1)));
    let c = queued(book.request(v4(203, 0, 113, 1)));
    assert_eq!(book.position(c), Some(1));
    assert_eq!(book.release(a), vec![c]);
    assert!(book.is_running(c));
    assert_eq!(book.position(c), None);
}

#[test]
fn the_queue_skips_a_network_that_holds_its_share() {
    let mut book = SlotBook::new(Shares::of(16));
    // 16 slots: per host 1, per site 2.
    let hog = running(book.request(v4(192, 0, 2, 1)));
    let mut others: Vec<Ticket> = (0..15u8)
        .map(|i| running(book.request(v4(10, i, 0, 1))))
        .collect();
    let waits_for_own = queued(book.request(v4(192, 0, 2, 1)));
    let visitor = queued(book.request(v4(203, 0, 113, 1)));
    assert_eq!(book.position(visitor), Some(2));
    // A slot frees elsewhere: the first in line still holds its share.
    let freed = others.pop().unwrap();
    assert_eq!(book.release(freed), vec![visitor]);
    assert_eq!(book.release(hog), vec![waits_for_own]);
}

#[test]
fn leaving_the_queue_frees_the_place() {
    let mut book = SlotBook::new(Shares::of(1));
    let a = running(book.request(v4(192, 0, 2, 1)));
    let b = queued(book.request(v4(198, 51, 100, 1)));
    assert_eq!(book.request(v4(203, 0, 113, 1)), Request::Full);
    assert_eq!(book.release(b), Vec::<Ticket>::new());
    let c = queued(book.request(v4(203, 0, 113, 1)));
    assert_eq!(book.release(a), vec![c]);
    assert_eq!(book.running(), 1);
}

#[test]
fn queue_places_count_down() {
    let mut book = SlotBook::new(Shares {
        total: 2,
        per_host: 2,
        per_site: 2,
        queue: 4,
        queue_per_host: 2,
        queue_per_site: 2,
    });
    let a = running(book.request(v4(192, 0, 2, 1)));
    let b = running(book.request(v4(192, 0, 3, 1)));
    let c = queued(book.request(v4(192, 0, 4, 1)));
    let d = queued(book.request(v4(192, 0, 5, 1)));
    assert_eq!(book.queued().collect::<Vec<_>>(), vec![(c, 1), (d, 2)]);
    assert_eq!(book.release(a), vec![c]);
    assert_eq!(book.queued().collect::<Vec<_>>(), vec![(d, 1)]);
    assert_eq!(book.release(b), vec![d]);
}
