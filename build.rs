//! Rebuild the native release `portcheck` when the built page (`dist/`)
//! changes, so the release binary always embeds the page Trunk built last.
//! Debug builds (tests, `cargo run`) read `dist/` at run time (rust-embed's
//! debug mode), so a new page must not recompile them: otherwise every page
//! build would cost the tests a full rebuild of the crate. The wasm32 build
//! of the page itself does not depend on `dist/`.

fn main() {
    let target_arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    // "release" for the release profile and the profiles that inherit it.
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    if target_arch != "wasm32" && release {
        println!("cargo:rerun-if-changed=dist");
    } else {
        println!("cargo:rerun-if-changed=build.rs");
    }
}
