//! Serving the built page (Trunk's output folder) at `/`.
//!
//! Files are served with their content type; a path whose last segment has
//! no extension (`/`, `/embed`) is a page route and gets `index.html`, while a
//! missing file with an extension is a real 404, so a broken asset link shows
//! up as an error instead of an HTML page parsed as JavaScript.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::http::ProbeState;

/// Whether `path` names a page route rather than a file.
pub fn is_page_route(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    !last.contains('.')
}

pub async fn serve(State(st): State<Arc<ProbeState>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let result = if is_page_route(&path) {
        let index = st.www.join("index.html");
        if !index.is_file() {
            return not_built();
        }
        ServeFile::new(index).oneshot(req).await
    } else {
        ServeDir::new(&st.www).oneshot(req).await
    };
    match result {
        Ok(resp) => resp.map(Body::new),
        Err(never) => match never {},
    }
}

fn not_built() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "The page has not been built. Run scripts/run (or `trunk build --release`) first; the API under /api/v1/ works without it.\n",
    )
        .into_response()
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
    }
}
