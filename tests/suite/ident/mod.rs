//! Identification of open ports: parser properties, hostile services on
//! loopback, and the details through the real API.

mod api;
mod dns_props;
mod first_connection;
mod hostile;
mod mdns_props;
mod netbios_ns_props;
mod ntp_props;
mod props;
mod service_props;
pub(crate) mod services;
mod snmp_props;
