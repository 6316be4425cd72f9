//! Every text that page, probe and terminal client render for people, in
//! German and English: the language, the page's fixed texts (one struct per
//! language, so a text missing in one does not compile), the words that
//! carry numbers, ports and states, what each finding means, why a check
//! failed, what changed between two checks, the router fix guides, the
//! plain-text summary of a report, the names of the reports network
//! operators pass on, and what a dated report documents.
//!
//! It sits above the shared model (`plan`, `api`, `verdict`) and below
//! everything that shows a result: the page (`page`, `app`), the probe's
//! `text/plain` answer and the client's formats take their words from here,
//! so one report reads the same everywhere. It compiles natively and for
//! wasm32, so plain `cargo test` checks that every finding and every router
//! has text in both languages.

pub(crate) mod changes;
pub(crate) mod evidence;
pub(crate) mod explain;
pub mod failure;
pub mod guide;
pub(crate) mod lang;
pub(crate) mod page_texts;
pub(crate) mod practice_texts;
pub(crate) mod reports;
pub(crate) mod summary;
pub(crate) mod words;

pub use lang::Lang;
