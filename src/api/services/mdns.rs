//! An mDNS responder's answer to a unicast query for the list of services
//! it announces (`_services._dns-sd._udp.local`).

use serde::{Deserialize, Serialize};

/// What the responder announced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MdnsDetails {
    /// Service types announced, e.g. `_ipp._tcp.local` (capped).
    pub services: Vec<String>,
    /// Host or instance names the answer carried, if any (capped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
}
