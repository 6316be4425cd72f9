//! The fix guides: one JSON file per router (and for the server, the
//! breach and the practice check's steps) and language under `guides/`.
//! The page fetches them from its own origin when a result shows them
//! ([`bundle_path`]): `scripts/guide-bundle` joins each language's files
//! into one bundle of the built page, so a first visit does not carry them.
//!
//! Keeping them as data lets an operator correct a menu path by editing one
//! file, without touching a component. The tests make sure every file parses
//! and has steps in both languages.

use serde::Deserialize;

use super::Lang;
use crate::api::read::{Node, Read, field, optional, read_json};

/// A guide: a heading, a sentence of context and numbered steps.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// The heading.
    pub name: String,
    /// A sentence of context.
    pub intro: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One numbered step.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What to do, in a few words.
    pub title: String,
    /// How, in a sentence or two.
    pub text: String,
    /// Where in the router's menus, as the interface names it.
    #[serde(default)]
    pub menu: Option<String>,
}

impl Read for Guide {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Guide {
            name: field(node, "name")?,
            intro: field(node, "intro")?,
            steps: field(node, "steps")?,
        })
    }
}

impl Read for Step {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Step {
            title: field(node, "title")?,
            text: field(node, "text")?,
            menu: optional(node, "menu")?,
        })
    }
}

/// The routers the visitor can pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Router {
    /// Telekom Digitalisierungsbox Premium.
    DigiboxPremium,
    /// Telekom Digitalisierungsbox Standard.
    DigiboxStandard,
    /// Telekom Digitalisierungsbox Smart.
    DigiboxSmart,
    /// AVM FRITZ!Box.
    FritzBox,
    /// Telekom Speedport.
    Speedport,
    /// LANCOM.
    Lancom,
    /// Any other router.
    Other,
}

impl Router {
    /// Every router, in the order the page lists them.
    pub const ALL: [Router; 7] = [
        Router::DigiboxPremium,
        Router::DigiboxStandard,
        Router::DigiboxSmart,
        Router::FritzBox,
        Router::Speedport,
        Router::Lancom,
        Router::Other,
    ];

    /// Stable identifier (file name, test hook, form value).
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Router::DigiboxPremium => "digibox-premium",
            Router::DigiboxStandard => "digibox-standard",
            Router::DigiboxSmart => "digibox-smart",
            Router::FritzBox => "fritzbox",
            Router::Speedport => "speedport",
            Router::Lancom => "lancom",
            Router::Other => "other",
        }
    }

    #[cfg(test)]
    pub(crate) fn from_slug(s: &str) -> Option<Router> {
        Router::ALL.into_iter().find(|r| r.slug() == s)
    }
}

/// Where the page fetches one language's guides, on its own origin. The
/// first visit does not need them (they appear with a result), so they are
/// not compiled into the page's wasm.
pub fn bundle_path(lang: Lang) -> String {
    format!("/guides/{}.json", lang.code())
}

/// One language's guides with their file names: the bundle the page
/// fetches, a list of pairs (`[["fritzbox", {…}], …]`, which reads with
/// less code in the page's wasm than a map).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideSet(Vec<(String, Guide)>);

impl GuideSet {
    /// Reads a bundle; `None` if it does not parse.
    pub fn parse(json: &str) -> Option<GuideSet> {
        read_json(json).map(GuideSet)
    }

    /// A guide by file name. A name the bundle lacks (a bundle from another
    /// build) shows the problem instead of crashing.
    fn get(&self, name: &str) -> Guide {
        let found = self.0.iter().find(|(n, _)| n == name);
        found.map(|(_, g)| g.clone()).unwrap_or_else(|| Guide {
            name: "?".into(),
            intro: format!("guides: {name} is missing"),
            steps: Vec::new(),
        })
    }

    /// The steps for a router.
    pub fn router(&self, router: Router) -> Guide {
        self.get(router.slug())
    }

    /// The steps for the server behind the router.
    pub(crate) fn server(&self) -> Guide {
        self.get("server")
    }

    /// The router steps after the practice check: remove the forwardings,
    /// turn UPnP off, VPN instead of forwarding.
    pub(crate) fn practice(&self) -> Guide {
        self.get("practice")
    }

    /// What to do if data may have been exposed.
    pub(crate) fn breach(&self) -> Guide {
        self.get("breach")
    }
}

/// One language's guides compiled into the native binary, read once: the
/// probe's result page for browsers without WebAssembly shows them from
/// the same files the page's bundle is made of. Should a file not parse
/// (the tests parse every one), each guide says it is missing instead.
#[cfg(any(not(target_arch = "wasm32"), test))]
pub(crate) fn built_in(lang: Lang) -> &'static GuideSet {
    static SETS: std::sync::OnceLock<[GuideSet; 2]> = std::sync::OnceLock::new();
    let sets = SETS
        .get_or_init(|| [Lang::De, Lang::En].map(|l| compiled(l).unwrap_or(GuideSet(Vec::new()))));
    match lang {
        Lang::De => &sets[0],
        Lang::En => &sets[1],
    }
}

/// Every guide file, named once: `NAMES` (as in `guides/<lang>/<name>.json`:
/// the routers' slugs, then the server, breach and practice steps; a test
/// below checks that the folders hold exactly these files) and `files`,
/// each language's files compiled in. `scripts/guide-bundle` writes each
/// language's files into one `guides/<lang>.json` of the built page.
macro_rules! guide_files {
    ($($name:literal),* $(,)?) => {
        #[cfg(test)]
        pub(crate) const NAMES: &[&str] = &[$($name),*];

        #[cfg(any(not(target_arch = "wasm32"), test))]
        fn files(lang: Lang) -> &'static [(&'static str, &'static str)] {
            match lang {
                Lang::De => &[$(($name, include_str!(concat!("../../guides/de/", $name, ".json")))),*],
                Lang::En => &[$(($name, include_str!(concat!("../../guides/en/", $name, ".json")))),*],
            }
        }
    };
}

guide_files!(
    "digibox-premium",
    "digibox-standard",
    "digibox-smart",
    "fritzbox",
    "speedport",
    "lancom",
    "other",
    "server",
    "breach",
    "practice",
);

/// The guide files of one language as `scripts/guide-bundle` puts them
/// together, from the same files; `None` if one does not parse.
#[cfg(any(not(target_arch = "wasm32"), test))]
fn compiled(lang: Lang) -> Option<GuideSet> {
    let body: Vec<String> = files(lang)
        .iter()
        .map(|(name, json)| format!("[\"{name}\",{json}]"))
        .collect();
    GuideSet::parse(&format!("[{}]", body.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_guides(lang: Lang) -> Vec<(String, Guide)> {
        let set = built_in(lang);
        NAMES
            .iter()
            .map(|name| (name.to_string(), set.get(name)))
            .collect()
    }

    #[test]
    fn the_folders_hold_exactly_the_named_files() {
        for lang in Lang::ALL {
            let dir = format!("{}/guides/{}", env!("CARGO_MANIFEST_DIR"), lang.code());
            let mut found: Vec<String> = std::fs::read_dir(&dir)
                .expect("the guides folder")
                .filter_map(|e| {
                    let name = e.ok()?.file_name().into_string().ok()?;
                    name.strip_suffix(".json").map(str::to_owned)
                })
                .collect();
            found.sort();
            let mut named: Vec<String> = NAMES.iter().map(|n| n.to_string()).collect();
            named.sort();
            assert_eq!(found, named, "{dir}");
        }
        let routers: Vec<&str> = Router::ALL.iter().map(|r| r.slug()).collect();
        assert_eq!(&NAMES[..routers.len()], routers.as_slice());
    }

    #[test]
    fn every_guide_file_parses_in_both_languages() {
        for lang in Lang::ALL {
            assert!(compiled(lang).is_some(), "{lang:?}");
        }
    }

    /// The page reads the files without serde (`api::read`), which skips
    /// unknown members; serde with `deny_unknown_fields` finds a misspelt
    /// one, and both must read the same guide.
    #[test]
    fn every_guide_file_has_only_known_members_and_reads_as_serde_reads_it() {
        for lang in Lang::ALL {
            for (name, json) in files(lang) {
                let strict: Guide =
                    serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(read_json::<Guide>(json), Some(strict), "{lang:?} {name}");
            }
        }
    }

    #[test]
    fn a_missing_guide_says_so() {
        let set = GuideSet::parse("[]").unwrap();
        assert!(set.server().intro.contains("server is missing"));
        assert_eq!(GuideSet::parse("[[\"server\", 1]]"), None);
    }

    #[test]
    fn every_guide_has_steps_in_both_languages() {
        let de = all_guides(Lang::De);
        let en = all_guides(Lang::En);
        for ((name, d), (_, e)) in de.iter().zip(&en) {
            for g in [d, e] {
                assert!(!g.name.trim().is_empty(), "{name}: no name");
                assert!(!g.intro.trim().is_empty(), "{name}: no intro");
                assert!(!g.steps.is_empty(), "{name}: no steps");
                for s in &g.steps {
                    assert!(!s.title.trim().is_empty(), "{name}: step without title");
                    assert!(!s.text.trim().is_empty(), "{name}: step without text");
                    assert!(s.menu.as_ref().is_none_or(|m| !m.trim().is_empty()));
                }
            }
            assert_eq!(
                d.steps.len(),
                e.steps.len(),
                "{name}: German and English have different step counts"
            );
            assert_ne!(d.intro, e.intro, "{name}: intro not translated");
        }
    }

    #[test]
    fn router_guides_cover_firmware_forwarding_and_upnp() {
        for r in Router::ALL {
            let g = built_in(Lang::En).router(r);
            let all: String = g
                .steps
                .iter()
                .map(|s| format!("{} {}", s.title, s.text))
                .collect();
            for word in ["firmware", "forward", "UPnP"] {
                let found = all.to_lowercase().contains(&word.to_lowercase())
                    || (word == "firmware" && all.contains("FRITZ!OS"))
                    || (word == "firmware" && all.contains("LCOS"));
                assert!(found, "{}: no step about {word}", r.slug());
            }
        }
    }

    #[test]
    fn server_and_breach_steps_say_what_the_issue_requires() {
        let server: String = built_in(Lang::De)
            .server()
            .steps
            .iter()
            .map(|s| format!("{} {}", s.title, s.text))
            .collect();
        for needle in ["Jeder", "SMBv1", "Firewall", "VPN", "445"] {
            assert!(server.contains(needle), "server guide lacks {needle}");
        }
        let breach: String = built_in(Lang::En)
            .breach()
            .steps
            .iter()
            .map(|s| s.text.clone())
            .collect();
        for needle in ["Art. 33", "Art. 34", "72 hours", "data protection officer"] {
            assert!(breach.contains(needle), "breach guide lacks {needle}");
        }
    }

    #[test]
    fn practice_steps_remove_forwardings_turn_upnp_off_and_use_a_vpn() {
        let all: String = built_in(Lang::En)
            .practice()
            .steps
            .iter()
            .map(|s| format!("{} {}", s.title, s.text))
            .collect();
        for needle in ["forwarding", "UPnP", "VPN", "firmware", "3389"] {
            assert!(all.contains(needle), "practice guide lacks {needle}");
        }
    }

    #[test]
    fn slugs_round_trip() {
        for r in Router::ALL {
            assert_eq!(Router::from_slug(r.slug()), Some(r));
        }
        assert_eq!(Router::from_slug("cisco"), None);
    }
}
