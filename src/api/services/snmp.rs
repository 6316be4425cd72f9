//! An SNMP agent's answer to one v2c GetRequest for `sysDescr.0` with the
//! default community `public` (the question Shadowserver asks; nothing is
//! ever written).

use serde::{Deserialize, Serialize};

/// What the agent answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnmpDetails {
    /// The SNMP version of the answer (`v1`, `v2c`).
    pub version: String,
    /// The device description (`sysDescr.0`), printable and capped; absent
    /// when the agent answered with an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_descr: Option<String>,
    /// The answer's error-status when not 0 (`noSuchName` is 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_status: Option<u32>,
}
