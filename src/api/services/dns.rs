//! A DNS server's answer to one recursive query: whether it offers
//! recursion to anyone (an open resolver, abused for reflection floods).

use serde::{Deserialize, Serialize};

/// What the answer's header said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsDetails {
    /// The RA flag: the server offers recursion to the asker.
    pub recursion_available: bool,
    /// The response code's mnemonic (`NOERROR`, `NXDOMAIN`, `REFUSED`, …).
    pub rcode: String,
    /// Resource records in the answer section.
    pub answers: u16,
}
