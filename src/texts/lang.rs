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

    /// The other language (for the switch button).
    #[cfg(target_arch = "wasm32")]
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
}
