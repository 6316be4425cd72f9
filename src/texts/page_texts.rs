//! Every fixed text of the page, in German and English.
//!
//! One struct, two values: a text missing in one language does not compile,
//! and a test checks that none is empty. Texts that contain numbers, ports or
//! states are functions in `words`.

use serde::Serialize;

use super::Lang;

/// The page's fixed texts in one language.
#[derive(Debug, Serialize)]
pub(crate) struct Texts {
    /// Texts with `{ports}` name the plan's (or a group's) ports: see
    /// [`super::words::about_plan`].
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
    /// The probe saw signs of a proxy (`via_proxy`): the checked address is
    /// probably not the practice's router.
    pub proxy_heading: &'static str,
    pub proxy_warning: &'static str,

    pub running_heading: &'static str,
    pub progress_label: &'static str,
    pub port_pending: &'static str,
    pub grid_label: &'static str,

    /// Port states in words, in the order of `PortState`: open, closed,
    /// filtered, open|filtered (UDP: no answer), error.
    pub state_words: [&'static str; 5],
    /// What each port state means, in the same order.
    pub state_meanings: [&'static str; 5],
    /// Result levels in words, in the order of `Level`: ok, notice,
    /// warning, critical.
    pub level_words: [&'static str; 4],
    /// Each level in one sentence about the plan's `{ports}`.
    pub level_sentences: [&'static str; 4],

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
    /// The fix guides are fetched when a result shows them.
    pub guides_loading: &'static str,
    pub guides_failed: &'static str,
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
    /// The result page the probe renders (no script): a form post that
    /// was not the page's consent form, how to print, what the language
    /// link does (in the other language, as the link's text), and the
    /// router list's hint.
    pub form_invalid: &'static str,
    pub print_hint: &'static str,
    pub lang_link_note: &'static str,
    pub router_pick: &'static str,
    pub help_label: &'static str,
    pub offered_by: &'static str,
}

const DE: Texts = Texts {
    tagline: "Prüfen Sie mit einem Klick, ob Ihr Internetanschluss die Ports {ports} nach außen öffnet.",
    lang_switch: "English",
    lang_switch_label: "Switch to English",

    start_what: "Unser Prüfdienst versucht von außen, Ihre Internetadresse auf den Ports {ports} zu erreichen – so wie es ein Angreifer aus dem Internet tun würde. Ein Port ist eine Art Türnummer, hinter der ein Dienst wartet.",
    start_heading: "Was geprüft wird",
    start_why: "2019 leiteten Telekom-Router vom Typ Digitalisierungsbox statt nur Port 443 (HTTPS) den ganzen Bereich 440 bis 449 weiter, statt nur Port 80 (HTTP) den ganzen Bereich 80 bis 89. So lag bei einer Arztpraxis in Celle über Port 445 ein Windows-Server mit rund 30.000 Patientenakten offen im Internet.",
    data_heading: "Welche Daten verarbeitet werden",
    data_text: "Verarbeitet wird nur die Internetadresse (IP-Adresse), von der aus Sie diese Seite aufrufen. Sie wird für die Prüfung gebraucht und nicht gespeichert. Es gibt keine Cookies, keine Statistik und keine Inhalte von anderen Anbietern.",
    address_label: "Geprüft wird diese Adresse:",
    address_loading: "Adresse wird ermittelt …",
    address_unknown: "Ihre Adresse konnte gerade nicht ermittelt werden. Sie können die Prüfung trotzdem starten.",
    consent_button: "Einverstanden – Prüfung starten",
    proxy_heading: "Achtung: Ihre Verbindung läuft wohl über einen Proxy",
    proxy_warning: "Ihre Anfrage kam über einen Proxy (einen Zwischenserver) beim Prüfdienst an. Die Adresse, die geprüft wird, gehört deshalb wahrscheinlich zu diesem Proxy – im Netz Ihrer Praxis oder bei Ihrem Anbieter – und nicht zu Ihrem Router. Das Ergebnis sagt dann wenig über den Router Ihrer Praxis. Rufen Sie die Seite wenn möglich ohne Proxy auf, oder fragen Sie Ihren IT-Dienstleister.",
    consent_note: "Mit dem Klick sind Sie einverstanden, dass unser Prüfdienst Verbindungen zu dieser Adresse aufbaut. Die Prüfung dauert meist nur wenige Sekunden.",

    running_heading: "Die Prüfung läuft",
    progress_label: "Fortschritt der Prüfung",
    grid_label: "Ports {ports}",
    port_pending: "wird geprüft",

    state_words: [
        "offen",
        "erreichbar, geschlossen",
        "gefiltert",
        "keine Antwort",
        "nicht geprüft",
    ],
    state_meanings: [
        "Ein Dienst nimmt Verbindungen an: aus dem Internet erreichbar.",
        "Die Adresse antwortet, aber kein Dienst wartet. Oft ein Zeichen für eine Weiterleitung.",
        "Keine Antwort: Router oder Firewall blocken. So soll es sein.",
        "Keine Antwort auf die Frage über UDP. Über UDP ist das kein Beweis, dass dort nichts lauscht: Frage oder Antwort können unterwegs verworfen werden.",
        "Der Prüfdienst konnte diesen Port nicht prüfen.",
    ],
    level_words: ["Unauffällig", "Hinweis", "Warnung", "Kritisch"],
    level_sentences: [
        "Auf den Ports {ports} ist von außen kein Dienst erreichbar.",
        "Von außen ist etwas erreichbar. Das kann gewollt sein – bitte prüfen Sie es.",
        "Von außen ist mehr erreichbar, als es sein sollte. Bitte lassen Sie das bald beheben.",
        "Ihr Anschluss macht einen gefährlichen Dienst im Internet erreichbar. Bitte handeln Sie sofort.",
    ],

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
    print_title: "Prüfbericht: Ports {ports}",
    print_report: "Bericht drucken",
    print_note: "Dieser datierte Bericht kann zur Dokumentation einer regelmäßigen Überprüfung der Sicherheitsmaßnahmen dienen (vgl. Art. 32 Abs. 1 lit. d DSGVO).",

    guide_heading: "So beheben Sie es",
    guide_intro_ok: "Zurzeit ist alles unauffällig. Die Schritte unten helfen, dass es so bleibt.",
    guide_intro_act: "Geben Sie diese Schritte an Ihren IT-Dienstleister weiter. Prüfen Sie danach erneut.",
    router_question: "Welchen Router hat Ihr Anschluss?",
    router_hint: "Der Name steht meist auf einem Aufkleber am Gerät.",
    router_none: "Wählen Sie oben Ihren Router, dann erscheinen die Schritte dafür.",
    menu_label: "Menü:",
    guides_loading: "Die Anleitungen werden geladen …",
    guides_failed: "Die Anleitungen konnten nicht geladen werden. Prüfen Sie die Internetverbindung und versuchen Sie es noch einmal.",
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
    form_invalid: "Die Anfrage war nicht das Einverständnis-Formular dieser Seite. Bitte starten Sie die Prüfung auf der Startseite.",
    print_hint: "Zum Drucken oder Speichern als PDF nutzen Sie die Druckfunktion Ihres Browsers (Strg+P); gedruckt wird der Bericht ohne Anleitung.",
    lang_link_note: "(starts a new check)",
    router_pick: "Öffnen Sie Ihren Router, dann erscheinen die Schritte dafür.",
    help_label: "Hilfe bei der Behebung:",
    offered_by: "Ein Angebot von",
};

const EN: Texts = Texts {
    tagline: "Find out with one click whether your internet connection opens ports {ports} to the outside.",
    lang_switch: "Deutsch",
    lang_switch_label: "Auf Deutsch wechseln",

    start_what: "Our checking service tries to reach your internet address on ports {ports} from outside – just as an attacker on the internet would. A port is like a door number behind which a service waits.",
    start_heading: "What is checked",
    start_why: "In 2019, Telekom \"Digitalisierungsbox\" routers forwarded the whole range 440 to 449 instead of just port 443 (HTTPS), and the whole range 80 to 89 instead of just port 80 (HTTP). That is how a Windows server with about 30,000 patient records at a medical practice in Celle was open to the internet on port 445.",
    data_heading: "What data is processed",
    data_text: "Only the internet address (IP address) you are visiting this page from is processed. It is needed for the check and is not stored. There are no cookies, no statistics and no content from other providers.",
    address_label: "This address will be checked:",
    address_loading: "Finding your address …",
    address_unknown: "Your address could not be found just now. You can start the check anyway.",
    consent_button: "I agree – start the check",
    proxy_heading: "Note: your connection seems to go through a proxy",
    proxy_warning: "Your request reached the checking service through a proxy (a server in between). The address that is checked therefore probably belongs to this proxy – in your practice's network or at your provider – and not to your router. The result then says little about your practice's router. If you can, open this page without the proxy, or ask your IT service provider.",
    consent_note: "By clicking you agree that our checking service opens connections to this address. The check usually takes only a few seconds.",

    running_heading: "Checking",
    progress_label: "Progress of the check",
    grid_label: "Ports {ports}",
    port_pending: "checking",

    state_words: [
        "open",
        "reachable, closed",
        "filtered",
        "no answer",
        "not tested",
    ],
    state_meanings: [
        "A service accepts connections: reachable from the internet.",
        "The address answers, but no service is waiting. Often a sign of forwarding.",
        "No answer: the router or a firewall blocks it. This is how it should be.",
        "No answer to the question over UDP. Over UDP this is no proof that nothing listens: the question or its answer may have been dropped on the way.",
        "The checking service could not test this port.",
    ],
    level_words: ["No findings", "Notice", "Warning", "Critical"],
    level_sentences: [
        "No service on ports {ports} can be reached from outside.",
        "Something can be reached from outside. That may be intended – please check it.",
        "More can be reached from outside than should be. Please have it fixed soon.",
        "Your connection makes a dangerous service reachable from the internet. Please act now.",
    ],

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
    print_title: "Check report: ports {ports}",
    print_report: "Print report",
    print_note: "This dated report can help document regular testing of security measures (see Art. 32(1)(d) GDPR).",

    guide_heading: "How to fix it",
    guide_intro_ok: "Nothing stands out at the moment. The steps below help keep it that way.",
    guide_intro_act: "Pass these steps on to your IT service provider. Check again afterwards.",
    router_question: "Which router does your connection use?",
    router_hint: "The name is usually on a sticker on the device.",
    router_none: "Choose your router above to see the steps for it.",
    menu_label: "Menu:",
    guides_loading: "Loading the guides …",
    guides_failed: "The guides could not be loaded. Check your internet connection and try again.",
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
    form_invalid: "The request was not this page's consent form. Please start the check on the start page.",
    print_hint: "To print or save as PDF, use your browser's print function (Ctrl+P); the report prints without the guide.",
    lang_link_note: "(startet eine neue Prüfung)",
    router_pick: "Open your router to see its steps.",
    help_label: "Help with the fix:",
    offered_by: "Offered by",
};

/// The fixed texts in `lang`.
pub(crate) fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::De => &DE,
        Lang::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_text_is_empty_and_languages_differ() {
        let de = serde_json::to_value(texts(Lang::De)).unwrap();
        let en = serde_json::to_value(texts(Lang::En)).unwrap();
        let (de, en) = (de.as_object().unwrap(), en.as_object().unwrap());
        assert_eq!(de.len(), en.len());
        let same_in_both = ["col_port", "grid_label"];
        // A list of texts (state words, …) counts text by text.
        let each = |v: &serde_json::Value| -> Vec<String> {
            match v {
                serde_json::Value::Array(list) => list.iter().map(|x| x.to_string()).collect(),
                other => vec![other.as_str().unwrap().to_owned()],
            }
        };
        for (k, v) in de {
            for (d, e) in each(v).iter().zip(each(&en[k])) {
                assert!(
                    !d.trim_matches('"').trim().is_empty(),
                    "German `{k}` is empty"
                );
                assert!(
                    !e.trim_matches('"').trim().is_empty(),
                    "English `{k}` is empty"
                );
                if !same_in_both.contains(&k.as_str()) {
                    assert_ne!(*d, e, "`{k}` is not translated");
                }
            }
        }
    }
}
