//! The names of the reports network operators pass on, for people: the
//! line under each finding that says under which name CERT-Bund's and
//! Shadowserver's reports list it, and the page's section for a practice
//! that has received such a report ("Eine Meldung von CERT-Bund oder Ihrem
//! Provider erhalten?"): every report name with what it means, and the
//! button that runs the practice check. The names themselves are
//! Shadowserver's and stay English in both languages
//! ([`crate::verdict::reports`]).

use super::Lang;
use crate::api::Finding;
#[cfg(any(target_arch = "wasm32", test))]
use crate::verdict::reports::{REPORTS, ShadowserverReport};

/// "In Meldungen von CERT-Bund/Shadowserver: „Open SNMP“" under a finding
/// that such reports list; `None` for the others.
pub(crate) fn reports_line(finding: &Finding, lang: Lang) -> Option<String> {
    if finding.reports.is_empty() {
        return None;
    }
    let quoted: Vec<String> = finding
        .reports
        .iter()
        .map(|name| match lang {
            Lang::De => format!("„{name}“"),
            Lang::En => format!("“{name}”"),
        })
        .collect();
    Some(format!("{} {}", reports_label(lang), quoted.join(", ")))
}

/// The label before the report names.
pub(crate) fn reports_label(lang: Lang) -> &'static str {
    match lang {
        Lang::De => "In Meldungen von CERT-Bund/Shadowserver:",
        Lang::En => "In CERT-Bund/Shadowserver reports:",
    }
}

/// The fixed texts of the page's section for a practice holding a report.
#[cfg(any(target_arch = "wasm32", test))]
#[derive(Debug)]
pub(crate) struct ReportTexts {
    pub heading: &'static str,
    pub intro: &'static str,
    pub list_label: &'static str,
    pub check_intro: &'static str,
    pub button: &'static str,
}

#[cfg(any(target_arch = "wasm32", test))]
const DE: ReportTexts = ReportTexts {
    heading: "Eine Meldung von CERT-Bund oder Ihrem Provider erhalten?",
    intro: "Das CERT-Bund des BSI gibt die täglichen Internet-Scans der Shadowserver Foundation an die Netzbetreiber weiter; Provider wie die Telekom schreiben ihren Kunden dann einen Brief oder eine E-Mail. Die Meldung nennt den Dienst, der an Ihrer Adresse aus dem Internet antwortet; die Berichte von Shadowserver führen ihn unter englischen Namen wie „Open SNMP“. Hier finden Sie diese Namen und was sie bedeuten. Die Prüfung unten zeigt, ob der gemeldete Dienst an Ihrer Adresse noch antwortet – zum Beispiel, nachdem er abgeschaltet wurde.",
    list_label: "Namen in den Meldungen und was sie bedeuten",
    check_intro: "Die Prüfung der weiteren Dienste fragt jeden dieser Dienste einmal harmlos an Ihrer Adresse an und sagt bei jedem Befund, unter welchem Namen die Meldungen ihn führen.",
    button: "Gemeldete Dienste jetzt prüfen",
};

#[cfg(any(target_arch = "wasm32", test))]
const EN: ReportTexts = ReportTexts {
    heading: "Received a report from CERT-Bund or your provider?",
    intro: "CERT-Bund at the BSI passes the Shadowserver Foundation's daily internet scans on to network operators; providers such as Telekom then write to their customers by letter or e-mail. The report names the service that answers from the internet at your address; Shadowserver's reports list it under names like \"Open SNMP\". Here you find these names and what they mean. The check below shows whether the reported service still answers at your address – for example after it was switched off.",
    list_label: "Names in the reports and what they mean",
    check_intro: "The check of other services asks each of these services once, harmlessly, at your address, and says for every finding under which name the reports list it.",
    button: "Check the reported services now",
};

/// The section's texts in `lang`.
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) fn report_texts(lang: Lang) -> &'static ReportTexts {
    match lang {
        Lang::De => &DE,
        Lang::En => &EN,
    }
}

/// What one report means, in a sentence for practice staff.
#[cfg(any(target_arch = "wasm32", test))]
fn meaning(report: &ShadowserverReport, lang: Lang) -> &'static str {
    let de = lang == Lang::De;
    let pick = |d, e| if de { d } else { e };
    match report.kind {
        "scan_dns" => pick(
            "Ein DNS-Server (Namensauflösung) beantwortet Anfragen aus dem ganzen Internet und wird für Überlastungsangriffe auf andere missbraucht.",
            "A DNS server (name lookup) answers queries from the whole internet and is misused for overload attacks on others.",
        ),
        "scan_ntp" => pick(
            "Ein Zeitserver (NTP) antwortet aus dem Internet und nennt seine Version.",
            "A time server (NTP) answers from the internet and tells its version.",
        ),
        "scan_ntpmonitor" => pick(
            "Ein Zeitserver beantwortet die Abfrage „monlist“ und verstärkt so Überlastungsangriffe um ein Vielfaches.",
            "A time server answers the \"monlist\" query and so amplifies overload attacks many times over.",
        ),
        "scan_snmp" => pick(
            "Ein Gerät (oft Router oder Drucker) gibt über SNMP mit dem Standard-Kennwort „public“ Auskunft über sich.",
            "A device (often a router or printer) tells about itself over SNMP with the default password \"public\".",
        ),
        "scan_ssdp" => pick(
            "Der UPnP-Dienst (meist des Routers) antwortet aus dem Internet.",
            "The UPnP service (usually the router's) answers from the internet.",
        ),
        "scan_portmapper" => pick(
            "Ein Linux-Server oder Netzwerkspeicher listet über den Portmapper seine Dienste auf.",
            "A Linux server or network storage lists its services through the portmapper.",
        ),
        "scan_ldap_udp" => pick(
            "Ein Verzeichnisdienst, meist der Windows-Domänencontroller, antwortet über UDP (CLDAP) und verstärkt Überlastungsangriffe.",
            "A directory service, usually the Windows domain controller, answers over UDP (CLDAP) and amplifies overload attacks.",
        ),
        "scan_ldap_tcp" => pick(
            "Ein Verzeichnisdienst, meist der Windows-Domänencontroller, ist über LDAP aus dem Internet erreichbar.",
            "A directory service, usually the Windows domain controller, can be reached over LDAP from the internet.",
        ),
        "scan_mssql" => pick(
            "Der Suchdienst eines Microsoft-SQL-Servers nennt Datenbanken, Versionen und Ports.",
            "The browser service of a Microsoft SQL Server names databases, versions and ports.",
        ),
        "scan_netbios" => pick(
            "Der Windows-Namensdienst NetBIOS nennt Rechner- und Arbeitsgruppennamen ins Internet.",
            "The Windows name service NetBIOS tells computer and workgroup names to the internet.",
        ),
        "scan_mdns" => pick(
            "Die Gerätesuche mDNS (Bonjour) von Druckern, Netzwerkspeichern oder Rechnern antwortet aus dem Internet.",
            "The device discovery mDNS (Bonjour) of printers, network storage or computers answers from the internet.",
        ),
        "scan_ws_discovery" => pick(
            "Die Gerätesuche WS-Discovery von Druckern, Scannern oder Kameras antwortet aus dem Internet.",
            "The device discovery WS-Discovery of printers, scanners or cameras answers from the internet.",
        ),
        "scan_sip" => pick(
            "Eine Telefonanlage oder ein Telefon (SIP) antwortet aus dem Internet.",
            "A phone system or phone (SIP) answers from the internet.",
        ),
        "scan_exchange" => pick(
            "Ein Exchange-Server mit bekannten Lücken oder ohne Sicherheitsupdates ist erreichbar.",
            "An Exchange server with known holes or without security updates can be reached.",
        ),
        "scan_smb" => pick(
            "Windows-Dateifreigaben (SMB, Port 445) sind aus dem Internet erreichbar.",
            "Windows file sharing (SMB, port 445) can be reached from the internet.",
        ),
        "scan_rdp" => pick(
            "Der Fernzugriff auf einen Windows-Rechner (Remote Desktop) ist erreichbar.",
            "Remote login to a Windows computer (Remote Desktop) can be reached.",
        ),
        "scan_vnc" => pick(
            "Eine Bildschirm-Fernsteuerung (VNC) ist erreichbar.",
            "Remote screen control (VNC) can be reached.",
        ),
        "scan_telnet" => pick(
            "Eine unverschlüsselte Fernanmeldung (Telnet) an einem Gerät ist erreichbar.",
            "An unencrypted remote login (Telnet) to a device can be reached.",
        ),
        "scan_ssh" => pick(
            "Ein SSH-Fernzugang ist erreichbar; das kann gewollt sein.",
            "SSH remote access can be reached; that may be intended.",
        ),
        "scan_ftp" => pick(
            "Ein FTP-Server zur Dateiübertragung ist erreichbar.",
            "An FTP server for file transfer can be reached.",
        ),
        "scan_mysql" => pick(
            "Ein MySQL- oder MariaDB-Datenbankserver ist erreichbar.",
            "A MySQL or MariaDB database server can be reached.",
        ),
        "scan_postgres" => pick(
            "Ein PostgreSQL-Datenbankserver ist erreichbar.",
            "A PostgreSQL database server can be reached.",
        ),
        "scan_ipp" => pick(
            "Ein Drucker oder Druckserver (IPP) ist erreichbar.",
            "A printer or print server (IPP) can be reached.",
        ),
        "scan_http" => pick(
            "Ein Webserver antwortet (zur Information; oft gewollt).",
            "A web server answers (for information; often intended).",
        ),
        "scan_ssl" => pick(
            "Ein verschlüsselter Dienst (TLS) antwortet (zur Information; oft gewollt).",
            "An encrypted service (TLS) answers (for information; often intended).",
        ),
        _ => "",
    }
}

/// Every report name with what it means, in the order the page lists them.
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) fn report_list(lang: Lang) -> Vec<(&'static str, &'static str)> {
    REPORTS.iter().map(|r| (r.name, meaning(r, lang))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{FindingId, Severity};

    #[test]
    fn every_report_has_a_meaning_in_both_languages() {
        let (de, en) = (report_list(Lang::De), report_list(Lang::En));
        assert_eq!(de.len(), REPORTS.len());
        for ((name, d), (_, e)) in de.iter().zip(&en) {
            assert!(!d.is_empty() && !e.is_empty(), "{name}: no meaning");
            assert_ne!(d, e, "{name}: not translated");
        }
        for t in [report_texts(Lang::De), report_texts(Lang::En)] {
            for s in [t.heading, t.intro, t.list_label, t.check_intro, t.button] {
                assert!(!s.trim().is_empty());
            }
        }
        assert!(report_texts(Lang::De).heading.contains("CERT-Bund"));
    }

    #[test]
    fn the_line_quotes_each_name() {
        let mut f = Finding::new(FindingId::DatabaseExposed, Severity::Critical, vec![3306]);
        assert_eq!(reports_line(&f, Lang::De), None);
        f.reports = vec!["Open SNMP".into()];
        assert_eq!(
            reports_line(&f, Lang::De).as_deref(),
            Some("In Meldungen von CERT-Bund/Shadowserver: „Open SNMP“")
        );
        f.reports.push("Accessible SIP".into());
        assert_eq!(
            reports_line(&f, Lang::En).as_deref(),
            Some("In CERT-Bund/Shadowserver reports: “Open SNMP”, “Accessible SIP”")
        );
    }
}
