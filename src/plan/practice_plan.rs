//! The practice check's ports: the doors besides the forwarded ranges that
//! small offices leave open, grouped by kind of service, each with why it
//! is on the list. Most groups are TCP doors; the services network
//! operators report to practices (CERT-Bund passing on Shadowserver's
//! scans) are mostly UDP, and so are their groups.

use super::{Group, PlannedPort, Service, Transport};

/// One door: its port and what identification tries first there.
type Door = (u16, Service);

/// Remote access. RDP (3389) forwarded for home office or remote
/// maintenance is how ransomware got into a practice in a case KV Nordrhein
/// warned of in 2018, and Virchowbund lists it among common practice IT
/// mistakes; identification recognises RDP on any open port, because
/// CERT.at saw RDP scanning aimed mostly at other ports than 3389 (2024).
/// VNC (5900, 5901 for display :1) is often run without a password;
/// Shadowserver reports accessible VNC servers daily. SSH (22) is the
/// administrator's door; Telnet (23) is the same door unencrypted, counted
/// in Rapid7's NICER 2020 at over 20,000 hosts in Germany.
const REMOTE_ACCESS: &[Door] = &[
    (22, Service::Ssh),
    (23, Service::Telnet),
    (3389, Service::Rdp),
    (5900, Service::Vnc),
    (5901, Service::Vnc),
];

/// File sharing. SMB (445, and 139 over NetBIOS) is the door of the 2019
/// incident; FTP (21) sends passwords and files in clear text (Rapid7's
/// NICER 2020 counted hundreds of thousands of FTP servers in Germany).
const FILE_SHARING: &[Door] = &[
    (21, Service::Ftp),
    (139, Service::Netbios),
    (445, Service::Smb),
];

/// Databases: practice software keeps patient data in them; a database
/// server belongs on the internal network only. MS SQL Server (1433),
/// MySQL/MariaDB (3306; NICER 2020 counted about 200,000 in Germany),
/// PostgreSQL (5432).
const DATABASES: &[Door] = &[
    (1433, Service::Mssql),
    (3306, Service::Mysql),
    (5432, Service::Postgres),
];

/// Printers (IPP, 631): Shadowserver reports tens of thousands of printers
/// a day that show their names, locations and firmware to anyone.
const PRINTERS: &[Door] = &[(631, Service::Ipp)];

/// The common alternative ports of web servers and the administration
/// pages of routers, NAS and appliances.
const WEB_ADMIN: &[Door] = &[(8080, Service::Http), (8443, Service::Https)];

/// Directory services over TCP: the RPC portmapper (111) lists the RPC
/// programs of a Unix server or NAS; LDAP (389) answering an anonymous
/// root DSE read is usually a Windows domain controller.
const DIRECTORY: &[Door] = &[(111, Service::Portmapper), (389, Service::Ldap)];

/// UDP services abused to flood others by reflection (a small question, a
/// large answer sent to a forged sender): open DNS resolvers, the
/// portmapper, NTP (`monlist`), SNMP, connectionless LDAP, the SQL Server
/// resolution service, and UPnP's SSDP, which also lets anyone ask the
/// router for forwardings. Shadowserver reports each of them daily.
const REFLECTION: &[Door] = &[
    (53, Service::Dns),
    (111, Service::Portmapper),
    (123, Service::Ntp),
    (161, Service::Snmp),
    (389, Service::Ldap),
    (1434, Service::MssqlBrowser),
    (1900, Service::Ssdp),
];

/// UDP services that tell anyone the names of computers, devices and
/// their services: the NetBIOS name service, WS-Discovery (printers,
/// scanners) and multicast DNS answering from outside.
const NAME_SERVICES: &[Door] = &[
    (137, Service::NetbiosNs),
    (3702, Service::WsDiscovery),
    (5353, Service::Mdns),
];

/// A phone system's SIP port (UDP 5060), scanned for toll fraud.
const TELEPHONY: &[Door] = &[(5060, Service::Sip)];

/// The practice plan's groups, in the order the page shows them.
pub(super) fn groups() -> Vec<Group> {
    use Transport::{Tcp, Udp};
    [
        ("remote-access", Tcp, REMOTE_ACCESS),
        ("file-sharing", Tcp, FILE_SHARING),
        ("databases", Tcp, DATABASES),
        ("printers", Tcp, PRINTERS),
        ("web-admin", Tcp, WEB_ADMIN),
        ("directory", Tcp, DIRECTORY),
        ("reflection", Udp, REFLECTION),
        ("name-services", Udp, NAME_SERVICES),
        ("telephony", Udp, TELEPHONY),
    ]
    .into_iter()
    .map(|(name, transport, doors)| Group {
        name: name.to_owned(),
        ports: doors
            .iter()
            .map(|&(port, first)| match transport {
                Tcp => PlannedPort::new(port, first),
                Udp => PlannedPort::udp(port, first),
            })
            .collect(),
        control: Vec::new(),
    })
    .collect()
}
