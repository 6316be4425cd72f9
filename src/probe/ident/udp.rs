//! Which question a UDP plan entry gets: one match from the plan's service
//! to the service module's [`UdpQuestion`]. A service without a UDP
//! question is not scanned over UDP.

use super::services::UdpQuestion;
use crate::plan::Service;

/// The question for a UDP entry expecting `service`; `id` is the
/// transaction id for protocols that carry one (random per check, so an
/// answer can be matched to the question).
pub(crate) fn question(service: Service, id: u32) -> Option<UdpQuestion> {
    match service {
        Service::Dns => Some(super::services::reported::dns::question(id)),
        Service::Ntp => Some(super::services::reported::ntp::question(id)),
        Service::Snmp => Some(super::services::reported::snmp::question(id)),
        Service::NetbiosNs => Some(super::services::reported::netbios_ns::question(id)),
        Service::Mdns => Some(super::services::reported::mdns::question(id)),
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
        | Service::WsDiscovery
        | Service::MssqlBrowser
        | Service::Sip
        | Service::Portmapper
        | Service::Ldap => None,
    }
}
