//! The HTTP API's data types, shared by the probe (native) and the page (wasm32).
//!
//! Both sides compile this one module, so a field renamed here is renamed for
//! both, and the JSON the page parses is exactly the JSON the probe writes.
//! `docs/openapi.yaml` documents the same shapes for people using curl.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// Server-Sent Event names of `GET /api/v1/scan/stream`.
pub mod event {
    /// Data: [`super::Queued`], while the scan waits for a free slot; sent
    /// again whenever the place changes, before `started`.
    pub const QUEUED: &str = "queued";
    /// Data: [`super::Started`].
    pub const STARTED: &str = "started";
    /// Data: [`super::PortEvent`], once per port as soon as its state is known.
    pub const PORT: &str = "port";
    /// Data: [`super::Report`]; the last event of a successful scan.
    pub const FINISHED: &str = "finished";
    /// Data: [`super::ErrorBody`]; the last event of a failed scan.
    pub const ERROR: &str = "error";
}

pub mod bounds;
mod details;
mod queued;
pub mod read;
mod service_details;
pub mod services;
mod upnp;

pub use details::{
    HttpDetails, IdentLimit, KerberosDetails, KerberosMessage, PortDetails, SmbDetails, TlsDetails,
};
pub use upnp::UpnpDetails;

pub use queued::Queued;

pub use service_details::{
    FtpDetails, IppDetails, MssqlDetails, MssqlEncryption, MysqlDetails, NetbiosDetails,
    NetbiosSession, PostgresDetails, RdpDetails, RdpSecurity, ServiceDetails, SshDetails,
    TelnetDetails, VncDetails,
};
pub use services::{
    DnsDetails, ExchangeDetails, ExchangeSupport, LdapDetails, MdnsDetails, MssqlBrowserDetails,
    MssqlInstance, NetbiosName, NetbiosNsDetails, NtpDetails, PortmapperDetails,
    ReportedServiceDetails, RpcProgram, SipDetails, SnmpDetails, WsDiscoveryDetails,
};

/// A port's role in its plan group, part of the `port` event.
pub use crate::plan::PortGroup;
pub use crate::plan::service_name;
use crate::plan::{Group, Plan, Transport, is_false};

/// Address family of a checked address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// IPv4.
    Ipv4,
    /// IPv6.
    Ipv6,
}

impl Family {
    /// The family of `ip`.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Family::Ipv4,
            IpAddr::V6(_) => Family::Ipv6,
        }
    }
}

/// The address that is checked: always the address the request came from.
/// Also the body of `GET /api/v1/whoami`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The address that is checked.
    pub ip: IpAddr,
    /// Its family.
    pub family: Family,
    /// `true` when the request carried signs of a proxy the probe does not
    /// trust (`Via`, `X-Forwarded-For`, `Forwarded`, `X-Real-IP`): the
    /// address is then probably a proxy's, and the result says little about
    /// the visitor's own router. Absent otherwise. It never changes what is
    /// checked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub via_proxy: bool,
}

impl Target {
    /// The target `ip`, with no sign of a proxy.
    pub fn new(ip: IpAddr) -> Self {
        Target {
            ip,
            family: Family::of(ip),
            via_proxy: false,
        }
    }

    /// The same address, marked as reached through a proxy or not.
    pub fn via_proxy(self, via_proxy: bool) -> Self {
        Target { via_proxy, ..self }
    }
}

/// What a port looked like from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortState {
    /// A service accepted the connection: reachable from the internet.
    Open,
    /// The address answered with a reset (or ICMP port unreachable): reachable,
    /// but nothing listens. Inside a planned range this usually means
    /// "forwarded to a live host".
    Closed,
    /// No answer, or an ICMP "prohibited"/"unreachable": something drops it.
    Filtered,
    /// UDP only: nothing answered the question. Not proof that nothing
    /// listens: the question or its answer may have been dropped (nmap's
    /// `open|filtered`).
    #[serde(rename = "open|filtered")]
    OpenFiltered,
    /// The probe itself could not test the port (for example out of sockets).
    Error,
}

impl PortState {
    /// Every state, in the order above.
    pub const ALL: [PortState; 5] = [
        PortState::Open,
        PortState::Closed,
        PortState::Filtered,
        PortState::OpenFiltered,
        PortState::Error,
    ];

    /// Whether the address answered for this port (open or closed).
    pub fn answered(self) -> bool {
        matches!(self, PortState::Open | PortState::Closed)
    }
}

/// Why a port got its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// TCP handshake completed (state open).
    Connected,
    /// Connection refused by a TCP reset (state closed).
    Refused,
    /// No answer within the timeout, on every attempt (state filtered).
    Timeout,
    /// ICMP port/host/network unreachable; on IPv4 also "administratively
    /// prohibited", which Linux reports the same way (state filtered).
    Unreachable,
    /// ICMPv6 "administratively prohibited" or a local policy refusal
    /// (state filtered).
    Prohibited,
    /// The probe ran out of sockets or memory for this port (state error).
    LocalError,
    /// UDP: the service's parser accepted a datagram from the visitor's
    /// address as the answer to the question (state open).
    Answered,
    /// UDP: a datagram came back from the asked port that is no answer the
    /// service's parser knows (state open, as nmap says; no finding).
    UnparsedAnswer,
    /// UDP: nothing answered within the wait, on every attempt (state
    /// open|filtered).
    NoAnswer,
    /// UDP: an ICMP or ICMPv6 port unreachable came back (state closed).
    PortUnreachable,
}

/// One port's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortResult {
    /// The port number.
    pub port: u16,
    /// IANA service name (see [`service_name`]).
    pub service: String,
    /// TCP unless the result says UDP (the same port number may be in a
    /// plan over both).
    #[serde(default, skip_serializing_if = "Transport::is_tcp")]
    pub transport: Transport,
    /// What the port did.
    pub state: PortState,
    /// Why the scan read the state that way.
    pub reason: Reason,
    /// Time from sending the connection request to the answer, in
    /// milliseconds; absent when there was no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<f64>,
    /// Connection attempts made (a port without answer is tried twice, four
    /// times once the scan has seen packet loss).
    pub attempts: u8,
    /// What the service on an open port said of itself (identification);
    /// absent for ports that are not open and in `port` events, which are
    /// sent at connect time, before identification ends.
    /// Boxed: most ports have none, and a port event stays small.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Box<PortDetails>>,
}

/// Data of the `port` event: a [`PortResult`], its role and the plan group
/// it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortEvent {
    /// Range or control port.
    pub group: PortGroup,
    /// Name of the plan group the port belongs to (`440-449`); absent from
    /// older probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    /// The port's result.
    #[serde(flatten)]
    pub result: PortResult,
}

/// One group of a plan by port numbers: which ports form its range and
/// which are its control ports. In the report and the `started` event, so
/// a client can tell which range a port belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPorts {
    /// The group's name in the plan, e.g. `440-449`.
    pub name: String,
    /// The range, ascending.
    pub ports: Vec<u16>,
    /// The control ports, ascending.
    pub control: Vec<u16>,
    /// Which of the group's port numbers are reached over UDP, ascending
    /// (absent when none): a result belongs to the group when its number
    /// and its transport match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub udp: Vec<u16>,
}

impl From<&Group> for GroupPorts {
    fn from(g: &Group) -> Self {
        let mut udp: Vec<u16> = g
            .ports
            .iter()
            .chain(&g.control)
            .filter(|p| p.transport == Transport::Udp)
            .map(|p| p.port)
            .collect();
        udp.sort_unstable();
        GroupPorts {
            name: g.name.clone(),
            ports: g.port_numbers(),
            control: g.control_numbers(),
            udp,
        }
    }
}

impl GroupPorts {
    /// Whether the result of `port` over `transport` belongs to this group.
    pub fn contains(&self, port: u16, transport: Transport) -> bool {
        let listed = self.ports.contains(&port) || self.control.contains(&port);
        listed && self.udp.contains(&port) == (transport == Transport::Udp)
    }
}

impl GroupPorts {
    /// Every group of `plan`, in plan order.
    pub fn of(plan: &Plan) -> Vec<GroupPorts> {
        plan.groups.iter().map(GroupPorts::from).collect()
    }
}

/// The results of `group`'s ports among `results` (a report's range or
/// control list), in the report's order.
pub fn results_of<'a>(group: &Group, results: &'a [PortResult]) -> Vec<&'a PortResult> {
    results
        .iter()
        .filter(|p| group.contains(p.port, p.transport))
        .collect()
}

/// Data of the `started` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Started {
    /// The address that is checked.
    pub target: Target,
    /// The plan this scan runs: its groups, ports and service names.
    pub plan: Plan,
    /// Every range port of the plan, ascending.
    pub ports: Vec<u16>,
    /// Every control port of the plan, ascending.
    pub control: Vec<u16>,
    /// The plan's groups by port numbers, as in the report.
    #[serde(default)]
    pub groups: Vec<GroupPorts>,
}

impl Started {
    /// The event announcing a scan of `plan` at `target`.
    pub fn new(target: Target, plan: Plan) -> Self {
        Started {
            target,
            ports: plan.range_ports(),
            control: plan.control_ports(),
            groups: GroupPorts::of(&plan),
            plan,
        }
    }
}

/// Severity of a finding, lowest first (so `Ord` gives "most severe" = max).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Notice,
    /// A risk that should be fixed.
    Warning,
    /// A serious risk: fix it first.
    Critical,
}

/// Overall level of a report: the most severe finding, `ok` when there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// No finding.
    Ok,
    /// The most severe finding is a notice.
    Notice,
    /// The most severe finding is a warning.
    Warning,
    /// The most severe finding is critical.
    Critical,
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Notice => Level::Notice,
            Severity::Warning => Level::Warning,
            Severity::Critical => Level::Critical,
        }
    }
}

/// Stable identifiers of findings; the page keys its explanations on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingId {
    /// 445 (SMB) answers with a connection: file sharing reachable from the internet.
    SmbExposed,
    /// A port answered as a Kerberos KDC: on a Windows network a domain
    /// controller, reachable from the internet.
    KerberosExposed,
    /// An open port with no finding of its own (not SMB, HTTPS, HTTP or a
    /// Kerberos KDC).
    UnexpectedOpen,
    /// 443 is open: intended or not, the service behind it is public.
    HttpsExposed,
    /// 80 is open: intended or not, the web server behind it is public.
    HttpExposed,
    /// Several ports of the range answer while the control ports stay silent:
    /// the signature of a forwarded port range.
    RangeReachable,
    /// Some ports could not be tested; the result is incomplete.
    ScanIncomplete,
    /// An SMB server granted a session to an unknown user without a
    /// password (guest): its guest-readable shares are open to anyone.
    SmbGuestAccess,
    /// An SMB server still accepts SMB1, the protocol of EternalBlue/WannaCry.
    Smb1Enabled,
    /// An SMB server does not require signing.
    SmbSigningNotRequired,
    /// A TLS service accepts TLS 1.0 or 1.1 (or offers nothing newer).
    TlsOutdated,
    /// A router, NAS or server administration login page is reachable.
    AdminInterfaceExposed,
    /// Remote Desktop (RDP) answers: a remote login to a Windows computer is reachable.
    RdpExposed,
    /// A VNC server lets anyone in without a password.
    VncNoAuth,
    /// A VNC server (remote screen) is reachable; it asks for a password.
    VncExposed,
    /// A database server (MySQL/MariaDB, MS SQL Server, PostgreSQL) answers.
    DatabaseExposed,
    /// A Telnet service answers: remote login without encryption.
    TelnetExposed,
    /// An FTP server answers: passwords and files travel unencrypted.
    FtpExposed,
    /// A printer's IPP service answers.
    PrinterExposed,
    /// An SSH server answers.
    SshExposed,
    /// The NetBIOS session service (139) answers: Windows file sharing.
    NetbiosExposed,
    /// The router's UPnP service answers from the internet.
    UpnpExposed,
    /// A DNS server answers a recursive query from the internet with
    /// recursion: an open resolver, abused for reflection floods.
    DnsOpenResolver,
    /// An NTP server answers a client request from the internet.
    NtpExposed,
    /// An NTP server answers `monlist` (mode 7): a reflection amplifier.
    NtpMonlist,
    /// An SNMP agent answers with the community `public`: the device's
    /// description to anyone, and a reflection amplifier.
    SnmpPublic,
    /// The NetBIOS name service (UDP 137) tells anyone the computer and
    /// workgroup names.
    NetbiosNsExposed,
    /// An mDNS responder lists its services to anyone.
    MdnsExposed,
    /// A WS-Discovery device (printer, scanner, computer) answers a Probe.
    WsDiscoveryExposed,
    /// The SQL Server resolution service (UDP 1434) lists its instances.
    MssqlBrowserExposed,
    /// A SIP server (a phone system) answers OPTIONS.
    SipExposed,
    /// The RPC portmapper lists the RPC programs of the host.
    PortmapperExposed,
    /// An LDAP server (TCP) answers an anonymous root DSE read: on a
    /// Windows network, a domain controller.
    LdapExposed,
    /// Connectionless LDAP (CLDAP, UDP 389) answers: a domain controller
    /// and a reflection amplifier.
    CldapExposed,
    /// An Exchange server's web access (Outlook on the web) answers.
    ExchangeExposed,
    /// The Exchange server's version no longer gets security updates.
    ExchangeUnsupported,
}

impl FindingId {
    /// Every finding id (the test `finding_id_all_holds_every_id` fails to
    /// compile when one is added, which leads here).
    pub const ALL: [FindingId; 36] = [
        FindingId::SmbExposed,
        FindingId::UnexpectedOpen,
        FindingId::HttpsExposed,
        FindingId::RangeReachable,
        FindingId::ScanIncomplete,
        FindingId::SmbGuestAccess,
        FindingId::Smb1Enabled,
        FindingId::SmbSigningNotRequired,
        FindingId::TlsOutdated,
        FindingId::AdminInterfaceExposed,
        FindingId::HttpExposed,
        FindingId::KerberosExposed,
        FindingId::RdpExposed,
        FindingId::VncNoAuth,
        FindingId::VncExposed,
        FindingId::DatabaseExposed,
        FindingId::TelnetExposed,
        FindingId::FtpExposed,
        FindingId::PrinterExposed,
        FindingId::SshExposed,
        FindingId::NetbiosExposed,
        FindingId::UpnpExposed,
        FindingId::DnsOpenResolver,
        FindingId::NtpExposed,
        FindingId::NtpMonlist,
        FindingId::SnmpPublic,
        FindingId::NetbiosNsExposed,
        FindingId::MdnsExposed,
        FindingId::WsDiscoveryExposed,
        FindingId::MssqlBrowserExposed,
        FindingId::SipExposed,
        FindingId::PortmapperExposed,
        FindingId::LdapExposed,
        FindingId::CldapExposed,
        FindingId::ExchangeExposed,
        FindingId::ExchangeUnsupported,
    ];
}

/// One conclusion the verdict rules drew from the port states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What was found.
    pub id: FindingId,
    /// How severe it is.
    pub severity: Severity,
    /// The ports the finding is about.
    pub ports: Vec<u16>,
    /// The plan group (its name, e.g. `440-449`) when every port of the
    /// finding belongs to that one group; absent when they span groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The names of the Shadowserver reports (which CERT-Bund passes on to
    /// network operators) that list what this finding is about, e.g.
    /// `Open SNMP`; empty (and absent) when no report covers it. Mostly
    /// one; `database-exposed` over MySQL and PostgreSQL has two.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<String>,
}

impl Finding {
    /// A finding about `ports`, with no group and no report yet (the
    /// verdict sets both once all findings are known).
    pub fn new(id: FindingId, severity: Severity, ports: Vec<u16>) -> Self {
        Finding {
            id,
            severity,
            ports,
            group: None,
            reports: Vec::new(),
        }
    }
}

/// The rules' conclusion of a report: its level and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The most severe finding's level, `ok` when there is none.
    pub level: Level,
    /// Most severe first.
    pub findings: Vec<Finding>,
}

/// Body of `GET /api/v1/scan` and data of the `finished` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The address that was checked.
    pub target: Target,
    /// The plan's range ports in ascending order.
    pub ports: Vec<PortResult>,
    /// The plan's control ports in ascending order.
    pub control: Vec<PortResult>,
    /// The plan's groups by port numbers: which range each port belongs to.
    #[serde(default)]
    pub groups: Vec<GroupPorts>,
    /// What the verdict rules concluded from the ports.
    pub verdict: Verdict,
    /// Start of the scan, RFC 3339 in UTC.
    pub started_at: String,
    /// Wall time of the scan in milliseconds.
    pub duration_ms: u64,
    /// The per-attempt connect timeout the scan ended with, in milliseconds
    /// (adapted to the visitor's round-trip time).
    pub timeout_ms: u64,
}

/// Machine-readable error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 429: this address has used up its scans for now; see `retry_after_s`.
    RateLimited,
    /// 429: this network (IPv4 /24, IPv6 /48) has sent more requests of any
    /// kind than the probe answers for it right now; see `retry_after_s`.
    TooManyRequests,
    /// 503: the probe is at its concurrent-scan limit; see `retry_after_s`.
    Busy,
    /// 503: the probe is shutting down.
    ShuttingDown,
    /// 403: the request's address may not be checked (private, loopback, …).
    TargetNotAllowed,
    /// 400: a trusted proxy sent a forwarding header that cannot be read.
    BadRequest,
    /// 400: `?plan=` names no plan the probe offers (see `GET /api/v1/plans`).
    UnknownPlan,
    /// 404: no such endpoint.
    NotFound,
    /// 405: the endpoint exists but not for this method.
    MethodNotAllowed,
    /// 500: an unexpected fault in the probe.
    Internal,
    /// 403: a browser page from another site tried to start a check; only
    /// the probe's own origins and the configured embedding sites may.
    CrossSite,
    /// 500: requests reach the probe through a reverse proxy it was not told
    /// to trust (`--trusted-proxy` is missing).
    ProxyNotTrusted,
}

/// The `error` object of an error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// What went wrong, as a stable code.
    pub code: ErrorCode,
    /// A sentence for humans (English).
    pub message: String,
    /// Seconds to wait before trying again (429 and 503).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
}

/// Every non-2xx JSON response, and the data of the `error` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Body of `GET /api/v1/site`: what the operator configured for the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Name of the organisation offering the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// Where practices get help (phone, e-mail or web address), as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_contact: Option<String>,
    /// Origin of the IPv4-only hostname (`https://v4.example`); with
    /// `ipv6_origin`, the page checks both address families.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4_origin: Option<String>,
    /// Origin of the IPv6-only hostname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_origin: Option<String>,
}

/// Body of `GET /api/v1/plans`: the plans a scan can pick with `?plan=`,
/// the default first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plans {
    /// The plans, the default first.
    pub plans: Vec<crate::plan::Plan>,
}

#[cfg(test)]
mod tests;
