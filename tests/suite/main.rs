//! The integration suite: one test binary (one link of the whole stack) with
//! a module per area and one harness, `tests/support/`.
//!
//! - plain `cargo test` runs every test that needs neither root nor a
//!   browser; tests that need root skip loudly without it (and fail when `CI`
//!   is set);
//! - `browser::` holds the page's end-to-end tests in Chromium, ignored by a
//!   plain run (`scripts/test-page` runs them);
//! - `lab::` holds the network lab (root), which `scripts/test-lab` runs once
//!   and checks for leftovers; `scripts/test` keeps it out of its main run.
#![cfg(not(target_arch = "wasm32"))]
// A test binary has no public surface: `pub` in its modules only shares
// helpers between them, so the crate's `unreachable_pub` has nothing to narrow here.
#![allow(unreachable_pub)]

#[path = "../support/mod.rs"]
mod support;

mod api;
mod browser;
mod client;
mod cross_site;
mod deploy_files;
mod docs_links;
mod fairness;
mod fd_exhaustion;
mod fuzz_corpus;
mod headers;
mod ident;
mod lab;
mod loopback;
mod module_stack;
mod monitoring;
mod no_script;
mod openapi;
mod package;
mod page_bytes;
mod privacy;
mod quiet_log;
mod reverse_proxy;
mod udp;
mod undeclared_proxy;
mod unix_socket;
