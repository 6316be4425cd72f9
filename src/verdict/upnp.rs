//! The finding of the UPnP entry (1900/udp in the practice plan): a router
//! whose UPnP service answers the SSDP search from the internet lets anyone
//! ask it for forwardings.

use crate::api::{Finding, FindingId, PortResult, PortState, Reason, Severity};
use crate::plan::{Plan, Service};

/// `upnp-exposed` (critical) when a port the plan asks SSDP of answered
/// the search (`open`, reason `answered`); nothing for `open|filtered`
/// ("no answer" proves nothing), for a datagram that was no SSDP answer,
/// or for a local fault.
pub(super) fn finding<'a>(
    plan: &Plan,
    results: impl Iterator<Item = &'a PortResult>,
) -> Option<Finding> {
    let mut ports: Vec<u16> = results
        .filter(|p| (p.state, p.reason) == (PortState::Open, Reason::Answered))
        .filter(|p| plan.expects(p.port, p.transport) == Service::Ssdp)
        .map(|p| p.port)
        .collect();
    ports.sort_unstable();
    (!ports.is_empty()).then(|| Finding::new(FindingId::UpnpExposed, Severity::Critical, ports))
}

#[cfg(test)]
mod tests {
    use crate::api::{FindingId, Level, PortState, Reason, Verdict};
    use crate::plan::{Plan, Transport};
    use crate::verdict::evaluate;

    /// The practice plan's verdict with the `open` TCP ports open, the
    /// rest silent, and 1900/udp in `upnp` state and reason.
    fn practice_verdict(open: &[u16], upnp: (PortState, Reason)) -> Verdict {
        let plan = Plan::practice();
        let mut report = plan.sample_report("198.51.100.7".parse().expect("ip"), |_, p| {
            if open.contains(&p) {
                PortState::Open
            } else {
                PortState::Filtered
            }
        });
        for r in &mut report.ports {
            if r.transport == Transport::Udp {
                (r.state, r.reason) = match r.port {
                    1900 => upnp,
                    _ => (PortState::OpenFiltered, Reason::NoAnswer),
                };
            }
        }
        evaluate(&plan, &report.ports, &report.control)
    }

    const ANSWERED: (PortState, Reason) = (PortState::Open, Reason::Answered);
    const SILENT: (PortState, Reason) = (PortState::OpenFiltered, Reason::NoAnswer);

    #[test]
    fn an_answer_is_a_critical_finding_on_udp_1900() {
        assert_eq!(practice_verdict(&[], SILENT).level, Level::Ok);
        let v = practice_verdict(&[], ANSWERED);
        assert_eq!(v.level, Level::Critical);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(v.findings[0].id, FindingId::UpnpExposed);
        assert_eq!(v.findings[0].ports, [1900]);
        assert_eq!(v.findings[0].group.as_deref(), Some("reflection"));
    }

    #[test]
    fn no_answer_an_unknown_answer_and_a_local_fault_add_nothing() {
        let before = practice_verdict(&[8080], SILENT);
        for upnp in [
            (PortState::Open, Reason::UnparsedAnswer),
            (PortState::Closed, Reason::PortUnreachable),
            (PortState::Filtered, Reason::Prohibited),
        ] {
            assert_eq!(practice_verdict(&[8080], upnp), before, "{upnp:?}");
        }
        let fault = practice_verdict(&[8080], (PortState::Error, Reason::LocalError));
        let ids: Vec<_> = fault.findings.iter().map(|f| f.id).collect();
        assert!(!ids.contains(&FindingId::UpnpExposed), "{ids:?}");
    }

    #[test]
    fn it_ranks_before_warnings() {
        let v = practice_verdict(&[8080], SILENT);
        assert_eq!(v.level, Level::Warning);
        let v = practice_verdict(&[8080], ANSWERED);
        assert_eq!(v.findings[0].id, FindingId::UpnpExposed);
        assert_eq!(v.level, Level::Critical);
    }
}
