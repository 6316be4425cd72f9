//! The probe: an HTTP service that checks the address a request came from.
//!
//! - [`config`]: flags, environment and TOML file → [`config::Settings`].
//! - [`policy`]: which addresses may be checked at all.
//! - [`forwarded`]: whose address a request comes from (trusted proxies).
//! - [`limits`]: per-address rate limit and the global scan cap.
//! - [`scan`]: the connect scan and its adaptive timeouts.
//! - [`ident`]: what listens on an open port (SMB, TLS, HTTP, banners).
//! - [`http`]: routes, admission, error responses.
//! - [`www`]: the built page at `/`, theme, `security.txt`.
//! - [`assets`]: the page's files (embedded), encodings, ETags, nonce.
//! - [`headers`]: CSP, frame-ancestors and hardening headers.
//! - [`metrics`]: Prometheus metrics, aggregate only.
//! - [`server`]: the accept loop, connection limits and graceful shutdown.

pub mod assets;
pub mod config;
pub mod forwarded;
pub mod headers;
pub mod http;
pub mod ident;
pub mod limits;
pub mod metrics;
pub mod policy;
pub mod scan;
pub mod server;
pub mod www;
