//! The scan slots as the probe runs them: a [`SlotBook`] behind a lock, and
//! for every queued visitor a watch channel that tells its place in the
//! queue and, at last, that its scan may run.
//!
//! A [`ScanSlot`] is the guard of one ticket, queued or running: dropping it
//! (the scan ended, the visitor left the queue, the wait ran out) gives the
//! ticket back and lets the next visitors in.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use crate::probe::admission::limits::{BUSY_RETRY, Refused};
use crate::probe::admission::network::Networks;
use crate::probe::admission::slots::{Request, Shares, SlotBook, Ticket};

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Waiting; 1 is next.
    Queued(usize),
    /// The scan may run.
    Running,
}

struct Inner {
    book: SlotBook,
    places: HashMap<Ticket, watch::Sender<Place>>,
}

impl Inner {
    /// Tell every queued ticket its place and the started ones that they run.
    fn announce(&self, started: &[Ticket]) {
        for t in started {
            if let Some(tx) = self.places.get(t) {
                tx.send_replace(Place::Running);
            }
        }
        for (t, position) in self.book.queued() {
            if let Some(tx) = self.places.get(&t) {
                tx.send_if_modified(|p| {
                    let changed = *p != Place::Queued(position);
                    *p = Place::Queued(position);
                    changed
                });
            }
        }
    }
}

/// The probe's scan slots, shared fairly, with their queue.
#[derive(Clone)]
pub struct ScanSlots {
    inner: Arc<Mutex<Inner>>,
}

/// A ticket, queued or running; given back on drop.
pub struct ScanSlot {
    ticket: Ticket,
    inner: Arc<Mutex<Inner>>,
}

impl Drop for ScanSlot {
    fn drop(&mut self) {
        let mut inner = lock(&self.inner);
        inner.places.remove(&self.ticket);
        let started = inner.book.release(self.ticket);
        inner.announce(&started);
    }
}

/// A visitor waiting for a slot.
pub struct InQueue {
    slot: ScanSlot,
    place: watch::Receiver<Place>,
}

/// A request's way in: a slot now, or a place in the queue.
pub enum Entry {
    /// A slot is free: the scan runs now and holds it.
    Running(ScanSlot),
    /// All slots are taken: a place in the queue.
    Queued(InQueue),
}

fn lock(inner: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    inner.lock().unwrap_or_else(|p| p.into_inner())
}

impl ScanSlots {
    pub(crate) fn new(max: usize) -> Self {
        ScanSlots {
            inner: Arc::new(Mutex::new(Inner {
                book: SlotBook::new(Shares::of(max)),
                places: HashMap::new(),
            })),
        }
    }

    pub(crate) fn shares(&self) -> Shares {
        lock(&self.inner).book.shares()
    }

    /// Scans running now.
    #[cfg(test)]
    pub(crate) fn running(&self) -> usize {
        lock(&self.inner).book.running()
    }

    /// A slot or a queue place for a visitor at `ip`; `Busy` when the queue
    /// has no place for the visitor's network.
    pub fn enter(&self, ip: IpAddr) -> Result<Entry, Refused> {
        let mut inner = lock(&self.inner);
        let guard = |ticket| ScanSlot {
            ticket,
            inner: self.inner.clone(),
        };
        match inner.book.request(Networks::of(ip)) {
            Request::Running(t) => Ok(Entry::Running(guard(t))),
            Request::Queued(t) => {
                let position = inner.book.position(t).unwrap_or(1);
                let (tx, rx) = watch::channel(Place::Queued(position));
                inner.places.insert(t, tx);
                Ok(Entry::Queued(InQueue {
                    slot: guard(t),
                    place: rx,
                }))
            }
            Request::Full => Err(Refused::Busy(BUSY_RETRY)),
        }
    }
}

impl InQueue {
    /// The place in the queue right now.
    #[cfg(test)]
    pub(crate) fn place(&self) -> Place {
        *self.place.borrow()
    }

    /// Wait for the slot, telling `on_place` each new place; give up (and
    /// leave the queue) after `limit`.
    pub(crate) async fn wait(
        mut self,
        limit: Duration,
        mut on_place: impl FnMut(usize),
    ) -> Result<ScanSlot, Refused> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match *self.place.borrow_and_update() {
                Place::Running => return Ok(self.slot),
                Place::Queued(position) => on_place(position),
            }
            match tokio::time::timeout_at(deadline, self.place.changed()).await {
                Ok(Ok(())) => {}
                _ => return Err(Refused::Busy(BUSY_RETRY)),
            }
        }
    }
}

/// The longest a visitor at `position` should wait: one scan's bound for
/// each full round of `slots` ahead of it.
pub(crate) fn wait_estimate(position: usize, slots: usize, bound: Duration) -> Duration {
    let rounds = position.div_ceil(slots.max(1)).max(1);
    bound.saturating_mul(u32::try_from(rounds).unwrap_or(u32::MAX))
}

/// How long a visitor may stay in the queue before it is refused as busy:
/// the estimate for the last place in the queue, plus one scan.
pub(crate) fn queue_limit(shares: Shares, bound: Duration) -> Duration {
    wait_estimate(shares.queue, shares.total, bound).saturating_add(bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn estimates_grow_by_rounds_of_slots() {
        let b = Duration::from_secs(10);
        assert_eq!(wait_estimate(1, 64, b), b);
        assert_eq!(wait_estimate(64, 64, b), b);
        assert_eq!(wait_estimate(65, 64, b), 2 * b);
        assert_eq!(queue_limit(Shares::of(64), b), 2 * b);
    }

    /// One slot: a visitor who runs and one who waits.
    fn one_runs_one_waits(slots: &ScanSlots) -> (ScanSlot, InQueue) {
        let Ok(Entry::Running(first)) = slots.enter(ip("192.0.2.1")) else {
            panic!("the first visitor runs");
        };
        let Ok(Entry::Queued(second)) = slots.enter(ip("198.51.100.1")) else {
            panic!("the second waits");
        };
        (first, second)
    }

    #[tokio::test]
    async fn a_queued_visitor_is_told_its_place_and_then_runs() {
        let slots = ScanSlots::new(1);
        let (first, second) = one_runs_one_waits(&slots);
        assert_eq!(second.place(), Place::Queued(1));
        assert!(matches!(
            slots.enter(ip("203.0.113.1")),
            Err(Refused::Busy(_))
        ));
        let waiting = tokio::spawn(async move {
            let mut seen = Vec::new();
            let slot = second
                .wait(Duration::from_secs(3600), |p| seen.push(p))
                .await;
            (slot.is_ok(), seen)
        });
        drop(first);
        let (ran, seen) = waiting.await.unwrap();
        assert!(ran);
        assert!(seen.iter().all(|&p| p == 1), "{seen:?}");
        assert_eq!(slots.running(), 0, "the slot was given back on drop");
    }

    #[tokio::test(start_paused = true)]
    async fn the_wait_is_bounded_and_leaving_frees_the_place() {
        let slots = ScanSlots::new(1);
        let (_first, second) = one_runs_one_waits(&slots);
        let r = second.wait(Duration::from_secs(30), |_| {}).await;
        assert!(matches!(r, Err(Refused::Busy(_))));
        assert!(matches!(
            slots.enter(ip("203.0.113.1")),
            Ok(Entry::Queued(_))
        ));
    }
}
