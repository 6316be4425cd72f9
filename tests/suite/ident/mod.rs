//! Identification of open ports: parser properties, hostile services on
//! loopback, and the details through the real API.

mod api;
mod first_connection;
mod hostile;
mod props;
mod service_props;
pub(crate) mod services;
