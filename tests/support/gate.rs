//! The one skip/CI gate. A test that needs more than a normal user's plain
//! `cargo test` (root, a tool, the built page) asks here first: when a
//! requirement is missing it is skipped with a banner nobody can miss, and
//! when `CI` is set the same condition fails the test instead.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Whether the test may run. `ready` is `Err(why)` when something is missing.
pub fn gate(test: &str, ready: Result<(), String>) -> bool {
    let Err(why) = ready else { return true };
    if std::env::var_os("CI").is_some() {
        panic!("{test} cannot run: {why} (CI is set: failing instead of skipping)");
    }
    let bar = "!".repeat(78);
    // Straight to stderr: the test harness captures `eprintln!` of a passing
    // test, and a skip must be seen.
    let _ = std::io::stderr().lock().write_all(
        format!("\n{bar}\n!! SKIPPED {test}: {why}\n!! (set CI to make this a failure)\n{bar}\n\n")
            .as_bytes(),
    );
    false
}

/// For tests that listen on ports below 1024 or build network namespaces.
pub fn require_root(test: &str) -> bool {
    gate(test, root())
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

pub fn root() -> Result<(), String> {
    if is_root() {
        Ok(())
    } else {
        Err("needs root (ports below 1024, network namespaces)".into())
    }
}

/// Where `tool` is: on PATH, or in the sbin directories a normal user's PATH
/// may lack.
pub fn find_tool(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
}

pub fn tools(names: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|t| find_tool(t).is_none())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("missing tools: {}", missing.join(" ")))
    }
}

pub fn file(path: &Path, how: &str) -> Result<(), String> {
    if path.exists() {
        Ok(())
    } else {
        Err(format!("{} is missing ({how})", path.display()))
    }
}
