//! Which language the page speaks: `?lang=` first, then the browser's
//! preference list, German by default.

/// The page's languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// German.
    #[default]
    De,
    /// English.
    En,
}

impl Lang {
    /// Both languages, German first.
    #[cfg(any(target_arch = "wasm32", test))]
    pub const ALL: [Lang; 2] = [Lang::De, Lang::En];

    /// BCP 47 code for `lang=` attributes and the `?lang=` parameter.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The other language (for the switch button and link).
    pub(crate) fn other(self) -> Lang {
        match self {
            Lang::De => Lang::En,
            Lang::En => Lang::De,
        }
    }

    /// Reads a language tag such as `de`, `de-AT` or `EN_us`; `None` for any
    /// language the page does not have.
    pub(crate) fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The language to use: a valid `?lang=` value wins; otherwise the first of
/// the browser's languages the page has; otherwise German.
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) fn choose(query_lang: Option<&str>, browser_languages: &[String]) -> Lang {
    query_lang
        .and_then(Lang::from_tag)
        .or_else(|| browser_languages.iter().find_map(|t| Lang::from_tag(t)))
        .unwrap_or_default()
}

/// The items of an `Accept` or `Accept-Language` list with their quality (`q`, 1 when absent; 0 for an unreadable one).
// The probe's (native); the page reads the browser's list (`choose`).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) fn ranked(list: &str) -> impl Iterator<Item = (&str, f32)> {
    list.split(',').filter_map(|item| {
        let mut parts = item.split(';');
        let name = parts.next()?.trim();
        if name.is_empty() {
            return None;
        }
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
            .next()
            .unwrap_or(1.0);
        Some((name, q))
    })
}

/// The first language of an `Accept-Language` list (by quality, then
/// order) that the texts exist in; German when none does.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) fn from_accept_language(list: &str) -> Lang {
    let mut best: Option<(Lang, f32)> = None;
    for (tag, q) in ranked(list) {
        if let Some(lang) = Lang::from_tag(tag)
            && q > 0.0
            && best.is_none_or(|(_, b)| q > b)
        {
            best = Some((lang, q));
        }
    }
    best.map(|(l, _)| l).unwrap_or_default()
}

/// The language of a page the probe renders: a valid `?lang=` value wins,
/// then the request's `Accept-Language`, German by default (the page's
/// [`choose`] reads the browser's list the same way).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) fn for_request(query_lang: Option<&str>, accept_language: &str) -> Lang {
    query_lang
        .and_then(Lang::from_tag)
        .unwrap_or_else(|| from_accept_language(accept_language))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn query_parameter_wins() {
        assert_eq!(choose(Some("en"), &langs(&["de-DE"])), Lang::En);
        assert_eq!(choose(Some("de"), &langs(&["en-GB"])), Lang::De);
    }

    #[test]
    fn unknown_query_falls_back_to_browser() {
        assert_eq!(choose(Some("fr"), &langs(&["en-US", "de"])), Lang::En);
        assert_eq!(choose(Some(""), &langs(&["de-AT"])), Lang::De);
    }

    #[test]
    fn first_known_browser_language_counts() {
        assert_eq!(choose(None, &langs(&["fr-FR", "en", "de"])), Lang::En);
        assert_eq!(choose(None, &langs(&["tr", "de-CH", "en"])), Lang::De);
    }

    #[test]
    fn german_is_the_default() {
        assert_eq!(choose(None, &[]), Lang::De);
        assert_eq!(choose(None, &langs(&["fr", "pl"])), Lang::De);
    }

    #[test]
    fn tags_are_read_case_insensitively() {
        assert_eq!(Lang::from_tag("EN_us"), Some(Lang::En));
        assert_eq!(Lang::from_tag(" De "), Some(Lang::De));
        assert_eq!(Lang::from_tag("dense"), None);
    }

    #[test]
    fn accept_language_by_quality_then_order_german_by_default() {
        assert_eq!(from_accept_language(""), Lang::De);
        assert_eq!(from_accept_language("fr, en-GB;q=0.8, de;q=0.7"), Lang::En);
        assert_eq!(from_accept_language("en;q=0.3, de-AT"), Lang::De);
        assert_eq!(from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(from_accept_language("en;q=0, fr"), Lang::De);
    }

    #[test]
    fn a_request_page_takes_the_query_then_accept_language() {
        assert_eq!(for_request(Some("en"), "de"), Lang::En);
        assert_eq!(for_request(Some("fr"), "en-GB, de;q=0.5"), Lang::En);
        assert_eq!(for_request(None, ""), Lang::De);
        assert_eq!(for_request(Some("de"), "en"), Lang::De);
    }
}
