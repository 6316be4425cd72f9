//! The probe: an HTTP service that checks the address a request came from.
//!
//! - [`config`]: flags, environment and TOML file → [`config::Settings`].
//! - [`policy`]: which addresses may be checked at all.
//! - [`forwarded`]: whose address a request comes from (trusted proxies).
//! - [`limits`]: per-address rate limit and the global scan cap.
//! - [`scan`]: the connect scan and its adaptive timeouts.
//! - [`http`]: routes, admission, error responses.
//! - [`www`]: the built page at `/`.
//! - [`server`]: the accept loop, connection limits and graceful shutdown.

pub mod config;
pub mod forwarded;
pub mod http;
pub mod limits;
pub mod policy;
pub mod scan;
pub mod server;
pub mod www;
