//! The services that network operators report to practices (CERT-Bund
//! passes on Shadowserver's daily scans): open resolvers, time servers,
//! SNMP agents, name and discovery services, the SQL Server resolution
//! service, phone systems, the RPC portmapper and directory servers. Each
//! module is one protocol-specific, harmless question (nothing that could
//! change anything on the device) and the pure parser of its answer.
//! Exchange's web access needs no question of its own: it is read from the
//! HTTP answer (`super::http::exchange`).

pub mod dns;
pub mod ldap;
pub mod mdns;
pub mod mssql_browser;
pub mod netbios_ns;
pub mod ntp;
pub mod portmapper;
pub mod sip;
pub mod snmp;
pub mod ws_discovery;
