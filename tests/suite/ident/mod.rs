//! Identification of open ports: parser properties, hostile services on
//! loopback, and the details through the real API.

mod api;
mod dns_props;
mod exchange_props;
mod first_connection;
mod hostile;
mod ldap_props;
mod mdns_props;
mod mssql_browser_props;
mod netbios_ns_props;
mod ntp_props;
mod portmapper_props;
mod props;
mod reported_tcp;
mod service_props;
pub(crate) mod services;
mod sip_props;
mod snmp_props;
mod ws_discovery_props;
