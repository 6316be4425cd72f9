//! The probe: an HTTP service that checks the address a request came from.
//!
//! - [`config`]: flags, environment and TOML file → [`config::Settings`].
//! - [`policy`]: which addresses may be checked at all.
//! - [`forwarded`]: whose address a request comes from (trusted proxies).
//! - [`proxied`]: signs of a proxy the probe does not trust (`via_proxy`).
//! - [`undeclared_proxy`]: a reverse proxy on loopback nobody declared.
//! - [`origin_guard`]: only the probe's own pages and embedding sites may
//!   start a check from a browser.
//! - [`network`]: the host and site networks limits count at.
//! - [`limits`]: the rate limit per network, bounded without lockout.
//! - [`slots`]: fair shares of the scan slots and their queue (pure).
//! - [`queue`]: the scan slots as the probe runs them, with queue places.
//! - [`scan`]: the connect scan and its adaptive timeouts.
//! - [`ident`]: what listens on an open port (SMB, TLS, HTTP, banners,
//!   Kerberos).
//! - [`upnp`]: the UPnP check from outside (one SSDP search, UDP 1900).
//! - [`state`]: the shared state, its parts, and admission of a scan.
//! - [`app`]: every route as one router (API, page, health, metrics).
//! - [`http`]: the API routes: whoami, scan, scan stream, site.
//! - [`error`]: the API's error responses.
//! - [`text_answer`]: the scan report as text for `Accept: text/plain`.
//! - [`www`]: the built page at `/`, theme, `security.txt`.
//! - [`assets`]: the page's files (embedded), encodings, ETags, nonce.
//! - [`headers`]: CSP, frame-ancestors and hardening headers.
//! - [`metrics`]: Prometheus metrics, aggregate only.
//! - [`refusal_log`]: refused requests in the log, a line a minute at most.
//! - [`connections`]: open connections counted by network, whom to shed.
//! - [`server`]: the accept loop and connection limits.
//! - [`shutdown`]: stop taking work, let running work finish.
//! - [`healthcheck`]: the client behind `portcheck healthcheck`.
//! - [`manual`]: man pages and shell completions from the clap definition.

pub mod app;
pub mod assets;
pub mod config;
pub mod connections;
pub mod error;
pub mod forwarded;
pub mod headers;
pub mod healthcheck;
pub mod http;
pub mod ident;
pub mod limits;
pub mod manual;
pub mod metrics;
pub mod network;
pub mod origin_guard;
pub mod policy;
pub mod proxied;
pub mod queue;
pub mod refusal_log;
pub mod scan;
pub mod server;
pub mod shutdown;
pub mod slots;
pub mod state;
pub mod text_answer;
pub mod undeclared_proxy;
pub mod upnp;
pub mod www;
