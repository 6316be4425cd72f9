//! An Exchange server's web access (Outlook on the web, OWA) recognised in
//! an HTTP answer, with its build and whether that version still gets
//! security updates.

use serde::{Deserialize, Serialize};

/// What the answer showed of Exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeDetails {
    /// The build as the server states it, e.g. `15.2.1544.4`; absent when
    /// only the OWA path showed Exchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// The product the build belongs to, e.g. `Exchange Server 2019`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Whether the product still gets security updates.
    pub support: ExchangeSupport,
}

/// Whether Microsoft still ships security updates for the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeSupport {
    /// The product is in support.
    Supported,
    /// The product's support has ended: no more security updates.
    Ended,
    /// The build does not tell (or was not given).
    Unknown,
}
