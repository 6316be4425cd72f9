//! Fair shares of the scan slots, and the queue in front of them (pure).
//!
//! The probe runs at most `total` scans at once. So that no network can take
//! them from everybody else, each host network (IPv4 address, IPv6 /64) may
//! hold at most `per_host` and each site network (IPv4 /24, IPv6 /48) at most
//! `per_site` of them: 64 scans from 64 /64s of one /48 still count as one
//! site. A visitor who finds no free slot (or whose network holds its share)
//! waits in a short queue, itself limited per network, and is let in first
//! come, first served as soon as a slot frees and its network is under its
//! share. [`crate::probe::admission::queue`] runs this book for the probe.

use std::collections::{HashMap, VecDeque};

use crate::probe::admission::network::{Network, Networks};

/// How many slots and queue places there are, and each network's share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shares {
    pub total: usize,
    pub per_host: usize,
    pub per_site: usize,
    pub queue: usize,
    pub queue_per_host: usize,
    pub queue_per_site: usize,
}

impl Shares {
    /// The shares the probe uses for `total` slots: a host network 1/16 of
    /// them, a site network 1/8, a queue half as long as there are slots.
    pub(crate) fn of(total: usize) -> Self {
        let total = total.max(1);
        let queue = (total / 2).max(1);
        Shares {
            total,
            per_host: (total / 16).max(1),
            per_site: (total / 8).max(1),
            queue,
            queue_per_host: 2.min(queue),
            queue_per_site: (queue / 8).max(2).min(queue),
        }
    }
}

/// One request for a slot.
pub(super) type Ticket = u64;

/// The answer to a request for a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Request {
    /// A slot is held under this ticket.
    Running(Ticket),
    /// The ticket waits in the queue.
    Queued(Ticket),
    /// The queue has no place for this network (or none at all).
    Full,
}

#[derive(Debug, Default)]
struct Counts(HashMap<Network, usize>);

impl Counts {
    fn get(&self, n: &Network) -> usize {
        self.0.get(n).copied().unwrap_or(0)
    }
    fn add(&mut self, nets: Networks) {
        *self.0.entry(nets.host).or_insert(0) += 1;
        *self.0.entry(nets.site).or_insert(0) += 1;
    }
    fn remove(&mut self, nets: Networks) {
        for n in [nets.host, nets.site] {
            if let Some(c) = self.0.get_mut(&n) {
                *c -= 1;
                if *c == 0 {
                    self.0.remove(&n);
                }
            }
        }
    }
}

/// The slots held, the queue, and each network's part of both.
#[derive(Debug)]
pub(super) struct SlotBook {
    shares: Shares,
    next: Ticket,
    running: HashMap<Ticket, Networks>,
    running_per_net: Counts,
    queue: VecDeque<(Ticket, Networks)>,
    queued_per_net: Counts,
}

impl SlotBook {
    pub(super) fn new(shares: Shares) -> Self {
        SlotBook {
            shares,
            next: 0,
            running: HashMap::new(),
            running_per_net: Counts::default(),
            queue: VecDeque::new(),
            queued_per_net: Counts::default(),
        }
    }

    pub(super) fn shares(&self) -> Shares {
        self.shares
    }

    fn may_run(&self, nets: Networks) -> bool {
        self.running.len() < self.shares.total
            && self.running_per_net.get(&nets.host) < self.shares.per_host
            && self.running_per_net.get(&nets.site) < self.shares.per_site
    }

    fn may_queue(&self, nets: Networks) -> bool {
        self.queue.len() < self.shares.queue
            && self.queued_per_net.get(&nets.host) < self.shares.queue_per_host
            && self.queued_per_net.get(&nets.site) < self.shares.queue_per_site
    }

    /// Ask for a slot for a visitor from `nets`.
    pub(super) fn request(&mut self, nets: Networks) -> Request {
        let ticket = self.next;
        if self.may_run(nets) {
            self.next += 1;
            self.start(ticket, nets);
            Request::Running(ticket)
        } else if self.may_queue(nets) {
            self.next += 1;
            self.queue.push_back((ticket, nets));
            self.queued_per_net.add(nets);
            Request::Queued(ticket)
        } else {
            Request::Full
        }
    }

    fn start(&mut self, ticket: Ticket, nets: Networks) {
        self.running.insert(ticket, nets);
        self.running_per_net.add(nets);
    }

    /// Give up `ticket`, running or queued; returns the queued tickets that
    /// run now, in queue order.
    pub(super) fn release(&mut self, ticket: Ticket) -> Vec<Ticket> {
        if let Some(nets) = self.running.remove(&ticket) {
            self.running_per_net.remove(nets);
        } else if let Some(i) = self.queue.iter().position(|(t, _)| *t == ticket) {
            if let Some((_, nets)) = self.queue.remove(i) {
                self.queued_per_net.remove(nets);
            }
            return Vec::new();
        }
        self.let_in()
    }

    /// Start every queued ticket that may run, first come first.
    fn let_in(&mut self) -> Vec<Ticket> {
        let mut started = Vec::new();
        let mut i = 0;
        while i < self.queue.len() && self.running.len() < self.shares.total {
            let (ticket, nets) = self.queue[i];
            if self.may_run(nets) {
                self.queue.remove(i);
                self.queued_per_net.remove(nets);
                self.start(ticket, nets);
                started.push(ticket);
            } else {
                i += 1;
            }
        }
        started
    }

    /// Place in the queue (1 = next), `None` if not queued.
    pub(super) fn position(&self, ticket: Ticket) -> Option<usize> {
        self.queue
            .iter()
            .position(|(t, _)| *t == ticket)
            .map(|i| i + 1)
    }

    /// Every queued ticket with its place.
    pub(super) fn queued(&self) -> impl Iterator<Item = (Ticket, usize)> + '_ {
        self.queue.iter().enumerate().map(|(i, (t, _))| (*t, i + 1))
    }

    #[cfg(test)]
    pub(super) fn running(&self) -> usize {
        self.running.len()
    }
}

#[cfg(test)]
mod tests;
