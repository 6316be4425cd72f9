//! The practice check's service findings: what identification recognised
//! on an open port — remote desktop, a VNC screen, a database, Telnet, FTP,
//! a printer, SSH, the NetBIOS session service — becomes a finding of its
//! own, with its ports. On any plan: RDP moved to port 441 is as exposed
//! as on 3389.
//!
//! A port of the plan that expects one of these services, open but not
//! recognised as anything (a service that let its budget run out, or one
//! that closed without a word), is judged as the service its port stands
//! for, the way 445 is judged as SMB by its number: the port answers from
//! the internet, and the service the port is known for is the likeliest
//! one behind it. VNC judged that way is `vnc-exposed`: without its offer
//! the probe cannot say a password is missing. A port recognised as
//! something else (a web server on 3306) gets no service finding from its
//! number.
//!
//! The services network operators report (DNS, NTP, SNMP, the NetBIOS name
//! service, mDNS, WS-Discovery, the SQL Server resolution service, SIP, the
//! portmapper, LDAP and CLDAP, an Exchange server's web access) are judged
//! only by what they answered, never by their number ([`reported`]): over
//! UDP only an `open` port with reason `answered` counts, a datagram the
//! service's parser accepted; `open|filtered` (no answer) proves nothing
//! and `open` with an answer the parser did not know is no finding. Their
//! severities are those of the Shadowserver report that lists them
//! ([`super::reports`]).

use super::reports::{self, ShadowserverReport, report_of, severity_for};
use crate::api::{
    ExchangeSupport, Finding, FindingId, PortDetails, PortResult, PortState, Reason, Severity,
};
use crate::plan::{Plan, Service, Transport};

/// The finding of the service identification recognised, if it is one of
/// the practice check's.
fn recognised(d: &PortDetails) -> Option<(FindingId, Severity)> {
    use FindingId::*;
    use Severity::*;
    let s = &d.service;
    if s.rdp.is_some() {
        Some((RdpExposed, Critical))
    } else if let Some(v) = &s.vnc {
        Some(if v.no_password == Some(true) {
            (VncNoAuth, Critical)
        } else {
            (VncExposed, Critical)
        })
    } else if s.mysql.is_some() || s.mssql.is_some() || s.postgres.is_some() {
        Some((DatabaseExposed, Critical))
    } else if s.telnet.is_some() {
        Some((TelnetExposed, Critical))
    } else if s.netbios.is_some() {
        Some((NetbiosExposed, Critical))
    } else if s.ftp.is_some() {
        Some((FtpExposed, Warning))
    } else if s.ipp.is_some() {
        Some((PrinterExposed, Critical))
    } else if s.ssh.is_some() {
        Some((SshExposed, Notice))
    } else {
        None
    }
}

/// The finding a plan entry's service stands for, when the port is judged
/// by its number.
fn expected(expects: Service) -> Option<(FindingId, Severity)> {
    use FindingId::*;
    use Severity::*;
    match expects {
        Service::Rdp => Some((RdpExposed, Critical)),
        Service::Vnc => Some((VncExposed, Critical)),
        Service::Mysql | Service::Mssql | Service::Postgres => Some((DatabaseExposed, Critical)),
        Service::Telnet => Some((TelnetExposed, Critical)),
        Service::Netbios => Some((NetbiosExposed, Critical)),
        Service::Ftp => Some((FtpExposed, Warning)),
        Service::Ipp => Some((PrinterExposed, Critical)),
        Service::Ssh => Some((SshExposed, Notice)),
        Service::Smb | Service::Https | Service::Http | Service::Kerberos => None,
        // The reported services' findings come from what they answered.
        Service::Ssdp
        | Service::Dns
        | Service::Ntp
        | Service::Snmp
        | Service::NetbiosNs
        | Service::Mdns
        | Service::WsDiscovery
        | Service::MssqlBrowser
        | Service::Sip
        | Service::Portmapper
        | Service::Ldap => None,
    }
}

/// Whether identification recognised a service other than `protocol`'s
/// (SMB on the NetBIOS port is the same file sharing; IPP runs over HTTP,
/// so any web answer on the printer port fits it).
fn recognised_other(d: &PortDetails, expects: Service) -> bool {
    let smb = d.smb.is_some() && expects != Service::Netbios;
    let http = d.http.is_some() && expects != Service::Ipp;
    smb || http
        || d.tls.is_some()
        || d.kerberos.is_some()
        || d.banner.is_some()
        || d.service != Default::default()
        || d.reported != Default::default()
}

/// The service `plan` expects on `p`'s port over `p`'s transport (the same
/// number can be in a plan over TCP and UDP).
pub(super) fn expects(plan: &Plan, p: &PortResult) -> Option<Service> {
    plan.service(p.port, p.transport).map(|s| s.expects)
}

/// The finding of one open port, if it has one.
fn of_port(plan: &Plan, p: &PortResult) -> Option<(FindingId, Severity)> {
    let details = p.details.as_deref();
    if let Some(found) = details.and_then(recognised) {
        return Some(found);
    }
    let expects = plan.service(p.port, p.transport).map(|s| s.expects)?;
    if details.is_some_and(|d| recognised_other(d, expects)) {
        return None;
    }
    expected(expects)
}

/// The Shadowserver report that lists finding `id` on port `p`.
fn report_at(plan: &Plan, id: FindingId, p: &PortResult) -> Option<ShadowserverReport> {
    if id == FindingId::DatabaseExposed {
        reports::database_report(p.details.as_deref(), expects(plan, p))
    } else {
        report_of(id)
    }
}

/// The service findings over `ports` (range and control ports of a scan of
/// `plan`), one per kind, each with its ports ascending; the group is set
/// by the caller.
pub(super) fn service_findings<'a>(
    plan: &Plan,
    ports: impl Iterator<Item = &'a PortResult>,
) -> Vec<Finding> {
    let mut hits: Vec<(FindingId, Severity, u16, Option<&'static str>)> = ports
        .filter(|p| p.state == PortState::Open && p.transport == Transport::Tcp)
        .filter_map(|p| {
            of_port(plan, p).map(|(id, sev)| {
                let report = report_at(plan, id, p).map(|r| r.name);
                (id, sev, p.port, report)
            })
        })
        .collect();
    hits.sort_unstable();
    let mut findings: Vec<Finding> = Vec::new();
    for (id, severity, port, report) in hits {
        let f = match findings.last_mut() {
            Some(f) if f.id == id => f,
            _ => {
                findings.push(Finding::new(id, severity, Vec::new()));
                findings.last_mut().expect("just pushed")
            }
        };
        f.ports.push(port);
        if let Some(name) = report.filter(|n| !f.reports.iter().any(|r| r == n)) {
            f.reports.push(name.to_owned());
        }
    }
    findings
}

/// Whether a port's result counts for a reported service's finding: over
/// TCP an open port, over UDP only an open port whose answer the service's
/// parser accepted (`answered`).
fn counts(p: &PortResult) -> bool {
    p.state == PortState::Open && (p.transport == Transport::Tcp || p.reason == Reason::Answered)
}

/// What the reported services answered on one port, as finding ids: each
/// rule reads the service's details, filled by identification.
fn reported_ids(p: &PortResult) -> Vec<FindingId> {
    use FindingId::*;
    let mut ids = Vec::new();
    let udp = p.transport == Transport::Udp;
    // UPnP (the SSDP entry, 1900/udp) has its rule in `verdict::upnp`.
    let Some(d) = p.details.as_deref() else {
        return ids;
    };
    let r = &d.reported;
    // Recursion offered and a real answer (NOERROR or NXDOMAIN); REFUSED or
    // SERVFAIL with the RA flag set is no resolver for the asker.
    if r.dns.as_ref().is_some_and(|dns| {
        dns.recursion_available && matches!(dns.rcode.as_str(), "NOERROR" | "NXDOMAIN")
    }) {
        ids.push(DnsOpenResolver);
    }
    if let Some(ntp) = &r.ntp {
        if ntp.version.is_some() || ntp.stratum.is_some() {
            ids.push(NtpExposed);
        }
        if ntp.monlist {
            ids.push(NtpMonlist);
        }
    }
    if r.snmp.as_ref().is_some_and(|s| s.sys_descr.is_some()) {
        ids.push(SnmpPublic);
    }
    if r.netbios_ns.as_ref().is_some_and(|n| !n.names.is_empty()) {
        ids.push(NetbiosNsExposed);
    }
    let present = [
        (r.mdns.is_some(), MdnsExposed),
        (r.ws_discovery.is_some(), WsDiscoveryExposed),
        (r.mssql_browser.is_some(), MssqlBrowserExposed),
        (r.sip.is_some(), SipExposed),
        (r.portmapper.is_some(), PortmapperExposed),
        (
            r.ldap.is_some(),
            if udp { CldapExposed } else { LdapExposed },
        ),
    ];
    ids.extend(present.iter().filter(|(on, _)| *on).map(|(_, id)| *id));
    if let Some(exchange) = d.http.as_ref().and_then(|h| h.exchange.as_ref()) {
        ids.push(ExchangeExposed);
        if exchange.support == ExchangeSupport::Ended {
            ids.push(ExchangeUnsupported);
        }
    }
    ids
}

/// The severity of a reported service's finding: its Shadowserver report's
/// ([`severity_for`]); an Exchange in support has no report of its own and
/// is a warning, like any other login page on the internet.
fn reported_severity(id: FindingId) -> Severity {
    report_of(id).map_or(Severity::Warning, |r| severity_for(id, r))
}

/// The findings of the reported services over `ports` (every result of a
/// scan of `plan`), one per kind with its ports ascending, each with its
/// report and its group (found by port and transport).
pub(super) fn reported<'a>(
    plan: &Plan,
    ports: impl Iterator<Item = &'a PortResult>,
) -> Vec<Finding> {
    let mut hits: Vec<(FindingId, u16, Transport)> = ports
        .filter(|p| counts(p))
        .flat_map(|p| {
            reported_ids(p)
                .into_iter()
                .map(|id| (id, p.port, p.transport))
        })
        .collect();
    hits.sort_unstable_by_key(|&(id, port, transport)| (id, port, transport.is_tcp()));
    hits.dedup();
    let mut findings: Vec<(Finding, Vec<(u16, Transport)>)> = Vec::new();
    for (id, port, transport) in hits {
        match findings.last_mut() {
            Some((f, at)) if f.id == id => {
                if !f.ports.contains(&port) {
                    f.ports.push(port);
                }
                at.push((port, transport));
            }
            _ => {
                let mut f = Finding::new(id, reported_severity(id), vec![port]);
                f.reports = report_of(id)
                    .map(|r| vec![r.name.to_owned()])
                    .unwrap_or_default();
                findings.push((f, vec![(port, transport)]));
            }
        }
    }
    findings
        .into_iter()
        .map(|(mut f, at)| {
            f.group = group_of(plan, &at);
            f
        })
        .collect()
}

/// The name of the one group every `(port, transport)` belongs to.
fn group_of(plan: &Plan, at: &[(u16, Transport)]) -> Option<String> {
    let group = |&(port, transport): &(u16, Transport)| {
        plan.groups.iter().find(|g| {
            g.ports
                .iter()
                .chain(&g.control)
                .any(|s| s.port == port && s.transport == transport)
        })
    };
    let mut groups = at.iter().map(group);
    let first = groups.next().flatten()?;
    groups
        .all(|g| g.is_some_and(|g| g.name == first.name))
        .then(|| first.name.clone())
}

#[cfg(test)]
mod reported_tests;
#[cfg(test)]
mod tests;
