//! The findings of the services network operators report (CERT-Bund passes
//! on Shadowserver's daily scans): most answer over UDP and are abused to
//! flood others by reflection, or tell strangers the names of devices and
//! computers. Each text says what the service is, what an attacker or a
//! flood abuser does with it, what to do on the router and, as the device
//! step, on the device. German first.

use crate::api::FindingId;
use crate::texts::Lang;

/// One finding's texts: title (with `{ports}`), what, attacker, urgency.
pub(super) type Texts = [&'static str; 4];

/// What to do first on the router, for every UDP service below (German).
const ROUTER_DE: &str = "Im Router die Weiterleitung dieses Ports entfernen oder den „Exposed Host“ (DMZ) abschalten und UPnP ausschalten, damit kein Gerät sich selbst eine Freigabe einrichtet. Antwortet der Router selbst, den Dienst für die Internetseite abschalten.";
/// The same in English.
const ROUTER_EN: &str = "In the router, remove the forwarding of this port or switch off the \"exposed host\" (DMZ), and turn UPnP off so no device opens a forwarding by itself. If the router answers itself, switch the service off for the internet side.";

/// The texts of a reported finding; `None` for other findings.
pub(super) fn texts(id: FindingId, lang: Lang) -> Option<Texts> {
    use FindingId::*;
    let de = lang == Lang::De;
    Some(match (id, de) {
        (DnsOpenResolver, true) => [
            "Offener DNS-Resolver (UDP-Port {ports}) beantwortet Anfragen aus dem ganzen Internet",
            "Auf Port {ports} beantwortet ein DNS-Server Namensanfragen für beliebige Adressen, auch von Fremden aus dem Internet. DNS übersetzt Namen wie praxis.de in Adressen; ein solcher Dienst ist nur für das eigene Netz gedacht.",
            "Angreifer schicken kleine Anfragen mit gefälschtem Absender und lassen die viel größeren Antworten auf ein Opfer prasseln (Reflexionsangriff). Ihre Leitung wird dabei mitbenutzt und kann überlastet werden; Provider sperren solche Anschlüsse mitunter.",
            "Bald, in den nächsten Tagen.",
        ],
        (DnsOpenResolver, false) => [
            "Open DNS resolver (UDP port {ports}) answers queries from the whole internet",
            "A DNS server on port {ports} answers name queries for any address, from strangers on the internet too. DNS turns names like practice.com into addresses; such a service is meant for your own network only.",
            "Attackers send small queries with a forged sender and let the much larger answers rain down on a victim (reflection attack). Your line is used for it and can be overloaded; providers sometimes block such connections.",
            "Soon, within days.",
        ],
        (NtpExposed, true) => [
            "Zeitserver (NTP, UDP-Port {ports}) antwortet aus dem Internet",
            "Auf Port {ports} antwortet ein Zeitserver (NTP) auf Anfragen von außen und nennt dabei seine Version. Geräte im Netz stellen darüber ihre Uhr; von außen muss er nicht erreichbar sein.",
            "Ein offener Zeitserver lässt sich für Überlastungsangriffe auf andere missbrauchen, vor allem ältere Server mit ihren Status-Abfragen. Die Antwort verrät außerdem Software und Version.",
            "Bald, in den nächsten Tagen.",
        ],
        (NtpExposed, false) => [
            "Time server (NTP, UDP port {ports}) answers from the internet",
            "A time server (NTP) on port {ports} answers queries from outside and tells its version. Devices on the network set their clocks through it; it need not be reachable from outside.",
            "An open time server can be misused for overload attacks on others, older servers above all through their status queries. The answer also gives away software and version.",
            "Soon, within days.",
        ],
        (NtpMonlist, true) => [
            "Zeitserver (NTP, UDP-Port {ports}) beantwortet die Abfrage „monlist“",
            "Der Zeitserver auf Port {ports} beantwortet die alte Abfrage „monlist“: Er schickt die Liste der Adressen zurück, die zuletzt mit ihm gesprochen haben.",
            "Auf eine kleine Anfrage schickt der Server eine Antwort, die ein Vielfaches größer ist – bei monlist ein Verstärker für Überlastungsangriffe, den Angreifer mit gefälschtem Absender gegen andere richten. Die Liste verrät zudem, welche Geräte den Server nutzen.",
            "Bald, in den nächsten Tagen.",
        ],
        (NtpMonlist, false) => [
            "Time server (NTP, UDP port {ports}) answers the \"monlist\" query",
            "The time server on port {ports} answers the old \"monlist\" query: it sends back the list of addresses that talked to it last.",
            "For a small query the server sends an answer many times larger – with monlist an amplifier for overload attacks that attackers aim at others with a forged sender. The list also shows which devices use the server.",
            "Soon, within days.",
        ],
        (SnmpPublic, true) => [
            "Geräteverwaltung SNMP (UDP-Port {ports}) antwortet mit dem Standard-Kennwort „public“",
            "Auf Port {ports} antwortet ein SNMP-Dienst auf das allgemein bekannte Kennwort „public“ und beschreibt das Gerät. Über SNMP lesen Verwaltungsprogramme Zustand und Einstellungen von Routern, Druckern und Servern.",
            "Jeder kann damit Gerätetyp, Software und oft Netzwerkeinstellungen auslesen, die einen Angriff vorbereiten helfen. Außerdem missbrauchen Angreifer solche Dienste für Überlastungsangriffe auf andere.",
            "Sofort. Lassen Sie die Freigabe noch heute entfernen.",
        ],
        (SnmpPublic, false) => [
            "Device management SNMP (UDP port {ports}) answers to the default password \"public\"",
            "An SNMP service on port {ports} answers to the well-known password \"public\" and describes the device. Management programs use SNMP to read the state and settings of routers, printers and servers.",
            "Anyone can read the device type, software and often network settings that help prepare an attack. Attackers also misuse such services for overload attacks on others.",
            "Right now. Have the forwarding removed today.",
        ],
        (NetbiosNsExposed, true) => [
            "Windows-Namensdienst NetBIOS (UDP-Port {ports}) nennt Rechnernamen ins Internet",
            "Auf Port {ports} antwortet der NetBIOS-Namensdienst und nennt Rechner- und Arbeitsgruppennamen, oft auch die Hardware-Adresse. Windows-Rechner und Netzwerkspeicher finden sich darüber im eigenen Netz.",
            "Die Namen verraten Angreifern, welche Rechner und welche Domäne hinter dem Anschluss stehen – oft auch, dass Windows-Dateifreigaben in Reichweite sind. Außerdem missbrauchen Angreifer den Dienst für Überlastungsangriffe auf andere.",
            "Sofort. Lassen Sie die Freigabe noch heute entfernen.",
        ],
        (NetbiosNsExposed, false) => [
            "Windows name service NetBIOS (UDP port {ports}) tells computer names to the internet",
            "The NetBIOS name service answers on port {ports} with computer and workgroup names, often with the hardware address too. Windows computers and network storage find each other through it on your own network.",
            "The names tell attackers which computers and which domain are behind the connection – often also that Windows file sharing is within reach. Attackers also misuse the service for overload attacks on others.",
            "Right now. Have the forwarding removed today.",
        ],
        (MdnsExposed, true) => [
            "Gerätesuche mDNS/Bonjour (UDP-Port {ports}) antwortet aus dem Internet",
            "Auf Port {ports} antwortet ein mDNS-Dienst (Bonjour). Damit kündigen Drucker, Netzwerkspeicher, Rechner und Telefone im eigenen Netz ihre Dienste an; von außen darf er nicht antworten.",
            "Die Antwort verrät Gerätenamen und angebotene Dienste. Außerdem missbrauchen Angreifer solche Dienste für Überlastungsangriffe auf andere.",
            "Bald, in den nächsten Tagen.",
        ],
        (MdnsExposed, false) => [
            "Device discovery mDNS/Bonjour (UDP port {ports}) answers from the internet",
            "An mDNS service (Bonjour) answers on port {ports}. Printers, network storage, computers and phones announce their services through it on your own network; it must not answer from outside.",
            "The answer gives away device names and the services offered. Attackers also misuse such services for overload attacks on others.",
            "Soon, within days.",
        ],
        (WsDiscoveryExposed, true) => [
            "Gerätesuche WS-Discovery (UDP-Port {ports}) antwortet aus dem Internet",
            "Auf Port {ports} antwortet WS-Discovery. Darüber finden Windows-Rechner Drucker, Scanner und Kameras im eigenen Netz; von außen darf es nicht antworten.",
            "Die Antwort verrät, welche Geräte dahinter stehen. Vor allem aber missbrauchen Angreifer WS-Discovery für Überlastungsangriffe: Auf eine kleine Anfrage kommt eine um ein Vielfaches größere Antwort an ein Opfer.",
            "Bald, in den nächsten Tagen.",
        ],
        (WsDiscoveryExposed, false) => [
            "Device discovery WS-Discovery (UDP port {ports}) answers from the internet",
            "WS-Discovery answers on port {ports}. Windows computers use it to find printers, scanners and cameras on your own network; it must not answer from outside.",
            "The answer tells which devices are behind it. Above all, attackers misuse WS-Discovery for overload attacks: a small query brings an answer many times larger to a victim.",
            "Soon, within days.",
        ],
        (MssqlBrowserExposed, true) => [
            "SQL-Server-Suchdienst (UDP-Port {ports}) nennt Datenbanken ins Internet",
            "Auf Port {ports} antwortet der Suchdienst von Microsoft SQL Server (SQL Browser) und listet die Datenbank-Instanzen mit Namen, Version und Port. In solchen Datenbanken speichern Praxisprogramme oft ihre Daten.",
            "Angreifer erfahren, wo die Datenbank läuft und in welcher Version, und greifen sie gezielt an. Außerdem missbrauchen sie den Dienst für Überlastungsangriffe auf andere.",
            "Sofort. Lassen Sie die Freigabe noch heute entfernen.",
        ],
        (MssqlBrowserExposed, false) => [
            "SQL Server browser service (UDP port {ports}) tells databases to the internet",
            "The browser service of Microsoft SQL Server (SQL Browser) answers on port {ports} and lists the database instances with name, version and port. Practice software often keeps its data in such databases.",
            "Attackers learn where the database runs and in which version, and attack it directly. They also misuse the service for overload attacks on others.",
            "Right now. Have the forwarding removed today.",
        ],
        (SipExposed, true) => [
            "Telefonanlage (SIP, UDP-Port {ports}) antwortet aus dem Internet",
            "Auf Port {ports} antwortet ein SIP-Dienst, meist eine Telefonanlage oder ein Telefon, und nennt oft Hersteller und Version. Über SIP bauen Telefone ihre Gespräche auf.",
            "Angreifer probieren an erreichbaren Telefonanlagen automatisch Nebenstellen und Passwörter durch und telefonieren dann auf Kosten der Praxis zu teuren Sondernummern. Außerdem missbrauchen sie SIP für Überlastungsangriffe.",
            "Sofort. Lassen Sie die Freigabe noch heute entfernen und fragen Sie Ihren Telefonanbieter, welche Verbindungen die Anlage wirklich braucht.",
        ],
        (SipExposed, false) => [
            "Phone system (SIP, UDP port {ports}) answers from the internet",
            "A SIP service answers on port {ports}, usually a phone system or a phone, often naming maker and version. Phones set up their calls through SIP.",
            "Attackers try extensions and passwords on reachable phone systems automatically and then call expensive premium numbers at the practice's cost. They also misuse SIP for overload attacks.",
            "Right now. Have the forwarding removed today and ask your phone provider which connections the system really needs.",
        ],
        (PortmapperExposed, true) => [
            "RPC-Portmapper (Port {ports}) nennt Netzwerkdienste ins Internet",
            "Auf Port {ports} antwortet der Portmapper (rpcbind) und listet die Dienste des Geräts, etwa Netzwerk-Dateifreigaben (NFS). Er läuft oft auf Linux-Servern und Netzwerkspeichern (NAS).",
            "Angreifer erfahren, welche Dienste und Freigaben es gibt, und greifen sie gezielt an. Über UDP missbrauchen sie den Portmapper außerdem für Überlastungsangriffe auf andere.",
            "Bald, in den nächsten Tagen.",
        ],
        (PortmapperExposed, false) => [
            "RPC portmapper (port {ports}) tells network services to the internet",
            "The portmapper (rpcbind) answers on port {ports} and lists the device's services, such as network file shares (NFS). It often runs on Linux servers and network storage (NAS).",
            "Attackers learn which services and shares exist and attack them directly. Over UDP they also misuse the portmapper for overload attacks on others.",
            "Soon, within days.",
        ],
        (LdapExposed, true) => [
            "Verzeichnisdienst LDAP (Port {ports}) ist aus dem Internet erreichbar, meist ein Windows-Domänencontroller",
            "Auf Port {ports} beantwortet ein LDAP-Verzeichnisdienst eine Anfrage ohne Anmeldung und nennt dabei die Domäne. Im Windows-Netz ist das der Domänencontroller, der alle Benutzerkonten verwaltet. Er gehört nie ins Internet.",
            "Angreifer lesen die Domäne aus, probieren Benutzernamen und Passwörter durch und nutzen Lücken. Wer den Domänencontroller übernimmt, beherrscht alle Rechner und Konten im Netz.",
            "Sofort. Lassen Sie die Weiterleitung noch heute entfernen und die Anmeldungen der letzten Zeit auf Auffälliges prüfen.",
        ],
        (LdapExposed, false) => [
            "Directory service LDAP (port {ports}) can be reached from the internet, usually a Windows domain controller",
            "An LDAP directory service on port {ports} answers a query without logging in and names the domain. On a Windows network this is the domain controller, which manages all user accounts. It never belongs on the internet.",
            "Attackers read out the domain, try user names and passwords and exploit holes. Whoever takes over the domain controller controls every computer and account in the network.",
            "Right now. Have the forwarding removed today and have recent logons checked for anything unusual.",
        ],
        (CldapExposed, true) => [
            "Verzeichnisdienst CLDAP (UDP-Port {ports}) antwortet aus dem Internet, meist ein Windows-Domänencontroller",
            "Auf Port {ports} beantwortet ein Verzeichnisdienst Anfragen über UDP (CLDAP). Das tut im Windows-Netz der Domänencontroller, der alle Benutzerkonten verwaltet. Er gehört nie ins Internet.",
            "Angreifer missbrauchen CLDAP für Überlastungsangriffe: Auf eine kleine Anfrage kommt eine um ein Vielfaches größere Antwort an ein Opfer. Die Antwort verrät außerdem die Domäne, und der Domänencontroller selbst ist ein Ziel.",
            "Sofort. Lassen Sie die Weiterleitung noch heute entfernen.",
        ],
        (CldapExposed, false) => [
            "Directory service CLDAP (UDP port {ports}) answers from the internet, usually a Windows domain controller",
            "A directory service on port {ports} answers queries over UDP (CLDAP). On a Windows network the domain controller does that, which manages all user accounts. It never belongs on the internet.",
            "Attackers misuse CLDAP for overload attacks: a small query brings an answer many times larger to a victim. The answer also gives away the domain, and the domain controller itself is a target.",
            "Right now. Have the forwarding removed today.",
        ],
        (ExchangeExposed, true) => [
            "Exchange-Server (Outlook im Web, Port {ports}) ist aus dem Internet erreichbar",
            "Auf Port {ports} antwortet die Web-Anmeldung eines Microsoft-Exchange-Servers (Outlook im Web). Das kann gewollt sein, etwa für E-Mail von unterwegs.",
            "Exchange-Server sind ein bevorzugtes Ziel: Über Lücken wie ProxyLogon (2021) drangen Angreifer tausendfach ohne Passwort ein, kurz nachdem sie bekannt wurden. Außerdem probieren sie an der Anmeldeseite Passwörter durch.",
            "Bald. Klären Sie mit Ihrem IT-Dienstleister, ob der Zugang aus dem Internet gebraucht wird; wenn ja, jedes Sicherheitsupdate sofort einspielen.",
        ],
        (ExchangeExposed, false) => [
            "Exchange server (Outlook on the web, port {ports}) can be reached from the internet",
            "The web login of a Microsoft Exchange server (Outlook on the web) answers on port {ports}. That may be intended, for example for e-mail on the road.",
            "Exchange servers are a favourite target: through holes like ProxyLogon (2021) attackers broke in by the thousands without a password, shortly after they became known. They also try passwords on the login page.",
            "Soon. Ask your IT service provider whether access from the internet is needed; if so, install every security update right away.",
        ],
        (ExchangeUnsupported, true) => [
            "Exchange-Server ohne Sicherheitsupdates (Port {ports})",
            "Der Exchange-Server auf Port {ports} meldet eine Version, für die Microsoft keine Sicherheitsupdates mehr liefert. Neue Lücken werden dort nicht mehr geschlossen.",
            "Werden Lücken bekannt, bleibt dieser Server offen. Angreifer suchen gezielt nach solchen Servern, lesen E-Mails mit und gelangen von dort ins Praxisnetz.",
            "Sofort. Den Server vom Internet trennen und auf eine unterstützte Version umstellen oder die E-Mail zu einem Anbieter verlegen.",
        ],
        (ExchangeUnsupported, false) => [
            "Exchange server without security updates (port {ports})",
            "The Exchange server on port {ports} reports a version for which Microsoft no longer ships security updates. New holes are no longer fixed there.",
            "When holes become known, this server stays open. Attackers search for such servers, read e-mail and get into the practice network from there.",
            "Right now. Take the server off the internet and move to a supported version, or move e-mail to a provider.",
        ],
        _ => return None,
    })
}

/// What to do on the device for a reported finding, after the router step
/// every UDP service shares; `None` for other findings.
pub(super) fn device_step(id: FindingId, lang: Lang) -> Option<&'static str> {
    use FindingId::*;
    let de = lang == Lang::De;
    Some(match (id, de) {
        (DnsOpenResolver, true) => {
            "DNS: im Router oder DNS-Server Anfragen nur aus dem eigenen Netz beantworten lassen (bei dnsmasq, unbound oder BIND: nur auf der internen Schnittstelle lauschen bzw. Rekursion auf das lokale Netz beschränken)."
        }
        (DnsOpenResolver, false) => {
            "DNS: let the router or DNS server answer queries from your own network only (dnsmasq, unbound or BIND: listen on the internal interface only or limit recursion to the local network)."
        }
        (NtpExposed | NtpMonlist, true) => {
            "NTP: den Zeitserver aktualisieren und nur für das eigene Netz freigeben; bei ntpd „restrict default noquery“ setzen, das schaltet auch monlist ab."
        }
        (NtpExposed | NtpMonlist, false) => {
            "NTP: update the time server and open it to your own network only; with ntpd set \"restrict default noquery\", which also turns monlist off."
        }
        (SnmpPublic, true) => {
            "SNMP: am Gerät SNMP abschalten, wenn niemand es nutzt; sonst das Kennwort „public“ durch ein eigenes ersetzen, auf SNMPv3 umstellen und nur die Verwaltungsrechner im eigenen Netz zulassen."
        }
        (SnmpPublic, false) => {
            "SNMP: switch SNMP off on the device if nobody uses it; otherwise replace the password \"public\" with your own, move to SNMPv3 and allow only the management computers on your own network."
        }
        (NetbiosNsExposed, true) => {
            "NetBIOS-Namensdienst: die Weiterleitung der Ports 137 bis 139 entfernen und in der Windows-Firewall „Datei- und Druckerfreigabe“ auf das lokale Netz beschränken; wo NetBIOS nicht gebraucht wird, es in den Netzwerkeinstellungen abschalten."
        }
        (NetbiosNsExposed, false) => {
            "NetBIOS name service: remove the forwarding of ports 137 to 139 and limit \"File and Printer Sharing\" in the Windows firewall to the local subnet; where NetBIOS is not needed, switch it off in the network settings."
        }
        (MdnsExposed, true) => {
            "mDNS: am Gerät (Drucker, NAS, Rechner) Bonjour/mDNS auf das lokale Netz beschränken oder abschalten, wenn niemand Geräte darüber sucht."
        }
        (MdnsExposed, false) => {
            "mDNS: limit Bonjour/mDNS on the device (printer, NAS, computer) to the local network, or switch it off if nobody finds devices through it."
        }
        (WsDiscoveryExposed, true) => {
            "WS-Discovery: am Drucker, Scanner oder an der Kamera WS-Discovery (oft „WSD“) abschalten oder die Firmware aktualisieren; in der Windows-Firewall die Netzwerkerkennung nur im privaten Netz erlauben."
        }
        (WsDiscoveryExposed, false) => {
            "WS-Discovery: switch WS-Discovery (often \"WSD\") off on the printer, scanner or camera or update its firmware; in the Windows firewall allow network discovery on private networks only."
        }
        (MssqlBrowserExposed, true) => {
            "SQL Browser: die Weiterleitung von UDP 1434 (und TCP 1433) entfernen, den Dienst „SQL Server-Browser“ beenden, wenn feste Ports genutzt werden, und in der Windows-Firewall nur das lokale Netz zulassen."
        }
        (MssqlBrowserExposed, false) => {
            "SQL Browser: remove the forwarding of UDP 1434 (and TCP 1433), stop the \"SQL Server Browser\" service where fixed ports are used, and allow only the local network in the Windows firewall."
        }
        (SipExposed, true) => {
            "Telefonanlage: im Router keine Weiterleitung für SIP einrichten (die Anlage meldet sich selbst beim Anbieter an), lange Passwörter für alle Nebenstellen setzen, Auslandsgespräche und Sondernummern sperren und die Firmware aktualisieren."
        }
        (SipExposed, false) => {
            "Phone system: set up no forwarding for SIP in the router (the system registers with the provider by itself), set long passwords for every extension, block international and premium numbers and update the firmware."
        }
        (PortmapperExposed, true) => {
            "Portmapper: auf dem Server oder NAS rpcbind und NFS nur auf der internen Schnittstelle anbieten oder abschalten, wenn niemand NFS nutzt."
        }
        (PortmapperExposed, false) => {
            "Portmapper: on the server or NAS offer rpcbind and NFS on the internal interface only, or switch them off if nobody uses NFS."
        }
        (LdapExposed | CldapExposed, true) => {
            "Domänencontroller: die Weiterleitung von Port 389 (TCP und UDP) und jeden „Exposed Host“ auf den Server entfernen; ein Domänencontroller gehört nur ins eigene Netz, Zugriff von außen nur über ein VPN."
        }
        (LdapExposed | CldapExposed, false) => {
            "Domain controller: remove the forwarding of port 389 (TCP and UDP) and any \"exposed host\" pointing at the server; a domain controller belongs on your own network only, access from outside through a VPN only."
        }
        (ExchangeExposed | ExchangeUnsupported, true) => {
            "Exchange: die aktuellen Sicherheitsupdates von Microsoft einspielen; eine Version ohne Updates ersetzen. Braucht niemand Outlook im Web von außen, die Weiterleitung entfernen und E-Mail unterwegs über ein VPN abrufen."
        }
        (ExchangeExposed | ExchangeUnsupported, false) => {
            "Exchange: install Microsoft's current security updates; replace a version without updates. If nobody needs Outlook on the web from outside, remove the forwarding and read e-mail on the road through a VPN."
        }
        _ => return None,
    })
}

/// The router step of a reported finding over UDP, `None` for the rest
/// (TCP services: their urgency says what to do on the router).
pub(super) fn router_step(id: FindingId, lang: Lang) -> Option<&'static str> {
    use FindingId::*;
    match id {
        DnsOpenResolver | NtpExposed | NtpMonlist | SnmpPublic | NetbiosNsExposed | MdnsExposed
        | WsDiscoveryExposed | MssqlBrowserExposed | SipExposed | PortmapperExposed
        | CldapExposed => Some(match lang {
            Lang::De => ROUTER_DE,
            Lang::En => ROUTER_EN,
        }),
        _ => None,
    }
}
