//! The verdict rules: from port states to findings and an overall level.
//!
//! Pure functions over the API types, compiled for probe and page alike, so
//! the reasoning behind "critical" is written once and unit-tested here.

use crate::api::{
    Finding, FindingId, Level, PortDetails, PortResult, PortState, Severity, Verdict,
};
use crate::plan::{HTTP_SERVICE, HTTPS_SERVICE, Plan, PlannedPort, SMB_SERVICE, Transport};

/// How many ports of a group's range must answer (open or closed), with every
/// control port of the group silent, before the pattern is called a forwarded
/// range. A correct single forwarding makes one port answer; two deliberate
/// single forwardings make two; a range forward to a live host makes (nearly)
/// the whole range answer.
pub(crate) const RANGE_ANSWER_THRESHOLD: usize = 3;

/// The results for the plan entries `ports` (number and transport).
fn among<'a>(
    results: &'a [PortResult],
    ports: &'a [PlannedPort],
) -> impl Iterator<Item = &'a PortResult> + 'a {
    results
        .iter()
        .filter(|p| ports.iter().any(|e| e.is(p.port, p.transport)))
}

/// Services whose open port is a finding of its own, by IANA name.
const EXPOSED_SERVICES: [(FindingId, Severity, &str); 3] = [
    (FindingId::SmbExposed, Severity::Critical, SMB_SERVICE),
    (FindingId::HttpsExposed, Severity::Notice, HTTPS_SERVICE),
    (FindingId::HttpExposed, Severity::Notice, HTTP_SERVICE),
];

/// Evaluate the findings for a scan of `plan`: `range` holds the results of
/// every group's range ports, `control` those of every group's control ports.
/// A finding whose ports all belong to one group names it.
///
/// UDP results get no finding from their state or name alone (an `open`
/// UDP port may be an answer nobody understood): only the rules of their
/// services, from what they answered, give them one.
pub fn evaluate(plan: &Plan, range: &[PortResult], control: &[PortResult]) -> Verdict {
    let open_range: Vec<&PortResult> = range
        .iter()
        .filter(|p| p.state == PortState::Open && p.transport == Transport::Tcp)
        .collect();
    let mut findings: Vec<Finding> = EXPOSED_SERVICES
        .iter()
        .filter_map(|&(id, severity, name)| {
            let ports = open_range.iter().filter(|p| p.service == name);
            finding(id, severity, ports.map(|p| p.port).collect())
        })
        .collect();
    let ident = identification_findings(range.iter().chain(control));
    let kdc: Vec<u16> = ident
        .iter()
        .filter(|f| f.id == FindingId::KerberosExposed)
        .flat_map(|f| f.ports.iter().copied())
        .collect();
    findings.extend(ident);
    // RDP, VNC, databases, … (on any plan): ports with a finding of their own.
    let services = practice_rules::service_findings(plan, range.iter().chain(control));
    // DNS, NTP, SNMP, LDAP, Exchange, …: what the reported services
    // answered; their groups are set by port and transport.
    let reported = practice_rules::reported(plan, range.iter().chain(control));
    let named: Vec<u16> = services
        .iter()
        .chain(&reported)
        .flat_map(|f| f.ports.clone())
        .collect();
    findings.extend(services);
    findings.extend(upnp::finding(plan, range.iter().chain(control)));

    // Every other open port of a range: neither an exposed service by name
    // nor a port that answered as a KDC or a service of its own.
    let unexpected = open_range
        .iter()
        .filter(|p| {
            EXPOSED_SERVICES
                .iter()
                .all(|(_, _, name)| p.service != *name)
        })
        .filter(|p| !kdc.contains(&p.port) && !named.contains(&p.port))
        .map(|p| p.port);
    findings.extend(finding(
        FindingId::UnexpectedOpen,
        Severity::Warning,
        unexpected.collect(),
    ));

    for group in &plan.groups {
        let answering: Vec<u16> = among(range, &group.ports)
            .filter(|p| p.state.answered())
            .map(|p| p.port)
            .collect();
        let mut controls = among(control, &group.control).peekable();
        let controls_silent =
            controls.peek().is_some() && controls.all(|p| p.state == PortState::Filtered);
        if answering.len() >= RANGE_ANSWER_THRESHOLD && controls_silent {
            findings.extend(finding(
                FindingId::RangeReachable,
                Severity::Warning,
                answering,
            ));
        }
    }

    let untested = range
        .iter()
        .chain(control)
        .filter(|p| p.state == PortState::Error)
        .map(|p| p.port);
    findings.extend(finding(
        FindingId::ScanIncomplete,
        Severity::Notice,
        untested.collect(),
    ));

    for f in &mut findings {
        f.group = sole_group(plan, &f.ports);
        if f.reports.is_empty() {
            f.reports = report_names(f.id);
        }
    }
    findings.extend(reported);
    rank(&mut findings);
    Verdict {
        level: level_of(&findings),
        findings,
    }
}

/// Most severe first, then by id. Stable: two findings of one kind (one
/// per group) stay in plan order.
pub(crate) fn rank(findings: &mut [Finding]) {
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.id.cmp(&b.id)));
}

/// The name of the one group all of `ports` belong to, if there is one. A
/// finding names port numbers only, so a number planned in two groups (111
/// over TCP in one, over UDP in another) names none.
fn sole_group(plan: &Plan, ports: &[u16]) -> Option<String> {
    let mut candidates = plan.groups.iter().filter(|g| {
        ports
            .iter()
            .all(|&p| g.ports.iter().chain(&g.control).any(|e| e.port == p))
    });
    let only = candidates.next()?;
    let unique = ports.iter().all(|&p| {
        plan.groups
            .iter()
            .filter(|g| g.ports.iter().chain(&g.control).any(|e| e.port == p))
            .count()
            == 1
    });
    (unique && candidates.next().is_none() && !ports.is_empty()).then(|| only.name.clone())
}

/// Findings from what identification learnt on open ports: a Kerberos KDC,
/// the SMB server's guest access, SMB1 and signing, outdated TLS, and an
/// administration login page. Each lists the ports it was seen on.
fn identification_findings<'a>(ports: impl Iterator<Item = &'a PortResult>) -> Vec<Finding> {
    type Rule = (FindingId, Severity, fn(&PortDetails) -> bool);
    let rules: [Rule; 6] = [
        (FindingId::KerberosExposed, Severity::Critical, |d| {
            d.kerberos.is_some()
        }),
        (FindingId::SmbGuestAccess, Severity::Critical, |d| {
            d.smb.as_ref().and_then(|s| s.guest_access) == Some(true)
        }),
        (FindingId::Smb1Enabled, Severity::Critical, |d| {
            d.smb.as_ref().and_then(|s| s.smb1) == Some(true)
        }),
        (FindingId::SmbSigningNotRequired, Severity::Warning, |d| {
            d.smb.as_ref().and_then(|s| s.signing_required) == Some(false)
        }),
        (FindingId::TlsOutdated, Severity::Warning, |d| {
            d.tls.as_ref().is_some_and(|t| {
                !t.outdated_versions.is_empty()
                    || matches!(t.version.as_str(), "TLSv1.0" | "TLSv1.1")
            })
        }),
        (FindingId::AdminInterfaceExposed, Severity::Warning, |d| {
            d.http.as_ref().is_some_and(|h| h.admin_interface.is_some())
        }),
    ];
    let open: Vec<(u16, &PortDetails)> = ports
        .filter(|p| p.state == PortState::Open)
        .filter_map(|p| p.details.as_deref().map(|d| (p.port, d)))
        .collect();
    rules
        .iter()
        .filter_map(|(id, severity, applies)| {
            let mut hit: Vec<u16> = open
                .iter()
                .filter(|(_, d)| applies(d))
                .map(|(p, _)| *p)
                .collect();
            hit.sort_unstable();
            finding(*id, *severity, hit)
        })
        .collect()
}

/// The most severe finding's level, `ok` when there is none.
pub(crate) fn level_of(findings: &[Finding]) -> Level {
    findings
        .iter()
        .map(|f| Level::from(f.severity))
        .max()
        .unwrap_or(Level::Ok)
}

/// A finding about `ports`, none when there are no ports. Its group and
/// report are set once all findings are known.
fn finding(id: FindingId, severity: Severity, ports: Vec<u16>) -> Option<Finding> {
    (!ports.is_empty()).then(|| Finding::new(id, severity, ports))
}

/// The names of the Shadowserver reports that list finding `id`, when the
/// id alone tells (see [`reports::report_of`]).
pub(crate) fn report_names(id: FindingId) -> Vec<String> {
    reports::report_of(id)
        .map(|r| vec![r.name.to_owned()])
        .unwrap_or_default()
}

#[cfg(any(test, feature = "fixtures"))]
pub(crate) mod fixtures;
mod practice_rules;
pub(crate) mod reports;
mod upnp;

#[cfg(test)]
pub(crate) mod tests;
