//! Refused requests in the log without flooding it: a probe under load
//! refuses many requests a second (busy, rate limited, cross-site), and a
//! line for each would bury everything else. The first refusal after a
//! quiet minute is logged at once; the ones after it are counted and told
//! in one line with the next refusal a minute later or more. The metrics
//! count every refusal by code as well.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// At most one line per this long.
pub(crate) const EVERY: Duration = Duration::from_secs(60);

/// Refusals not yet told, by code, and when the last line was written.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    counts: BTreeMap<String, u64>,
    last_line: Option<Instant>,
}

impl Tally {
    /// Count one refusal of `code` at `now`; the line to write, if it is time.
    pub(crate) fn note(&mut self, code: &str, now: Instant) -> Option<String> {
        *self.counts.entry(code.to_owned()).or_default() += 1;
        let since = self.last_line.map(|t| now.saturating_duration_since(t));
        if since.is_some_and(|d| d < EVERY) {
            return None;
        }
        self.last_line = Some(now);
        let total: u64 = self.counts.values().sum();
        let each: Vec<String> = self
            .counts
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        self.counts.clear();
        let span = since.map_or(String::new(), |d| format!(" in the last {} s", d.as_secs()));
        Some(format!(
            "refused {total} request(s){span}: {}",
            each.join(", ")
        ))
    }
}

/// The probe's refusal log.
#[derive(Debug, Default)]
pub(crate) struct RefusalLog(Mutex<Tally>);

impl RefusalLog {
    /// Count a refusal of `code` (its wire name) and log when it is time.
    pub(crate) fn record(&self, code: &str) {
        let line = self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .note(code, Instant::now());
        if let Some(line) = line {
            tracing::info!("{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_refusal_at_once_then_one_line_a_minute() {
        let start = Instant::now();
        let at = |secs: u64| start + Duration::from_secs(secs);
        let mut t = Tally::default();
        assert_eq!(
            t.note("busy", at(0)).as_deref(),
            Some("refused 1 request(s): busy 1")
        );
        for s in 1..60 {
            assert_eq!(t.note("busy", at(s)), None, "{s}");
            assert_eq!(t.note("rate_limited", at(s)), None, "{s}");
        }
        assert_eq!(
            t.note("cross_site", at(60)).as_deref(),
            Some("refused 119 request(s) in the last 60 s: busy 59, cross_site 1, rate_limited 59")
        );
        assert_eq!(t.note("busy", at(61)), None);
        assert_eq!(
            t.note("busy", at(500)).as_deref(),
            Some("refused 2 request(s) in the last 440 s: busy 2")
        );
    }
}
