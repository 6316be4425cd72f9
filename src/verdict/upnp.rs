//! The finding of the UPnP check: a router whose UPnP service answers from
//! the internet lets anyone ask it for forwardings.

use crate::api::{Finding, FindingId, Severity, UpnpAnswer, UpnpResult, Verdict};

use super::{level_of, rank, report_names};

/// Add what the UPnP check found to `verdict`: `upnp-exposed` (critical)
/// when a device answered; nothing for "no answer", which proves nothing.
pub fn apply(verdict: &mut Verdict, upnp: &UpnpResult) {
    if upnp.answer != UpnpAnswer::Answered {
        return;
    }
    let mut finding = Finding::new(FindingId::UpnpExposed, Severity::Critical, vec![upnp.port]);
    finding.reports = report_names(FindingId::UpnpExposed);
    verdict.findings.push(finding);
    rank(&mut verdict.findings);
    verdict.level = level_of(&verdict.findings);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Level, PortState};
    use crate::plan::Plan;

    fn result(answer: UpnpAnswer) -> UpnpResult {
        UpnpResult {
            answer,
            port: 1900,
            sent: 1,
            waited_ms: 40,
            server: Some("MiniUPnPd/2.3".into()),
            location: None,
            st: None,
            usn: None,
        }
    }

    fn practice_verdict(open: &[u16]) -> Verdict {
        let plan = Plan::practice();
        let report = plan.sample_report("198.51.100.7".parse().expect("ip"), |_, p| {
            if open.contains(&p) {
                PortState::Open
            } else {
                PortState::Filtered
            }
        });
        report.verdict
    }

    #[test]
    fn an_answer_is_a_critical_finding_on_udp_1900() {
        let mut v = practice_verdict(&[]);
        assert_eq!(v.level, Level::Ok);
        apply(&mut v, &result(UpnpAnswer::Answered));
        assert_eq!(v.level, Level::Critical);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(v.findings[0].id, FindingId::UpnpExposed);
        assert_eq!(v.findings[0].ports, [1900]);
        assert_eq!(v.findings[0].group, None);
    }

    #[test]
    fn no_answer_and_a_local_fault_add_nothing() {
        for answer in [UpnpAnswer::NoAnswer, UpnpAnswer::Error] {
            let mut v = practice_verdict(&[8080]);
            let before = v.clone();
            apply(&mut v, &result(answer));
            assert_eq!(v, before);
        }
    }

    #[test]
    fn it_ranks_before_warnings() {
        let mut v = practice_verdict(&[8080]);
        assert_eq!(v.level, Level::Warning);
        apply(&mut v, &result(UpnpAnswer::Answered));
        assert_eq!(v.findings[0].id, FindingId::UpnpExposed);
        assert_eq!(v.level, Level::Critical);
    }
}
