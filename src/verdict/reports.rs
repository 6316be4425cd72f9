//! The Shadowserver reports behind the findings: under which name a
//! finding appears in the daily reports that CERT-Bund (BSI) passes on to
//! German network operators and providers pass on to their customers, and
//! the severity Shadowserver gives that report by default, which the
//! finding's severity follows.
//!
//! Names and default severities are Shadowserver's, from the "Default
//! Severity Level by Report Type" table of `severity.md` in
//! github.com/The-Shadowserver-Foundation/report_schema (read at commit
//! 8e06fb9, 24 March 2026). Its levels map onto portcheck's:
//!
//! | Shadowserver | portcheck |
//! |---|---|
//! | critical, high | critical |
//! | medium | warning |
//! | low, info | notice |
//!
//! A finding is never less severe than its report maps to. It may be more
//! severe when portcheck knows more than the report's default covers; the
//! exceptions are listed in [`RAISED`], each with its reason, and a test
//! checks every rule's severity against this table.

use crate::api::{FindingId, PortDetails, Severity};
use crate::plan::Service;

/// Shadowserver's severity levels (`severity.md`, "Severity Levels").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShadowserverLevel {
    /// Actively exploited, very high likelihood of compromise.
    Critical,
    /// End-of-life systems, internal systems one can log into, some data
    /// leaked.
    High,
    /// Risk of taking part in DDoS, unencrypted logins, …
    Medium,
    /// Deviation from best practice.
    Low,
    /// Informational.
    Info,
}

impl ShadowserverLevel {
    /// The portcheck severity of a finding listed in a report of this level.
    pub(crate) fn severity(self) -> Severity {
        match self {
            ShadowserverLevel::Critical | ShadowserverLevel::High => Severity::Critical,
            ShadowserverLevel::Medium => Severity::Warning,
            ShadowserverLevel::Low | ShadowserverLevel::Info => Severity::Notice,
        }
    }
}

/// One Shadowserver report: its subject as the report's e-mail and CSV name
/// it, its report type and its default severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ShadowserverReport {
    /// The subject, e.g. `Open SNMP`: what a practice finds in the letter.
    pub name: &'static str,
    /// The report type, e.g. `scan_snmp`.
    pub kind: &'static str,
    /// The default severity.
    pub level: ShadowserverLevel,
}

const fn report(
    name: &'static str,
    kind: &'static str,
    level: ShadowserverLevel,
) -> ShadowserverReport {
    ShadowserverReport { name, kind, level }
}

use ShadowserverLevel::{Critical, High, Info, Low, Medium};

/// Accessible SMB Service: SMB on TCP 445.
pub(crate) const SMB: ShadowserverReport = report("Accessible SMB Service", "scan_smb", High);
/// Accessible RDP Report: Remote Desktop.
pub(crate) const RDP: ShadowserverReport = report("Accessible RDP Report", "scan_rdp", High);
/// Accessible VNC Service.
pub(crate) const VNC: ShadowserverReport = report("Accessible VNC Service", "scan_vnc", High);
/// Accessible MySQL Server.
pub(crate) const MYSQL: ShadowserverReport = report("Accessible MySQL Server", "scan_mysql", High);
/// Accessible PostgreSQL Server.
pub(crate) const POSTGRES: ShadowserverReport =
    report("Accessible PostgreSQL Server", "scan_postgres", High);
/// Accessible Telnet Service.
pub(crate) const TELNET: ShadowserverReport =
    report("Accessible Telnet Service", "scan_telnet", Medium);
/// Accessible FTP Service.
pub(crate) const FTP: ShadowserverReport = report("Accessible FTP Service", "scan_ftp", Medium);
/// Open IPP: printers.
pub(crate) const IPP: ShadowserverReport = report("Open IPP", "scan_ipp", High);
/// Accessible SSH.
pub(crate) const SSH: ShadowserverReport = report("Accessible SSH", "scan_ssh", Low);
/// Open SSDP: UPnP's search over UDP 1900.
pub(crate) const SSDP: ShadowserverReport = report("Open SSDP", "scan_ssdp", High);
/// Accessible HTTP: any web server (informational).
pub(crate) const HTTP: ShadowserverReport = report("Accessible HTTP", "scan_http", Info);
/// Accessible SSL: any TLS service (informational).
pub(crate) const SSL: ShadowserverReport = report("Accessible SSL", "scan_ssl", Info);
/// DNS Open Resolvers.
pub(crate) const DNS: ShadowserverReport = report("DNS Open Resolvers", "scan_dns", Medium);
/// NTP Version: an NTP server answering a version query.
pub(crate) const NTP: ShadowserverReport = report("NTP Version", "scan_ntp", Medium);
/// NTP Monitor: an NTP server answering `monlist`.
pub(crate) const NTP_MONITOR: ShadowserverReport = report("NTP Monitor", "scan_ntpmonitor", Medium);
/// Open SNMP: an agent answering the community `public`.
pub(crate) const SNMP: ShadowserverReport = report("Open SNMP", "scan_snmp", High);
/// Open Netbios: the NetBIOS name service on UDP 137.
pub(crate) const NETBIOS: ShadowserverReport = report("Open Netbios", "scan_netbios", High);
/// Open mDNS Report.
pub(crate) const MDNS: ShadowserverReport = report("Open mDNS Report", "scan_mdns", Medium);
/// Accessible WS-Discovery Service.
pub(crate) const WS_DISCOVERY: ShadowserverReport = report(
    "Accessible WS-Discovery Service",
    "scan_ws_discovery",
    Medium,
);
/// Open MS-SQL Server Resolution Service: UDP 1434.
pub(crate) const MSSQL_BROWSER: ShadowserverReport =
    report("Open MS-SQL Server Resolution Service", "scan_mssql", High);
/// Accessible SIP.
pub(crate) const SIP: ShadowserverReport = report("Accessible SIP", "scan_sip", High);
/// Open Portmapper Scan.
pub(crate) const PORTMAPPER: ShadowserverReport =
    report("Open Portmapper Scan", "scan_portmapper", Medium);
/// Open LDAP (TCP) Services.
pub(crate) const LDAP_TCP: ShadowserverReport =
    report("Open LDAP (TCP) Services", "scan_ldap_tcp", High);
/// Open LDAP Services: connectionless LDAP over UDP 389.
pub(crate) const LDAP_UDP: ShadowserverReport = report("Open LDAP Services", "scan_ldap_udp", High);
/// Vulnerable Exchange Server: builds with known holes, and versions past
/// their end of support.
pub(crate) const EXCHANGE: ShadowserverReport =
    report("Vulnerable Exchange Server", "scan_exchange", Critical);

/// Every report a finding can name, in the order the page lists them: the
/// UDP reflection and name services first (what CERT-Bund's letters are
/// mostly about), then remote access, files, databases, the rest. Only
/// the page lists them (and the tests check them).
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) const REPORTS: [ShadowserverReport; 25] = [
    DNS,
    NTP,
    NTP_MONITOR,
    SNMP,
    SSDP,
    PORTMAPPER,
    LDAP_UDP,
    MSSQL_BROWSER,
    NETBIOS,
    MDNS,
    WS_DISCOVERY,
    SIP,
    LDAP_TCP,
    EXCHANGE,
    SMB,
    RDP,
    VNC,
    TELNET,
    SSH,
    FTP,
    MYSQL,
    POSTGRES,
    IPP,
    HTTP,
    SSL,
];

/// Findings more severe than their report's level maps to, and why.
pub(crate) const RAISED: [(FindingId, &str); 1] = [(
    FindingId::TelnetExposed,
    "a login without encryption that botnets take over with default passwords; \
     portcheck has rated it critical from the start",
)];

/// The report that lists a finding, when the finding alone tells (every
/// finding but `database-exposed`, whose report depends on the database).
pub(crate) fn report_of(id: FindingId) -> Option<ShadowserverReport> {
    use FindingId::*;
    Some(match id {
        SmbExposed => SMB,
        RdpExposed => RDP,
        VncNoAuth | VncExposed => VNC,
        TelnetExposed => TELNET,
        FtpExposed => FTP,
        PrinterExposed => IPP,
        SshExposed => SSH,
        UpnpExposed => SSDP,
        HttpExposed => HTTP,
        HttpsExposed => SSL,
        DnsOpenResolver => DNS,
        NtpExposed => NTP,
        NtpMonlist => NTP_MONITOR,
        SnmpPublic => SNMP,
        NetbiosNsExposed => NETBIOS,
        MdnsExposed => MDNS,
        WsDiscoveryExposed => WS_DISCOVERY,
        MssqlBrowserExposed => MSSQL_BROWSER,
        SipExposed => SIP,
        PortmapperExposed => PORTMAPPER,
        LdapExposed => LDAP_TCP,
        CldapExposed => LDAP_UDP,
        ExchangeUnsupported => EXCHANGE,
        // The NetBIOS session service (TCP 139) is not in "Open Netbios",
        // which is the name service on UDP 137; the SMB details and TLS
        // versions are fields of the reports above, not reports; an
        // Exchange in support may or may not be listed as vulnerable
        // (that depends on its patches, which portcheck cannot see).
        DatabaseExposed
        | NetbiosExposed
        | KerberosExposed
        | UnexpectedOpen
        | RangeReachable
        | ScanIncomplete
        | SmbGuestAccess
        | Smb1Enabled
        | SmbSigningNotRequired
        | TlsOutdated
        | AdminInterfaceExposed
        | ExchangeExposed => return None,
    })
}

/// The report that lists one port of a `database-exposed` finding: by what
/// identification recognised, else by the service the plan expects there.
/// SQL Server on TCP 1433 has no report of its own (Shadowserver reports
/// its resolution service on UDP 1434).
pub(crate) fn database_report(
    details: Option<&PortDetails>,
    expects: Option<Service>,
) -> Option<ShadowserverReport> {
    let recognised = details.and_then(|d| {
        let s = &d.service;
        if s.mysql.is_some() {
            Some(Some(MYSQL))
        } else if s.postgres.is_some() {
            Some(Some(POSTGRES))
        } else if s.mssql.is_some() {
            Some(None)
        } else {
            None
        }
    });
    recognised.unwrap_or(match expects {
        Some(Service::Mysql) => Some(MYSQL),
        Some(Service::Postgres) => Some(POSTGRES),
        _ => None,
    })
}

/// The severity a finding listed in `report` gets: the report's level, or
/// higher where [`RAISED`] says why.
pub(crate) fn severity_for(id: FindingId, report: ShadowserverReport) -> Severity {
    let mapped = report.level.severity();
    if RAISED.iter().any(|(raised, _)| *raised == id) {
        Severity::Critical.max(mapped)
    } else {
        mapped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_maps_levels_and_names_are_unique() {
        assert_eq!(SNMP.level.severity(), Severity::Critical);
        assert_eq!(EXCHANGE.level.severity(), Severity::Critical);
        assert_eq!(DNS.level.severity(), Severity::Warning);
        assert_eq!(SSH.level.severity(), Severity::Notice);
        assert_eq!(HTTP.level.severity(), Severity::Notice);
        for (i, a) in REPORTS.iter().enumerate() {
            for b in &REPORTS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.kind, b.kind);
            }
            assert!(a.kind.starts_with("scan_"), "{}", a.kind);
        }
    }

    #[test]
    fn every_report_a_finding_names_is_listed() {
        for r in [MYSQL, POSTGRES] {
            assert!(REPORTS.contains(&r));
        }
        for id in crate::api::FindingId::ALL {
            if let Some(r) = report_of(id) {
                assert!(REPORTS.contains(&r), "{id:?}: {} not in REPORTS", r.name);
            }
        }
    }

    #[test]
    fn the_api_description_names_every_report() {
        let spec = include_str!("../../docs/openapi.yaml").replace(char::is_whitespace, "");
        for r in REPORTS {
            let name = r.name.replace(char::is_whitespace, "");
            assert!(spec.contains(&name), "docs/openapi.yaml lacks {}", r.name);
        }
    }

    #[test]
    fn raised_findings_are_raised() {
        assert_eq!(TELNET.level.severity(), Severity::Warning);
        assert_eq!(
            severity_for(FindingId::TelnetExposed, TELNET),
            Severity::Critical
        );
        assert_eq!(severity_for(FindingId::FtpExposed, FTP), Severity::Warning);
    }

    #[test]
    fn databases_are_reported_by_kind() {
        use crate::api::{MssqlDetails, MysqlDetails, ServiceDetails};
        let mysql = PortDetails {
            service: ServiceDetails {
                mysql: Some(MysqlDetails::default()),
                ..Default::default()
            },
            ..Default::default()
        };
        let mssql = PortDetails {
            service: ServiceDetails {
                mssql: Some(MssqlDetails::default()),
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(
            database_report(Some(&mysql), Some(Service::Postgres)),
            Some(MYSQL)
        );
        assert_eq!(database_report(Some(&mssql), Some(Service::Mysql)), None);
        assert_eq!(
            database_report(None, Some(Service::Postgres)),
            Some(POSTGRES)
        );
        assert_eq!(database_report(None, Some(Service::Mssql)), None);
    }
}
