//! The page end to end in Debian's Chromium against the real `portcheck
//! serve`: single origin (`page`) and the two-family check (`dual_stack`).
//! They need root (ports below 1024), the built page, Chromium and
//! chromedriver, and axe-core from tests/a11y; `scripts/test-page` prepares
//! all of it and runs them, a plain `cargo test` lists them as ignored.

mod dual_stack;
mod page;

use crate::support::{browser, gate};

/// Whether the page tests can run here; otherwise a loud skip (or a failure
/// under CI).
fn ready(test: &str) -> bool {
    gate::gate(test, gate::root().and_then(|()| browser::ready()))
}
