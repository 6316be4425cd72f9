//! The built page: embedded in the binary (or read once from a folder), with
//! content types, ETags, long-lived caching for hashed names, and brotli/gzip
//! variants. The variants come from the build (`FILE.br` and `FILE.gz` next
//! to each file, written by scripts/precompress after Trunk's build); what
//! the build did not provide is made once on a background thread at start
//! ([`Assets::prepare`]). A request never waits for compression: until a
//! variant exists it gets the next best one.
//!
//! `index.html` is a template: Trunk leaves a nonce placeholder in its loader
//! script, and every page response gets a fresh nonce that the
//! Content-Security-Policy names (see `headers.rs`).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::io::{self, Write};
use std::path::Path;
use std::sync::OnceLock;

use axum::body::Bytes;

use crate::probe::encoding::Encoding;
use crate::texts::Lang;
use crate::texts::explain::practice_set;

/// Trunk's output folder, compiled in. Missing at build time means "no page";
/// the API works without it. Debug builds read the folder at run time.
#[derive(rust_embed::RustEmbed)]
#[folder = "dist/"]
#[allow_missing = true]
struct Built;

/// Trunk's placeholder for the per-response CSP nonce.
pub(crate) const NONCE_PLACEHOLDER: &str = "{{__TRUNK NONCE__}}";

/// `www/index.html`'s placeholder for the consent form the probe writes
/// (in the visitor's language), which the app replaces when it starts.
pub(crate) const START_PLACEHOLDER: &str = "{{PORTCHECK START}}";

/// `www/index.html`'s placeholder for the language of `<html lang>`, the
/// form's language (the app sets it again when it starts).
pub(crate) const LANG_PLACEHOLDER: &str = "{{PORTCHECK LANG}}";

/// Whether a file name carries a content hash (Trunk: `name-<16 hex>.ext`,
/// `name-<16 hex>_bg.wasm`), so it can be cached for a year.
pub(crate) fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.contains("javascript")
        || content_type.contains("json")
        || content_type.contains("wasm")
        || content_type.contains("svg")
        || content_type.contains("xml")
}

/// One file of the page.
pub(crate) struct Asset {
    pub body: Bytes,
    pub content_type: String,
    /// Strong ETag of the uncompressed body (quoted).
    pub etag: String,
    pub immutable: bool,
    brotli: OnceLock<Option<Bytes>>,
    gzip: OnceLock<Option<Bytes>>,
}

impl Asset {
    fn new(path: &str, body: Vec<u8>) -> Asset {
        let content_type = mime_guess::from_path(path)
            .first_raw()
            .map_or("application/octet-stream", |m| m)
            .to_owned();
        let content_type =
            if content_type.starts_with("text/") || content_type.contains("javascript") {
                format!("{content_type}; charset=utf-8")
            } else {
                content_type
            };
        let mut h = DefaultHasher::new();
        h.write(&body);
        Asset {
            etag: format!("\"{:016x}\"", h.finish()),
            immutable: is_hashed_name(path),
            content_type,
            body: Bytes::from(body),
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        }
    }

    fn worth_compressing(&self) -> bool {
        self.body.len() >= 256 && is_compressible(&self.content_type)
    }

    /// The body in `enc`, or in the next best encoding whose variant exists
    /// already, with the encoding actually used. Never compresses.
    pub(crate) fn encoded(&self, enc: Encoding) -> (Bytes, Encoding) {
        if enc == Encoding::Identity || !self.worth_compressing() {
            return (self.body.clone(), Encoding::Identity);
        }
        let br = self.brotli.get().and_then(Option::as_ref);
        let gz = self.gzip.get().and_then(Option::as_ref);
        match (enc, br, gz) {
            (Encoding::Brotli, Some(b), _) => (b.clone(), Encoding::Brotli),
            (_, _, Some(g)) => (g.clone(), Encoding::Gzip),
            _ => (self.body.clone(), Encoding::Identity),
        }
    }

    /// Make the variants the build did not provide (CPU-heavy: brotli at
    /// quality 11).
    fn prepare(&self) {
        if !self.worth_compressing() {
            return;
        }
        self.gzip
            .get_or_init(|| compress_gzip(&self.body).ok().map(Bytes::from));
        self.brotli
            .get_or_init(|| compress_brotli(&self.body).ok().map(Bytes::from));
    }

    /// The ETag of the representation in `enc`.
    pub(crate) fn etag_for(&self, enc: Encoding) -> String {
        match enc.header_value() {
            None => self.etag.clone(),
            Some(e) => format!("{}-{e}\"", self.etag.trim_end_matches('"')),
        }
    }
}

fn compress_brotli(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 3);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        w.write_all(data)?;
        w.flush()?;
    }
    Ok(out)
}

fn compress_gzip(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut w = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::best(),
    );
    w.write_all(data)?;
    w.finish()
}

/// The page's files by URL path (`/index.html`, `/embed.js`, …).
#[derive(Default)]
pub(crate) struct Assets {
    files: HashMap<String, Asset>,
}

impl Assets {
    /// The page built into the binary.
    pub(crate) fn embedded() -> Assets {
        let files = Built::iter().filter_map(|name| {
            let file = Built::get(&name)?;
            Some((name.into_owned(), file.data.into_owned()))
        });
        Assets::from_files(files)
    }

    /// The page from a folder, read once.
    pub(crate) fn from_dir(dir: &Path) -> io::Result<Assets> {
        let mut files = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d)? {
                let entry = entry?;
                let path = entry.path();
                if entry.file_type()?.is_dir() {
                    stack.push(path);
                } else if let Ok(rel) = path.strip_prefix(dir) {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    files.push((rel, std::fs::read(&path)?));
                }
            }
        }
        Ok(Assets::from_files(files))
    }

    /// The page from its files. `FILE.br` and `FILE.gz` next to `FILE` are
    /// its precompressed variants, not files of their own.
    pub(crate) fn from_files(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Assets {
        let mut plain = HashMap::new();
        let mut variants = Vec::new();
        for (name, data) in files {
            let path = format!("/{}", name.trim_start_matches('/'));
            let variant = [(".br", Encoding::Brotli), (".gz", Encoding::Gzip)]
                .into_iter()
                .find_map(|(ext, enc)| Some((path.strip_suffix(ext)?.to_owned(), enc)));
            match variant {
                Some((base, enc)) => variants.push((base, enc, path, data)),
                None => {
                    let asset = Asset::new(&path, data);
                    plain.insert(path, asset);
                }
            }
        }
        for (base, enc, path, data) in variants {
            let Some(asset) = plain.get(&base) else {
                // A compressed file without its original is served as it is.
                let asset = Asset::new(&path, data);
                plain.insert(path, asset);
                continue;
            };
            let slot = match enc {
                Encoding::Brotli => &asset.brotli,
                _ => &asset.gzip,
            };
            let _ = slot.set(Some(Bytes::from(data)));
        }
        if !plain.is_empty() {
            // The practice check's finding texts, which the page fetches
            // when it offers the check: made here from the compiled texts.
            for lang in [Lang::De, Lang::En] {
                let path = practice_set::path(lang);
                let body = serde_json::to_vec(&practice_set::compiled(lang)).unwrap_or_default();
                let asset = Asset::new(&path, body);
                plain.insert(path, asset);
            }
        }
        Assets { files: plain }
    }

    /// Make every compressed variant the build did not provide. The probe
    /// runs this on a thread of its own at start; until it is done, requests
    /// get the variants that exist.
    pub(crate) fn prepare(&self) {
        for asset in self.files.values() {
            asset.prepare();
        }
    }

    pub(crate) fn get(&self, path: &str) -> Option<&Asset> {
        self.files.get(path)
    }

    /// `index.html` with `nonce` in place of Trunk's placeholder, `lang`
    /// (a language code) in place of [`LANG_PLACEHOLDER`] and `start` (the
    /// consent form) in place of [`START_PLACEHOLDER`].
    pub(crate) fn index(&self, nonce: &str, lang: &str, start: &str) -> Option<String> {
        let asset = self.files.get("/index.html")?;
        let html = std::str::from_utf8(&asset.body).ok()?;
        Some(
            html.replace(NONCE_PLACEHOLDER, nonce)
                .replace(LANG_PLACEHOLDER, lang)
                .replace(START_PLACEHOLDER, start),
        )
    }

    /// The page's stylesheets (Trunk's hashed `style-….css`), for the
    /// pages the probe writes whole.
    pub(crate) fn stylesheets(&self) -> Vec<String> {
        let mut sheets: Vec<String> = self
            .files
            .keys()
            .filter(|path| path.ends_with(".css"))
            .cloned()
            .collect();
        sheets.sort();
        sheets
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A fresh CSP nonce: 128 random bits, hex.
pub(crate) fn new_nonce() -> String {
    use std::hash::BuildHasher;
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No system randomness right now: std's per-instance random hasher
        // keys mixed with the time are still unpredictable to a client.
        for half in bytes.chunks_mut(8) {
            let mut h = std::hash::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            half.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn hashed_names() {
        let hashed = [
            "/portcheck-app-3c1d3b7a9e0f4a21.js",
            "/portcheck-app-3c1d3b7a9e0f4a21_bg.wasm",
            "/style-0123456789abcdef.css",
        ];
        let plain = ["/index.html", "/embed.js", "/portcheck-app.js", "/x-123.js"];
        for (paths, want) in [(&hashed[..], true), (&plain[..], false)] {
            for p in paths {
                assert_eq!(is_hashed_name(p), want, "{p}");
            }
        }
    }

    #[test]
    fn compressed_variants_round_trip() {
        let js = "function f(){return 1}\n".repeat(200);
        let assets = Assets::from_files([(
            "app-0123456789abcdef.js".to_owned(),
            js.clone().into_bytes(),
        )]);
        let a = assets.get("/app-0123456789abcdef.js").unwrap();
        // Nothing is compressed on a request: before prepare() only the body.
        assert_eq!(a.encoded(Encoding::Brotli).1, Encoding::Identity);
        assets.prepare();
        assert!(a.immutable);
        assert!(
            a.content_type.starts_with("text/javascript"),
            "{}",
            a.content_type
        );
        let (br, enc) = a.encoded(Encoding::Brotli);
        assert_eq!(enc, Encoding::Brotli);
        assert!(br.len() < js.len() / 10);
        let mut out = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, js);
        let (gz, enc) = a.encoded(Encoding::Gzip);
        assert_eq!(enc, Encoding::Gzip);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, js);
        assert_ne!(a.etag_for(Encoding::Brotli), a.etag_for(Encoding::Gzip));
        assert!(a.etag_for(Encoding::Brotli).ends_with("-br\""));
    }

    #[test]
    fn build_variants_are_served_from_the_first_request() {
        let js = "function g(){return 2}\n".repeat(100);
        let assets = Assets::from_files([
            ("app-0123456789abcdef.js".to_owned(), js.into_bytes()),
            ("app-0123456789abcdef.js.br".to_owned(), b"BR".to_vec()),
            ("app-0123456789abcdef.js.gz".to_owned(), b"GZ".to_vec()),
            ("orphan.css.gz".to_owned(), b"GZ".to_vec()),
        ]);
        let a = assets.get("/app-0123456789abcdef.js").unwrap();
        assert_eq!(
            a.encoded(Encoding::Brotli),
            (Bytes::from_static(b"BR"), Encoding::Brotli)
        );
        assert_eq!(
            a.encoded(Encoding::Gzip),
            (Bytes::from_static(b"GZ"), Encoding::Gzip)
        );
        assert!(assets.get("/app-0123456789abcdef.js.br").is_none());
        assert!(assets.get("/orphan.css.gz").is_some());
        // prepare() keeps what the build made.
        assets.prepare();
        assert_eq!(a.encoded(Encoding::Brotli).0, Bytes::from_static(b"BR"));
    }

    #[test]
    fn small_or_binary_files_stay_identity() {
        let assets = Assets::from_files([
            ("tiny.css".to_owned(), b"a{}".to_vec()),
            ("logo.png".to_owned(), vec![0u8; 4096]),
        ]);
        assert_eq!(
            assets.get("/tiny.css").unwrap().encoded(Encoding::Brotli).1,
            Encoding::Identity
        );
        assert_eq!(
            assets.get("/logo.png").unwrap().encoded(Encoding::Gzip).1,
            Encoding::Identity
        );
        assert_eq!(assets.get("/logo.png").unwrap().content_type, "image/png");
    }

    #[test]
    fn index_gets_the_nonce() {
        let html = format!(
            "<html lang=\"{LANG_PLACEHOLDER}\"><script nonce=\"{NONCE_PLACEHOLDER}\">x</script>{START_PLACEHOLDER}"
        );
        let assets = Assets::from_files([("index.html".to_owned(), html.into_bytes())]);
        let n = new_nonce();
        assert_eq!(n.len(), 32);
        assert_ne!(n, new_nonce());
        assert_eq!(
            assets.index(&n, "en", "<form></form>").unwrap(),
            format!("<html lang=\"en\"><script nonce=\"{n}\">x</script><form></form>")
        );
        assert!(Assets::default().index(&n, "de", "").is_none());
    }
}
