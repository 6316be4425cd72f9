//! The SQL Server resolution service's (SQL Browser, UDP 1434) answer to
//! the instance list request.

use serde::{Deserialize, Serialize};

/// What the resolution service listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MssqlBrowserDetails {
    /// The instances (capped).
    pub instances: Vec<MssqlInstance>,
}

/// One SQL Server instance as the service lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MssqlInstance {
    /// `ServerName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// `InstanceName`, e.g. `MSSQLSERVER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// `Version`, e.g. `15.0.2000.5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `tcp`: the instance's TCP port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_port: Option<u16>,
}
