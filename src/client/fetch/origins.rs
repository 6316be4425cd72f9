//! Where the client may send a request: the probe's own origin (the URL's
//! scheme, host and port), and, for `--family`, the IPv4 and IPv6 origins
//! that the probe's `/api/v1/site` names, but only when they belong to the
//! same site as the URL the client was given.
//!
//! The rule: a named origin is of the same site when its host is the URL's
//! host or a subdomain of it (`https://check.example` admits
//! `https://v4.check.example` and `https://v6.check.example`), or a
//! `--site-domain` or a subdomain of one (`--site-domain check.example`
//! for a probe at `https://www.check.example`); an IP address matches only
//! itself. Its port may differ; its scheme may not be weaker (an https URL
//! admits https origins only). Anything else is refused before any request
//! goes there. Redirects are followed only within the origin of the request
//! they answer ([`same_origin`]); a redirect elsewhere is an error. So a
//! hostile or intercepted probe cannot turn the client (which runs inside a
//! practice) against another host.
//!
//! Pure functions, tested here; `fetch` applies them.

use std::net::IpAddr;

use url::{Host, Url};

/// A host the probe's family origins may be on (`--site-domain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SiteHost {
    /// A domain name (lowercase, punycode, without a final dot): itself and
    /// its subdomains.
    Domain(String),
    /// An address: itself only.
    Ip(IpAddr),
}

impl SiteHost {
    /// The host of `url`, if it has one.
    pub(crate) fn of(url: &Url) -> Option<SiteHost> {
        Some(match url.host()? {
            Host::Domain(d) => SiteHost::Domain(d.trim_end_matches('.').to_owned()),
            Host::Ipv4(ip) => SiteHost::Ip(ip.into()),
            Host::Ipv6(ip) => SiteHost::Ip(ip.into()),
        })
    }

    /// Whether `host` is this host or, for a domain, below it.
    fn admits(&self, host: &SiteHost) -> bool {
        match (self, host) {
            (SiteHost::Domain(site), SiteHost::Domain(d)) => {
                d == site
                    || d.strip_suffix(site.as_str())
                        .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.'))
            }
            (SiteHost::Ip(a), SiteHost::Ip(b)) => a == b,
            _ => false,
        }
    }
}

/// Reads a `--site-domain`: a domain name (`check.example`) or an IP
/// address (`192.0.2.1`, `::1`, `[::1]`).
pub(crate) fn parse_site_host(s: &str) -> Result<SiteHost, String> {
    let s = s.trim();
    if let Ok(ip) = s.trim_matches(|c| c == '[' || c == ']').parse::<IpAddr>() {
        return Ok(SiteHost::Ip(ip));
    }
    match Host::parse(s.trim_end_matches('.')) {
        Ok(Host::Domain(d)) if !d.is_empty() && !d.contains(['/', ':']) => Ok(SiteHost::Domain(d)),
        Ok(Host::Ipv4(ip)) => Ok(SiteHost::Ip(ip.into())),
        Ok(Host::Ipv6(ip)) => Ok(SiteHost::Ip(ip.into())),
        _ => Err(format!("{s}: not a domain name or an IP address")),
    }
}

/// Whether `named`, an origin the probe at `base` names for an address
/// family, belongs to the same site (the rule of this module).
pub(crate) fn same_site(base: &Url, named: &Url, site_domains: &[SiteHost]) -> bool {
    if base.scheme() == "https" && named.scheme() != "https" {
        return false;
    }
    let Some(host) = SiteHost::of(named) else {
        return false;
    };
    SiteHost::of(base)
        .iter()
        .chain(site_domains)
        .any(|site| site.admits(&host))
}

/// Whether `to` is of the same origin (scheme, host, port) as `from`.
pub(crate) fn same_origin(from: &Url, to: &Url) -> bool {
    from.origin() == to.origin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn sites(list: &[&str]) -> Vec<SiteHost> {
        list.iter().map(|s| parse_site_host(s).unwrap()).collect()
    }

    #[test]
    fn subdomains_of_the_urls_host_belong_to_its_site() {
        let base = url("https://check.example/");
        for ok in [
            "https://v4.check.example",
            "https://v6.check.example:8443",
            "https://check.example:444",
            "https://V4.Check.Example./",
        ] {
            assert!(same_site(&base, &url(ok), &[]), "{ok}");
        }
        for refused in [
            "https://evil.example",
            "https://check.example.evil.example",
            "https://xcheck.example",
            "http://v4.check.example",
            "https://192.0.2.1",
            "https://example",
        ] {
            assert!(!same_site(&base, &url(refused), &[]), "{refused}");
        }
    }

    #[test]
    fn a_site_domain_admits_its_subdomains_and_an_address_itself() {
        let base = url("https://www.check.example/");
        let v4 = url("https://v4.check.example/");
        assert!(!same_site(&base, &v4, &[]));
        assert!(same_site(&base, &v4, &sites(&["check.example"])));
        assert!(same_site(&base, &v4, &sites(&["CHECK.example."])));
        let local = url("http://127.0.0.1:8080/");
        assert!(same_site(&local, &url("http://127.0.0.1:9090"), &[]));
        assert!(!same_site(&local, &url("http://[::1]:8080"), &[]));
        assert!(!same_site(&local, &url("http://127.0.0.2:8080"), &[]));
        assert!(!same_site(&local, &url("http://localhost:8080"), &[]));
        assert!(same_site(
            &local,
            &url("http://[::1]:8080"),
            &sites(&["::1"])
        ));
        assert!(same_site(
            &local,
            &url("http://[::1]:8080"),
            &sites(&["[::1]"])
        ));
        // An http URL admits https origins of its site.
        assert!(same_site(&local, &url("https://127.0.0.1"), &[]));
    }

    #[test]
    fn site_domains_that_cannot_be_read_are_refused() {
        for bad in ["", "https://check.example", "check.example/x", "a b"] {
            assert!(parse_site_host(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_site_host("Bücher.example"),
            Ok(SiteHost::Domain("xn--bcher-kva.example".into()))
        );
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        let from = url("https://check.example/portcheck/api/v1/scan/stream");
        assert!(same_origin(&from, &url("https://check.example:443/other")));
        assert!(!same_origin(&from, &url("http://check.example/")));
        assert!(!same_origin(&from, &url("https://check.example:8443/")));
        assert!(!same_origin(&from, &url("https://v4.check.example/")));
    }
}
