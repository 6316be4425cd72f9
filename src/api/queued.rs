//! The `queued` event: a scan waiting for a free slot, and how long at most.

use serde::{Deserialize, Serialize};

/// A scan waits for a slot: its place in the queue (1 = next) and about how
/// many seconds it waits at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queued {
    /// Place in the queue: 1 is next.
    pub position: u32,
    /// About how many seconds the scan waits at most.
    pub wait_s: u32,
}
