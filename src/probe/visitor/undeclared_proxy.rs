//! A reverse proxy in front of the probe that nobody declared.
//!
//! Listening on loopback with no `--trusted-proxy` and no allow list, the
//! probe checks loopback (a laptop checking itself). Put a reverse proxy in
//! front and forget `--trusted-proxy`, and every visitor arrives from
//! 127.0.0.1: the probe would scan its own host and all visitors would share
//! one rate limit. A proxy says it forwarded a request in its headers (the
//! same signs [`via_proxy`](crate::probe::visitor::proxied::via_proxy) reads), so such a
//! request from a loopback peer is refused with a configuration error, and
//! the operator is told once in the log what to set.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::HeaderMap;

use crate::probe::error::ApiError;
use crate::probe::visitor::forwarded::Trust;
use crate::probe::visitor::policy::{TargetPolicy, normalise};
use crate::probe::visitor::proxied::via_proxy;

/// Whether a request from `peer` with `headers` came through a proxy the
/// operator did not declare, where that would make the probe check itself.
pub fn undeclared(policy: &TargetPolicy, peer: IpAddr, headers: &HeaderMap) -> bool {
    let peer = normalise(peer);
    policy.loopback_by_default()
        && peer.is_loopback()
        && via_proxy(peer, peer, headers, &Trust::default())
}

/// Refuse a request [`undeclared`] finds; the first refusal is logged.
pub fn refuse(policy: &TargetPolicy, peer: IpAddr, headers: &HeaderMap) -> Result<(), ApiError> {
    static LOGGED: AtomicBool = AtomicBool::new(false);
    if !undeclared(policy, peer, headers) {
        return Ok(());
    }
    if !LOGGED.swap(true, Ordering::Relaxed) {
        tracing::error!(
            "requests from loopback carry forwarding headers, but no --trusted-proxy is set: \
             a reverse proxy in front of the probe is not declared, so every visitor would be \
             checked as this host. Refusing them; set --trusted-proxy (PORTCHECK_TRUSTED_PROXY) \
             to the proxy's address, e.g. 127.0.0.1"
        );
    }
    Err(ApiError::ProxyNotTrusted)
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

    #[test]
    fn forwarded_requests_from_loopback_with_loopback_allowed_by_default() {
        let laptop = TargetPolicy::new(vec![], ip("127.0.0.1"), false);
        for name in ["x-forwarded-for", "forwarded", "x-real-ip", "via"] {
            for peer in ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.0.0.9"] {
                assert!(undeclared(&laptop, ip(peer), &with(name)), "{name} {peer}");
            }
        }
        assert_eq!(
            refuse(&laptop, ip("127.0.0.1"), &with("x-forwarded-for"))
                .expect_err("refused")
                .code(),
            crate::api::ErrorCode::ProxyNotTrusted
        );
    }

    #[test]
    fn everything_else_passes() {
        let laptop = TargetPolicy::new(vec![], ip("127.0.0.1"), false);
        // The laptop's own browser: no forwarding headers.
        assert!(!undeclared(&laptop, ip("127.0.0.1"), &HeaderMap::new()));
        assert!(!undeclared(&laptop, ip("127.0.0.1"), &with("user-agent")));
        assert!(refuse(&laptop, ip("127.0.0.1"), &HeaderMap::new()).is_ok());
        // A peer that is not loopback is checked (or refused) as itself.
        assert!(!undeclared(
            &laptop,
            ip("198.51.100.7"),
            &with("x-forwarded-for")
        ));
        let others = [
            // A proxy is declared: loopback is no longer a target.
            TargetPolicy::new(vec![], ip("127.0.0.1"), true),
            // An explicit allow list.
            TargetPolicy::new(
                vec!["127.0.0.0/8".parse().expect("net")],
                ip("127.0.0.1"),
                false,
            ),
            // A public listener never checks loopback by default.
            TargetPolicy::new(vec![], ip("0.0.0.0"), false),
        ];
        for policy in others {
            assert!(!undeclared(
                &policy,
                ip("127.0.0.1"),
                &with("x-forwarded-for")
            ));
        }
    }
}
