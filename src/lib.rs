//! portcheck: does this internet connection expose the port ranges a router
//! forwarded by mistake (the Digitalisierungsbox fault of 2019)?
//!
//! One crate, three programs:
//! - the **probe** (`probe`, native): an HTTP service that connects back to the
//!   address a request came from and reports what answers;
//! - the **page** (`app`, wasm32): the Yew self-test page that asks for
//!   consent, shows the probe's results live and explains the fix;
//! - and the **client** (`client`, native, `portcheck check`): the same
//!   check from a terminal or a monitoring system.
//!
//! The modules form a strict stack; each uses only those above it in this
//! list (`tests/suite/module_stack.rs` checks it, and that no two modules
//! use each other):
//! - `plan`: which ports a check touches and what identification tries;
//! - `api`: the JSON types of the HTTP API;
//! - `verdict`: the rules that turn port states into findings;
//! - `texts`: every text for people, in German and English;
//! - `page` (the page's logic without DOM), `probe`, `client`;
//! - `app` (the page's Yew components) above `page`, and `cli` (native),
//!   the command line that parses `portcheck …` and hands each subcommand
//!   to probe or client.
//!
//! Everything up to `texts`, and `page`, compiles for native and wasm32,
//! so page, probe and client cannot drift apart.

pub mod api;
pub mod page;
pub mod plan;
pub mod texts;
pub mod verdict;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(not(target_arch = "wasm32"))]
pub mod client;
#[cfg(not(target_arch = "wasm32"))]
pub mod probe;

#[cfg(target_arch = "wasm32")]
pub mod app;
