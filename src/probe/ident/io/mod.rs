//! The budgeted I/O layer every service runs on, over TCP ([`tcp`]) or UDP
//! ([`udp`]): the same deadlines and byte caps either way, and one
//! [`Limits`] per port (or per UDP check) that records which of them ran
//! out, so that the report says so instead of hiding it.
//!
//! Neither side takes a host name or an address of its own choosing: a
//! conversation gets the `SocketAddr` the scan already targets (the
//! visitor's own address), and the UDP side accepts answers only from that
//! address.

pub(crate) mod icmp;
pub(crate) mod tcp;
pub(crate) mod udp;

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::SystemTime;

use crate::api::IdentLimit;

/// Which limits were reached during one port's identification.
#[derive(Debug, Default)]
pub(crate) struct Limits(AtomicU8);

impl Limits {
    pub(crate) const TIME: u8 = 1;
    pub(crate) const BYTES: u8 = 2;

    pub(crate) fn hit(&self, what: u8) {
        self.0.fetch_or(what, Ordering::Relaxed);
    }

    pub(crate) fn reported(&self) -> Option<IdentLimit> {
        let v = self.0.load(Ordering::Relaxed);
        if v & Self::BYTES != 0 {
            Some(IdentLimit::Bytes)
        } else if v & Self::TIME != 0 {
            Some(IdentLimit::Time)
        } else {
            None
        }
    }
}

/// Random bytes for GUIDs, salts, hello randoms and client challenges, from
/// the system's source. None of them protects a secret (the probe logs on
/// with an empty password), so if the source fails, a clock-derived filler
/// is good enough.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    if getrandom::fill(&mut out).is_err() {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for (i, b) in out.iter_mut().enumerate() {
            *b = (nanos >> ((i % 16) * 8)) as u8 ^ i as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_report_bytes_over_time() {
        let l = Limits::default();
        assert_eq!(l.reported(), None);
        l.hit(Limits::TIME);
        assert_eq!(l.reported(), Some(IdentLimit::Time));
        l.hit(Limits::BYTES);
        assert_eq!(l.reported(), Some(IdentLimit::Bytes));
    }

    #[test]
    fn random_bytes_differ() {
        assert_ne!(random_bytes::<16>(), random_bytes::<16>());
    }
}
