//! The built page as the probe serves it: `index.html` for page routes, the
//! built files, the operator's theme stylesheet and `security.txt`. The
//! routes take only [`Page`] (the files and what the operator says about the
//! site), never the probe's state, so the state can hold a [`Page`] without
//! a cycle.
//!
//! - [`assets`]: the page's files (embedded or from `--www`), encodings,
//!   ETags, the CSP nonce.
//! - [`headers`]: CSP, frame-ancestors and the other hardening headers.
//!
//! A path whose last segment has no extension (`/`, `/embed`) is a page route
//! and gets `index.html` with a fresh CSP nonce and the consent form in the
//! request's language (`?lang=`, else `Accept-Language`; see
//! [`crate::probe::html`]); a missing file with an
//! extension is a real 404, so a broken asset link shows up as an error
//! instead of an HTML page parsed as JavaScript.

pub(super) mod assets;
pub(super) mod headers;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::plan::Plan;
use crate::probe::config::Site;
use crate::probe::encoding::{choose_encoding, encode_page};
use crate::probe::html::{self, View};
use crate::texts::lang::for_request;
use assets::{Assets, new_nonce};
use headers::{Kind, security_headers};

/// What the page's routes need: the built files, the site settings and the
/// `security.txt` made from them at start. Cloning is cheap.
#[derive(Clone)]
pub(crate) struct Page(Arc<PageParts>);

struct PageParts {
    assets: Assets,
    site: Site,
    security_txt: Option<String>,
    stylesheets: Vec<String>,
}

impl Page {
    pub(crate) fn new(assets: Assets, site: Site) -> Self {
        let expires = SystemTime::now() + Duration::from_secs(365 * 24 * 3600);
        let security_txt = security_txt(&site, expires);
        let stylesheets = assets.stylesheets();
        Page(Arc::new(PageParts {
            assets,
            site,
            security_txt,
            stylesheets,
        }))
    }

    pub(crate) fn site(&self) -> &Site {
        &self.0.site
    }

    pub(crate) fn assets(&self) -> &Assets {
        &self.0.assets
    }

    /// How a page the probe writes for a request to `uri` is shown: in
    /// `lang` when given, else the request's language; the embed view
    /// under `/embed`.
    pub(crate) fn view(&self, uri: &Uri, headers: &HeaderMap, lang: Option<&str>) -> View<'_> {
        let query = uri.query();
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let asked = lang.map(str::to_owned).or_else(|| html::query_lang(query));
        View {
            lang: for_request(asked.as_deref(), accept),
            embed: is_embed_route(uri.path()),
            keep: html::query_without_lang(query),
            site: &self.0.site,
            stylesheets: &self.0.stylesheets,
            encoding: choose_encoding(
                headers
                    .get(header::ACCEPT_ENCODING)
                    .and_then(|v| v.to_str().ok()),
            ),
        }
    }
}

/// The page, its files, `/theme.css` and (with a contact) `security.txt`;
/// every other path is a file or a page route.
pub(crate) fn router<S>(page: &Page) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Page: FromRef<S>,
{
    let mut r = Router::new().route("/theme.css", get(theme));
    if page.0.security_txt.is_some() {
        r = r.route("/.well-known/security.txt", get(security_txt_file));
    }
    r.fallback(serve)
}

/// Whether `path` names a page route rather than a file.
pub(crate) fn is_page_route(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    !last.contains('.')
}

/// Whether a page route is the embed view.
pub(crate) fn is_embed_route(path: &str) -> bool {
    path == "/embed" || path.starts_with("/embed/")
}

/// Files that other sites load (the embed script) and may be fetched cross-origin.
fn is_shared_asset(path: &str) -> bool {
    path == "/embed.js"
}

/// A page route or one of the page's files.
pub(crate) async fn serve(State(page): State<Page>, req: Request) -> Response {
    let path = req.uri().path();
    if is_page_route(path) {
        return index(&page, &page.view(req.uri(), req.headers(), None));
    }
    let Some(asset) = page.0.assets.get(path) else {
        return not_found();
    };
    let enc = choose_encoding(
        req.headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let (body, used) = asset.encoded(enc);
    let etag = asset.etag_for(used);
    let mut headers = HeaderMap::new();
    let kind = if is_shared_asset(path) {
        Kind::SharedAsset
    } else {
        Kind::Other
    };
    headers.extend(security_headers(&page.0.site, kind));
    put(&mut headers, header::CONTENT_TYPE, &asset.content_type);
    put(&mut headers, header::ETAG, &etag);
    put(&mut headers, header::VARY, "accept-encoding");
    put(
        &mut headers,
        header::CACHE_CONTROL,
        if asset.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=300"
        },
    );
    if let Some(e) = used.header_value() {
        put(&mut headers, header::CONTENT_ENCODING, e);
    }
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|inm| inm.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if not_modified {
        headers.remove(header::CONTENT_ENCODING);
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, Body::from(body)).into_response()
}

fn index(page: &Page, view: &View<'_>) -> Response {
    let nonce = new_nonce();
    let start = html::start_chrome(view, &Plan::standard());
    let Some(html) = page.0.assets.index(&nonce, view.lang.code(), &start) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The page has not been built. Run scripts/run (or `trunk build --release`, then rebuild portcheck); the API under /api/v1/ works without it.\n",
        )
            .into_response();
    };
    let mut headers = HeaderMap::new();
    headers.extend(security_headers(
        &page.0.site,
        Kind::Page {
            nonce: &nonce,
            embed: view.embed,
        },
    ));
    put(
        &mut headers,
        header::CONTENT_TYPE,
        "text/html; charset=utf-8",
    );
    // A fresh nonce per response: never reuse a cached copy.
    put(&mut headers, header::CACHE_CONTROL, "no-store");
    // The form speaks the language the request asked for.
    put(
        &mut headers,
        header::VARY,
        "accept-language, accept-encoding",
    );
    let (encoding, body) = encode_page(html, view.encoding);
    if let Some(encoding) = encoding {
        put(&mut headers, header::CONTENT_ENCODING, encoding);
    }
    (headers, body).into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Not found.\n",
    )
        .into_response()
}

fn put(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

/// `GET /theme.css`: the operator's accent colour as a CSS custom property.
async fn theme(State(page): State<Page>) -> Response {
    let css = theme_css(&page.0.site);
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        css,
    )
        .into_response()
}

async fn security_txt_file(State(page): State<Page>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        page.0.security_txt.clone().unwrap_or_default(),
    )
        .into_response()
}

/// The theme stylesheet. The colour was validated as `#rrggbb` at start.
pub(crate) fn theme_css(site: &Site) -> String {
    match &site.accent_color {
        Some(c) => format!(":root {{ --accent: {c}; }}\n"),
        None => "/* no operator theme: the page's own colours apply */\n".to_owned(),
    }
}

/// The RFC 9116 `security.txt`, when the operator gave a contact.
pub(crate) fn security_txt(site: &Site, expires: std::time::SystemTime) -> Option<String> {
    let contact = site.security_contact.as_ref()?;
    let mut text = format!(
        "Contact: {contact}\nExpires: {}\nPreferred-Languages: de, en\n",
        humantime::format_rfc3339_seconds(expires)
    );
    if let Some(origin) = &site.public_origin {
        text.push_str(&format!("Canonical: {origin}/.well-known/security.txt\n"));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_routes_have_no_extension() {
        for p in ["/", "/embed", "/en/", "/report/print"] {
            assert!(is_page_route(p), "{p}");
        }
        for p in [
            "/index.html",
            "/embed.js",
            "/portcheck-app-1a2b.wasm",
            "/a/b.css",
        ] {
            assert!(!is_page_route(p), "{p}");
        }
        assert!(is_embed_route("/embed"));
        assert!(!is_embed_route("/embedded"));
        assert!(!is_embed_route("/"));
    }

    #[test]
    fn theme_only_carries_a_validated_colour() {
        let mut site = Site::default();
        assert!(!theme_css(&site).contains("--accent"));
        site.accent_color = Some("#005a9c".into());
        assert_eq!(theme_css(&site), ":root { --accent: #005a9c; }\n");
    }

    #[test]
    fn security_txt_has_contact_and_expiry() {
        let mut site = Site::default();
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
        assert_eq!(security_txt(&site, t), None);
        site.security_contact = Some("mailto:abuse@kammer.example".into());
        site.public_origin = Some("https://check.kammer.example".into());
        let txt = security_txt(&site, t).unwrap();
        assert!(
            txt.starts_with(
                "Contact: mailto:abuse@kammer.example\nExpires: 2027-01-15T08:00:00Z\n"
            ),
            "{txt}"
        );
        assert!(txt.contains("Canonical: https://check.kammer.example/.well-known/security.txt"));
    }
}
