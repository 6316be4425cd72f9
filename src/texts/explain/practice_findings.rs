//! The practice check's findings in plain words: remote desktop, VNC,
//! databases, Telnet, FTP, printers, SSH, NetBIOS and the router's UPnP
//! service, each with what to do on the device itself. German first. The
//! services network operators report (DNS, NTP, SNMP, …) have their texts
//! in [`super::reported_findings`].

#[cfg(any(not(target_arch = "wasm32"), feature = "fixtures"))]
use super::reported_findings;
use crate::api::FindingId;
#[cfg(any(not(target_arch = "wasm32"), feature = "fixtures"))]
use crate::texts::Lang;

/// The findings of the practice check, in the order the page lists their
/// device steps: the most urgent first.
pub(crate) const PRACTICE_FINDINGS: [FindingId; 24] = [
    FindingId::RdpExposed,
    FindingId::VncNoAuth,
    FindingId::VncExposed,
    FindingId::DatabaseExposed,
    FindingId::TelnetExposed,
    FindingId::NetbiosExposed,
    FindingId::UpnpExposed,
    FindingId::ExchangeUnsupported,
    FindingId::ExchangeExposed,
    FindingId::LdapExposed,
    FindingId::CldapExposed,
    FindingId::SnmpPublic,
    FindingId::NetbiosNsExposed,
    FindingId::MssqlBrowserExposed,
    FindingId::SipExposed,
    FindingId::PrinterExposed,
    FindingId::DnsOpenResolver,
    FindingId::NtpMonlist,
    FindingId::NtpExposed,
    FindingId::PortmapperExposed,
    FindingId::MdnsExposed,
    FindingId::WsDiscoveryExposed,
    FindingId::FtpExposed,
    FindingId::SshExposed,
];

/// One finding's texts: title (with `{ports}`), what, attacker, urgency.
#[cfg(any(not(target_arch = "wasm32"), feature = "fixtures"))]
type Texts = [&'static str; 4];

/// The texts of a finding as this file and [`reported_findings`] hold them:
/// title (with `{ports}`), what, attacker, urgency, then the device step and
/// the router step.
#[cfg(any(not(target_arch = "wasm32"), feature = "fixtures"))]
pub(super) fn compiled(
    id: FindingId,
    lang: Lang,
) -> Option<(Texts, Option<&'static str>, Option<&'static str>)> {
    let texts = texts(id, lang).or_else(|| reported_findings::texts(id, lang))?;
    Some((
        texts,
        compiled_device_step(id, lang),
        reported_findings::router_step(id, lang),
    ))
}

#[cfg(any(not(target_arch = "wasm32"), feature = "fixtures"))]
fn texts(id: FindingId, lang: Lang) -> Option<Texts> {
    Some(match (id, lang) {
        (FindingId::RdpExposed, Lang::De) => [
            "Fernzugriff auf einen Windows-Rechner (Remote Desktop, Port {ports}) ist aus dem Internet erreichbar",
            "Auf Port {ports} antwortet Remote Desktop (RDP). Damit meldet man sich aus der Ferne an einem Windows-Rechner an und arbeitet darauf, als säße man davor. Oft wird RDP für Homeoffice oder die Fernwartung durch den IT-Dienstleister freigegeben.",
            "Angreifer suchen ständig automatisch nach erreichbarem RDP und probieren Passwörter durch oder nutzen Lücken aus. Offen erreichbare Fernzugänge wie RDP sind einer der häufigsten Wege, auf denen Erpressersoftware in Praxen und Firmen gelangt und Daten verschlüsselt.",
            "Sofort. Lassen Sie die Weiterleitung noch heute entfernen. Für Homeoffice und Fernwartung ein VPN nutzen statt einer Weiterleitung.",
        ],
        (FindingId::RdpExposed, Lang::En) => [
            "Remote login to a Windows computer (Remote Desktop, port {ports}) can be reached from the internet",
            "Remote Desktop (RDP) answers on port {ports}. It lets someone log in to a Windows computer from afar and work on it as if sitting in front of it. RDP is often opened for home office or for remote maintenance by the IT service provider.",
            "Attackers search for reachable RDP automatically all the time and try passwords or exploit holes. Remote access left open like this is one of the most common ways ransomware gets into practices and companies and encrypts their data.",
            "Right now. Have the forwarding removed today. Use a VPN instead of a forwarding for home office and remote maintenance.",
        ],
        (FindingId::VncNoAuth, Lang::De) => [
            "Bildschirm-Fernsteuerung (VNC, Port {ports}) ohne Passwort erreichbar",
            "Auf Port {ports} antwortet ein VNC-Server, und er verlangt kein Passwort. VNC zeigt den Bildschirm eines Rechners aus der Ferne und lässt ihn mit Maus und Tastatur steuern.",
            "Jeder im Internet kann den Bildschirm sehen und den Rechner bedienen – mit allem, was darauf geöffnet ist, etwa der Praxissoftware mit Patientendaten. Dafür braucht es kein Wissen und kein Passwort.",
            "Sofort. Den VNC-Server abschalten oder die Weiterleitung noch heute entfernen. Prüfen lassen, ob jemand ihn schon benutzt hat (siehe unten).",
        ],
        (FindingId::VncNoAuth, Lang::En) => [
            "Remote screen control (VNC, port {ports}) reachable without a password",
            "A VNC server answers on port {ports} and asks for no password. VNC shows a computer's screen from afar and lets someone control it with mouse and keyboard.",
            "Anyone on the internet can see the screen and use the computer – with everything open on it, such as the practice software with patient data. It takes no skill and no password.",
            "Right now. Switch the VNC server off or have the forwarding removed today. Have it checked whether someone has already used it (see below).",
        ],
        (FindingId::VncExposed, Lang::De) => [
            "Bildschirm-Fernsteuerung (VNC, Port {ports}) ist aus dem Internet erreichbar",
            "Auf Port {ports} antwortet ein VNC-Server. VNC zeigt den Bildschirm eines Rechners aus der Ferne und lässt ihn steuern. Er verlangt ein Passwort.",
            "Angreifer probieren an VNC-Servern automatisch Passwörter durch. Das klassische VNC-Passwort hat höchstens acht Zeichen. Wer es errät, sieht und bedient den Rechner.",
            "Sofort. Lassen Sie die Weiterleitung noch heute entfernen und nutzen Sie für den Fernzugriff ein VPN.",
        ],
        (FindingId::VncExposed, Lang::En) => [
            "Remote screen control (VNC, port {ports}) can be reached from the internet",
            "A VNC server answers on port {ports}. VNC shows a computer's screen from afar and lets someone control it. It asks for a password.",
            "Attackers try passwords on VNC servers automatically. The classic VNC password has at most eight characters. Whoever guesses it sees and uses the computer.",
            "Right now. Have the forwarding removed today and use a VPN for remote access.",
        ],
        (FindingId::DatabaseExposed, Lang::De) => [
            "Datenbank-Server (Port {ports}) ist aus dem Internet erreichbar",
            "Auf Port {ports} antwortet ein Datenbank-Server (MySQL/MariaDB, Microsoft SQL Server oder PostgreSQL). In solchen Datenbanken speichern Praxisprogramme oft ihre Daten, auch Patientendaten. Eine Datenbank gehört nur ins eigene Netz.",
            "Angreifer probieren an Datenbanken Standard-Passwörter und bekannte Lücken aus. Gelingt das, können sie alle Daten lesen, verändern oder löschen und Lösegeld verlangen.",
            "Sofort. Lassen Sie die Weiterleitung noch heute entfernen. Klären Sie, ob Daten abgeflossen sein könnten (siehe unten).",
        ],
        (FindingId::DatabaseExposed, Lang::En) => [
            "Database server (port {ports}) can be reached from the internet",
            "A database server (MySQL/MariaDB, Microsoft SQL Server or PostgreSQL) answers on port {ports}. Practice software often keeps its data in such databases, patient data included. A database belongs on your own network only.",
            "Attackers try default passwords and known holes on databases. If that works, they can read, change or delete all data and demand a ransom.",
            "Right now. Have the forwarding removed today. Find out whether data may have been taken (see below).",
        ],
        (FindingId::TelnetExposed, Lang::De) => [
            "Telnet-Anmeldung (Port {ports}) ist aus dem Internet erreichbar",
            "Auf Port {ports} antwortet Telnet, eine alte Art der Fernanmeldung an Geräten. Telnet verschlüsselt nichts: Benutzername, Passwort und alle Befehle gehen im Klartext über das Netz. Oft steckt ein Router, eine Kamera oder ein älteres Gerät dahinter.",
            "Angreifer probieren an Telnet automatisch Standard-Passwörter durch; ganze Botnetze übernehmen so Geräte. Wer sich anmeldet, steuert das Gerät und kann von dort ins Praxisnetz.",
            "Sofort. Telnet am Gerät abschalten und die Weiterleitung entfernen.",
        ],
        (FindingId::TelnetExposed, Lang::En) => [
            "Telnet login (port {ports}) can be reached from the internet",
            "Telnet answers on port {ports}, an old way of logging in to devices from afar. Telnet encrypts nothing: user name, password and every command cross the network in plain text. Often a router, a camera or an older device is behind it.",
            "Attackers try default passwords on Telnet automatically; whole botnets take over devices this way. Whoever logs in controls the device and can reach the practice network from there.",
            "Right now. Switch Telnet off on the device and remove the forwarding.",
        ],
        (FindingId::NetbiosExposed, Lang::De) => [
            "Windows-Dateifreigabe über NetBIOS (Port {ports}) ist aus dem Internet erreichbar",
            "Auf Port {ports} antwortet der NetBIOS-Sitzungsdienst. Über ihn laufen Windows-Dateifreigaben auf dem älteren Weg. Sie gehören nie ins Internet.",
            "Angreifer können Passwörter durchprobieren, offene Freigaben lesen oder verändern und Sicherheitslücken ausnutzen – wie bei Port 445.",
            "Sofort. Lassen Sie die Weiterleitung noch heute entfernen. Klären Sie, ob Daten abgeflossen sein könnten (siehe unten).",
        ],
        (FindingId::NetbiosExposed, Lang::En) => [
            "Windows file sharing over NetBIOS (port {ports}) can be reached from the internet",
            "The NetBIOS session service answers on port {ports}. Windows file shares use it as their older way in. They never belong on the internet.",
            "Attackers can try passwords, read or change open shares and exploit security holes – just as on port 445.",
            "Right now. Have the forwarding removed today. Find out whether data may have been taken (see below).",
        ],
        (FindingId::UpnpExposed, Lang::De) => [
            "Der UPnP-Dienst des Routers antwortet aus dem Internet (UDP-Port {ports})",
            "Auf eine UPnP-Suchanfrage an Ihre Adresse hat ein Gerät geantwortet. Mit UPnP richten Programme und Geräte im eigenen Netz selbst Weiterleitungen im Router ein. Von außen darf dieser Dienst nie antworten.",
            "Die Antwort verrät Angreifern Gerätetyp und Software. Bei manchen Routern lassen sich über einen von außen erreichbaren UPnP-Dienst sogar Weiterleitungen anlegen, also Türen ins Praxisnetz öffnen. Außerdem missbrauchen Angreifer solche Dienste für Überlastungsangriffe auf andere.",
            "Sofort. UPnP im Router abschalten und die Firmware aktualisieren. Hilft das nicht, den Hersteller oder Anbieter fragen.",
        ],
        (FindingId::UpnpExposed, Lang::En) => [
            "The router's UPnP service answers from the internet (UDP port {ports})",
            "A device answered a UPnP search sent to your address. With UPnP, programs and devices on your own network set up forwardings in the router by themselves. This service must never answer from outside.",
            "The answer tells attackers the device type and software. On some routers a UPnP service reachable from outside even lets anyone create forwardings, that is open doors into the practice network. Attackers also misuse such services for overload attacks on others.",
            "Right now. Turn UPnP off in the router and update its firmware. If that does not help, ask the maker or your provider.",
        ],
        (FindingId::FtpExposed, Lang::De) => [
            "Dateiübertragung per FTP (Port {ports}) ist aus dem Internet erreichbar",
            "Auf Port {ports} antwortet ein FTP-Server. Über FTP werden Dateien übertragen – meist unverschlüsselt, auch das Passwort. Oft steckt ein Netzwerkspeicher (NAS) oder ein Scanner dahinter.",
            "Wer mitliest, bekommt Passwort und Dateien. Angreifer probieren an FTP-Servern automatisch Passwörter und anonyme Anmeldung aus.",
            "Bald, in den nächsten Tagen. Die Weiterleitung entfernen; Dateien verschlüsselt austauschen oder über ein VPN.",
        ],
        (FindingId::FtpExposed, Lang::En) => [
            "File transfer by FTP (port {ports}) can be reached from the internet",
            "An FTP server answers on port {ports}. FTP transfers files – mostly unencrypted, the password included. Often a network storage (NAS) or a scanner is behind it.",
            "Whoever listens in gets the password and the files. Attackers try passwords and anonymous login on FTP servers automatically.",
            "Soon, within days. Remove the forwarding; exchange files encrypted or through a VPN.",
        ],
        (FindingId::PrinterExposed, Lang::De) => [
            "Drucker (IPP, Port {ports}) ist aus dem Internet erreichbar",
            "Auf Port {ports} antwortet der Druckdienst IPP, meist ein Drucker oder ein Druckserver.",
            "Jeder kann sehen, welcher Drucker das ist und welche Software er hat, und oft auch darauf drucken. Veraltete Drucker-Software hat bekannte Lücken, über die Angreifer ins Netz gelangen können.",
            "Sofort. Lassen Sie die Weiterleitung noch heute entfernen; ein Drucker gehört nur ins eigene Netz.",
        ],
        (FindingId::PrinterExposed, Lang::En) => [
            "Printer (IPP, port {ports}) can be reached from the internet",
            "The printing service IPP answers on port {ports}, usually a printer or a print server.",
            "Anyone can see which printer this is and what software it runs, and often print on it too. Outdated printer software has known holes attackers can use to get into the network.",
            "Right now. Have the forwarding removed today; a printer belongs on your own network only.",
        ],
        (FindingId::SshExposed, Lang::De) => [
            "SSH-Fernzugang (Port {ports}) ist aus dem Internet erreichbar",
            "Auf Port {ports} antwortet ein SSH-Server. Über SSH melden sich Administratoren verschlüsselt an Servern und Geräten an. Das kann gewollt sein.",
            "Angreifer probieren an SSH ständig automatisch Passwörter durch. Mit einem schwachen Passwort oder veralteter Software ist der Server schnell übernommen.",
            "Prüfen lassen. Klären Sie mit Ihrem IT-Dienstleister, ob dieser Zugang gebraucht wird; wenn ja, nur mit Schlüsseln statt Passwörtern.",
        ],
        (FindingId::SshExposed, Lang::En) => [
            "SSH remote access (port {ports}) can be reached from the internet",
            "An SSH server answers on port {ports}. Administrators use SSH to log in to servers and devices, encrypted. That may be intended.",
            "Attackers try passwords on SSH automatically all the time. With a weak password or outdated software the server is quickly taken over.",
            "Have it checked. Ask your IT service provider whether this access is needed; if so, only with keys instead of passwords.",
        ],
        _ => return None,
    })
}

#[cfg(any(not(target_arch = "wasm32"), feature = "fixtures"))]
fn compiled_device_step(id: FindingId, lang: Lang) -> Option<&'static str> {
    if let Some(step) = reported_findings::device_step(id, lang) {
        return Some(step);
    }
    Some(match (id, lang) {
        (FindingId::RdpExposed, Lang::De) => {
            "Remote Desktop: die Weiterleitung entfernen und den Zugang nur über ein VPN erlauben. Am Rechner die Netzwerkebenen-Authentifizierung (NLA) eingeschaltet lassen, Konten nach Fehlversuchen sperren und Windows aktuell halten. Fernwartung besser über eine Sitzung, die die Praxis selbst startet."
        }
        (FindingId::RdpExposed, Lang::En) => {
            "Remote Desktop: remove the forwarding and allow access through a VPN only. On the computer keep Network Level Authentication (NLA) on, lock accounts after failed attempts and keep Windows up to date. Remote maintenance is safer through a session the practice starts itself."
        }
        (FindingId::VncNoAuth | FindingId::VncExposed, Lang::De) => {
            "VNC: den VNC-Server abschalten, wenn er nicht gebraucht wird. Sonst ein langes Passwort setzen, die Weiterleitung entfernen und nur über ein VPN zugreifen."
        }
        (FindingId::VncNoAuth | FindingId::VncExposed, Lang::En) => {
            "VNC: switch the VNC server off if it is not needed. Otherwise set a long password, remove the forwarding and connect through a VPN only."
        }
        (FindingId::DatabaseExposed, Lang::De) => {
            "Datenbank: die Weiterleitung entfernen und den Server nur im eigenen Netz lauschen lassen (MySQL/MariaDB: bind-address; PostgreSQL: listen_addresses und pg_hba.conf; SQL Server: Windows-Firewall). Den Hersteller der Praxissoftware fragen, welche Zugriffe nötig sind."
        }
        (FindingId::DatabaseExposed, Lang::En) => {
            "Database: remove the forwarding and let the server listen on your own network only (MySQL/MariaDB: bind-address; PostgreSQL: listen_addresses and pg_hba.conf; SQL Server: Windows firewall). Ask the maker of the practice software which access is needed."
        }
        (FindingId::TelnetExposed, Lang::De) => {
            "Telnet: den Telnet-Dienst in den Einstellungen des Geräts abschalten und die Firmware aktualisieren. Für die Verwaltung im eigenen Netz SSH nutzen."
        }
        (FindingId::TelnetExposed, Lang::En) => {
            "Telnet: switch the Telnet service off in the device's settings and update its firmware. Use SSH for administration on your own network."
        }
        (FindingId::NetbiosExposed, Lang::De) => {
            "NetBIOS: die Weiterleitung von Port 139 (und 137, 138, 445) entfernen und die Windows-Firewall-Regel „Datei- und Druckerfreigabe“ auf das lokale Netz beschränken (siehe „Auf dem Server hinter dem Router“)."
        }
        (FindingId::NetbiosExposed, Lang::En) => {
            "NetBIOS: remove the forwarding of port 139 (and 137, 138, 445) and limit the Windows firewall rule \"File and Printer Sharing\" to the local subnet (see \"On the server behind the router\")."
        }
        (FindingId::UpnpExposed, Lang::De) => {
            "UPnP: im Router UPnP (und PCP) abschalten, die Firmware aktualisieren und die Liste der Weiterleitungen auf Einträge prüfen, die niemand bewusst angelegt hat."
        }
        (FindingId::UpnpExposed, Lang::En) => {
            "UPnP: turn UPnP (and PCP) off in the router, update its firmware and look through the forwarding list for entries nobody set up on purpose."
        }
        (FindingId::FtpExposed, Lang::De) => {
            "FTP: die Weiterleitung entfernen und den FTP-Dienst (etwa am Netzwerkspeicher) abschalten, wenn er nicht gebraucht wird. Dateien verschlüsselt austauschen, etwa per SFTP über ein VPN."
        }
        (FindingId::FtpExposed, Lang::En) => {
            "FTP: remove the forwarding and switch the FTP service off (on a network storage, for example) if it is not needed. Exchange files encrypted, for example by SFTP through a VPN."
        }
        (FindingId::PrinterExposed, Lang::De) => {
            "Drucker: die Weiterleitung entfernen, in den Einstellungen des Druckers den Zugriff auf das lokale Netz beschränken und die Firmware aktualisieren."
        }
        (FindingId::PrinterExposed, Lang::En) => {
            "Printer: remove the forwarding, limit access to the local network in the printer's settings and update its firmware."
        }
        (FindingId::SshExposed, Lang::De) => {
            "SSH: wenn der Zugang nicht gebraucht wird, die Weiterleitung entfernen. Sonst die Anmeldung mit Passwort abschalten (PasswordAuthentication no), nur Schlüssel erlauben und die Software aktuell halten – am besten nur über ein VPN."
        }
        (FindingId::SshExposed, Lang::En) => {
            "SSH: if the access is not needed, remove the forwarding. Otherwise turn password login off (PasswordAuthentication no), allow keys only and keep the software up to date – best through a VPN only."
        }
        _ => return None,
    })
}
