//! Security headers for every response, computed from the operator's site
//! settings: a Content-Security-Policy (with a fresh nonce on pages), who may
//! frame the embed view, and the usual hardening headers.
//!
//! Pages get `script-src 'self' 'nonce-…' 'wasm-unsafe-eval'` (Trunk's
//! loader is the only inline script; WebAssembly needs `wasm-unsafe-eval`),
//! no `'unsafe-inline'` anywhere, and `connect-src` limited to the probe's own
//! origins. The result page of a form check (rendered by the probe, see
//! `probe::html`) runs no script at all: its policy has no `script-src`, so
//! `default-src 'none'` forbids every script. Both may submit forms only to
//! the probe itself (`form-action 'self'`: the consent form and "check
//! again"). Everything that is not a page gets `default-src 'none'`.

use axum::http::{HeaderName, HeaderValue, header};

use crate::probe::config::Site;

/// What kind of response the headers are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind<'a> {
    /// The page (`index.html`) with its nonce; `embed` for the `/embed` view.
    Page { nonce: &'a str, embed: bool },
    /// The probe's own HTML (a form check's result or refusal): no script;
    /// `embed` for the `/embed` view.
    Rendered { embed: bool },
    /// A file host pages load from other sites (`/embed.js`).
    SharedAsset,
    /// Anything else: API, assets, errors.
    Other,
}

/// Origins the page may talk to and that may read the API: the public
/// origin and the IPv4-only / IPv6-only origins.
pub(crate) fn own_origins(site: &Site) -> Vec<String> {
    [&site.public_origin, &site.ipv4_origin, &site.ipv6_origin]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

/// Origins whose scripts may read the API (CORS): own origins and embedders.
pub(crate) fn cors_origins(site: &Site) -> Vec<String> {
    let mut v = own_origins(site);
    for o in &site.embed_origins {
        if !v.contains(o) {
            v.push(o.clone());
        }
    }
    v
}

const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

/// The Content-Security-Policy for a response.
pub(crate) fn content_security_policy(site: &Site, kind: Kind<'_>) -> String {
    let ancestors = |embed: bool| {
        if embed && !site.embed_origins.is_empty() {
            site.embed_origins.join(" ")
        } else {
            "'none'".to_owned()
        }
    };
    match kind {
        Kind::Page { nonce, embed } => {
            let mut connect = vec!["'self'".to_owned()];
            connect.extend(own_origins(site));
            format!(
                "default-src 'none'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
                 style-src 'self'; img-src 'self' data:; font-src 'self'; manifest-src 'self'; \
                 connect-src {}; base-uri 'none'; form-action 'self'; object-src 'none'; \
                 frame-ancestors {}",
                connect.join(" "),
                ancestors(embed)
            )
        }
        Kind::Rendered { embed } => format!(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; \
             form-action 'self'; frame-ancestors {}",
            ancestors(embed)
        ),
        Kind::SharedAsset | Kind::Other => {
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
                .to_owned()
        }
    }
}

/// Every security header for a response of `kind`.
pub(crate) fn security_headers(site: &Site, kind: Kind<'_>) -> Vec<(HeaderName, HeaderValue)> {
    let mut h = Vec::with_capacity(8);
    let mut push = |name: HeaderName, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.push((name, v));
        }
    };
    push(
        header::CONTENT_SECURITY_POLICY,
        content_security_policy(site, kind),
    );
    push(header::X_CONTENT_TYPE_OPTIONS, "nosniff".into());
    push(header::REFERRER_POLICY, "same-origin".into());
    push(
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY.into(),
    );
    let embed = matches!(
        kind,
        Kind::Page { embed: true, .. } | Kind::Rendered { embed: true }
    );
    if !embed {
        push(header::X_FRAME_OPTIONS, "DENY".into());
    }
    let corp = if embed || kind == Kind::SharedAsset {
        "cross-origin"
    } else {
        "same-origin"
    };
    push(
        HeaderName::from_static("cross-origin-resource-policy"),
        corp.into(),
    );
    if !embed {
        push(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin".into(),
        );
    }
    if site
        .public_origin
        .as_deref()
        .is_some_and(|o| o.starts_with("https://"))
    {
        push(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000".into());
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site {
            public_origin: Some("https://check.example".into()),
            ipv4_origin: Some("https://v4.check.example".into()),
            ipv6_origin: Some("https://v6.check.example".into()),
            embed_origins: vec![
                "https://www.kammer.example".into(),
                "https://verband.example".into(),
            ],
            ..Site::default()
        }
    }

    fn get<'a>(h: &'a [(HeaderName, HeaderValue)], name: &str) -> Option<&'a str> {
        h.iter()
            .find(|(n, _)| n.as_str() == name)
            .and_then(|(_, v)| v.to_str().ok())
    }

    #[test]
    fn page_csp_has_nonce_wasm_and_own_origins_only() {
        let csp = content_security_policy(
            &site(),
            Kind::Page {
                nonce: "abc123",
                embed: false,
            },
        );
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains(
            "connect-src 'self' https://check.example https://v4.check.example https://v6.check.example;"
        ));
        assert!(!csp.contains("kammer"), "embedders do not get connect-src");
        assert!(csp.ends_with("frame-ancestors 'none'"));
        assert!(csp.starts_with("default-src 'none'"));
        assert!(
            csp.contains("form-action 'self';"),
            "the consent form posts"
        );
    }

    #[test]
    fn rendered_pages_run_no_script_and_post_only_to_the_probe() {
        let s = site();
        for embed in [false, true] {
            let csp = content_security_policy(&s, Kind::Rendered { embed });
            assert!(!csp.contains("script-src"), "{csp}");
            assert!(!csp.contains("unsafe"), "{csp}");
            assert!(csp.starts_with("default-src 'none';"), "{csp}");
            assert!(csp.contains("style-src 'self';"), "{csp}");
            assert!(csp.contains("form-action 'self';"), "{csp}");
            let h = security_headers(&s, Kind::Rendered { embed });
            assert_eq!(get(&h, "x-frame-options").is_none(), embed);
        }
        let framed = content_security_policy(&s, Kind::Rendered { embed: true });
        assert!(
            framed.ends_with("frame-ancestors https://www.kammer.example https://verband.example")
        );
        let alone = content_security_policy(&s, Kind::Rendered { embed: false });
        assert!(alone.ends_with("frame-ancestors 'none'"));
    }

    #[test]
    fn embed_view_may_be_framed_only_by_the_allow_list() {
        let s = site();
        let page = Kind::Page {
            nonce: "n",
            embed: true,
        };
        let csp = content_security_policy(&s, page);
        assert!(
            csp.ends_with("frame-ancestors https://www.kammer.example https://verband.example")
        );
        let h = security_headers(&s, page);
        assert_eq!(get(&h, "x-frame-options"), None);
        assert_eq!(
            get(&h, "cross-origin-resource-policy"),
            Some("cross-origin")
        );

        let none = Site::default();
        let csp = content_security_policy(&none, page);
        assert!(csp.ends_with("frame-ancestors 'none'"));
    }

    #[test]
    fn everything_else_is_locked_down() {
        let h = security_headers(&site(), Kind::Other);
        assert_eq!(
            get(&h, "content-security-policy"),
            Some("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        );
        assert_eq!(get(&h, "x-content-type-options"), Some("nosniff"));
        assert_eq!(get(&h, "referrer-policy"), Some("same-origin"));
        assert_eq!(get(&h, "x-frame-options"), Some("DENY"));
        assert_eq!(get(&h, "cross-origin-resource-policy"), Some("same-origin"));
        assert!(get(&h, "permissions-policy").unwrap().contains("camera=()"));
        assert_eq!(
            get(&h, "strict-transport-security"),
            Some("max-age=31536000")
        );
        let shared = security_headers(&site(), Kind::SharedAsset);
        assert_eq!(
            get(&shared, "cross-origin-resource-policy"),
            Some("cross-origin")
        );
    }

    #[test]
    fn no_hsts_without_https() {
        let mut s = site();
        s.public_origin = Some("http://127.0.0.1:8080".into());
        assert_eq!(
            get(
                &security_headers(&s, Kind::Other),
                "strict-transport-security"
            ),
            None
        );
        assert_eq!(
            get(
                &security_headers(&Site::default(), Kind::Other),
                "strict-transport-security"
            ),
            None
        );
    }

    #[test]
    fn cors_allows_own_origins_and_embedders() {
        let o = cors_origins(&site());
        assert_eq!(o.len(), 5);
        assert!(o.contains(&"https://verband.example".to_owned()));
        assert!(cors_origins(&Site::default()).is_empty());
    }
}
