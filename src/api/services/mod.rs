//! What identification learnt about the services that network operators
//! report to practices (CERT-Bund passes on Shadowserver's daily scans):
//! most of them over UDP, a few over TCP, each one protocol-specific
//! question and its answer. Flattened into [`super::PortDetails`]: each
//! service is one optional field there, named as its `protocol`.

use serde::{Deserialize, Serialize};

mod dns;
mod exchange;
mod ldap;
mod mdns;
mod mssql_browser;
mod netbios_ns;
mod ntp;
mod portmapper;
mod sip;
mod snmp;
mod ws_discovery;

pub use dns::DnsDetails;
pub use exchange::{ExchangeDetails, ExchangeSupport};
pub use ldap::LdapDetails;
pub use mdns::MdnsDetails;
pub use mssql_browser::{MssqlBrowserDetails, MssqlInstance};
pub use netbios_ns::{NetbiosName, NetbiosNsDetails};
pub use ntp::NtpDetails;
pub use portmapper::{PortmapperDetails, RpcProgram};
pub use sip::SipDetails;
pub use snmp::SnmpDetails;
pub use ws_discovery::WsDiscoveryDetails;

/// The reported services, each present only when the port answered as
/// that service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedServiceDetails {
    /// A DNS server's answer to a recursive query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<DnsDetails>,
    /// An NTP server's answers to a client request and to `monlist`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ntp: Option<NtpDetails>,
    /// An SNMP agent's answer to a GetRequest for `sysDescr.0` with the
    /// community `public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snmp: Option<SnmpDetails>,
    /// The NetBIOS name service's answer to a node status request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub netbios_ns: Option<NetbiosNsDetails>,
    /// An mDNS responder's answer to a unicast query for the service list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mdns: Option<MdnsDetails>,
    /// A WS-Discovery device's answer to a Probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws_discovery: Option<WsDiscoveryDetails>,
    /// The SQL Server resolution service's instance list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mssql_browser: Option<MssqlBrowserDetails>,
    /// A SIP server's answer to OPTIONS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip: Option<SipDetails>,
    /// The RPC portmapper's program list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portmapper: Option<PortmapperDetails>,
    /// An LDAP (TCP) or CLDAP (UDP) server's root DSE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ldap: Option<LdapDetails>,
}
