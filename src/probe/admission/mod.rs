//! Admission: whether a visitor's scan may run now, later or not at all.
//! Limits count at networks rather than single addresses, so one
//! subscriber or site cannot crowd out the rest, and nobody is locked out.
//!
//! - [`network`]: the host and site networks limits count at.
//! - [`limits`]: the rate limit per network, bounded without lockout.
//! - [`slots`]: fair shares of the scan slots and their queue (pure).
//! - [`queue`]: the scan slots as the probe runs them, with queue places.
//! - [`refusal_log`]: refused requests in the log, a line a minute at most.

pub(crate) mod limits;
pub(crate) mod network;
pub mod queue;
pub(crate) mod refusal_log;
mod slots;
