//! Signs that a request passed a proxy the operator does not know of.
//!
//! The probe checks the address a request came from. A visitor behind a
//! proxy (a practice network's web filter, a provider's proxy) reaches the
//! probe from the proxy's address, so the check tests the proxy, not the
//! visitor's router. Such proxies usually say so in a header. These headers
//! never choose what is checked (anyone can write them); they only make
//! `whoami`, the `started` event and the report say `via_proxy`.
//!
//! From a peer that is not a trusted proxy, any of [`PROXY_HEADERS`] is a
//! sign. From a trusted proxy, its own forwarding is expected, so only what
//! reached it from before counts: an address in `X-Forwarded-For`,
//! `Forwarded` or `X-Real-IP` that is neither the client found nor a
//! trusted proxy (or that cannot be read), and more `Via` entries than
//! there are trusted proxies on the way (each may add one of its own).

use std::net::IpAddr;

use axum::http::HeaderMap;

use crate::probe::visitor::forwarded::{
    Peer, Trust, parse_forwarded_element, parse_node, parse_xff_entry,
};
use crate::probe::visitor::policy::normalise;

/// Reads one entry of an address-naming header.
type ReadEntry = fn(&str) -> Option<IpAddr>;

/// Headers a proxy writes about a request it passes on.
pub(crate) const PROXY_HEADERS: [&str; 4] = ["via", "x-forwarded-for", "forwarded", "x-real-ip"];

/// Whether a request from `peer`, whose client was found to be `client`,
/// carries signs of a proxy the probe does not trust.
pub(crate) fn via_proxy(
    peer: impl Into<Peer>,
    client: IpAddr,
    headers: &HeaderMap,
    trust: &Trust,
) -> bool {
    if !trust.trusts(peer.into()) {
        return PROXY_HEADERS.iter().any(|h| headers.contains_key(*h));
    }
    let client = normalise(client);
    let named = |name: &str, read: ReadEntry| -> Vec<Option<IpAddr>> {
        headers
            .get_all(name)
            .iter()
            .flat_map(|v| match v.to_str() {
                Ok(text) => text
                    .split(',')
                    .filter(|e| !e.trim().is_empty())
                    .map(|e| read(e).map(normalise))
                    .collect(),
                Err(_) => vec![None],
            })
            .collect()
    };
    let addresses: [(&str, ReadEntry); 3] = [
        ("x-forwarded-for", |e| parse_xff_entry(e).ok()),
        ("forwarded", |e| parse_forwarded_element(e).ok()),
        ("x-real-ip", |e| parse_node(e.trim())),
    ];
    // The peer, and every trusted proxy the configured header names.
    let mut trusted_hops = 1;
    for (name, read) in addresses {
        for address in named(name, read) {
            match address {
                Some(a) if trust.is_trusted(a) => {
                    trusted_hops += usize::from(name == trust.header.name());
                }
                Some(a) if a == client => {}
                _ => return true,
            }
        }
    }
    via_entries(headers) > trusted_hops
}

/// Entries in every `Via` line: commas outside comments (`(…)`) separate them.
fn via_entries(headers: &HeaderMap) -> usize {
    headers
        .get_all("via")
        .iter()
        .map(|v| {
            let mut depth = 0usize;
            let mut entries = 0;
            let mut in_entry = false;
            for &b in v.as_bytes() {
                match b {
                    b'(' => depth += 1,
                    b')' => depth = depth.saturating_sub(1),
                    b',' if depth == 0 => in_entry = false,
                    b' ' | b'\t' => {}
                    _ if !in_entry && depth == 0 => {
                        in_entry = true;
                        entries += 1;
                    }
                    _ => {}
                }
            }
            entries
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn trust() -> Trust {
        Trust {
            proxies: vec!["10.0.0.0/8".parse().expect("net")],
            ..Trust::default()
        }
    }

    fn headers(list: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in list {
            h.append(*name, HeaderValue::from_str(value).expect("value"));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    /// `via_proxy` for a request from `peer` about `client`.
    fn seen(peer: &str, client: &str, list: &[(&'static str, &str)]) -> bool {
        via_proxy(ip(peer), ip(client), &headers(list), &trust())
    }

    #[test]
    fn from_an_untrusted_peer_any_proxy_header_is_a_sign() {
        let peer = "198.51.100.7";
        assert!(!seen(peer, peer, &[]));
        assert!(!seen(peer, peer, &[("user-agent", "Firefox")]));
        for name in PROXY_HEADERS {
            assert!(seen(peer, peer, &[(name, "1.1 proxy")]), "{name}");
            assert!(seen(peer, peer, &[(name, peer)]), "{name} naming the peer");
        }
    }

    #[test]
    fn a_trusted_proxys_own_forwarding_is_no_sign() {
        let client = "198.51.100.7";
        let cases: &[&[(&str, &str)]] = &[
            &[],
            &[("x-forwarded-for", client)],
            &[("x-forwarded-for", "198.51.100.7, 10.0.0.9")],
            &[("forwarded", "for=198.51.100.7;proto=https")],
            &[("x-real-ip", client), ("x-forwarded-for", client)],
            // The proxy's own Via entry, and one per trusted hop.
            &[("via", "1.1 Caddy"), ("x-forwarded-for", client)],
            &[
                ("via", "1.1 cdn, 1.1 edge"),
                ("x-forwarded-for", "198.51.100.7, 10.0.0.9"),
            ],
            &[("via", "1.1 edge (Proxy/1.0, build 7)")],
        ];
        for list in cases {
            assert!(!seen("10.0.0.1", client, list), "{list:?}");
        }
    }

    #[test]
    fn what_a_trusted_proxy_passes_on_from_before_it_is_a_sign() {
        let client = "198.51.100.7";
        let cases: &[&[(&str, &str)]] = &[
            // The practice's proxy wrote its client; the trusted one appended.
            &[("x-forwarded-for", "192.168.1.5, 198.51.100.7")],
            &[("forwarded", "for=192.168.1.5, for=198.51.100.7")],
            &[("forwarded", "for=unknown, for=198.51.100.7")],
            &[("x-real-ip", "192.168.1.5"), ("x-forwarded-for", client)],
            &[("x-forwarded-for", "garbage, 198.51.100.7")],
            // A Via entry more than the trusted proxies could have written.
            &[("via", "1.1 squid, 1.1 Caddy"), ("x-forwarded-for", client)],
            &[("via", "1.1 squid"), ("via", "1.1 Caddy")],
        ];
        for list in cases {
            assert!(seen("10.0.0.1", client, list), "{list:?}");
        }
    }

    #[test]
    fn via_entries_skip_comments_and_blanks() {
        let count = |v: &str| via_entries(&headers(&[("via", v)]));
        assert_eq!(count("1.1 a"), 1);
        assert_eq!(count("1.0 fred, 1.1 p.example.net"), 2);
        assert_eq!(count("1.1 a (x, y), 1.1 b"), 2);
        assert_eq!(count(" , ,"), 0);
        assert_eq!(count("1.1 a ((x, y)), 1.1 b)"), 2);
    }
}
