//! A reverse proxy in front of the probe that nobody declared.
//!
//! With `--allow-loopback` and no `--trusted-proxy`, the probe checks
//! loopback (a laptop checking itself). Put a reverse proxy in front and
//! forget `--trusted-proxy`, and every visitor arrives from 127.0.0.1: the
//! probe would scan its own host and all visitors would share one rate
//! limit. A proxy says it forwarded a request in its headers (the same signs
//! [`via_proxy`](crate::probe::visitor::proxied::via_proxy) reads), so such a request from a
//! loopback peer is refused with a configuration error, and the operator is
//! told once in the log what to set. A relay that writes no header cannot be
//! told from the laptop's own browser; that is why loopback is refused
//! unless allowed explicitly ([`crate::probe::visitor::policy`]).

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::HeaderMap;

use crate::probe::visitor::forwarded::{Peer, Trust};
use crate::probe::visitor::policy::{TargetPolicy, normalise};
use crate::probe::visitor::proxied::via_proxy;

/// Whether a request from `peer` with `headers` came through a proxy the
/// operator did not declare, where that would make the probe check itself:
/// loopback is allowed explicitly and no proxy is trusted.
pub(crate) fn undeclared(
    policy: &TargetPolicy,
    trust: &Trust,
    peer: impl Into<Peer>,
    headers: &HeaderMap,
) -> bool {
    let peer: IpAddr = normalise(peer.into().ip());
    policy.allows_loopback()
        && !trust.any()
        && peer.is_loopback()
        && via_proxy(peer, peer, headers, &Trust::default())
}

/// A request forwarded by a reverse proxy the probe does not know of; the
/// API answers it with `proxy_not_trusted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProxyNotTrusted;

/// Refuse a request [`undeclared`] finds; the first refusal is logged.
pub(crate) fn refuse(
    policy: &TargetPolicy,
    trust: &Trust,
    peer: impl Into<Peer>,
    headers: &HeaderMap,
) -> Result<(), ProxyNotTrusted> {
    static LOGGED: AtomicBool = AtomicBool::new(false);
    if !undeclared(policy, trust, peer, headers) {
        return Ok(());
    }
    if !LOGGED.swap(true, Ordering::Relaxed) {
        tracing::error!(
            "requests from loopback carry forwarding headers, but no --trusted-proxy is set: \
             a reverse proxy in front of the probe is not declared, so every visitor would be \
             checked as this host. Refusing them; let the proxy reach the probe on \
             --listen unix:PATH and set --trusted-proxy unix (PORTCHECK_TRUSTED_PROXY), and \
             drop --allow-loopback"
        );
    }
    Err(ProxyNotTrusted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    fn with(name: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static("198.51.100.7"));
        h
    }

    fn none() -> Trust {
        Trust::default()
    }

    #[test]
    fn forwarded_requests_from_loopback_with_loopback_allowed() {
        let laptop = TargetPolicy::new(vec![], true);
        for name in ["x-forwarded-for", "forwarded", "x-real-ip", "via"] {
            for peer in ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.0.0.9"] {
                assert!(
                    undeclared(&laptop, &none(), ip(peer), &with(name)),
                    "{name} {peer}"
                );
            }
            assert!(undeclared(&laptop, &none(), Peer::Unix, &with(name)));
        }
        // The API answers it as `proxy_not_trusted` (`probe::error`'s tests).
        assert_eq!(
            refuse(&laptop, &none(), ip("127.0.0.1"), &with("x-forwarded-for")),
            Err(ProxyNotTrusted)
        );
    }

    #[test]
    fn everything_else_passes() {
        let laptop = TargetPolicy::new(vec![], true);
        // The laptop's own browser: no forwarding headers.
        assert!(!undeclared(
            &laptop,
            &none(),
            ip("127.0.0.1"),
            &HeaderMap::new()
        ));
        assert!(!undeclared(
            &laptop,
            &none(),
            ip("127.0.0.1"),
            &with("user-agent")
        ));
        assert!(refuse(&laptop, &none(), ip("127.0.0.1"), &HeaderMap::new()).is_ok());
        // A peer that is not loopback is checked (or refused) as itself.
        assert!(!undeclared(
            &laptop,
            &none(),
            ip("198.51.100.7"),
            &with("x-forwarded-for")
        ));
        // A proxy is declared.
        for trust in [
            Trust {
                proxies: vec!["127.0.0.1/32".parse().expect("net")],
                ..none()
            },
            Trust {
                unix: true,
                ..none()
            },
        ] {
            assert!(!undeclared(
                &laptop,
                &trust,
                ip("127.0.0.1"),
                &with("x-forwarded-for")
            ));
        }
        for policy in [
            // Loopback is not a target: the request is refused as loopback.
            TargetPolicy::new(vec![], false),
            // An explicit allow list.
            TargetPolicy::new(vec!["127.0.0.0/8".parse().expect("net")], false),
        ] {
            assert!(!undeclared(
                &policy,
                &none(),
                ip("127.0.0.1"),
                &with("x-forwarded-for")
            ));
        }
    }
}
