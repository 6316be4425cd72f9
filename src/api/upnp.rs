//! What the UPnP check from outside saw: one SSDP search sent to the
//! visitor's own address, and whether anything answered.
//!
//! UDP has no handshake: silence may mean "no UPnP on the WAN side" or
//! "the answer was lost or filtered". The type says "no answer", never
//! "absent".

use serde::{Deserialize, Serialize};

/// Whether a device answered the SSDP search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpnpAnswer {
    /// A UPnP device answered from the visitor's address: the router's
    /// UPnP service is reachable from the internet.
    Answered,
    /// Nothing answered within the wait. Not proof that there is no UPnP
    /// service: UDP answers can be dropped.
    NoAnswer,
    /// The probe could not send the search (a local fault): not tested.
    Error,
}

/// The result of the UPnP check (`Report.upnp`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpnpResult {
    /// What came back.
    pub answer: UpnpAnswer,
    /// UDP port the search went to (1900).
    pub port: u16,
    /// Search datagrams sent (at most two).
    pub sent: u8,
    /// How long the probe waited for an answer, in milliseconds, in total.
    pub waited_ms: u64,
    /// The device's `SERVER` header: operating system, UPnP version and
    /// product, as the device states it.
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
