//! The probe: an HTTP service that checks the address a request came from.
//!
//! - [`config`]: flags, environment and TOML file → [`config::Settings`].
//! - [`policy`]: which addresses may be checked at all.
//! - [`forwarded`]: whose address a request comes from (trusted proxies).
//! - [`proxied`]: signs of a proxy the probe does not trust (`via_proxy`).
//! - [`limits`]: per-address rate limit and the global scan cap.
//! - [`scan`]: the connect scan and its adaptive timeouts.
//! - [`ident`]: what listens on an open port (SMB, TLS, HTTP, banners,
//!   Kerberos).
//! - [`upnp`]: the UPnP check from outside (one SSDP search, UDP 1900).
//! - [`state`]: the shared state, its parts, and admission of a scan.
//! - [`app`]: every route as one router (API, page, health, metrics).
//! - [`http`]: the API routes: whoami, scan, scan stream, site.
//! - [`error`]: the API's error responses.
//! - [`www`]: the built page at `/`, theme, `security.txt`.
//! - [`assets`]: the page's files (embedded), encodings, ETags, nonce.
//! - [`headers`]: CSP, frame-ancestors and hardening headers.
//! - [`metrics`]: Prometheus metrics, aggregate only.
//! - [`server`]: the accept loop and connection limits.
//! - [`shutdown`]: stop taking work, let running work finish.
//! - [`healthcheck`]: the client behind `portcheck healthcheck`.

pub mod app;
pub mod assets;
pub mod config;
pub mod error;
pub mod forwarded;
pub mod headers;
pub mod healthcheck;
pub mod http;
pub mod ident;
pub mod limits;
pub mod metrics;
pub mod policy;
pub mod proxied;
pub mod scan;
pub mod server;
pub mod shutdown;
pub mod state;
pub mod upnp;
pub mod www;
