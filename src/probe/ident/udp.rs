//! Which question a UDP plan entry gets: one match from the plan's service
//! to the service module's [`UdpQuestion`]. A service without a UDP
//! question is not scanned over UDP.

use std::net::SocketAddr;

use super::services::UdpQuestion;
use super::services::reported::{ldap, mssql_browser, portmapper, sip, ws_discovery};
use crate::plan::Service;

/// The question for a UDP entry expecting `service`; `id` is the
/// transaction id for protocols that carry one (random per check, so an
/// answer can be matched to the question); `to` is the address asked
/// (the visitor's), which some questions name (SIP's request URI).
pub(crate) fn question(service: Service, id: u32, to: SocketAddr) -> Option<UdpQuestion> {
    match service {
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
        Service::Ssdp
        | Service::Dns
        | Service::Ntp
        | Service::Snmp
        | Service::NetbiosNs
        | Service::Mdns => None,
        Service::WsDiscovery => Some(ws_discovery::question(id)),
        Service::MssqlBrowser => Some(mssql_browser::question(id)),
        Service::Sip => Some(sip::question(id, to)),
        Service::Portmapper => Some(portmapper::question(id)),
        Service::Ldap => Some(ldap::question(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reported_services_have_a_question_and_tcp_services_none() {
        let to: SocketAddr = "198.51.100.7:5060".parse().unwrap();
        for service in [
            Service::WsDiscovery,
            Service::MssqlBrowser,
            Service::Sip,
            Service::Portmapper,
            Service::Ldap,
        ] {
            let q = question(service, 7, to).expect("a question");
            assert_eq!(q.datagrams.len(), 1, "{service:?}");
            // Small: at most one of SSDP's datagrams in size.
            assert!(q.datagrams[0].len() <= 1024, "{service:?}");
            assert_eq!(q.any_source_port, service == Service::WsDiscovery);
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
