//! The probe: an HTTP service that checks the address a request came from.
//!
//! - [`server`]: the accept loop and open connections by network.
//! - [`routes`]: every route as one router: the API, its text answer and
//!   the origin guard.
//! - [`www`]: the built page, its files and headers.
//! - [`html`]: the consent form and the result page as HTML the probe
//!   writes, for browsers without WebAssembly or JavaScript.
//! - [`error`]: the API's one error type and its JSON.
//! - [`metrics`]: Prometheus metrics, aggregate only.
//! - [`shutdown`]: stop taking work, let running work finish.
//! - [`visitor`]: whose address a request is (trusted and undeclared
//!   proxies) and which addresses may be checked at all.
//! - [`admission`]: networks, the rate limit and the request limit, fair
//!   scan slots and their queue, the refusal log.
//! - [`state`]: the shared state, its parts, and admission of a scan.
//! - [`config`]: flags, environment and TOML file → [`config::Settings`].
//! - [`scan`]: the connect scan and its adaptive timeouts.
//! - [`ident`]: what listens on an open port (SMB, TLS, HTTP, banners,
//!   Kerberos, the practice services) and the UPnP check over UDP 1900:
//!   one module per service on one budgeted TCP/UDP layer.

pub mod admission;
pub mod config;
mod encoding;
mod error;
mod html;
pub mod ident;
mod metrics;
mod routes;
pub mod scan;
pub mod server;
mod shutdown;
pub mod state;
pub(crate) mod visitor;
mod www;
