//! The page's logic that is not DOM: one check's model and where a run of
//! checks is, the page's state machine, the opt-in practice check after
//! the main result, the run's summary for the IT service provider, the
//! Server-Sent Events parser, both address families' origins, and the embed
//! view's side of the iframe protocol. Its words come from `crate::texts`.
//!
//! It compiles natively as well as for wasm32, so plain `cargo test` walks
//! whole checks through the reducer and checks that the stream parser copes
//! with chunks split anywhere. The Yew components in `app` only render what
//! this module decides.

pub mod sse;

// The page's model: natively only its tests use it (the client shares only
// the stream parser), so dead code in it is judged on wasm32, where the
// components use it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub mod check;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) mod practice_check;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub mod state;

// Used only by the components (wasm32); natively they exist for their tests.
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) mod embed;
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) mod origins;
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) mod run_summary;
