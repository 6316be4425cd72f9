//! Content encodings of responses: which one a client accepts
//! (`Accept-Encoding`), and compressing a page the probe writes per
//! response. The page's files are compressed once, at start
//! (`www::assets`); the pages written per request here.

use std::io::Write;

/// A content encoding the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    pub(crate) fn header_value(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }
}

/// Pick the best encoding from an `Accept-Encoding` header: brotli, then gzip,
/// then none, honouring `q=0` refusals.
pub(crate) fn choose_encoding(accept: Option<&str>) -> Encoding {
    let Some(accept) = accept else {
        return Encoding::Identity;
    };
    let mut br = false;
    let mut gzip = false;
    let mut star = false;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        let ok = !refused;
        match name.as_str() {
            "br" => br = ok,
            "gzip" | "x-gzip" => gzip = ok,
            "*" => star = ok,
            _ => {}
        }
    }
    if br || (star && !accept.contains("br")) {
        Encoding::Brotli
    } else if gzip || (star && !accept.contains("gzip")) {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// A page the probe writes per response (the start page with its nonce and
/// form, a result page), compressed for the client's `encoding` with fast
/// settings: its encoding's header value and the bytes. Identity when the
/// client takes neither or compression fails. Its secret, the CSP nonce,
/// is new in every response, so comparing compressed sizes across
/// responses (BREACH) has nothing constant to find.
pub(crate) fn encode_page(html: String, encoding: Encoding) -> (Option<&'static str>, Vec<u8>) {
    let data = html.as_bytes();
    let packed = match encoding {
        Encoding::Brotli => {
            let mut out = Vec::with_capacity(data.len() / 3);
            let mut w = brotli::CompressorWriter::new(&mut out, 16 * 1024, 5, 20);
            let written = w.write_all(data).and_then(|()| w.flush());
            drop(w);
            written.map(|()| out)
        }
        Encoding::Gzip => {
            let mut w = flate2::write::GzEncoder::new(
                Vec::with_capacity(data.len() / 3),
                flate2::Compression::new(6),
            );
            w.write_all(data).and_then(|()| w.finish())
        }
        Encoding::Identity => return (None, html.into_bytes()),
    };
    match packed {
        Ok(bytes) => (encoding.header_value(), bytes),
        Err(_) => (None, html.into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn encoding_negotiation() {
        assert_eq!(choose_encoding(None), Encoding::Identity);
        assert_eq!(
            choose_encoding(Some("gzip, deflate, br, zstd")),
            Encoding::Brotli
        );
        assert_eq!(choose_encoding(Some("gzip")), Encoding::Gzip);
        assert_eq!(choose_encoding(Some("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(
            choose_encoding(Some("br;q=0, gzip;q=0")),
            Encoding::Identity
        );
        assert_eq!(choose_encoding(Some("identity")), Encoding::Identity);
        assert_eq!(choose_encoding(Some("*")), Encoding::Brotli);
        assert_eq!(choose_encoding(Some("BR;q=0.5")), Encoding::Brotli);
        assert_eq!(choose_encoding(Some("garbage;;;q=x,,")), Encoding::Identity);
    }

    #[test]
    fn pages_written_per_response_are_compressed_as_asked() {
        let html = "<form method=\"post\"><button>Jetzt prüfen</button></form>\n".repeat(60);
        let (enc, br) = encode_page(html.clone(), Encoding::Brotli);
        assert_eq!(enc, Some("br"));
        assert!(br.len() < html.len() / 4, "{}", br.len());
        let mut plain = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, html);
        let (enc, gz) = encode_page(html.clone(), Encoding::Gzip);
        assert_eq!(enc, Some("gzip"));
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, html);
        assert_eq!(
            encode_page(html.clone(), Encoding::Identity),
            (None, html.into_bytes())
        );
    }
}
