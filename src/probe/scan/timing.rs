//! How long one connection attempt waits, and how long a whole scan may
//! take: the round-trip estimator of TCP's retransmission timer (RFC 6298)
//! fed with the visitor's own handshake and the scan's first answers, and
//! the worst case the scan enforces with a deadline.
//!
//! A silent port cannot be called filtered before its SYN had one round
//! trip plus the path's jitter to draw an answer; `SRTT + 4·RTTVAR` is TCP's
//! own answer to "how long is surely long enough" on a path it has measured.

use std::time::Duration;

/// Connect timeout bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Shortest connect timeout per attempt, however short the round trip.
    pub floor: Duration,
    /// Longest connect timeout per attempt, used until the round trip is known.
    pub ceiling: Duration,
}

impl Timing {
    /// The longest one attempt can wait: the ceiling, or the floor when it
    /// is set above the ceiling.
    pub(crate) fn longest(self) -> Duration {
        self.ceiling.max(self.floor)
    }
}

/// A path's round-trip time as TCP estimates it: the smoothed round-trip
/// time and its mean deviation (Linux's `tcpi_rtt` and `tcpi_rttvar`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RttEstimate {
    pub srtt: Duration,
    pub rttvar: Duration,
    /// The longest handshake answer seen: no timeout is set below it.
    pub longest: Duration,
}

impl RttEstimate {
    /// From a connection's `TCP_INFO` (the visitor's own request): its
    /// smoothed round-trip time and variation.
    pub(crate) fn from_tcp_info(srtt: Duration, rttvar: Duration) -> Self {
        RttEstimate {
            srtt,
            rttvar,
            longest: srtt,
        }
    }

    /// After the first measurement R: SRTT = R, RTTVAR = R/2 (RFC 6298 2.2).
    pub(crate) fn first(sample: Duration) -> Self {
        RttEstimate {
            srtt: sample,
            rttvar: sample / 2,
            longest: sample,
        }
    }

    /// Another measurement R' (RFC 6298 2.3, alpha 1/8, beta 1/4):
    /// RTTVAR = 3/4·RTTVAR + 1/4·|SRTT − R'|, SRTT = 7/8·SRTT + 1/8·R'.
    pub(crate) fn update(self, sample: Duration) -> Self {
        let deviation = self.srtt.abs_diff(sample);
        RttEstimate {
            rttvar: self.rttvar.saturating_mul(3).saturating_add(deviation) / 4,
            srtt: self.srtt.saturating_mul(7).saturating_add(sample) / 8,
            longest: self.longest.max(sample),
        }
    }

    /// The estimate after one more measurement, starting one if there was
    /// none.
    pub(crate) fn with(estimate: Option<Self>, sample: Duration) -> Self {
        estimate.map_or_else(|| Self::first(sample), |e| e.update(sample))
    }

    /// TCP's retransmission timeout for this estimate: SRTT + 4·RTTVAR, and
    /// never below the longest answer seen.
    pub(crate) fn rto(self) -> Duration {
        self.srtt
            .saturating_add(self.rttvar.saturating_mul(4))
            .max(self.longest)
    }
}

/// The per-attempt timeout: the estimate's RTO within the bounds, the
/// ceiling while nothing is known (behind a proxy, before the first answer).
pub(crate) fn timeout_for(estimate: Option<RttEstimate>, timing: Timing) -> Duration {
    match estimate {
        None => timing.longest(),
        Some(e) => e.rto().clamp(timing.floor, timing.longest()),
    }
}

/// Attempts per port before silence is called "filtered".
pub(crate) const MAX_ATTEMPTS: u8 = 2;

/// Attempts per silent port once the scan has seen packet loss (a port that
/// answered only on a retry): on a lossy path two lost SYNs in a row are
/// common, so silence needs more tries before it means "filtered".
pub(crate) const LOSSY_MAX_ATTEMPTS: u8 = 4;

/// Attempts a silent port gets: more once loss has been seen.
pub(crate) fn attempts_allowed(loss_seen: bool) -> u8 {
    if loss_seen {
        LOSSY_MAX_ATTEMPTS
    } else {
        MAX_ATTEMPTS
    }
}

/// The longest a scan's connect phase can take: every attempt of a port
/// starts when the previous one timed out, and none waits longer than the
/// ceiling. An open port found at the very end is then identified within
/// `identify` (the per-port budget; identification of all open ports runs
/// in parallel).
pub(super) fn worst_case(timing: Timing, identify: Option<Duration>, has_ports: bool) -> Duration {
    if !has_ports {
        return Duration::ZERO;
    }
    let connect = timing
        .longest()
        .saturating_mul(u32::from(LOSSY_MAX_ATTEMPTS));
    connect.saturating_add(identify.unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timing = Timing {
        floor: Duration::from_millis(100),
        ceiling: Duration::from_millis(1500),
    };

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn first_sample_gives_three_round_trips() {
        let e = RttEstimate::first(ms(80));
        assert_eq!(e.rttvar, ms(40));
        assert_eq!(e.rto(), ms(240));
    }

    #[test]
    fn steady_samples_shrink_the_timeout_toward_the_round_trip() {
        // A path at 300 ms with +-10 % jitter: the answers of the first ports.
        let samples = [300, 318, 285, 305, 329, 296, 311, 322, 290, 304];
        let mut e = RttEstimate::first(ms(300));
        for s in samples {
            e = e.update(ms(s));
        }
        let rto = e.rto();
        assert!(rto >= ms(329), "never below an answer seen: {rto:?}");
        assert!(rto < ms(450), "far below 3 x RTT once measured: {rto:?}");
    }

    #[test]
    fn update_follows_rfc_6298() {
        let e = RttEstimate::first(ms(100)).update(ms(180));
        // RTTVAR = 3/4 * 50 + 1/4 * 80 = 57.5; SRTT = 7/8 * 100 + 1/8 * 180 = 110.
        assert_eq!(e.rttvar, Duration::from_micros(57_500));
        assert_eq!(e.srtt, ms(110));
        assert_eq!(e.longest, ms(180));
        assert_eq!(e.rto(), ms(340));
    }

    #[test]
    fn with_starts_or_updates() {
        assert_eq!(RttEstimate::with(None, ms(10)), RttEstimate::first(ms(10)));
        let e = RttEstimate::first(ms(10));
        assert_eq!(RttEstimate::with(Some(e), ms(30)), e.update(ms(30)));
    }

    #[test]
    fn tcp_info_estimate_uses_both_fields() {
        let e = RttEstimate::from_tcp_info(ms(80), ms(10));
        assert_eq!(e.rto(), ms(120));
    }

    #[test]
    fn timeout_stays_within_bounds() {
        assert_eq!(timeout_for(None, T), T.ceiling);
        assert_eq!(
            timeout_for(Some(RttEstimate::first(Duration::from_micros(50))), T),
            T.floor
        );
        assert_eq!(timeout_for(Some(RttEstimate::first(ms(80))), T), ms(240));
        assert_eq!(
            timeout_for(Some(RttEstimate::first(ms(2000))), T),
            T.ceiling
        );
        // A floor above the ceiling wins rather than panicking in clamp().
        let odd = Timing {
            floor: ms(2000),
            ceiling: ms(1000),
        };
        assert_eq!(timeout_for(Some(RttEstimate::first(ms(1))), odd), ms(2000));
        assert_eq!(timeout_for(None, odd), ms(2000));
    }

    #[test]
    fn huge_samples_saturate_instead_of_overflowing() {
        let e = RttEstimate::first(Duration::MAX).update(Duration::MAX);
        assert_eq!(timeout_for(Some(e), T), T.ceiling);
    }

    #[test]
    fn silence_gets_more_attempts_once_loss_is_seen() {
        assert_eq!(attempts_allowed(false), 2);
        assert_eq!(attempts_allowed(true), 4);
    }

    #[test]
    fn worst_case_is_every_attempt_at_the_ceiling_then_identification() {
        assert_eq!(worst_case(T, None, true), ms(6000));
        assert_eq!(worst_case(T, Some(ms(4000)), true), ms(10_000));
        assert_eq!(worst_case(T, Some(ms(4000)), false), Duration::ZERO);
    }
}
