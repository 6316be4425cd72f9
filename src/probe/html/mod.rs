//! The page as HTML the probe writes itself, for browsers that run no
//! WebAssembly (Edge with its JIT switched off by policy, Chromium with
//! `--js-flags=--jitless`, Firefox with `javascript.options.wasm` off) or no
//! JavaScript at all.
//!
//! The built `index.html` carries a placeholder where the probe puts the
//! consent form ([`start_chrome`]): a real `<form method="post">`, so the
//! check can start without any script. Where the app starts, it removes
//! that form and renders its own start view in its place; where it cannot
//! start (no WebAssembly, a failed download, no JavaScript), the form stays
//! and its post runs the check (`routes::form_check`), whose answer is a
//! whole page: [`result_page`], or [`failure_page`] when the check could not
//! be done.
//!
//! Every word comes from `crate::texts` and every judgement from
//! `crate::verdict`, the same functions the app's components call, so both
//! pages say the same; only the markup is written twice, here as strings
//! and there as Yew components. Every interpolated text goes through
//! [`Esc`], which escapes `&`, `<`, `>`, `"` and `'`, so a text may hold
//! anything (an operator's organisation name, a service's banner) and stays
//! text, inside elements and inside quoted attributes alike.
//!
//! - [`chrome`]: the masthead (or the embed view's bar), the language link and
//!   the footer around every page; the consent form.
//! - [`result`]: the result page and the failure page.

mod chrome;
mod result;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::probe::config::Site;
use crate::texts::Lang;

pub(crate) use chrome::start_chrome;
pub(crate) use result::{failure_page, result_page};

/// Text made safe for HTML element content and quoted attribute values.
pub(crate) struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// Where a rendered page is shown and what it keeps of its address.
#[derive(Debug, Clone)]
pub(crate) struct View<'a> {
    pub lang: Lang,
    /// The `/embed` view: no masthead and no footer, as in the app.
    pub embed: bool,
    /// The query the page was asked with, without `lang` (the embed view's
    /// `origin`, …), form-encoded: the language link keeps it.
    pub keep: String,
    pub site: &'a Site,
    /// The built page's stylesheets (paths), for pages the probe writes
    /// whole.
    pub stylesheets: &'a [String],
    /// How the response may be compressed (`Accept-Encoding`).
    pub encoding: crate::probe::encoding::Encoding,
}

impl View<'_> {
    /// The address of this page in `lang`, relative to the current path.
    fn href_in(&self, lang: Lang) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in url::form_urlencoded::parse(self.keep.as_bytes()) {
            query.append_pair(&k, &v);
        }
        query.append_pair("lang", lang.code());
        format!("?{}", query.finish())
    }
}

/// The query of a request without its `lang` parameters, form-encoded.
pub(crate) fn query_without_lang(query: Option<&str>) -> String {
    let mut kept = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if k != "lang" {
            kept.append_pair(&k, &v);
        }
    }
    kept.finish()
}

/// The `lang` parameter of a query, if it has one.
pub(crate) fn query_lang(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.into_owned())
}
