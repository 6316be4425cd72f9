//! Which question a UDP plan entry gets: one match from the plan's service
//! to the service module's [`UdpQuestion`]. A service without a UDP
//! question is not asked: the scan reports the entry as not tested
//! (`error`), and a unit test holds every plan to questions for all its UDP
//! entries.

use std::net::SocketAddr;

use super::services::reported::{
    dns, ldap, mdns, mssql_browser, netbios_ns, ntp, portmapper, sip, snmp, ws_discovery,
};
use super::services::{UdpQuestion, ssdp};
use crate::plan::Service;

/// The question for a UDP entry expecting `service`; `id` is the
/// transaction id for protocols that carry one (random per check, so an
/// answer can be matched to the question); `to` is the visitor's address
/// and port asked, for protocols that name it (SSDP's `HOST`, SIP's
/// request URI).
pub(crate) fn question(service: Service, id: u32, to: SocketAddr) -> Option<UdpQuestion> {
    match service {
        Service::Ssdp => Some(ssdp::question(to)),
        Service::Dns => Some(dns::question(id)),
        Service::Ntp => Some(ntp::question(id)),
        Service::Snmp => Some(snmp::question(id)),
        Service::NetbiosNs => Some(netbios_ns::question(id)),
        Service::Mdns => Some(mdns::question(id)),
        Service::WsDiscovery => Some(ws_discovery::question(id)),
        Service::MssqlBrowser => Some(mssql_browser::question(id)),
        Service::Sip => Some(sip::question(id, to)),
        Service::Portmapper => Some(portmapper::question(id)),
        Service::Ldap => Some(ldap::question(id)),
        Service::Smb
        | Service::Https
        | Service::Http
        | Service::Kerberos
        | Service::Rdp
        | Service::Vnc
        | Service::Ftp
        | Service::Ssh
        | Service::Telnet
        | Service::Netbios
        | Service::Mysql
        | Service::Mssql
        | Service::Postgres
        | Service::Ipp => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Plan, Transport};

    /// Every UDP entry of every plan is asked a question: the scan never
    /// lists a UDP port it did not test.
    #[test]
    fn every_udp_entry_of_every_plan_has_a_question() {
        let to: SocketAddr = "198.51.100.7:9".parse().expect("addr");
        for plan in Plan::catalogue() {
            for (_, _, entry) in plan.entries() {
                if entry.transport == Transport::Udp {
                    let q = question(entry.expects, 7, to);
                    assert!(q.is_some(), "{} {}/udp", plan.name, entry.port);
                    assert!(q.is_some_and(|q| !q.datagrams.is_empty()));
                }
            }
        }
    }

    /// What the practice check sends over UDP, per entry and in all, as
    /// `docs/security-model.md` states it: every question is small, and
    /// the whole check's stays under 2 KiB (twice that if nothing answers
    /// and every question is sent again).
    #[test]
    fn the_practice_checks_udp_questions_are_small_in_all() {
        let plan = Plan::practice();
        let mut total = 0;
        for (_, _, entry) in plan.entries() {
            if entry.transport != Transport::Udp {
                continue;
            }
            let to = SocketAddr::from(([198, 51, 100, 7], entry.port));
            let q = question(entry.expects, u32::MAX, to).expect("a question");
            let bytes: usize = q.datagrams.iter().map(Vec::len).sum();
            eprintln!("{}/udp {:?}: {bytes} bytes", entry.port, entry.expects);
            total += bytes;
        }
        eprintln!("practice plan, UDP questions: {total} bytes");
        assert!(total <= 2048, "{total}");
    }

    /// The questions are small (none over 1 KiB, NTP's two the only pair),
    /// only SSDP and WS-Discovery take answers from other source ports, and
    /// TCP services have none.
    #[test]
    fn the_questions_are_small_and_tcp_services_have_none() {
        let to: SocketAddr = "198.51.100.7:5060".parse().expect("addr");
        for service in [
            Service::Ssdp,
            Service::Dns,
            Service::Ntp,
            Service::Snmp,
            Service::NetbiosNs,
            Service::Mdns,
            Service::WsDiscovery,
            Service::MssqlBrowser,
            Service::Sip,
            Service::Portmapper,
            Service::Ldap,
        ] {
            let q = question(service, 7, to).expect("a question");
            let expected = if service == Service::Ntp { 2 } else { 1 };
            assert_eq!(q.datagrams.len(), expected, "{service:?}");
            assert!(q.datagrams.iter().all(|d| d.len() <= 1024), "{service:?}");
            assert_eq!(
                q.any_source_port,
                matches!(service, Service::Ssdp | Service::WsDiscovery),
                "{service:?}"
            );
        }
        for service in [
            Service::Smb,
            Service::Https,
            Service::Mssql,
            Service::Netbios,
        ] {
            assert!(question(service, 7, to).is_none(), "{service:?}");
        }
    }
}
