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
//! `cli` (native) is the command line above probe and client: it parses
//! `portcheck …` and hands each subcommand to its side.
//!
//! `plan` (which ports a check touches), `api` (the JSON types) and `verdict`
//! (the rules that turn port states into findings) are compiled for both, so
//! page and probe cannot drift apart.

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
