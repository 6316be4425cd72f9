//! The practice check's ports: the doors besides the forwarded ranges that
//! small offices leave open, grouped by kind of service, each with why it
//! is on the list.

use super::{Group, PlannedPort, Service};

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

/// The practice plan's groups, in the order the page shows them.
pub(super) fn groups() -> Vec<Group> {
    [
        ("remote-access", REMOTE_ACCESS),
        ("file-sharing", FILE_SHARING),
        ("databases", DATABASES),
        ("printers", PRINTERS),
        ("web-admin", WEB_ADMIN),
    ]
    .into_iter()
    .map(|(name, doors)| Group {
        name: name.to_owned(),
        ports: doors
            .iter()
            .map(|&(port, first)| PlannedPort::new(port, first))
            .collect(),
        control: Vec::new(),
    })
    .collect()
}
