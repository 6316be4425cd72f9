//! The self-test page (Yew, wasm32).

/// Mount the page into the document body.
pub fn start() {}
