//! Whose address a request is: the peer, or the client a trusted proxy
//! names; whether that address may be checked at all; and the signs that
//! a proxy nobody declared stands in for the visitor. Nothing a request
//! sends ever names the target.
//!
//! - [`forwarded`]: whose address a request comes from (trusted proxies).
//! - [`proxied`]: signs of a proxy the probe does not trust (`via_proxy`).
//! - [`undeclared_proxy`]: a reverse proxy on loopback nobody declared.
//! - [`policy`]: which addresses may be checked at all.

pub(crate) mod forwarded;
pub(crate) mod policy;
pub(crate) mod proxied;
pub(crate) mod undeclared_proxy;
