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

use crate::api::{Finding, FindingId, PortDetails, PortResult, PortState, Severity};
use crate::plan::{Plan, Service};

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
            (VncExposed, Warning)
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
        Some((PrinterExposed, Warning))
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
        Service::Vnc => Some((VncExposed, Warning)),
        Service::Mysql | Service::Mssql | Service::Postgres => Some((DatabaseExposed, Critical)),
        Service::Telnet => Some((TelnetExposed, Critical)),
        Service::Netbios => Some((NetbiosExposed, Critical)),
        Service::Ftp => Some((FtpExposed, Warning)),
        Service::Ipp => Some((PrinterExposed, Warning)),
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

/// The service findings over `ports` (range and control ports of a scan of
/// `plan`), one per kind, each with its ports ascending; the group is set
/// by the caller.
pub(super) fn service_findings<'a>(
    plan: &Plan,
    ports: impl Iterator<Item = &'a PortResult>,
) -> Vec<Finding> {
    let mut hits: Vec<(FindingId, Severity, u16)> = ports
        .filter(|p| p.state == PortState::Open)
        .filter_map(|p| of_port(plan, p).map(|(id, sev)| (id, sev, p.port)))
        .collect();
    hits.sort_unstable();
    let mut findings: Vec<Finding> = Vec::new();
    for (id, severity, port) in hits {
        match findings.last_mut() {
            Some(f) if f.id == id => f.ports.push(port),
            _ => findings.push(Finding {
                id,
                severity,
                ports: vec![port],
                group: None,
            }),
        }
    }
    findings
}

#[cfg(test)]
mod tests;
