//! Rebuild the native `portcheck` when the built page (`dist/`) changes, so
//! the release binary always embeds the page Trunk built last. The wasm32
//! build of the page itself does not depend on `dist/`.

fn main() {
    let target_arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if target_arch == "wasm32" {
        println!("cargo:rerun-if-changed=build.rs");
    } else {
        println!("cargo:rerun-if-changed=dist");
    }
}
