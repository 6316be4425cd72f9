//! The page's logic that is not DOM: one check's model and where a run of
//! checks is, the page's state machine, the opt-in practice check after
//! the main result, the run's summary for the IT service provider, the
//! Server-Sent Events parser, both address families' origins, the embed
//! view's side of the iframe protocol and the marks (wire names, icons) the
//! DOM carries. Its words come from `crate::texts`.
//!
//! It compiles natively as well as for wasm32, so plain `cargo test` walks
//! whole checks through the reducer and checks that the stream parser copes
//! with chunks split anywhere. The Yew components in `app` only render what
//! this module decides.

pub mod check;
pub mod embed;
pub mod marks;
pub mod origins;
pub mod practice_check;
pub mod run_summary;
pub mod sse;
pub mod state;
