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

use serde::Serialize;

use super::Explanation;
use crate::api::read::{Node, Read, field, optional};
use crate::api::{Finding, FindingId};
use crate::texts::Lang;
use crate::texts::words::port_list;

/// One finding's texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

impl Read for FindingTexts {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(FindingTexts {
            id: field(node, "id")?,
            title: field(node, "title")?,
            what: field(node, "what")?,
            attacker: field(node, "attacker")?,
            urgency: field(node, "urgency")?,
            device_step: optional(node, "device_step")?,
            router_step: optional(node, "router_step")?,
        })
    }
}

/// Every practice finding's texts in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub(crate) struct PracticeSet(Vec<FindingTexts>);

impl PracticeSet {
    /// Reads a set; `None` if it does not parse.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn parse(json: &str) -> Option<PracticeSet> {
        crate::api::read::read_json(json).map(PracticeSet)
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

/// Explains a finding of the practice check; `None` for other findings, and
/// in the page while its language's finding texts have not arrived.
pub(super) fn explain_practice(finding: &Finding, lang: Lang) -> Option<Explanation> {
    let t = lookup(finding.id, lang)?;
    let ports = port_list(&finding.ports, lang);
    let urgency = match &t.router_step {
        Some(router) => format!("{} {router}", t.urgency),
        None => t.urgency.clone(),
    };
    Some(Explanation {
        title: t.title.replace("{ports}", &ports),
        what: t.what.replace("{ports}", &ports),
        attacker: t.attacker.clone(),
        urgency,
    })
}

/// What to do on the device itself for a finding of the practice check:
/// one step, `None` for other findings.
pub(crate) fn device_step(id: FindingId, lang: Lang) -> Option<&'static str> {
    lookup(id, lang)?.device_step.as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Severity;
    use crate::texts::explain::PRACTICE_FINDINGS;

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

    #[test]
    fn every_practice_finding_has_texts_and_a_device_step_in_both_languages() {
        for id in PRACTICE_FINDINGS {
            let f = Finding {
                id,
                severity: Severity::Critical,
                ports: vec![3389, 13389],
                group: None,
                reports: Vec::new(),
            };
            let de = explain_practice(&f, Lang::De).expect("German");
            let en = explain_practice(&f, Lang::En).expect("English");
            assert_ne!(de, en, "{id:?} not translated");
            for e in [&de, &en] {
                for t in [&e.title, &e.what, &e.attacker, &e.urgency] {
                    assert!(!t.trim().is_empty(), "{id:?}: an empty text");
                    assert!(!t.contains('{'), "{id:?}: a placeholder left");
                }
                assert!(e.title.contains("3389"), "{id:?}: title without ports");
            }
            let (d, e) = (device_step(id, Lang::De), device_step(id, Lang::En));
            assert!(
                d.is_some_and(|s| !s.is_empty()) && d != e,
                "{id:?}: device step"
            );
        }
    }

    #[test]
    fn remote_access_texts_say_what_it_is_and_to_use_a_vpn() {
        let f = |id| Finding {
            id,
            severity: Severity::Critical,
            ports: vec![3389],
            group: None,
            reports: Vec::new(),
        };
        for (id, what) in [
            (FindingId::RdpExposed, "Remote Desktop"),
            (FindingId::VncNoAuth, "VNC"),
        ] {
            for lang in [Lang::De, Lang::En] {
                let e = explain_practice(&f(id), lang).expect("explained");
                assert!(e.what.contains(what), "{id:?} {lang:?}: what it is");
            }
        }
        let rdp = explain_practice(&f(FindingId::RdpExposed), Lang::De).expect("RDP");
        assert!(rdp.urgency.contains("VPN nutzen statt einer Weiterleitung"));
        assert!(explain_practice(&f(FindingId::SmbExposed), Lang::De).is_none());
        assert!(device_step(FindingId::SmbExposed, Lang::En).is_none());
    }
}
