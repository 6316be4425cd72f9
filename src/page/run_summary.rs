//! The summary of a run for the IT service provider ("copy summary"): the
//! report of a check that stands alone, or a section per address family
//! with what its result cannot tell (or why that family could not be
//! checked). Each report reads as [`report_summary`] writes it, the same
//! text the probe and the terminal client give.

use super::check::{Check, Status};
use crate::texts::Lang;
use crate::texts::summary::report_summary;
use crate::texts::words::family_limit;
use crate::texts::words::family_name;

/// The summary of the run's checks: the report of a check that stands
/// alone, or a section per family.
pub(crate) fn summary(checks: &[Check], lang: Lang) -> String {
    if let [c] = checks
        && c.family.is_none()
    {
        return c
            .report()
            .map(|r| report_summary(r, &c.plan, lang))
            .unwrap_or_default();
    }
    let mut parts = Vec::with_capacity(checks.len());
    for c in checks {
        let Some(family) = c.family else { continue };
        let body = match &c.status {
            Status::Done(r) => format!(
                "{}{}\n",
                report_summary(r, &c.plan, lang),
                family_limit(family, true, lang)
            ),
            Status::Failed(f) => format!("{}\n", f.text(Some(family), lang)),
            Status::Running => String::new(),
        };
        parts.push(format!("=== {} ===\n{body}", family_name(family)));
    }
    parts.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Family, Level};
    use crate::page::check::CheckEvent;
    use crate::page::sse::StreamMsg;
    use crate::plan::Plan;
    use crate::texts::failure::Failure;

    use crate::verdict::fixtures::{assert_holds as holds, celle_report as celle};

    fn finished(family: Family, ip: &str, open: u16) -> Check {
        let r = Plan::standard().sample_forwarded(ip.parse().unwrap(), &[open]);
        let mut c = Check::new(Some(family), Plan::standard());
        c.apply(CheckEvent::Stream(StreamMsg::Finished(Box::new(r))));
        c
    }

    #[test]
    fn summary_holds_both_families() {
        let checks = [
            finished(Family::Ipv4, "127.0.0.1", 445),
            finished(Family::Ipv6, "::1", 443),
        ];
        assert_eq!(
            checks[0].report().map(|r| r.verdict.level),
            Some(Level::Critical)
        );
        let s = summary(&checks, Lang::De);
        let (a, b) = s.split_once("=== IPv6 ===").expect(&s);
        assert!(a.starts_with("=== IPv4 ==="), "{s}");
        let v4 = [
            "Geprüfte Adresse: 127.0.0.1 (IPv4)",
            "445   microsoft-ds   offen",
            "DS-Lite",
        ];
        holds(a, &v4);
        holds(
            b,
            &[
                "Geprüfte Adresse: ::1 (IPv6)",
                "443   https          offen",
                "Dateiserver",
            ],
        );

        let mut gone = Check::new(Some(Family::Ipv6), Plan::standard());
        gone.apply(CheckEvent::Fail(Failure::Network));
        let checks = [checks[0].clone(), gone];
        let s = summary(&checks, Lang::En);
        assert!(s.contains("=== IPv6 ===\nNo IPv6 connection"), "{s}");
    }

    #[test]
    fn a_check_alone_is_its_report() {
        let mut c = Check::new(None, Plan::standard());
        c.apply(CheckEvent::Stream(StreamMsg::Finished(Box::new(celle()))));
        let s = summary(std::slice::from_ref(&c), Lang::En);
        assert_eq!(s, report_summary(&celle(), &Plan::standard(), Lang::En));
    }
}
