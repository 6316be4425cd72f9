//! Entry point of the self-test page (wasm32, built by Trunk).

#[cfg(target_arch = "wasm32")]
fn main() {
    portcheck::app::start();
}

// The page only exists on wasm32; the native build of this binary is empty.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
