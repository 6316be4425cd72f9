//! Every fixed text of the page, in German and English.
//!
//! One struct, two values: a text missing in one language does not compile,
//! and a test checks that none is empty. Texts that contain numbers are small
//! functions below the struct.

use serde::Serialize;

use super::Lang;
use crate::api::{Level, PortState};

/// The page's fixed texts in one language.
#[derive(Debug, Serialize)]
pub struct Texts {
    pub title: &'static str,
    pub tagline: &'static str,
    pub lang_switch: &'static str,
    pub lang_switch_label: &'static str,

    pub start_heading: &'static str,
    pub start_what: &'static str,
    pub start_why: &'static str,
    pub data_heading: &'static str,
    pub data_text: &'static str,
    pub address_label: &'static str,
    pub address_loading: &'static str,
    pub address_unknown: &'static str,
    pub consent_button: &'static str,
    pub consent_note: &'static str,

    pub running_heading: &'static str,
    pub progress_label: &'static str,
    pub port_pending: &'static str,
    pub grid_label: &'static str,

    pub result_heading: &'static str,
    pub findings_heading: &'static str,
    pub attacker_label: &'static str,
    pub urgency_label: &'static str,
    pub ports_heading: &'static str,
    pub ports_caption: &'static str,
    pub col_port: &'static str,
    pub col_service: &'static str,
    pub col_state: &'static str,
    pub col_meaning: &'static str,
    pub control_heading: &'static str,
    pub limits_heading: &'static str,
    pub limit_cgnat: &'static str,
    pub limit_ipv6: &'static str,
    pub limit_filtered: &'static str,

    /// Both address families (`/api/v1/site` names an IPv4 and an IPv6 origin).
    pub dual_note: &'static str,
    pub dual_heading: &'static str,
    pub dual_limit_ipv4: &'static str,
    pub dual_limit_ipv6: &'static str,
    pub no_ipv4: &'static str,
    pub no_ipv6: &'static str,

    pub check_again: &'static str,
    pub copy_summary: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub summary_label: &'static str,
    pub print_report: &'static str,
    pub print_title: &'static str,
    pub print_note: &'static str,

    pub guide_heading: &'static str,
    pub guide_intro_ok: &'static str,
    pub guide_intro_act: &'static str,
    pub router_question: &'static str,
    pub router_hint: &'static str,
    pub router_none: &'static str,
    pub menu_label: &'static str,
    pub server_heading: &'static str,
    pub breach_heading: &'static str,

    pub error_heading: &'static str,
    pub try_again: &'static str,
    pub err_rate_limited: &'static str,
    pub err_busy: &'static str,
    pub err_shutting_down: &'static str,
    pub err_not_allowed: &'static str,
    pub err_not_allowed_help: &'static str,
    pub err_reason_label: &'static str,
    pub err_bad_request: &'static str,
    pub err_network: &'static str,
    pub err_unreachable: &'static str,
    pub err_interrupted: &'static str,
    pub err_probe: &'static str,
    pub wait_until_retry: &'static str,

    pub footer: &'static str,
    pub noscript: &'static str,
    pub help_label: &'static str,
    pub offered_by: &'static str,
}

const DE: Texts = Texts {
    title: "Portcheck 440–449",
    tagline: "Prüfen Sie mit einem Klick, ob Ihr Internetanschluss die Ports 440 bis 449 nach außen öffnet.",
    lang_switch: "English",
    lang_switch_label: "Switch to English",

    start_heading: "Was geprüft wird",
    start_what: "Unser Prüfdienst versucht von außen, Ihre Internetadresse auf den Ports 440 bis 449 zu erreichen – so wie es ein Angreifer aus dem Internet tun würde. Ein Port ist eine Art Türnummer, hinter der ein Dienst wartet.",
    start_why: "2019 leiteten Telekom-Router vom Typ Digitalisierungsbox statt nur Port 443 den ganzen Bereich 440 bis 449 weiter. So lag bei einer Arztpraxis in Celle über Port 445 ein Windows-Server mit rund 30.000 Patientenakten offen im Internet.",
    data_heading: "Welche Daten verarbeitet werden",
    data_text: "Verarbeitet wird nur die Internetadresse (IP-Adresse), von der aus Sie diese Seite aufrufen. Sie wird für die Prüfung gebraucht und nicht gespeichert. Es gibt keine Cookies, keine Statistik und keine Inhalte von anderen Anbietern.",
    address_label: "Geprüft wird diese Adresse:",
    address_loading: "Adresse wird ermittelt …",
    address_unknown: "Ihre Adresse konnte gerade nicht ermittelt werden. Sie können die Prüfung trotzdem starten.",
    consent_button: "Einverstanden – Prüfung starten",
    consent_note: "Mit dem Klick sind Sie einverstanden, dass unser Prüfdienst Verbindungen zu dieser Adresse aufbaut. Die Prüfung dauert meist nur wenige Sekunden.",

    running_heading: "Die Prüfung läuft",
    progress_label: "Fortschritt der Prüfung",
    port_pending: "wird geprüft",
    grid_label: "Ports 440 bis 449",

    result_heading: "Ergebnis",
    findings_heading: "Was wir gefunden haben",
    attacker_label: "Was ein Angreifer tun könnte:",
    urgency_label: "Wie dringend:",
    ports_heading: "Die Ports im Einzelnen",
    ports_caption: "Zustand jedes Ports von außen gesehen",
    col_port: "Port",
    col_service: "Dienst (übliche Bezeichnung)",
    col_state: "Zustand",
    col_meaning: "Bedeutung",
    control_heading: "Nachbar-Ports zum Vergleich",
    limits_heading: "Was diese Prüfung nicht sagen kann",
    limit_cgnat: "Manche Anschlüsse teilen sich eine IPv4-Adresse mit anderen Kunden (Carrier-NAT oder DS-Lite). Dann gehört die geprüfte Adresse zum Anbieter, und das Ergebnis sagt wenig über Ihre Praxis. Fragen Sie im Zweifel Ihren IT-Dienstleister.",
    limit_ipv6: "Bei einer IPv6-Adresse wird nur der Computer geprüft, an dem Sie gerade sitzen. Ein gutes Ergebnis gilt nicht automatisch für andere Geräte, etwa den Server.",
    limit_filtered: "„Gefiltert“ kann selten auch heißen, dass eine Anfrage unterwegs verloren ging. Der Prüfdienst fragt deshalb zweimal.",

    dual_note: "Geprüft wird zweimal: über IPv4 und über IPv6. Beide Ergebnisse erscheinen nebeneinander.",
    dual_heading: "Ergebnis für IPv4 und IPv6",
    dual_limit_ipv4: "Hinter Carrier-NAT oder DS-Lite kann die IPv4-Adresse dem Anbieter gehören. Dann sagt das IPv4-Ergebnis wenig über Ihre Praxis.",
    dual_limit_ipv6: "Über IPv6 wurde die eigene Adresse dieses Computers geprüft. Ein unauffälliges Ergebnis beweist nichts für den Dateiserver oder andere Geräte der Praxis.",
    no_ipv4: "Keine IPv4-Verbindung von diesem Computer zum Prüfdienst. Über IPv4 konnte deshalb nicht geprüft werden.",
    no_ipv6: "Keine IPv6-Verbindung von diesem Computer zum Prüfdienst. Über IPv6 konnte deshalb nicht geprüft werden; viele Anschlüsse und Netze haben kein IPv6.",

    check_again: "Erneut prüfen",
    copy_summary: "Zusammenfassung für meinen IT-Dienstleister kopieren",
    copied: "Die Zusammenfassung ist kopiert. Sie können sie jetzt in eine E-Mail einfügen.",
    copy_failed: "Kopieren war nicht möglich. Markieren Sie den Text unten und kopieren Sie ihn selbst.",
    summary_label: "Zusammenfassung als Text",
    print_report: "Bericht drucken",
    print_title: "Prüfbericht: Ports 440 bis 449",
    print_note: "Dieser datierte Bericht kann zur Dokumentation einer regelmäßigen Überprüfung der Sicherheitsmaßnahmen dienen (vgl. Art. 32 Abs. 1 lit. d DSGVO).",

    guide_heading: "So beheben Sie es",
    guide_intro_ok: "Zurzeit ist alles unauffällig. Die Schritte unten helfen, dass es so bleibt.",
    guide_intro_act: "Geben Sie diese Schritte an Ihren IT-Dienstleister weiter. Prüfen Sie danach erneut.",
    router_question: "Welchen Router hat Ihr Anschluss?",
    router_hint: "Der Name steht meist auf einem Aufkleber am Gerät.",
    router_none: "Wählen Sie oben Ihren Router, dann erscheinen die Schritte dafür.",
    menu_label: "Menü:",
    server_heading: "Am Server hinter dem Router",
    breach_heading: "Wenn Daten offen gelegen haben könnten",

    error_heading: "Die Prüfung war nicht möglich",
    try_again: "Noch einmal versuchen",
    err_rate_limited: "Von Ihrer Adresse kamen in kurzer Zeit zu viele Prüfungen.",
    err_busy: "Der Prüfdienst ist gerade ausgelastet.",
    err_shutting_down: "Der Prüfdienst startet gerade neu.",
    err_not_allowed: "Diese Adresse darf der Prüfdienst nicht prüfen. Er prüft nur öffentliche Internetadressen, keine Adressen aus internen Netzen.",
    err_not_allowed_help: "Rufen Sie die Seite direkt über den Internetanschluss der Praxis auf, nicht über ein VPN oder einen Firmen-Proxy.",
    err_reason_label: "Begründung des Prüfdienstes (englisch):",
    err_bad_request: "Ein Zwischenserver vor dem Prüfdienst hat fehlerhafte Angaben geschickt. Bitte informieren Sie den Betreiber dieser Seite.",
    err_network: "Keine Verbindung zum Prüfdienst. Prüfen Sie Ihre Internetverbindung und versuchen Sie es noch einmal.",
    err_unreachable: "Der Prüfdienst antwortet nicht wie erwartet. Versuchen Sie es später noch einmal. Bleibt der Fehler, informieren Sie den Betreiber dieser Seite.",
    err_interrupted: "Die Verbindung brach während der Prüfung ab. Das Ergebnis wäre unvollständig. Bitte prüfen Sie noch einmal.",
    err_probe: "Bei der Prüfung ist im Prüfdienst ein Fehler aufgetreten. Bitte versuchen Sie es noch einmal.",
    wait_until_retry: "Sie können gleich wieder prüfen.",

    footer: "Keine Cookies, keine Statistik, keine Inhalte von anderen Anbietern. Ihre Adresse wird nicht gespeichert.",
    noscript: "Diese Seite braucht JavaScript, um die Prüfung zu starten.",
    help_label: "Hilfe bei der Behebung:",
    offered_by: "Ein Angebot von",
};

const EN: Texts = Texts {
    title: "Portcheck 440–449",
    tagline: "Find out with one click whether your internet connection opens ports 440 to 449 to the outside.",
    lang_switch: "Deutsch",
    lang_switch_label: "Auf Deutsch wechseln",

    start_heading: "What is checked",
    start_what: "Our checking service tries to reach your internet address on ports 440 to 449 from outside – just as an attacker on the internet would. A port is like a door number behind which a service waits.",
    start_why: "In 2019, Telekom \"Digitalisierungsbox\" routers forwarded the whole range 440 to 449 instead of just port 443. That is how a Windows server with about 30,000 patient records at a medical practice in Celle was open to the internet on port 445.",
    data_heading: "What data is processed",
    data_text: "Only the internet address (IP address) you are visiting this page from is processed. It is needed for the check and is not stored. There are no cookies, no statistics and no content from other providers.",
    address_label: "This address will be checked:",
    address_loading: "Finding your address …",
    address_unknown: "Your address could not be found just now. You can start the check anyway.",
    consent_button: "I agree – start the check",
    consent_note: "By clicking you agree that our checking service opens connections to this address. The check usually takes only a few seconds.",

    running_heading: "Checking",
    progress_label: "Progress of the check",
    port_pending: "checking",
    grid_label: "Ports 440 to 449",

    result_heading: "Result",
    findings_heading: "What we found",
    attacker_label: "What an attacker could do:",
    urgency_label: "How urgent:",
    ports_heading: "Port by port",
    ports_caption: "State of each port as seen from outside",
    col_port: "Port",
    col_service: "Service (usual name)",
    col_state: "State",
    col_meaning: "Meaning",
    control_heading: "Neighbouring ports for comparison",
    limits_heading: "What this check cannot tell",
    limit_cgnat: "Some connections share one IPv4 address with other customers (carrier-grade NAT or DS-Lite). Then the checked address belongs to the provider and the result says little about your practice. If in doubt, ask your IT service provider.",
    limit_ipv6: "With an IPv6 address only the computer you are using right now is checked. A good result does not automatically hold for other devices, such as the server.",
    limit_filtered: "\"Filtered\" can, rarely, also mean that a request got lost on the way. The checking service therefore asks twice.",

    dual_note: "The check runs twice: over IPv4 and over IPv6. Both results appear side by side.",
    dual_heading: "Results for IPv4 and IPv6",
    dual_limit_ipv4: "Behind carrier-grade NAT or DS-Lite the IPv4 address may belong to the provider. Then the IPv4 result says little about your practice.",
    dual_limit_ipv6: "Over IPv6 this computer's own address was checked. A clean result proves nothing for the file server or other devices in the practice.",
    no_ipv4: "No IPv4 connection from this computer to the checking service, so nothing could be checked over IPv4.",
    no_ipv6: "No IPv6 connection from this computer to the checking service, so nothing could be checked over IPv6; many connections and networks have no IPv6.",

    check_again: "Check again",
    copy_summary: "Copy summary for my IT service provider",
    copied: "The summary has been copied. You can now paste it into an email.",
    copy_failed: "Copying did not work. Select the text below and copy it yourself.",
    summary_label: "Summary as text",
    print_report: "Print report",
    print_title: "Check report: ports 440 to 449",
    print_note: "This dated report can help document regular testing of security measures (see Art. 32(1)(d) GDPR).",

    guide_heading: "How to fix it",
    guide_intro_ok: "Nothing stands out at the moment. The steps below help keep it that way.",
    guide_intro_act: "Pass these steps on to your IT service provider. Check again afterwards.",
    router_question: "Which router does your connection use?",
    router_hint: "The name is usually on a sticker on the device.",
    router_none: "Choose your router above to see the steps for it.",
    menu_label: "Menu:",
    server_heading: "On the server behind the router",
    breach_heading: "If data may have been exposed",

    error_heading: "The check was not possible",
    try_again: "Try again",
    err_rate_limited: "Too many checks came from your address in a short time.",
    err_busy: "The checking service is busy right now.",
    err_shutting_down: "The checking service is restarting.",
    err_not_allowed: "The checking service may not check this address. It only checks public internet addresses, not addresses from internal networks.",
    err_not_allowed_help: "Open this page directly over the practice's internet connection, not through a VPN or a company proxy.",
    err_reason_label: "Reason given by the checking service:",
    err_bad_request: "A server in front of the checking service sent faulty information. Please tell the operator of this page.",
    err_network: "No connection to the checking service. Check your internet connection and try again.",
    err_unreachable: "The checking service does not answer as expected. Try again later. If the problem persists, tell the operator of this page.",
    err_interrupted: "The connection broke off during the check. The result would be incomplete. Please check again.",
    err_probe: "An error occurred in the checking service during the check. Please try again.",
    wait_until_retry: "You can check again in a moment.",

    footer: "No cookies, no statistics, no content from other providers. Your address is not stored.",
    noscript: "This page needs JavaScript to run the check.",
    help_label: "Help with the fix:",
    offered_by: "Offered by",
};

/// The fixed texts in `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::De => &DE,
        Lang::En => &EN,
    }
}

/// Short word for a port state.
pub fn state_word(state: PortState, lang: Lang) -> &'static str {
    match (lang, state) {
        (Lang::De, PortState::Open) => "offen",
        (Lang::De, PortState::Closed) => "erreichbar, geschlossen",
        (Lang::De, PortState::Filtered) => "gefiltert",
        (Lang::De, PortState::Error) => "nicht geprüft",
        (Lang::En, PortState::Open) => "open",
        (Lang::En, PortState::Closed) => "reachable, closed",
        (Lang::En, PortState::Filtered) => "filtered",
        (Lang::En, PortState::Error) => "not tested",
    }
}

/// One sentence on what a port state means.
pub fn state_meaning(state: PortState, lang: Lang) -> &'static str {
    match (lang, state) {
        (Lang::De, PortState::Open) => {
            "Ein Dienst nimmt Verbindungen an: aus dem Internet erreichbar."
        }
        (Lang::De, PortState::Closed) => {
            "Die Adresse antwortet, aber kein Dienst wartet. Oft ein Zeichen für eine Weiterleitung."
        }
        (Lang::De, PortState::Filtered) => {
            "Keine Antwort: Router oder Firewall blocken. So soll es sein."
        }
        (Lang::De, PortState::Error) => "Der Prüfdienst konnte diesen Port nicht prüfen.",
        (Lang::En, PortState::Open) => {
            "A service accepts connections: reachable from the internet."
        }
        (Lang::En, PortState::Closed) => {
            "The address answers, but no service is waiting. Often a sign of forwarding."
        }
        (Lang::En, PortState::Filtered) => {
            "No answer: the router or a firewall blocks it. This is how it should be."
        }
        (Lang::En, PortState::Error) => "The checking service could not test this port.",
    }
}

/// Name of a result level.
pub fn level_word(level: Level, lang: Lang) -> &'static str {
    match (lang, level) {
        (Lang::De, Level::Ok) => "Unauffällig",
        (Lang::De, Level::Notice) => "Hinweis",
        (Lang::De, Level::Warning) => "Warnung",
        (Lang::De, Level::Critical) => "Kritisch",
        (Lang::En, Level::Ok) => "No findings",
        (Lang::En, Level::Notice) => "Notice",
        (Lang::En, Level::Warning) => "Warning",
        (Lang::En, Level::Critical) => "Critical",
    }
}

/// The verdict in one plain sentence.
pub fn level_sentence(level: Level, lang: Lang) -> &'static str {
    match (lang, level) {
        (Lang::De, Level::Ok) => "Auf den Ports 440 bis 449 ist von außen kein Dienst erreichbar.",
        (Lang::De, Level::Notice) => {
            "Von außen ist etwas erreichbar. Das kann gewollt sein – bitte prüfen Sie es."
        }
        (Lang::De, Level::Warning) => {
            "Von außen ist mehr erreichbar, als es sein sollte. Bitte lassen Sie das bald beheben."
        }
        (Lang::De, Level::Critical) => {
            "Ihr Anschluss macht einen gefährlichen Dienst im Internet erreichbar. Bitte handeln Sie sofort."
        }
        (Lang::En, Level::Ok) => "No service on ports 440 to 449 can be reached from outside.",
        (Lang::En, Level::Notice) => {
            "Something can be reached from outside. That may be intended – please check it."
        }
        (Lang::En, Level::Warning) => {
            "More can be reached from outside than should be. Please have it fixed soon."
        }
        (Lang::En, Level::Critical) => {
            "Your connection makes a dangerous service reachable from the internet. Please act now."
        }
    }
}

/// Progress in words, for the live region and the progress bar.
pub fn progress(done: usize, total: usize, lang: Lang) -> String {
    match lang {
        Lang::De => format!("{done} von {total} Ports geprüft"),
        Lang::En => format!("{done} of {total} ports checked"),
    }
}

/// What the live region says when the result is in.
pub fn finished_announcement(level: Level, lang: Lang) -> String {
    match lang {
        Lang::De => format!(
            "Prüfung abgeschlossen. Ergebnis: {}.",
            level_word(level, lang)
        ),
        Lang::En => format!("Check finished. Result: {}.", level_word(level, lang)),
    }
}

/// A wait time in words, rounded up to whole minutes from two minutes on.
pub fn duration_words(secs: u64, lang: Lang) -> String {
    let (n, unit_de, unit_en) = if secs < 120 {
        (secs, ("Sekunde", "Sekunden"), ("second", "seconds"))
    } else {
        (
            secs.div_ceil(60),
            ("Minute", "Minuten"),
            ("minute", "minutes"),
        )
    };
    let one = n == 1;
    match lang {
        Lang::De => format!("{n} {}", if one { unit_de.0 } else { unit_de.1 }),
        Lang::En => format!("{n} {}", if one { unit_en.0 } else { unit_en.1 }),
    }
}

/// "You can check again in …".
pub fn retry_in(secs: u64, lang: Lang) -> String {
    match lang {
        Lang::De => format!(
            "Sie können in {} wieder prüfen.",
            duration_words(secs, lang)
        ),
        Lang::En => format!("You can check again in {}.", duration_words(secs, lang)),
    }
}

/// Date, address and duration line of a finished check.
pub fn checked_line(when: &str, ip: &str, duration_ms: u64, lang: Lang) -> String {
    match lang {
        Lang::De => format!("Geprüft am {when} · Adresse {ip} · Dauer {duration_ms} ms"),
        Lang::En => format!("Checked on {when} · address {ip} · took {duration_ms} ms"),
    }
}

/// A list of ports in words: "440, 441 und 445".
pub fn port_list(ports: &[u16], lang: Lang) -> String {
    let and = match lang {
        Lang::De => "und",
        Lang::En => "and",
    };
    match ports {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => {
            let head: Vec<String> = rest.iter().map(u16::to_string).collect();
            format!("{} {and} {last}", head.join(", "))
        }
    }
}

/// Formats an RFC 3339 UTC timestamp (`2026-11-29T19:03:05.123Z`) for people:
/// `29.11.2026, 19:03 UTC` in German, `2026-11-29 19:03 UTC` in English.
/// Anything else is shown as it came.
pub fn format_timestamp(rfc3339: &str, lang: Lang) -> String {
    let b = rfc3339.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let ok = b.len() >= 16
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't' | b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16);
    if !ok {
        return rfc3339.to_string();
    }
    let (y, mo, d, hm) = (
        &rfc3339[0..4],
        &rfc3339[5..7],
        &rfc3339[8..10],
        &rfc3339[11..16],
    );
    match lang {
        Lang::De => format!("{d}.{mo}.{y}, {hm} UTC"),
        Lang::En => format!("{y}-{mo}-{d} {hm} UTC"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Level, PortState};

    #[test]
    fn no_text_is_empty_and_languages_differ() {
        let de = serde_json::to_value(texts(Lang::De)).unwrap();
        let en = serde_json::to_value(texts(Lang::En)).unwrap();
        let (de, en) = (de.as_object().unwrap(), en.as_object().unwrap());
        assert_eq!(de.len(), en.len());
        let same_in_both = ["title", "col_port"];
        for (k, v) in de {
            let d = v.as_str().unwrap();
            let e = en[k].as_str().unwrap();
            assert!(!d.trim().is_empty(), "German `{k}` is empty");
            assert!(!e.trim().is_empty(), "English `{k}` is empty");
            if !same_in_both.contains(&k.as_str()) {
                assert_ne!(d, e, "`{k}` is not translated");
            }
        }
    }

    #[test]
    fn every_state_and_level_has_words() {
        for lang in Lang::ALL {
            for s in [
                PortState::Open,
                PortState::Closed,
                PortState::Filtered,
                PortState::Error,
            ] {
                assert!(!state_word(s, lang).is_empty());
                assert!(!state_meaning(s, lang).is_empty());
            }
            for l in [Level::Ok, Level::Notice, Level::Warning, Level::Critical] {
                assert!(!level_word(l, lang).is_empty());
                assert!(!level_sentence(l, lang).is_empty());
            }
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_words(1, Lang::De), "1 Sekunde");
        assert_eq!(duration_words(42, Lang::En), "42 seconds");
        assert_eq!(duration_words(119, Lang::De), "119 Sekunden");
        assert_eq!(duration_words(120, Lang::En), "2 minutes");
        assert_eq!(duration_words(121, Lang::De), "3 Minuten");
        assert_eq!(retry_in(60, Lang::En), "You can check again in 60 seconds.");
    }

    #[test]
    fn port_lists() {
        assert_eq!(port_list(&[], Lang::De), "");
        assert_eq!(port_list(&[445], Lang::De), "445");
        assert_eq!(port_list(&[440, 441, 445], Lang::De), "440, 441 und 445");
        assert_eq!(port_list(&[443, 445], Lang::En), "443 and 445");
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            format_timestamp("2026-11-29T19:03:05.123Z", Lang::De),
            "29.11.2026, 19:03 UTC"
        );
        assert_eq!(
            format_timestamp("2026-11-29T19:03:05Z", Lang::En),
            "2026-11-29 19:03 UTC"
        );
        assert_eq!(format_timestamp("yesterday", Lang::En), "yesterday");
        assert_eq!(format_timestamp("2026-11-29", Lang::De), "2026-11-29");
    }

    #[test]
    fn progress_words() {
        assert_eq!(progress(3, 10, Lang::De), "3 von 10 Ports geprüft");
        assert_eq!(progress(10, 10, Lang::En), "10 of 10 ports checked");
    }
}
