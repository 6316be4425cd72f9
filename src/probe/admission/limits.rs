//! Admission control: the rate limit per visitor network.
//!
//! The limiter is a GCRA (generic cell rate algorithm): each allowance
//! remembers one instant, its theoretical arrival time, and a scan is
//! allowed while that instant is at most `(burst − 1) × refill` ahead of
//! now. Allowances belong to networks ([`crate::probe::admission::network`]): a *host* (IPv4
//! address, IPv6 /64) inside its *site* (IPv4 /24, IPv6 /48). A network is
//! remembered as a keyed hash with a random key made at start-up, so the
//! table holds no address in readable form and forgets everything on
//! restart.
//!
//! The table is bounded, and pressure stays with the site that makes it:
//! - each host has an allowance of its own, up to [`RateBook::host_cap`]
//!   hosts per site (256, at most a sixteenth of the table); further hosts
//!   of a site that holds that many share one site allowance — the 65,536
//!   /64s of a /48 cannot take more than 257 entries, and only that site's
//!   newcomers are counted together;
//! - a visitor from any other site is never counted at a network it does
//!   not belong to: a newcomer always starts with a full allowance of its
//!   own;
//! - a known allowance is kept whatever the pressure, as long as the
//!   table has room; entries whose allowance has refilled are forgotten
//!   first (a forgotten network starts again with a full allowance, so
//!   nothing is lost);
//! - only when the table is full even so (floods from more than a
//!   sixteenth of the table's size in sites at once) does the stalest
//!   allowance, the closest to full, make room: a forgotten network gets a
//!   full allowance back, so even then nobody is locked out.
//!
//! Memory: at most `table_size` allowances (hosts plus site allowances) and
//! as many site records, about 100 bytes an allowance (a hash-map entry of
//! 24 bytes, a site record of 32, an ordered-set entry of 24, plus the
//! maps' spare capacity): about 10 MB for the default 100,000, and twice
//! that while a map grows.

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
    /// Most allowances remembered at once.
    pub table_size: usize,
}

/// The request limit: every request of a site network (IPv4 /24, IPv6 /48)
/// counts against one allowance of the site's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestSettings {
    /// Requests a site may make at once before it has to wait.
    pub burst: u32,
    /// After the burst, this many requests a second.
    pub per_second: u32,
}

impl RequestSettings {
    /// The allowance as the limiter's settings, in a table of `table_size`.
    pub(crate) fn rate(self, table_size: usize) -> RateSettings {
        RateSettings {
            burst: self.burst,
            refill: Duration::from_secs(1) / self.per_second.max(1),
            table_size,
        }
    }
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
pub(crate) const BUSY_RETRY: Duration = Duration::from_secs(5);

/// Most hosts of one site with an allowance of their own: every address of
/// an IPv4 /24.
pub(crate) const HOSTS_PER_SITE: usize = 256;

/// A site holds at most this fraction of the table (1/16) in host entries.
const SITE_SHARE_OF_TABLE: usize = 16;

/// A key of the limiter's table (a keyed hash of a network).
pub(crate) type Key = u64;

/// The keys one visitor is counted under: its host and its site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Keys {
    pub host: Key,
    pub site: Key,
}

/// One allowance in the table: a host's own, or a site's shared one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Host(Key),
    Shared(Key),
}

/// A host's allowance and the site it belongs to.
#[derive(Debug, Clone, Copy)]
struct HostEntry {
    tat: u64,
    site: Key,
}

/// What the table holds for one site.
#[derive(Debug, Clone, Copy, Default)]
struct SiteEntry {
    /// Hosts of the site with an allowance of their own.
    hosts: usize,
    /// The allowance its further hosts share, once it has been used.
    shared: Option<u64>,
}

/// The limiter's table, with time as nanoseconds since an origin the caller
/// chooses (pure: tests give the time).
#[derive(Debug)]
pub(crate) struct RateBook {
    period: u64,
    tolerance: u64,
    capacity: usize,
    host_cap: usize,
    hosts: HashMap<Key, HostEntry>,
    sites: HashMap<Key, SiteEntry>,
    /// Site allowances in use (hosts' are `hosts.len()`).
    shared: usize,
    /// Every allowance by its theoretical arrival time, stalest first.
    by_tat: BTreeSet<(u64, Slot)>,
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl RateBook {
    pub(crate) fn new(settings: RateSettings) -> Self {
        let period = nanos(settings.refill).max(1);
        let burst = u64::from(settings.burst.max(1));
        let capacity = settings.table_size.max(1);
        RateBook {
            period,
            tolerance: period.saturating_mul(burst - 1),
            capacity,
            host_cap: HOSTS_PER_SITE.min(capacity / SITE_SHARE_OF_TABLE).max(1),
            hosts: HashMap::new(),
            sites: HashMap::new(),
            shared: 0,
            by_tat: BTreeSet::new(),
        }
    }

    /// Most hosts of one site with an allowance of their own in this table:
    /// [`HOSTS_PER_SITE`], at most a sixteenth of the table (at least 1).
    #[cfg(test)]
    pub(crate) fn host_cap(&self) -> usize {
        self.host_cap
    }

    /// Count one scan for the visitor with `keys` at time `now`.
    pub(crate) fn check(&mut self, keys: Keys, now: u64) -> Result<(), Refused> {
        let slot = if self.hosts.contains_key(&keys.host) {
            Slot::Host(keys.host)
        } else if self
            .sites
            .get(&keys.site)
            .is_some_and(|s| s.hosts >= self.host_cap)
        {
            // Only this site's own newcomers share its allowance.
            Slot::Shared(keys.site)
        } else {
            Slot::Host(keys.host)
        };
        self.count(slot, keys.site, now)
    }

    /// Count one request for a network that is counted alone, as a site of
    /// its own with one host (the request limit per site).
    pub(crate) fn check_network(&mut self, key: Key, now: u64) -> Result<(), Refused> {
        self.check(
            Keys {
                host: key,
                site: key,
            },
            now,
        )
    }

    fn tat(&self, slot: Slot) -> Option<u64> {
        match slot {
            Slot::Host(k) => self.hosts.get(&k).map(|h| h.tat),
            Slot::Shared(k) => self.sites.get(&k).and_then(|s| s.shared),
        }
    }

    fn count(&mut self, slot: Slot, site: Key, now: u64) -> Result<(), Refused> {
        let stored = self.tat(slot);
        let tat = stored.unwrap_or(now).max(now);
        let ahead = tat - now;
        if ahead > self.tolerance {
            let wait = ahead - self.tolerance;
            return Err(Refused::RateLimited(Duration::from_nanos(wait)));
        }
        let next = tat.saturating_add(self.period);
        match stored {
            Some(old) => {
                self.by_tat.remove(&(old, slot));
                self.set(slot, next);
            }
            None => {
                self.make_room(now);
                self.insert(slot, site, next);
            }
        }
        self.by_tat.insert((next, slot));
        Ok(())
    }

    /// A new allowance's tat for a slot that is known.
    fn set(&mut self, slot: Slot, tat: u64) {
        match slot {
            Slot::Host(k) => {
                if let Some(h) = self.hosts.get_mut(&k) {
                    h.tat = tat;
                }
            }
            Slot::Shared(k) => {
                if let Some(s) = self.sites.get_mut(&k) {
                    s.shared = Some(tat);
                }
            }
        }
    }

    fn insert(&mut self, slot: Slot, site: Key, tat: u64) {
        let entry = self.sites.entry(site).or_default();
        match slot {
            Slot::Host(k) => {
                entry.hosts += 1;
                self.hosts.insert(k, HostEntry { tat, site });
            }
            Slot::Shared(_) => {
                entry.shared = Some(tat);
                self.shared += 1;
            }
        }
    }

    /// Room for one more allowance: refilled ones go first, then, if the
    /// table is full even so, the stalest.
    fn make_room(&mut self, now: u64) {
        if self.len() < self.capacity {
            return;
        }
        self.forget_refilled(now);
        while self.len() >= self.capacity {
            let Some((_, stalest)) = self.by_tat.pop_first() else {
                break;
            };
            self.remove(stalest);
        }
    }

    /// Drop an allowance (already taken out of `by_tat`), and its site's
    /// record with its last allowance.
    fn remove(&mut self, slot: Slot) {
        let site = match slot {
            Slot::Host(k) => match self.hosts.remove(&k) {
                Some(h) => {
                    if let Some(s) = self.sites.get_mut(&h.site) {
                        s.hosts = s.hosts.saturating_sub(1);
                    }
                    h.site
                }
                None => return,
            },
            Slot::Shared(k) => {
                if let Some(s) = self.sites.get_mut(&k) {
                    if s.shared.take().is_some() {
                        self.shared -= 1;
                    }
                }
                k
            }
        };
        if self
            .sites
            .get(&site)
            .is_some_and(|s| s.hosts == 0 && s.shared.is_none())
        {
            self.sites.remove(&site);
        }
    }

    /// Forget every allowance that has refilled completely.
    pub(crate) fn forget_refilled(&mut self, now: u64) {
        while let Some(&(t, slot)) = self.by_tat.first() {
            if t > now {
                break;
            }
            self.by_tat.pop_first();
            self.remove(slot);
        }
    }

    /// Allowances remembered (hosts' and sites' shared ones).
    pub(crate) fn len(&self) -> usize {
        self.hosts.len() + self.shared
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sites with a record (at most [`Self::len`]).
    #[cfg(test)]
    pub(crate) fn sites(&self) -> usize {
        self.sites.len()
    }
}

/// The running limiter: a [`RateBook`] behind a lock, hashing networks.
pub struct RateLimit {
    book: Mutex<RateBook>,
    origin: Instant,
    hasher: RandomState,
}

impl RateLimit {
    pub(crate) fn new(settings: RateSettings) -> Self {
        RateLimit {
            book: Mutex::new(RateBook::new(settings)),
            origin: Instant::now(),
            hasher: RandomState::new(),
        }
    }

    fn key(&self, net: Network) -> Key {
        self.hasher.hash_one(net)
    }

    /// The table keys of `ip`: its host and its site network.
    pub(crate) fn keys(&self, ip: IpAddr) -> Keys {
        Keys {
            host: self.key(network(ip, NetworkLevel::Host)),
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

    /// Count one request for the site network of `ip` (all its hosts
    /// together), or say how long it must wait.
    pub(crate) fn check_site(&self, ip: IpAddr) -> Result<(), Refused> {
        let key = self.key(network(ip, NetworkLevel::Site));
        let now = self.now();
        self.book().check_network(key, now)
    }

    /// Forget every network whose allowance has refilled completely.
    pub(crate) fn sweep(&self) {
        let now = self.now();
        self.book().forget_refilled(now);
    }

    /// Allowances currently remembered.
    pub fn len(&self) -> usize {
        self.book().len()
    }

    /// Whether no allowance is remembered (no scan was counted).
    pub fn is_empty(&self) -> bool {
        self.book().is_empty()
    }
}

/// Whole seconds to put in `Retry-After` (at least 1).
pub(crate) fn retry_after_secs(d: Duration) -> u64 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests;
