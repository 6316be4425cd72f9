//! The options of `portcheck check`, as clap reads them. Checks that need
//! more than one value's type (port 445 expected, a URL that does not
//! parse) are made by the client, so that every failure is reported in the
//! chosen output format with the UNKNOWN state.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::texts::Lang;

/// Where `portcheck check` asks when no URL is given and the options file
/// names no public origin.
pub(crate) const DEFAULT_URL: &str = "http://127.0.0.1:8080";

/// The options file read for the public origin when no `--config` is given
/// and it exists (where the Debian package puts it).
pub(crate) const SYSTEM_CONFIG: &str = "/etc/portcheck/portcheck.toml";

/// The options of `portcheck check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The probe to ask (its page's origin, e.g. https://portcheck.example).
    /// Default: `public_origin` of the options file (--config, else
    /// /etc/portcheck/portcheck.toml if it exists), else http://127.0.0.1:8080.
    #[arg(value_name = "URL")]
    pub(crate) url: Option<String>,

    /// The options file of `portcheck serve`, read for its `public_origin`.
    #[arg(long, value_name = "FILE", env = "PORTCHECK_CONFIG")]
    pub(crate) config: Option<PathBuf>,

    /// Language of the texts. Default: from LC_ALL, LC_MESSAGES or LANG;
    /// German when none of them names English.
    #[arg(long, value_enum)]
    pub(crate) lang: Option<LangArg>,

    /// Check the probe's port plan of this name (sent as `?plan=NAME`);
    /// the probe's standard plan when not given.
    #[arg(long, value_name = "NAME")]
    pub(crate) plan: Option<String>,

    /// The address family to check: the IPv4 or IPv6 origin the probe's
    /// /api/v1/site names (when it is of the URL's site, see
    /// --site-domain), else the URL reached over that family only; `both`
    /// checks each in turn.
    #[arg(long, value_enum)]
    pub(crate) family: Option<FamilyArg>,

    /// A domain the probe's IPv4 and IPv6 origins may be on, besides the
    /// URL's own host (repeatable): e.g. check.example admits
    /// v4.check.example for a probe at www.check.example. Subdomains count;
    /// an IP address admits itself only. Other origins are refused.
    #[arg(long = "site-domain", value_name = "DOMAIN", value_parser = super::fetch::origins::parse_site_host)]
    pub(crate) site_domain: Vec<super::fetch::origins::SiteHost>,

    /// A port the practice forwards on purpose (repeatable), e.g. 443: it
    /// raises no exposure finding when open, but its identification
    /// findings still count; found closed or filtered it is a warning.
    /// 445 can never be expected.
    #[arg(long = "expect-open", value_name = "PORT")]
    pub(crate) expect_open: Vec<u16>,

    /// Output: text for people, json (the report plus the evaluation),
    /// nagios (Monitoring Plugins), checkmk (local check lines).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,

    /// The longest the whole check may take (e.g. 90s, 2m).
    #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = humantime::parse_duration)]
    pub(crate) timeout: Duration,

    /// A notice (e.g. 443 reachable) is a WARNING rather than OK.
    #[arg(long)]
    pub(crate) warn_on_notice: bool,

    /// The JSON of a previous check (`--format json` or the probe's
    /// /api/v1/scan): the text output then says which ports opened or
    /// closed and which findings are new or resolved since.
    #[arg(long, value_name = "FILE")]
    pub(crate) compare: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LangArg {
    De,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::De => Lang::De,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FamilyArg {
    #[value(name = "4")]
    V4,
    #[value(name = "6")]
    V6,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
    Nagios,
    Checkmk,
}

/// The language from the locale variables, in POSIX order of precedence:
/// `LC_ALL`, `LC_MESSAGES`, `LANG` (the first that is set and not empty).
pub(crate) fn locale_lang(var: impl Fn(&str) -> Option<String>) -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| var(name).filter(|v| !v.is_empty()))
        .next()
        .and_then(|v| Lang::from_tag(&v))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_follows_posix_precedence() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(locale_lang(env(&[])), Lang::De);
        assert_eq!(locale_lang(env(&[("LANG", "en_GB.UTF-8")])), Lang::En);
        const ALL: [(&str, &str); 2] = [("LC_ALL", "de_DE.UTF-8"), ("LANG", "en_US.UTF-8")];
        assert_eq!(locale_lang(env(&ALL)), Lang::De);
        const EMPTY_ALL: [(&str, &str); 2] = [("LC_ALL", ""), ("LANG", "en_US.UTF-8")];
        assert_eq!(locale_lang(env(&EMPTY_ALL)), Lang::En);
        assert_eq!(locale_lang(env(&[("LANG", "C.UTF-8")])), Lang::De);
    }
}
