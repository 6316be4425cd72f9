//! The embed view's side of the iframe protocol.
//!
//! `/embed.js` on the host page puts the host's origin into the iframe's
//! address (`/embed?origin=https://verband.example`). The page posts its
//! height only to exactly that origin, so no other page can read it; the
//! host script accepts messages only from the probe's origin.

/// Key of the message object: `{"portcheck": {"height": 812}}`.
#[cfg(target_arch = "wasm32")]
pub(crate) const MESSAGE_KEY: &str = "portcheck";

/// Whether a path is the embed view (`/embed`, also below a prefix such as
/// `/check/embed` when served behind a reverse proxy path).
pub(crate) fn is_embed_path(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    p == "/embed" || p.ends_with("/embed")
}

/// The target origin for `postMessage`: the `origin` parameter if it is a
/// plain `http(s)://host[:port]` origin, normalised to the form the browser
/// reports in `MessageEvent.origin`; `None` otherwise (then nothing is sent).
pub(crate) fn parent_origin(param: Option<&str>) -> Option<String> {
    let s = param?.trim();
    let (scheme, rest) = s.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.strip_suffix('/').unwrap_or(rest);
    if host.is_empty()
        || host
            .chars()
            .any(|c| matches!(c, '/' | '?' | '#' | '@' | '\\' | ' ' | '*') || c.is_control())
    {
        return None;
    }
    let host = host.to_ascii_lowercase();
    let (name, port) = match host.strip_prefix('[') {
        Some(v6) => {
            let (addr, after) = v6.split_once(']')?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':')?),
            };
            (format!("[{addr}]"), port)
        }
        None => match host.split_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (host.clone(), None),
        },
    };
    if name.is_empty() || name == "[]" {
        return None;
    }
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().ok()?)
        }
        Some(_) => return None,
    };
    // The browser leaves a default port out of origins.
    let default = if scheme == "http" { 80 } else { 443 };
    Some(match port {
        Some(p) if p != default => format!("{scheme}://{name}:{p}"),
        _ => format!("{scheme}://{name}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_paths() {
        let embed = ["/embed", "/embed/", "/portcheck/embed"];
        let page = ["/", "/embedded"];
        assert!(embed.iter().all(|p| is_embed_path(p)));
        assert!(!page.iter().any(|p| is_embed_path(p)));
    }

    #[test]
    fn plain_origins_are_accepted_and_normalised() {
        let cases = [
            ("https://Verband.example", "https://verband.example"),
            ("http://127.0.0.1:8081/", "http://127.0.0.1:8081"),
            ("https://verband.example:443", "https://verband.example"),
            ("http://[::1]:8080", "http://[::1]:8080"),
            ("http://[::1]", "http://[::1]"),
        ];
        for (given, origin) in cases {
            assert_eq!(parent_origin(Some(given)).as_deref(), Some(origin));
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            None,
            Some(""),
            Some("*"),
            Some("null"),
            Some("javascript:alert(1)"),
            Some("ftp://verband.example"),
            Some("https://"),
            Some("https://verband.example/page"),
            Some("https://verband.example?x=1"),
            Some("https://user@verband.example"),
            Some("https://verband.example:port"),
        ] {
            assert_eq!(parent_origin(bad), None, "{bad:?}");
        }
    }
}
