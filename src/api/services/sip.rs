//! A SIP server's (a phone system's) answer to OPTIONS.

use serde::{Deserialize, Serialize};

/// What the SIP answer said of itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipDetails {
    /// The status code, e.g. 200.
    pub status: u16,
    /// The `Server` header, printable and capped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The `User-Agent` header, printable and capped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}
