//! Which question a UDP plan entry gets: one match from the plan's service
//! to the service module's [`UdpQuestion`]. A service without a UDP
//! question is not asked: the scan reports the entry as not tested
//! (`error`), and a unit test holds every plan to questions for all its UDP
//! entries.

use std::net::SocketAddr;

use super::services::{UdpQuestion, reported, ssdp};
use crate::plan::Service;

/// The question for a UDP entry expecting `service`; `id` is the
/// transaction id for protocols that carry one (random per check, so an
/// answer can be matched to the question); `to` is the visitor's address
/// and port asked, for protocols that name it (SSDP's `HOST`).
pub(crate) fn question(service: Service, id: u32, to: SocketAddr) -> Option<UdpQuestion> {
    match service {
        Service::Ssdp => Some(ssdp::question(to)),
        Service::Dns => Some(reported::dns::question(id)),
        Service::Ntp => Some(reported::ntp::question(id)),
        Service::Snmp => Some(reported::snmp::question(id)),
        Service::NetbiosNs => Some(reported::netbios_ns::question(id)),
        Service::Mdns => Some(reported::mdns::question(id)),
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
        Service::WsDiscovery
        | Service::MssqlBrowser
        | Service::Sip
        | Service::Portmapper
        | Service::Ldap => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Plan, Transport};

    /// Every UDP entry of every plan is asked a question: the scan never
    /// lists a UDP port it did not test. (Holds once every reported
    /// service's module gives its question.)
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
}
