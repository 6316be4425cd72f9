//! A WS-Discovery device's answer to a Probe: which kinds of device
//! (printers, scanners, Windows computers) answer on 3702.

use serde::{Deserialize, Serialize};

/// What the ProbeMatches said.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WsDiscoveryDetails {
    /// The `Types` of each match, e.g. `wsdp:Device pub:Computer` (capped).
    pub types: Vec<String>,
    /// The `XAddrs`: where the device offers its metadata (capped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub xaddrs: Vec<String>,
}
