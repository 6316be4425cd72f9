//! What each finding means for the visitor: keyed by [`FindingId`], in both
//! languages. A new finding id does not compile until it is explained here.
//!
//! Also the observation on a group's control ports, which tells a forwarded
//! range from a device that answers on every port. Ranges are named from the
//! plan, never from a constant.

mod practice_findings;
pub(crate) mod practice_set;
// The practice check's finding texts are compiled in natively; the page
// fetches them (`practice_set`), except in its component tests.
#[cfg(any(not(target_arch = "wasm32"), feature = "fixtures"))]
mod reported_findings;

pub(crate) use practice_findings::PRACTICE_FINDINGS;
pub(crate) use practice_set::device_step;
use practice_set::explain_practice;

use super::Lang;
use super::words::port_list;
use crate::api::results_of;
use crate::api::{Finding, FindingId, PortResult, PortState, Report};
use crate::plan::{Group, Plan, Transport};

/// A finding in plain words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Explanation {
    pub title: String,
    /// What was seen and what it means.
    pub what: String,
    /// What an attacker could do with it.
    pub attacker: String,
    /// How urgent it is and what to do first.
    pub urgency: String,
}

/// Explains one finding of a check of `plan`.
pub(crate) fn explain(finding: &Finding, plan: &Plan, lang: Lang) -> Explanation {
    let ports = port_list(&finding.ports, lang);
    let n = finding.ports.len();
    let (title, what, attacker, urgency): (String, String, &str, &str) = match (finding.id, lang) {
        (FindingId::SmbExposed, Lang::De) => (
            format!("Windows-Dateifreigabe (SMB, Port {ports}) ist aus dem Internet erreichbar"),
            format!("Auf Port {ports} nimmt ein Gerät Verbindungen an. Über diesen Port laufen Windows-Dateifreigaben. Sie gehören nie ins Internet."),
            "Angreifer können Passwörter durchprobieren, offene Freigaben lesen oder verändern und Sicherheitslücken ausnutzen – über solche Lücken verbreitete sich 2017 die Erpressersoftware WannaCry. Genau so lagen 2019 in Celle Patientenakten offen.",
            "Sofort. Lassen Sie die Weiterleitung noch heute entfernen. Klären Sie, ob Daten abgeflossen sein könnten (siehe unten).",
        ),
        (FindingId::SmbExposed, Lang::En) => (
            format!("Windows file sharing (SMB, port {ports}) can be reached from the internet"),
            format!("A device accepts connections on port {ports}. Windows file shares use this port. They never belong on the internet."),
            "Attackers can try passwords, read or change open shares and exploit security holes – holes like these spread the WannaCry ransomware in 2017. This is exactly how patient records were exposed in Celle in 2019.",
            "Right now. Have the forwarding removed today. Find out whether data may have been taken (see below).",
        ),
        (FindingId::UnexpectedOpen, Lang::De) => (
            format!("Weitere offene Ports: {ports}"),
            format!(
                "{} ein Dienst Verbindungen an, obwohl dort normalerweise nichts aus dem Internet erreichbar sein soll. Oft steckt eine zu weit gefasste Weiterleitung dahinter.",
                if n == 1 { format!("An Port {ports} nimmt") } else { format!("An den Ports {ports} nimmt") }
            ),
            "Jeder erreichbare Dienst ist eine Angriffsfläche. Angreifer suchen automatisch nach solchen Diensten und probieren bekannte Lücken und Standard-Passwörter aus.",
            "Bald, in den nächsten Tagen. Lassen Sie klären, welcher Dienst das ist und ob er wirklich erreichbar sein muss.",
        ),
        (FindingId::UnexpectedOpen, Lang::En) => (
            format!("More open ports: {ports}"),
            format!(
                "A service accepts connections on {} {ports}, although nothing there should normally be reachable from the internet. Often a forwarding that is too broad is behind it.",
                if n == 1 { "port" } else { "ports" }
            ),
            "Every reachable service is a way in. Attackers search for such services automatically and try known holes and default passwords.",
            "Soon, within days. Find out which service this is and whether it really has to be reachable.",
        ),
        (FindingId::HttpsExposed, Lang::De) => (
            format!("Port {ports} (HTTPS) ist offen"),
            format!("Auf Port {ports} antwortet ein Webdienst. Das kann gewollt sein, etwa für eine Website, einen Fernzugang oder eine Terminbuchung."),
            "Was dahinter läuft, ist öffentlich. Ist es eine Anmeldeseite (Router, Server, Fernwartung), können Angreifer Passwörter durchprobieren oder Lücken in veralteter Software nutzen.",
            "Prüfen lassen. Klären Sie mit Ihrem IT-Dienstleister, ob diese Freigabe gebraucht wird und was dahinter erreichbar ist.",
        ),
        (FindingId::HttpsExposed, Lang::En) => (
            format!("Port {ports} (HTTPS) is open"),
            format!("A web service answers on port {ports}. That may be intended, for example for a website, remote access or online appointments."),
            "Whatever runs behind it is public. If it is a login page (router, server, remote maintenance), attackers can try passwords or exploit holes in outdated software.",
            "Have it checked. Ask your IT service provider whether this forwarding is needed and what can be reached through it.",
        ),
        (FindingId::HttpExposed, Lang::De) => (
            format!("Port {ports} (HTTP) ist offen"),
            "Hier antwortet ein Webdienst ohne Verschlüsselung. Das kann gewollt sein, etwa für eine Website oder als Umleitung auf HTTPS.".into(),
            "Was dahinter läuft, ist öffentlich, und was darüber übertragen wird, kann mitgelesen werden. Ist es eine Anmeldeseite (Router, Server, Fernwartung), können Angreifer Passwörter durchprobieren oder abfangen.",
            "Prüfen lassen. Klären Sie mit Ihrem IT-Dienstleister, ob diese Freigabe gebraucht wird und ob sie nur auf HTTPS umleitet.",
        ),
        (FindingId::HttpExposed, Lang::En) => (
            format!("Port {ports} (HTTP) is open"),
            "A web service answers here without encryption. That may be intended, for example for a website or as a redirect to HTTPS.".into(),
            "Whatever runs behind it is public, and whatever is sent over it can be read along the way. If it is a login page (router, server, remote maintenance), attackers can try or intercept passwords.",
            "Have it checked. Ask your IT service provider whether this forwarding is needed and whether it only redirects to HTTPS.",
        ),
        (FindingId::KerberosExposed, Lang::De) => (
            format!("Anmeldedienst Kerberos aus dem Internet erreichbar (Port {ports}), meist ein Windows-Domänencontroller"),
            "Hier beantwortet ein Kerberos-Dienst eine Anmeldeanfrage. Über Kerberos melden sich Benutzer im Windows-Netz an; der Dienst läuft meist auf dem Domänencontroller, dem Server, der alle Benutzerkonten verwaltet. Er gehört nie ins Internet.".into(),
            "Angreifer können Benutzernamen erraten und bestätigen lassen, Passwörter durchprobieren und bei schwach geschützten Konten Passwort-Daten abgreifen, um sie in Ruhe zu knacken. Wer den Domänencontroller übernimmt, beherrscht alle Rechner und Konten im Netz.",
            "Sofort. Lassen Sie die Weiterleitung noch heute entfernen und die Anmeldungen der letzten Zeit auf Auffälliges prüfen.",
        ),
        (FindingId::KerberosExposed, Lang::En) => (
            format!("Logon service Kerberos reachable from the internet (port {ports}), usually a Windows domain controller"),
            "A Kerberos service answers a logon request here. Users log on to a Windows network through Kerberos; the service usually runs on the domain controller, the server that manages all user accounts. It never belongs on the internet.".into(),
            "Attackers can guess user names and have them confirmed, try passwords and, for weakly protected accounts, take password data away to crack at leisure. Whoever takes over the domain controller controls every computer and account in the network.",
            "Right now. Have the forwarding removed today and have recent logons checked for anything unusual.",
        ),
        (FindingId::RangeReachable, _) => return range_reachable(finding, plan, lang),
        (
            FindingId::RdpExposed
            | FindingId::VncNoAuth
            | FindingId::VncExposed
            | FindingId::DatabaseExposed
            | FindingId::TelnetExposed
            | FindingId::FtpExposed
            | FindingId::PrinterExposed
            | FindingId::SshExposed
            | FindingId::NetbiosExposed
            | FindingId::UpnpExposed
            | FindingId::DnsOpenResolver
            | FindingId::NtpExposed
            | FindingId::NtpMonlist
            | FindingId::SnmpPublic
            | FindingId::NetbiosNsExposed
            | FindingId::MdnsExposed
            | FindingId::WsDiscoveryExposed
            | FindingId::MssqlBrowserExposed
            | FindingId::SipExposed
            | FindingId::PortmapperExposed
            | FindingId::LdapExposed
            | FindingId::CldapExposed
            | FindingId::ExchangeExposed
            | FindingId::ExchangeUnsupported,
            _,
        ) => return explain_practice(finding, lang).unwrap_or_default(),
        (FindingId::ScanIncomplete, Lang::De) => (
            "Nicht alle Ports konnten geprüft werden".into(),
            format!("Für Port {ports} hat der Prüfdienst kein Ergebnis. Das Ergebnis ist deshalb unvollständig."),
            "Über diese Ports sagt die Prüfung nichts aus – weder Gutes noch Schlechtes.",
            "Prüfen Sie in ein paar Minuten noch einmal.",
        ),
        (FindingId::ScanIncomplete, Lang::En) => (
            "Not all ports could be checked".into(),
            format!("The checking service has no result for port {ports}. The result is therefore incomplete."),
            "The check says nothing about these ports – neither good nor bad.",
            "Check again in a few minutes.",
        ),
        (FindingId::SmbGuestAccess, Lang::De) => (
            format!("Dateifreigabe ohne Passwort: Gastzugang an Port {ports}"),
            "Der Windows-Dateiserver lässt Unbekannte ohne Passwort als Gast herein. Alles, was für „Jeder“ oder für Gäste freigegeben ist, kann so jeder im Internet lesen – oft auch ändern.".into(),
            "Dateien lesen, kopieren, verändern oder verschlüsseln, um Lösegeld zu erpressen. Genau so lagen 2019 in Celle Patientenakten offen.",
            "Sofort. Weiterleitung entfernen, Gastzugang abschalten und prüfen, ob Daten abgeflossen sein könnten (siehe unten).",
        ),
        (FindingId::SmbGuestAccess, Lang::En) => (
            format!("File sharing without a password: guest access on port {ports}"),
            "The Windows file server lets strangers in as a guest without a password. Anything shared with \"Everyone\" or guests can be read by anyone on the internet – often changed too.".into(),
            "Read, copy, change or encrypt files to extort a ransom. This is exactly how patient records were exposed in Celle in 2019.",
            "Right now. Remove the forwarding, switch off guest access and find out whether data may have been taken (see below).",
        ),
        (FindingId::Smb1Enabled, Lang::De) => (
            format!("Veraltetes SMB1 ist eingeschaltet (Port {ports})"),
            "Der Dateiserver spricht noch SMB1, ein Protokoll aus den 1990er-Jahren. Microsoft rät seit Jahren, es abzuschalten.".into(),
            "Über Lücken in SMB1 (EternalBlue) verbreitete sich 2017 die Erpressersoftware WannaCry. Ist der Server nicht aktuell, können Angreifer darüber ohne Passwort Schadsoftware ausführen.",
            "Sofort. Weiterleitung entfernen und SMB1 auf dem Server abschalten.",
        ),
        (FindingId::Smb1Enabled, Lang::En) => (
            format!("Outdated SMB1 is switched on (port {ports})"),
            "The file server still speaks SMB1, a protocol from the 1990s. Microsoft has advised switching it off for years.".into(),
            "Holes in SMB1 (EternalBlue) spread the WannaCry ransomware in 2017. If the server is not up to date, attackers can run malware on it without a password.",
            "Right now. Remove the forwarding and switch off SMB1 on the server.",
        ),
        (FindingId::SmbSigningNotRequired, Lang::De) => (
            format!("SMB-Signierung wird nicht verlangt (Port {ports})"),
            "Der Dateiserver verlangt keine signierten Nachrichten. Damit lässt sich unterwegs nicht erkennen, ob jemand Nachrichten verändert hat.".into(),
            "Wer sich in eine Verbindung einklinkt, kann Anmeldungen weiterreichen und Daten unterwegs verändern (Relay-Angriff).",
            "Bald. Signierung auf dem Server verbindlich einschalten – und SMB ohnehin nicht ins Internet lassen.",
        ),
        (FindingId::SmbSigningNotRequired, Lang::En) => (
            format!("SMB signing is not required (port {ports})"),
            "The file server does not require signed messages, so changes made to messages on the way cannot be detected.".into(),
            "Someone who gets into a connection can pass on logins and change data on the way (relay attack).",
            "Soon. Make signing mandatory on the server – and keep SMB off the internet anyway.",
        ),
        (FindingId::TlsOutdated, Lang::De) => (
            format!("Veraltete Verschlüsselung TLS 1.0/1.1 (Port {ports})"),
            "Der Dienst nimmt noch TLS 1.0 oder 1.1 an. Diese Versionen gelten als unsicher; aktuelle Browser nutzen sie nicht mehr.".into(),
            "Veraltete Verschlüsselung kann es erleichtern, Verbindungen mitzulesen. Oft ist sie ein Zeichen für veraltete Software mit weiteren Lücken.",
            "Bald. Software oder Gerät aktualisieren und nur TLS 1.2 und 1.3 erlauben.",
        ),
        (FindingId::TlsOutdated, Lang::En) => (
            format!("Outdated encryption TLS 1.0/1.1 (port {ports})"),
            "The service still accepts TLS 1.0 or 1.1. These versions are considered insecure; current browsers no longer use them.".into(),
            "Outdated encryption can make it easier to read connections. It is often a sign of outdated software with more holes.",
            "Soon. Update the software or device and allow only TLS 1.2 and 1.3.",
        ),
        (FindingId::AdminInterfaceExposed, Lang::De) => (
            format!("Verwaltungsseite aus dem Internet erreichbar (Port {ports})"),
            "Hier antwortet die Anmeldeseite eines Routers, Netzwerkspeichers (NAS) oder Servers.".into(),
            "Angreifer probieren an solchen Seiten Passwörter durch und nutzen bekannte Lücken. Wer die Verwaltung übernimmt, beherrscht das Gerät – und oft das ganze Netz.",
            "Bald. Die Verwaltung nur aus dem eigenen Netz oder über ein VPN erreichbar machen.",
        ),
        (FindingId::AdminInterfaceExposed, Lang::En) => (
            format!("Administration page reachable from the internet (port {ports})"),
            "The login page of a router, network storage (NAS) or server answers here.".into(),
            "Attackers try passwords on such pages and exploit known holes. Whoever takes over the administration controls the device – and often the whole network.",
            "Soon. Make administration reachable only from your own network or through a VPN.",
        ),
    };
    Explanation {
        title,
        what,
        attacker: attacker.into(),
        urgency: urgency.into(),
    }
}

/// The group a finding is about: the one it names, else the group of its
/// first port.
fn group_of<'a>(finding: &Finding, plan: &'a Plan) -> Option<&'a Group> {
    let named = finding
        .group
        .as_ref()
        .and_then(|name| plan.groups.iter().find(|g| &g.name == name));
    named.or_else(|| {
        let &p = finding.ports.first()?;
        plan.group_of(p, Transport::Tcp)
            .or_else(|| plan.group_of(p, Transport::Udp))
    })
}

/// A forwarded range, told from the port the forwarding was meant for: the
/// group's web port (443 for 440–449, 80 for 80–89), and what could become
/// reachable through the rest of it.
fn range_reachable(finding: &Finding, plan: &Plan, lang: Lang) -> Explanation {
    let ports = port_list(&finding.ports, lang);
    let n = finding.ports.len();
    let group = group_of(finding, plan);
    let range = group.map(Group::label).unwrap_or_default();
    let has = |port: u16| group.is_some_and(|g| g.port_numbers().contains(&port));
    let meant = group.and_then(|g| {
        g.ports
            .iter()
            .find(|s| matches!(s.service.as_str(), "https" | "http"))
    });
    let instead = match (meant, lang) {
        (Some(s), Lang::De) => format!(
            "Statt nur Port {} ({})",
            s.port,
            s.service.to_ascii_uppercase()
        ),
        (Some(s), Lang::En) => format!(
            "instead of just port {} ({})",
            s.port,
            s.service.to_ascii_uppercase()
        ),
        (None, Lang::De) => "Statt nur eines Ports".into(),
        (None, Lang::En) => "instead of just one port".into(),
    };
    let example = match (has(445), has(88), lang) {
        (true, _, Lang::De) => " – etwa eine Dateifreigabe auf Port 445 –",
        (true, _, Lang::En) => " – such as file sharing on port 445 –",
        (false, true, Lang::De) => {
            " – etwa die Windows-Anmeldung (Kerberos) eines Domänencontrollers auf Port 88 –"
        }
        (false, true, Lang::En) => {
            " – such as the Windows logon service (Kerberos) of a domain controller on port 88 –"
        }
        _ => "",
    };
    match lang {
        Lang::De => Explanation {
            title: format!("Der ganze Bereich {range} scheint weitergeleitet zu sein"),
            what: format!(
                "{n} Ports im Bereich {range} antworten ({ports}), die Nachbar-Ports aber nicht. Das ist das typische Bild des Digitalisierungsbox-Fehlers: {instead} wird der ganze Bereich {range} an ein Gerät in Ihrem Netz weitergeleitet."
            ),
            attacker: format!(
                "Auch wenn gerade kein gefährlicher Dienst offen ist: Startet auf dem Gerät später ein Dienst auf einem dieser Ports{example}, ist er sofort aus dem Internet erreichbar."
            ),
            urgency: "Bald. Lassen Sie die Weiterleitung im Router auf den einen benötigten Port beschränken.".into(),
        },
        Lang::En => Explanation {
            title: format!("The whole range {range} seems to be forwarded"),
            what: format!(
                "{n} ports in the range {range} answer ({ports}), but the neighbouring ports do not. This is the typical sign of the Digitalisierungsbox fault: {instead}, the whole range {range} is forwarded to a device in your network."
            ),
            attacker: format!(
                "Even if no dangerous service is open right now: if the device later starts a service on one of these ports{example}, it is reachable from the internet at once."
            ),
            urgency: "Soon. Have the forwarding in the router limited to the one port that is needed.".into(),
        },
    }
}

/// What `group`'s control ports show, where it matters for the verdict:
/// `None` when neither its range nor its control ports answered (nothing to
/// compare).
pub(crate) fn control_observation(report: &Report, group: &Group, lang: Lang) -> Option<String> {
    let answered = |ps: &[&PortResult]| -> Vec<u16> {
        ps.iter()
            .filter(|p| p.state.answered())
            .map(|p| p.port)
            .collect()
    };
    let (ports, controls) = (
        results_of(group, &report.ports),
        results_of(group, &report.control),
    );
    let range = answered(&ports);
    let control = answered(&controls);
    let untested = controls.iter().any(|p| p.state == PortState::Error);
    let all_control: Vec<u16> = controls.iter().map(|p| p.port).collect();
    let label = group.label();
    let list = port_list(&all_control, lang);
    if !control.is_empty() {
        let c = port_list(&control, lang);
        return Some(match lang {
            Lang::De => format!(
                "Auch Nachbar-Ports außerhalb des Bereichs antworten ({c}). Ihre Adresse reagiert also auf viele Ports. Das spricht eher für ein Gerät ohne Firewall, das direkt am Internet hängt, als für eine weitergeleitete Portgruppe."
            ),
            Lang::En => format!(
                "Neighbouring ports outside the range answer too ({c}). So your address reacts on many ports. That points to a device without a firewall directly on the internet rather than to a forwarded range of ports."
            ),
        });
    }
    if range.is_empty() {
        return None;
    }
    if untested {
        return Some(match lang {
            Lang::De => "Nicht alle Nachbar-Ports konnten geprüft werden. Ob eine ganze Portgruppe weitergeleitet wird, lässt sich deshalb nicht sicher sagen.".into(),
            Lang::En => "Not all neighbouring ports could be checked, so it cannot be said for sure whether a whole range of ports is forwarded.".into(),
        });
    }
    Some(match lang {
        Lang::De => format!(
            "Die Nachbar-Ports {list} antworten nicht, im Bereich {label} antwortet aber etwas. Die Freigabe betrifft also gezielt diesen Bereich."
        ),
        Lang::En => format!(
            "The neighbouring ports {list} do not answer, but something in the range {label} does. So the opening concerns this range specifically."
        ),
    })
}

#[cfg(test)]
mod tests;
