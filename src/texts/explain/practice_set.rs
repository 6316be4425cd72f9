//! The practice check's finding texts as one set per language: what the
//! page fetches from its own origin once a result offers the practice
//! check, so that a first visit does not carry them.
//!
//! The texts are written once, in `practice_findings` and
//! `reported_findings`, and compiled in natively: the probe serves
//! [`compiled`] as JSON at [`path`] (`probe::www` adds it to the page's
//! files at start), the terminal client and the native tests read them
//! directly. The page's wasm has no copy; it reads the set it fetched and
//! [`install`]ed. (Its component tests, built with the `fixtures` feature,
//! have the compiled texts like native code.)

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::api::FindingId;
use crate::texts::Lang;

/// One finding's texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FindingTexts {
    pub id: FindingId,
    /// With `{ports}`.
    pub title: String,
    /// With `{ports}`.
    pub what: String,
    pub attacker: String,
    pub urgency: String,
    /// What to do on the device itself.
    #[serde(default)]
    pub device_step: Option<String>,
    /// What to do on the router first (the UDP services), after the urgency.
    #[serde(default)]
    pub router_step: Option<String>,
}

/// Every practice finding's texts in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct PracticeSet(Vec<FindingTexts>);

impl PracticeSet {
    /// Reads a set; `None` if it does not parse.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn parse(json: &str) -> Option<PracticeSet> {
        serde_json::from_str(json).ok()
    }
}

/// Where the page fetches a language's set, on its own origin.
pub(crate) fn path(lang: Lang) -> String {
    format!("/texts/practice-{}.json", lang.code())
}

/// The set from the compiled texts, in the order of `PRACTICE_FINDINGS`.
#[cfg(any(not(target_arch = "wasm32"), feature = "fixtures"))]
pub(crate) fn compiled(lang: Lang) -> PracticeSet {
    let findings = super::PRACTICE_FINDINGS
        .iter()
        .filter_map(|&id| {
            let ([title, what, attacker, urgency], device, router) =
                super::practice_findings::compiled(id, lang)?;
            Some(FindingTexts {
                id,
                title: title.into(),
                what: what.into(),
                attacker: attacker.into(),
                urgency: urgency.into(),
                device_step: device.map(Into::into),
                router_step: router.map(Into::into),
            })
        })
        .collect();
    PracticeSet(findings)
}

/// The set of each language, once known.
static SETS: [OnceLock<PracticeSet>; 2] = [OnceLock::new(), OnceLock::new()];

/// Keeps a language's fetched set for the rest of the page's life (the
/// first one wins; the texts do not change while the page is open).
#[cfg(target_arch = "wasm32")]
pub(crate) fn install(lang: Lang, set: PracticeSet) {
    let _ = SETS[lang as usize].set(set);
}

/// Whether a language's texts are here (natively always).
#[cfg(target_arch = "wasm32")]
pub(crate) fn installed(lang: Lang) -> bool {
    set(lang).is_some()
}

fn set(lang: Lang) -> Option<&'static PracticeSet> {
    let slot = &SETS[lang as usize];
    #[cfg(any(not(target_arch = "wasm32"), feature = "fixtures"))]
    return Some(slot.get_or_init(|| compiled(lang)));
    #[cfg(all(target_arch = "wasm32", not(feature = "fixtures")))]
    return slot.get();
}

/// A finding's texts in `lang`; `None` for a finding of another check, or
/// in the page while the set has not arrived.
pub(super) fn lookup(id: FindingId, lang: Lang) -> Option<&'static FindingTexts> {
    set(lang)?.0.iter().find(|t| t.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_set_reads_back_as_it_was_written() {
        for lang in Lang::ALL {
            let set = compiled(lang);
            assert_eq!(set.0.len(), super::super::PRACTICE_FINDINGS.len());
            let json = serde_json::to_string(&set).unwrap();
            assert_eq!(PracticeSet::parse(&json), Some(set));
        }
        assert_eq!(PracticeSet::parse("{}"), None);
        assert_eq!(path(Lang::En), "/texts/practice-en.json");
    }
}
