//! The page's logic that is not DOM: language choice, every text the page
//! shows, finding explanations, router fix guides, the summary for the IT
//! service provider, the Server-Sent Events parser, one check's model and
//! the page's state machine, and the opt-in practice check after the main
//! result.
//!
//! It compiles natively as well as for wasm32, so plain `cargo test` checks
//! that every finding and every router has text in both languages and that the
//! stream parser copes with chunks split anywhere. The Yew components in
//! `app` only render what this module decides.

pub mod check;
pub mod embed;
pub mod marks;
pub mod origins;
pub mod practice_check;
pub mod run_summary;
pub mod sse;
pub mod state;
