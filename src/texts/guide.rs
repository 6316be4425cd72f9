//! The fix guides: one JSON file per router (and for the server and the
//! breach steps) and language under `guides/`, compiled into the page.
//!
//! Keeping them as data lets an operator correct a menu path by editing one
//! file, without touching a component. The tests make sure every file parses
//! and has steps in both languages.

use serde::Deserialize;

use super::Lang;

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

macro_rules! guide_files {
    ($($name:literal),* $(,)?) => {
        fn source(lang: Lang, name: &str) -> Option<&'static str> {
            match (lang, name) {
                $(
                    (Lang::De, $name) => Some(include_str!(concat!("../../guides/de/", $name, ".json"))),
                    (Lang::En, $name) => Some(include_str!(concat!("../../guides/en/", $name, ".json"))),
                )*
                _ => None,
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

/// Reads a compiled-in guide. The tests below parse every file, so a broken
/// file fails `cargo test`; should one reach a build anyway, the page shows
/// the problem instead of crashing.
fn load(lang: Lang, name: &str) -> Guide {
    match source(lang, name).map(serde_json::from_str::<Guide>) {
        Some(Ok(g)) => g,
        Some(Err(e)) => broken(format!("guides/{}/{name}.json: {e}", lang.code())),
        None => broken(format!("guides/{}/{name}.json is missing", lang.code())),
    }
}

fn broken(why: String) -> Guide {
    Guide {
        name: "?".into(),
        intro: why,
        steps: Vec::new(),
    }
}

/// The steps for a router.
pub fn router_guide(router: Router, lang: Lang) -> Guide {
    load(lang, router.slug())
}

/// The steps for the server behind the router.
pub(crate) fn server_guide(lang: Lang) -> Guide {
    load(lang, "server")
}

/// The router steps after the practice check: remove the forwardings,
/// turn UPnP off, VPN instead of forwarding.
pub(crate) fn practice_guide(lang: Lang) -> Guide {
    load(lang, "practice")
}

/// What to do if data may have been exposed.
pub(crate) fn breach_guide(lang: Lang) -> Guide {
    load(lang, "breach")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_guides(lang: Lang) -> Vec<(String, Guide)> {
        let mut v: Vec<(String, Guide)> = Router::ALL
            .iter()
            .map(|r| (r.slug().to_string(), router_guide(*r, lang)))
            .collect();
        v.push(("server".into(), server_guide(lang)));
        v.push(("breach".into(), breach_guide(lang)));
        v.push(("practice".into(), practice_guide(lang)));
        v
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
            let g = router_guide(r, Lang::En);
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
        let server: String = server_guide(Lang::De)
            .steps
            .iter()
            .map(|s| format!("{} {}", s.title, s.text))
            .collect();
        for needle in ["Jeder", "SMBv1", "Firewall", "VPN", "445"] {
            assert!(server.contains(needle), "server guide lacks {needle}");
        }
        let breach: String = breach_guide(Lang::En)
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
        let all: String = practice_guide(Lang::En)
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
