//! The RPC portmapper's (rpcbind, port 111) answer to DUMP: the RPC
//! programs registered on the host (NFS, mountd, NIS, …).

use serde::{Deserialize, Serialize};

/// What the portmapper listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortmapperDetails {
    /// The registered programs (capped).
    pub programs: Vec<RpcProgram>,
}

/// One registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RpcProgram {
    /// The program number, e.g. 100000 (portmapper), 100003 (NFS).
    pub program: u32,
    /// Its well-known name, when it has one (`portmapper`, `nfs`,
    /// `mountd`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The program version.
    pub version: u32,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// The port it is registered on.
    pub port: u32,
}
