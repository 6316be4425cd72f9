//! Admission control: the rate limit per visitor network.
//!
//! The limiter is a GCRA (generic cell rate algorithm): each key remembers
//! one instant, its theoretical arrival time, and a scan is allowed while
//! that instant is at most `(burst − 1) × refill` ahead of now. Keys are
//! networks ([`crate::probe::admission::network`]): IPv4 per address, IPv6 per /64, since one
//! IPv6 subscriber usually holds a whole /64. A key is a keyed hash with a
//! random key made at start-up, so the table holds no address in readable
//! form and forgets everything on restart.
//!
//! The table is bounded, and a full table locks nobody out:
//! - a known key keeps its allowance, whatever the pressure;
//! - entries whose allowance has refilled are forgotten first (a forgotten
//!   key starts again with a full allowance, so nothing is lost);
//! - under pressure, new keys are counted at wider networks — from three
//!   quarters full at the IPv6 /56 (IPv4 /24), from seven eighths full at
//!   the IPv6 /48 — so a flood from one network shares one entry and one
//!   allowance, and the last eighth is kept for such wide entries;
//! - only when the table is full even so (floods from many /48s or /24s at
//!   once) does the stalest entry, the closest to a full allowance, make
//!   room: a forgotten key starts again with a full allowance, so even then
//!   nobody is locked out.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::probe::admission::network::{Network, NetworkLevel, network};

/// Rate-limit settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSettings {
    /// Scans a network may start at once before it has to wait.
    pub burst: u32,
    /// After the burst, one more scan every `refill`.
    pub refill: Duration,
    /// Most networks remembered at once.
    pub table_size: usize,
}

/// Why a scan was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This network has used its scans; retry after the duration.
    RateLimited(Duration),
    /// Too many scans or visitors right now; retry after the duration.
    Busy(Duration),
}

/// How long to suggest waiting when the probe is busy.
pub const BUSY_RETRY: Duration = Duration::from_secs(5);

/// The rate-limit key of an address: IPv4 as is, IPv6 by its /64.
pub fn limit_prefix(ip: IpAddr) -> IpAddr {
    network(ip, NetworkLevel::Host).prefix
}

/// A key of the limiter's table (a keyed hash of a network).
pub type Key = u64;

/// The keys one visitor may be counted under, narrowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys {
    pub host: Key,
    pub block: Key,
    pub site: Key,
}

/// The limiter's table, with time as nanoseconds since an origin the caller
/// chooses (pure: tests give the time).
#[derive(Debug)]
pub struct RateBook {
    period: u64,
    tolerance: u64,
    capacity: usize,
    /// Theoretical arrival time per key.
    tat: HashMap<Key, u64>,
    /// The same entries ordered by that time, stalest first.
    by_tat: BTreeSet<(u64, Key)>,
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl RateBook {
    pub fn new(settings: RateSettings) -> Self {
        let period = nanos(settings.refill).max(1);
        let burst = u64::from(settings.burst.max(1));
        RateBook {
            period,
            tolerance: period.saturating_mul(burst - 1),
            capacity: settings.table_size.max(1),
            tat: HashMap::new(),
            by_tat: BTreeSet::new(),
        }
    }

    /// Count one scan for the visitor with `keys` at time `now`.
    pub fn check(&mut self, keys: Keys, now: u64) -> Result<(), Refused> {
        let known = [keys.host, keys.block, keys.site]
            .into_iter()
            .find(|k| self.tat.contains_key(k));
        let key = match known {
            Some(key) => key,
            None => self.admit_new(keys, now),
        };
        self.count(key, now)
    }

    /// Make room for a visitor the table does not know; the key to count at.
    fn admit_new(&mut self, keys: Keys, now: u64) -> Key {
        self.forget_refilled(now);
        let len = self.tat.len();
        let key = if len < self.capacity - self.capacity / 4 {
            keys.host
        } else if len < self.capacity - self.capacity / 8 {
            keys.block
        } else {
            keys.site
        };
        if !self.tat.contains_key(&key) && self.tat.len() >= self.capacity {
            if let Some((t, stalest)) = self.by_tat.pop_first() {
                debug_assert_eq!(self.tat.get(&stalest), Some(&t));
                self.tat.remove(&stalest);
            }
        }
        key
    }

    fn count(&mut self, key: Key, now: u64) -> Result<(), Refused> {
        let stored = self.tat.get(&key).copied();
        let tat = stored.unwrap_or(now).max(now);
        let ahead = tat - now;
        if ahead > self.tolerance {
            let wait = ahead - self.tolerance;
            return Err(Refused::RateLimited(Duration::from_nanos(wait)));
        }
        let next = tat.saturating_add(self.period);
        if let Some(old) = stored {
            self.by_tat.remove(&(old, key));
        }
        self.tat.insert(key, next);
        self.by_tat.insert((next, key));
        Ok(())
    }

    /// Forget every key whose allowance has refilled completely.
    pub fn forget_refilled(&mut self, now: u64) {
        while let Some(&(t, key)) = self.by_tat.first() {
            if t > now {
                break;
            }
            self.by_tat.pop_first();
            self.tat.remove(&key);
        }
    }

    pub fn len(&self) -> usize {
        self.tat.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tat.is_empty()
    }
}

/// The running limiter: a [`RateBook`] behind a lock, hashing networks.
pub struct RateLimit {
    book: Mutex<RateBook>,
    origin: Instant,
    hasher: RandomState,
}

impl RateLimit {
    pub fn new(settings: RateSettings) -> Self {
        RateLimit {
            book: Mutex::new(RateBook::new(settings)),
            origin: Instant::now(),
            hasher: RandomState::new(),
        }
    }

    fn key(&self, net: Network) -> Key {
        self.hasher.hash_one(net)
    }

    /// The table keys of `ip` at each level.
    pub fn keys(&self, ip: IpAddr) -> Keys {
        Keys {
            host: self.key(network(ip, NetworkLevel::Host)),
            block: self.key(network(ip, NetworkLevel::Block)),
            site: self.key(network(ip, NetworkLevel::Site)),
        }
    }

    fn now(&self) -> u64 {
        nanos(self.origin.elapsed())
    }

    fn book(&self) -> std::sync::MutexGuard<'_, RateBook> {
        self.book.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Count one scan for `ip`, or say how long it must wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), Refused> {
        let keys = self.keys(ip);
        let now = self.now();
        self.book().check(keys, now)
    }

    /// Forget every network whose allowance has refilled completely.
    pub fn sweep(&self) {
        let now = self.now();
        self.book().forget_refilled(now);
    }

    /// Networks currently remembered.
    pub fn len(&self) -> usize {
        self.book().len()
    }

    pub fn is_empty(&self) -> bool {
        self.book().is_empty()
    }
}

/// Whole seconds to put in `Retry-After` (at least 1).
pub fn retry_after_secs(d: Duration) -> u64 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests;
