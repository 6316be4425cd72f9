//! The NetBIOS name service's answer to a node status request: the names a
//! Windows or Samba computer registers (its computer and workgroup names).

use serde::{Deserialize, Serialize};

/// What the name service answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetbiosNsDetails {
    /// Every name in the node status answer (capped).
    pub names: Vec<NetbiosName>,
    /// The computer name (the unique name with suffix 0x00), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computer: Option<String>,
    /// The workgroup or domain (the group name with suffix 0x00), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workgroup: Option<String>,
    /// The adapter's MAC address as the answer states it, `aa:bb:…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
}

/// One entry of the node status answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetbiosName {
    /// The name without its padding, printable.
    pub name: String,
    /// The 16th byte: what the name stands for (0x00 workstation, 0x20 file
    /// server, …).
    pub suffix: u8,
    /// A group name rather than a unique one.
    pub group: bool,
}
