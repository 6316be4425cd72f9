//! An NTP server's answers: to a client request (mode 3), and whether it
//! answered the mode 7 `monlist` request that makes it a reflection
//! amplifier.

use serde::{Deserialize, Serialize};

/// What the NTP server said.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NtpDetails {
    /// NTP version of the server's answer to the client request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u8>,
    /// The server's stratum (1: a reference clock, 16: unsynchronised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stratum: Option<u8>,
    /// Whether the server answered the `monlist` request (mode 7).
    pub monlist: bool,
    /// Entries in the `monlist` answer the probe read (capped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monlist_entries: Option<u32>,
}
