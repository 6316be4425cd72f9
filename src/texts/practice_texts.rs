//! The fixed texts of the practice check's offer and result, in German and
//! English (the finding texts are in `explain::practice_findings`).

use crate::plan::{Plan, Transport};
use crate::texts::Lang;
use crate::texts::words::port_list;

/// Every fixed text of the practice check's part of the page.
// The probe's result page shows the offer and the result's heading; the
// running and UPnP parts exist only on the app's page.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[derive(Debug)]
pub(crate) struct PracticeTexts {
    pub offer_heading: &'static str,
    /// With `{count}` and `{ports}`: see [`offer_what`].
    pub offer_what: &'static str,
    /// With `{count}` and `{ports}` of the UDP entries: see
    /// [`offer_udp`].
    pub offer_upnp: &'static str,
    /// The consent sentence right above the button.
    pub consent: &'static str,
    pub button: &'static str,
    pub running_heading: &'static str,
    pub result_heading: &'static str,
    pub upnp_heading: &'static str,
    pub steps_heading: &'static str,
    pub nothing_found: &'static str,
}

const DE: PracticeTexts = PracticeTexts {
    offer_heading: "Weitere gefährliche Dienste prüfen",
    offer_what: "Praxen und kleine Büros lassen oft weitere Türen offen: Fernzugriff auf Windows-Rechner (Remote Desktop), Bildschirm-Fernsteuerung (VNC), Dateiübertragung, Datenbanken, Drucker, Verwaltungsseiten und Verzeichnisdienste. Diese zweite Prüfung versucht {count} weitere Ports an Ihrer Adresse: {ports}.",
    offer_upnp: "Außerdem stellt sie per UDP je eine harmlose Frage an {count} Dienste, die Netzbetreiber und CERT-Bund in ihren Meldungen nennen, darunter den UPnP-Dienst Ihres Routers (1900): {ports}. Es wird nichts angemeldet und nichts verändert.",
    consent: "Mit dem Klick willigen Sie ein, dass diese Seite auch diese Ports und UPnP an der Adresse prüft, von der Sie gerade zugreifen – sonst nichts.",
    button: "Weitere Dienste jetzt prüfen",
    running_heading: "Weitere Dienste werden geprüft",
    result_heading: "Ergebnis: weitere Dienste",
    upnp_heading: "UPnP des Routers",
    steps_heading: "Was am Gerät zu tun ist",
    nothing_found: "Keiner dieser Dienste war von außen erreichbar.",
};

const EN: PracticeTexts = PracticeTexts {
    offer_heading: "Check other dangerous services",
    offer_what: "Practices and small offices often leave more doors open: remote login to Windows computers (Remote Desktop), remote screen control (VNC), file transfer, databases, printers, administration pages and directory services. This second check tries {count} more ports at your address: {ports}.",
    offer_upnp: "It also asks {count} services that network operators and CERT-Bund name in their reports one harmless question each over UDP, among them your router's UPnP service (1900): {ports}. Nothing is logged in to and nothing is changed.",
    consent: "By clicking you agree that this page also checks these ports and UPnP at the address you are visiting from – nothing else.",
    button: "Check other services now",
    running_heading: "Checking other services",
    result_heading: "Result: other services",
    upnp_heading: "The router's UPnP",
    steps_heading: "What to do on the devices",
    nothing_found: "None of these services could be reached from outside.",
};

/// The practice check's texts in `lang`.
pub(crate) fn practice_texts(lang: Lang) -> &'static PracticeTexts {
    match lang {
        Lang::De => &DE,
        Lang::En => &EN,
    }
}

/// What the offer says it checks over TCP, with the TCP ports of `plan`
/// (the practice plan the page expects).
pub(crate) fn offer_what(plan: &Plan, lang: Lang) -> String {
    fill(practice_texts(lang).offer_what, plan, Transport::Tcp, lang)
}

/// What the offer says it asks over UDP, with the UDP ports of `plan`.
pub(crate) fn offer_udp(plan: &Plan, lang: Lang) -> String {
    fill(practice_texts(lang).offer_upnp, plan, Transport::Udp, lang)
}

/// `template` with `{count}` and `{ports}` of `plan`'s entries over
/// `transport`.
fn fill(template: &str, plan: &Plan, transport: Transport, lang: Lang) -> String {
    let mut ports: Vec<u16> = plan
        .entries()
        .filter(|(_, _, p)| p.transport == transport)
        .map(|(_, _, p)| p.port)
        .collect();
    ports.sort_unstable();
    ports.dedup();
    template
        .replace("{count}", &ports.len().to_string())
        .replace("{ports}", &port_list(&ports, lang))
}
