//! Admission control: per-address rate limit and the global scan cap.
//!
//! The rate limiter is a GCRA (the `governor` crate) keyed by the visitor's
//! address — IPv4 per address, IPv6 per /64, since one IPv6 subscriber
//! usually holds a whole /64. The key is a keyed hash with a random key made
//! at start-up, so the limiter's memory holds no address in readable form and
//! forgets everything on restart.
//!
//! The limiter's memory is bounded: entries that have refilled completely are
//! dropped by a periodic sweep, and when the table is full even after a
//! sweep, new visitors are turned away with `busy` rather than letting a flood
//! from many addresses grow it without limit.

use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::policy::normalise;

/// Rate-limit settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSettings {
    /// Scans an address may start at once before it has to wait.
    pub burst: u32,
    /// After the burst, one more scan every `refill`.
    pub refill: Duration,
    /// Most addresses remembered at once.
    pub table_size: usize,
}

/// Why a scan was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This address has used its scans; retry after the duration.
    RateLimited(Duration),
    /// Too many scans or visitors right now; retry after the duration.
    Busy(Duration),
}

/// How long to suggest waiting when the probe is busy.
pub const BUSY_RETRY: Duration = Duration::from_secs(5);

/// The rate-limit key of an address: IPv4 as is, IPv6 by its /64.
pub fn limit_prefix(ip: IpAddr) -> IpAddr {
    match normalise(ip) {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
    }
}

pub struct RateLimit<C: Clock = DefaultClock> {
    limiter: RateLimiter<u64, DefaultKeyedStateStore<u64>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
    hasher: RandomState,
    table_size: usize,
}

impl RateLimit<DefaultClock> {
    pub fn new(settings: RateSettings) -> Self {
        Self::with_clock(settings, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimit<C> {
    pub fn with_clock(settings: RateSettings, clock: C) -> Self {
        let burst = NonZeroU32::new(settings.burst).unwrap_or(NonZeroU32::MIN);
        // `with_period` refuses a zero period; one nanosecond means "no limit".
        let quota = Quota::with_period(settings.refill.max(Duration::from_nanos(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
            .allow_burst(burst);
        RateLimit {
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone()),
            clock,
            hasher: RandomState::new(),
            table_size: settings.table_size.max(1),
        }
    }

    /// Count one scan for `ip`, or say how long it must wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), Refused> {
        if self.limiter.len() >= self.table_size {
            self.sweep();
            if self.limiter.len() >= self.table_size {
                return Err(Refused::Busy(BUSY_RETRY));
            }
        }
        let key = self.hasher.hash_one(limit_prefix(ip));
        self.limiter
            .check_key(&key)
            .map_err(|not_until| Refused::RateLimited(not_until.wait_time_from(self.clock.now())))
    }

    /// Forget every address whose allowance has refilled completely.
    pub fn sweep(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }

    /// Addresses currently remembered.
    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }
}

/// The global cap on concurrent scans.
#[derive(Clone)]
pub struct ScanSlots {
    slots: Arc<Semaphore>,
}

impl ScanSlots {
    pub fn new(max: usize) -> Self {
        ScanSlots {
            slots: Arc::new(Semaphore::new(max.max(1))),
        }
    }

    /// A slot for one scan, held until the permit is dropped.
    pub fn try_acquire(&self) -> Result<OwnedSemaphorePermit, Refused> {
        self.slots
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refused::Busy(BUSY_RETRY))
    }

    pub fn available(&self) -> usize {
        self.slots.available_permits()
    }
}

/// Whole seconds to put in `Retry-After` (at least 1).
pub fn retry_after_secs(d: Duration) -> u64 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn limiter(
        burst: u32,
        refill_s: u64,
        table: usize,
    ) -> (RateLimit<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let rl = RateLimit::with_clock(
            RateSettings {
                burst,
                refill: Duration::from_secs(refill_s),
                table_size: table,
            },
            clock.clone(),
        );
        (rl, clock)
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
        let (rl, clock) = limiter(5, 60, 100);
        let a = ip("198.51.100.7");
        for _ in 0..5 {
            assert_eq!(rl.check(a), Ok(()));
        }
        match rl.check(a) {
            Err(Refused::RateLimited(wait)) => {
                assert!(wait > Duration::from_secs(59) && wait <= Duration::from_secs(60))
            }
            other => panic!("expected rate limit, got {other:?}"),
        }
        // Others are not affected.
        assert_eq!(rl.check(ip("198.51.100.8")), Ok(()));
        clock.advance(Duration::from_secs(60));
        assert_eq!(rl.check(a), Ok(()));
        assert!(matches!(rl.check(a), Err(Refused::RateLimited(_))));
    }

    #[test]
    fn one_ipv6_subscriber_cannot_rotate_addresses() {
        let (rl, _) = limiter(2, 60, 100);
        assert_eq!(rl.check(ip("2001:db8:0:1::1")), Ok(()));
        assert_eq!(rl.check(ip("2001:db8:0:1::2")), Ok(()));
        assert!(matches!(
            rl.check(ip("2001:db8:0:1:ffff::3")),
            Err(Refused::RateLimited(_))
        ));
        assert_eq!(rl.check(ip("2001:db8:0:2::1")), Ok(()));
    }

    #[test]
    fn table_is_bounded_and_idle_entries_are_evicted() {
        let (rl, clock) = limiter(5, 60, 10);
        for i in 0..10u8 {
            assert_eq!(rl.check(IpAddr::from([198, 51, 100, i])), Ok(()));
        }
        assert_eq!(rl.len(), 10);
        // Full of recent entries: a new visitor is turned away, nothing grows.
        assert_eq!(
            rl.check(ip("198.51.100.200")),
            Err(Refused::Busy(BUSY_RETRY))
        );
        assert_eq!(rl.len(), 10);
        // Once their allowance has refilled (governor keeps them one more
        // refill period), entries are forgotten.
        clock.advance(Duration::from_secs(120));
        assert_eq!(rl.check(ip("198.51.100.200")), Ok(()));
        assert_eq!(rl.len(), 1);
    }

    #[test]
    fn flood_from_many_addresses_stays_bounded() {
        let (rl, _) = limiter(5, 60, 1000);
        for i in 0..50_000u32 {
            let _ = rl.check(IpAddr::V6(
                ((0x2001_0db8u128 << 96) | (u128::from(i) << 64)).into(),
            ));
        }
        assert!(rl.len() <= 1000);
    }

    #[test]
    fn scan_slots_cap_concurrency() {
        let slots = ScanSlots::new(2);
        let a = slots.try_acquire().unwrap();
        let _b = slots.try_acquire().unwrap();
        assert_eq!(slots.try_acquire().err(), Some(Refused::Busy(BUSY_RETRY)));
        drop(a);
        assert!(slots.try_acquire().is_ok());
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(59_001)), 60);
        assert_eq!(retry_after_secs(Duration::from_secs(60)), 60);
    }
}
