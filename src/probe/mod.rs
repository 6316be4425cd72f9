//! The probe: an HTTP service that checks the address a request came from.
//!
//! - [`server`]: the accept loop, open connections by network, shutdown.
//! - [`routes`]: every route as one router: the API, its errors and text
//!   answer, the origin guard, the page's files and headers, metrics.
//! - [`visitor`]: whose address a request is (trusted and undeclared
//!   proxies) and which addresses may be checked at all.
//! - [`admission`]: networks, the rate limit and the request limit, fair
//!   scan slots and their queue, the refusal log.
//! - [`state`]: the shared state, its parts, and admission of a scan.
//! - [`config`]: flags, environment and TOML file → [`config::Settings`].
//! - [`scan`]: the connect scan and its adaptive timeouts.
//! - [`ident`]: what listens on an open port (SMB, TLS, HTTP, banners,
//!   Kerberos).
//! - [`upnp`]: the UPnP check from outside (one SSDP search, UDP 1900).

pub mod admission;
pub mod config;
pub mod ident;
pub mod routes;
pub mod scan;
pub mod server;
pub mod state;
pub mod upnp;
pub mod visitor;
