//! What a dated check report documents, in one sentence for the printed
//! report, the text summary and the client's JSON: an outside test of the
//! connection at a stated time — no more.
//!
//! Practices are asked to be able to show two things such a test speaks to:
//!
//! - **§ 390 SGB V** (1): "Die Kassenärztlichen Bundesvereinigungen legen in
//!   einer Richtlinie die Anforderungen zur Gewährleistung der IT-Sicherheit
//!   in der vertragsärztlichen und vertragszahnärztlichen Versorgung fest."
//!   The KBV's guideline under it is in force since 1 April 2025 (new
//!   requirements from 1 October 2025; KVWL, kvwl.de/it-sicherheit), the
//!   KZBV's since 2 July 2025 (published in zm Nr. 13, 1 July 2025; new
//!   requirements from 2 January 2026). Anlage 1, for every practice,
//!   requires the firewall at the internet transition; the KBV's first
//!   guideline (under § 75b, 2020) worded it as Anlage 1 Nr. 32: "Der
//!   Übergang zu anderen Netzen insbesondere das Internet muss durch eine
//!   Firewall geschützt werden", and its hints ask to let through only
//!   permitted communication targets (IP addresses and ports), incoming and
//!   outgoing (as KV Thüringen quotes them). The 2025 versions' numbering is
//!   not cited here: it was not checked against their text.
//! - **Art. 32(1)(d) GDPR**: "a process for regularly testing, assessing and
//!   evaluating the effectiveness of technical and organisational measures
//!   for ensuring the security of the processing" (German: "ein Verfahren
//!   zur regelmäßigen Überprüfung, Bewertung und Evaluierung der Wirksamkeit
//!   der technischen und organisatorischen Maßnahmen zur Gewährleistung der
//!   Sicherheit der Verarbeitung").
//!
//! The sentence says the check can help show this; it is not a
//! certificate, not legal advice, and says nothing about other times, other
//! ports or the network behind the router. docs/checks.md has the sources.

use super::Lang;
use super::words::format_timestamp;

/// The evidence sentence of a report started at `started_at` (RFC 3339).
pub(crate) fn evidence(started_at: &str, lang: Lang) -> String {
    let when = format_timestamp(started_at, lang);
    match lang {
        Lang::De => format!(
            "Dieser Bericht dokumentiert eine Prüfung des Anschlusses von außen am {when}: welche der geprüften Ports und Dienste zu diesem Zeitpunkt aus dem Internet erreichbar waren. Eine solche datierte Prüfung kann helfen zu zeigen, was die IT-Sicherheitsrichtlinie von KBV und KZBV nach § 390 SGB V (Firewall am Übergang zum Internet, von außen nur erlaubte Verbindungen) und Art. 32 Abs. 1 lit. d DSGVO (regelmäßige Überprüfung der Wirksamkeit der Maßnahmen) von Praxen verlangen. Sie ist kein Zertifikat und keine Rechtsberatung und sagt nichts über andere Zeitpunkte, andere Ports oder das Netz hinter dem Router."
        ),
        Lang::En => format!(
            "This report documents a test of the connection from outside on {when}: which of the checked ports and services could be reached from the internet at that time. A dated test like this can help show what the IT security guideline of KBV and KZBV under § 390 SGB V (a firewall at the transition to the internet, only permitted connections from outside) and Art. 32(1)(d) GDPR (regularly testing the effectiveness of the measures) ask of practices. It is not a certificate and not legal advice, and it says nothing about other times, other ports or the network behind the router."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_names_the_time_the_sources_and_its_limits() {
        let de = evidence("2026-11-29T08:15:00Z", Lang::De);
        let en = evidence("2026-11-29T08:15:00Z", Lang::En);
        for (s, when, limit) in [
            (
                &de,
                "am 29.11.2026, 08:15 UTC",
                "kein Zertifikat und keine Rechtsberatung",
            ),
            (
                &en,
                "on 2026-11-29 08:15 UTC",
                "not a certificate and not legal advice",
            ),
        ] {
            assert!(s.contains(when), "{s}");
            assert!(s.contains(limit), "{s}");
            assert!(s.contains("§ 390 SGB V"), "{s}");
            assert!(s.contains("32"), "{s}");
        }
        assert!(de.contains("Art. 32 Abs. 1 lit. d DSGVO"));
        assert!(en.contains("Art. 32(1)(d) GDPR"));
    }
}
