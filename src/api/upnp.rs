//! What a UPnP device said of itself when it answered the SSDP search the
//! probe sent to the visitor's UDP port 1900 (`PortDetails.upnp`).
//!
//! The port's state says whether anything answered (`open` with reason
//! `answered`) or not (`open|filtered`: UDP answers can be lost or
//! filtered, so silence is never reported as "no UPnP").

use serde::{Deserialize, Serialize};

/// The headers of a device's answer to the M-SEARCH; each printable ASCII,
/// capped, absent when the device did not send it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpnpDetails {
    /// The `SERVER` header: operating system, UPnP version and product, as
    /// the device states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The `LOCATION` header: where the device offers its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The `ST` header: the search target the device answered for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub st: Option<String>,
    /// The `USN` header: the device's unique service name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usn: Option<String>,
}
