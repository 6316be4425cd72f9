//! The port plan: which ports a check touches, as data.
//!
//! A plan is a list of named groups. Each group is a range of ports the check
//! is about (for the Digitalisierungsbox fault, the range a router forwarded
//! instead of one port) and its control ports: neighbours that tell a
//! forwarded range (range answers, neighbours silent) from a host that
//! answers on every port. Every port carries its IANA service name, the
//! service expected there and its transport (TCP, or UDP for the services
//! that answer datagrams: UPnP's SSDP and the services network operators
//! report). The same port number can be in a plan over both transports
//! (111, 389), so every lookup of a port takes its [`Transport`] too.
//!
//! Probe and page compile this one module: the probe scans
//! [`Plan::standard`] and announces it in the stream's `started` event; the
//! page draws every grid, table, count and text from the plan it receives,
//! never from a constant. The literal ranges live only in
//! [`Group::forwarded_https`] and [`Group::forwarded_http`] (and in texts
//! that tell the 2019 incident).

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

mod practice_plan;

/// Whether a port belongs to a group's range or to its control ports (the
/// `group` of a `port` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortGroup {
    /// A port of the group's range.
    Range,
    /// A control port of the group.
    Control,
}

/// Name of the default plan: both ranges of the fault.
pub const STANDARD: &str = "standard";
/// Name of the practice check's plan.
pub const PRACTICE: &str = "practice";

/// IANA service name of SMB directly over TCP (port 445).
pub const SMB_SERVICE: &str = "microsoft-ds";
/// IANA service name of HTTPS (port 443).
pub const HTTPS_SERVICE: &str = "https";
/// IANA service name of HTTP (port 80).
pub const HTTP_SERVICE: &str = "http";
/// Kerberos on port 88, as nmap names it (`/etc/services`: `kerberos`).
pub const KERBEROS_SERVICE: &str = "kerberos-sec";

/// serde's `skip_serializing_if` for flags that are off by default.
pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

/// IANA service name of a port, as `nmap` and `/etc/services` print it;
/// `unknown` for ports no plan uses.
pub fn service_name(port: u16) -> &'static str {
    match port {
        78 => "vettcp",
        79 => "finger",
        80 => HTTP_SERVICE,
        81 => "hosts2-ns",
        82 => "xfer",
        83 | 85 => "mit-ml-dev",
        84 => "ctf",
        86 => "mfcobol",
        87 => "priv-term-l",
        88 => KERBEROS_SERVICE,
        89 => "su-mit-tg",
        90 => "dnsix",
        91 => "mit-dov",
        438 => "dsfgw",
        439 => "dasp",
        440 => "sgcp",
        441 => "decvms-sysmgt",
        442 => "cvc_hostd",
        443 => HTTPS_SERVICE,
        444 => "snpp",
        445 => SMB_SERVICE,
        446 => "ddm-rdb",
        447 => "ddm-dfm",
        448 => "ddm-ssl",
        449 => "as-servermap",
        450 => "tserver",
        451 => "sfs-smp-net",
        21 => "ftp",
        22 => "ssh",
        23 => "telnet",
        139 => "netbios-ssn",
        631 => "ipp",
        1433 => "ms-sql-s",
        3306 => "mysql",
        3389 => "ms-wbt-server",
        5432 => "postgresql",
        5900 => "vnc",
        5901 => "vnc-1",
        8080 => "http-proxy",
        8443 => "https-alt",
        53 => "domain",
        111 => "rpcbind",
        123 => "ntp",
        137 => "netbios-ns",
        161 => "snmp",
        389 => "ldap",
        1434 => "ms-sql-m",
        1900 => "upnp",
        3702 => "ws-discovery",
        5060 => "sip",
        5353 => "mdns",
        _ => "unknown",
    }
}

/// IANA service name of a port over `transport`, as nmap prints it
/// (`nmap-services`): the TCP name ([`service_name`]) except where the UDP
/// name differs (5353: `mdns` over TCP, `zeroconf` over UDP).
pub fn service_name_over(port: u16, transport: Transport) -> &'static str {
    match (port, transport) {
        (5353, Transport::Udp) => "zeroconf",
        _ => service_name(port),
    }
}

/// The service a plan expects on a port. Identification derives what it
/// tries there, and in which order, from it (`probe::ident::steps_for`);
/// the practice check's findings name it. The wire names are those of the
/// API's `protocol` field (`tls` for HTTPS, `plain` for HTTP and for ports
/// that expect nothing in particular).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// SMB directly over TCP.
    Smb,
    /// TLS, with a web server behind it.
    #[serde(rename = "tls")]
    Https,
    /// A web server, or anything that greets or answers `GET /`.
    #[default]
    #[serde(rename = "plain")]
    Http,
    /// A Kerberos KDC.
    Kerberos,
    /// Remote Desktop.
    Rdp,
    /// VNC (RFB).
    Vnc,
    /// FTP.
    Ftp,
    /// SSH.
    Ssh,
    /// Telnet.
    Telnet,
    /// The NetBIOS session service (139), with SMB behind it.
    Netbios,
    /// MySQL or MariaDB.
    Mysql,
    /// Microsoft SQL Server.
    Mssql,
    /// PostgreSQL.
    Postgres,
    /// IPP (printers).
    Ipp,
    /// SSDP, the UPnP search (UDP).
    Ssdp,
    /// A DNS server: is it an open resolver (UDP).
    Dns,
    /// An NTP server, and `monlist` (UDP).
    Ntp,
    /// An SNMP agent with the community `public` (UDP).
    Snmp,
    /// The NetBIOS name service (UDP 137).
    NetbiosNs,
    /// Multicast DNS answering unicast queries (UDP 5353).
    Mdns,
    /// WS-Discovery (UDP 3702).
    WsDiscovery,
    /// The SQL Server resolution service (UDP 1434).
    MssqlBrowser,
    /// SIP, a phone system (UDP 5060).
    Sip,
    /// The RPC portmapper (111, TCP and UDP).
    Portmapper,
    /// LDAP's root DSE: over TCP, and over UDP as CLDAP (389).
    Ldap,
}

/// How a plan's port is reached (ordered TCP before UDP, as results of
/// one number are listed).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// A TCP connect scan, then identification on connections of its own.
    #[default]
    Tcp,
    /// Datagrams to the port, answers only from the visitor's address.
    Udp,
}

impl Transport {
    /// TCP, the transport a plan entry has unless it says otherwise (the
    /// API leaves it out then).
    pub fn is_tcp(&self) -> bool {
        *self == Transport::Tcp
    }

    /// The port as people and nmap write it: `445` over TCP (as the page
    /// always did), `1900/udp` over UDP.
    pub fn label(self, port: u16) -> String {
        match self {
            Transport::Tcp => port.to_string(),
            Transport::Udp => format!("{port}/udp"),
        }
    }
}

/// One port of a plan: its number, the service expected there and how it
/// is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPort {
    /// The port number.
    pub port: u16,
    /// IANA service name (see [`service_name`]).
    pub service: String,
    /// What the plan expects on the port; identification tries it first.
    #[serde(default, rename = "protocol")]
    pub expects: Service,
    /// TCP unless the entry says UDP.
    #[serde(default, skip_serializing_if = "Transport::is_tcp")]
    pub transport: Transport,
}

impl PlannedPort {
    /// The TCP port with its IANA name, expecting `expects`.
    pub fn new(port: u16, expects: Service) -> Self {
        PlannedPort {
            port,
            service: service_name(port).to_owned(),
            expects,
            transport: Transport::Tcp,
        }
    }

    /// The UDP port with its IANA name, expecting `expects`.
    pub fn udp(port: u16, expects: Service) -> Self {
        PlannedPort {
            service: service_name_over(port, Transport::Udp).to_owned(),
            transport: Transport::Udp,
            ..PlannedPort::new(port, expects)
        }
    }

    /// Whether this is the entry of `port` over `transport`.
    pub fn is(&self, port: u16, transport: Transport) -> bool {
        self.port == port && self.transport == transport
    }
}

/// A named group of ports: the range the check is about and its neighbours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Stable name, e.g. `440-449`.
    pub name: String,
    /// The range, ascending.
    pub ports: Vec<PlannedPort>,
    /// The control ports, ascending.
    pub control: Vec<PlannedPort>,
}

impl Group {
    /// The range's port numbers, ascending.
    pub fn port_numbers(&self) -> Vec<u16> {
        self.ports.iter().map(|s| s.port).collect()
    }

    /// The control ports' numbers, ascending.
    pub fn control_numbers(&self) -> Vec<u16> {
        self.control.iter().map(|s| s.port).collect()
    }

    /// Whether `port` over `transport` is one of this group's range or
    /// control ports.
    pub fn contains(&self, port: u16, transport: Transport) -> bool {
        self.ports
            .iter()
            .chain(&self.control)
            .any(|s| s.is(port, transport))
    }

    /// The range for people: `440–449` for a run of consecutive ports,
    /// otherwise the ports listed (`80, 443`).
    pub fn label(&self) -> String {
        range_label(&self.port_numbers())
    }
}

/// `first–last` (en dash) for consecutive ascending ports, else a comma list.
pub fn range_label(ports: &[u16]) -> String {
    let consecutive = ports.windows(2).all(|w| w[0].checked_add(1) == Some(w[1]));
    match ports {
        [] => String::new(),
        [one] => one.to_string(),
        [first, .., last] if consecutive => format!("{first}–{last}"),
        _ => ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A short text in both of the page's languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Title {
    /// German.
    pub de: String,
    /// English.
    pub en: String,
}

impl Title {
    fn new(de: &str, en: &str) -> Self {
        Title {
            de: de.to_owned(),
            en: en.to_owned(),
        }
    }
}

/// Which ports a scan touches. A client picks one of the probe's plans by
/// name ([`Plan::named`]); nothing a client sends can add a port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Stable name, e.g. `standard`.
    pub name: String,
    /// What the plan checks, for people.
    #[serde(default)]
    pub title: Title,
    /// The port groups, each a range and its control ports.
    pub groups: Vec<Group>,
}

impl Group {
    /// The group of the consecutive ports `range`, named after them
    /// (`440-449`), with `control` as its neighbours; `expects` picks the
    /// service expected on each port.
    pub fn consecutive(
        range: RangeInclusive<u16>,
        control: &[u16],
        expects: impl Fn(u16) -> Service,
    ) -> Self {
        let service = |p: u16| PlannedPort::new(p, expects(p));
        Group {
            name: format!("{}-{}", range.start(), range.end()),
            ports: range.clone().map(service).collect(),
            control: control.iter().map(|&p| service(p)).collect(),
        }
    }

    /// 440–449, the range a Digitalisierungsbox forwarded when asked to
    /// forward HTTPS (443), with two neighbours on each side. TLS is likely
    /// on 443 and its TLS-ish neighbours (444 snpp is often reused, 448
    /// ddm-ssl is TLS), SMB on 445.
    pub fn forwarded_https() -> Self {
        Group::consecutive(440..=449, &[438, 439, 450, 451], |port| match port {
            445 => Service::Smb,
            443 | 444 | 448 => Service::Https,
            _ => Service::Http,
        })
    }

    /// 80–89, the range the same fault made of a forwarding of HTTP (80),
    /// with two neighbours on each side. HTTP is likely on 80 and Kerberos
    /// on 88 when the range reaches a Windows domain controller.
    pub fn forwarded_http() -> Self {
        Group::consecutive(80..=89, &[78, 79, 90, 91], |port| match port {
            88 => Service::Kerberos,
            _ => Service::Http,
        })
    }
}

impl Plan {
    /// The plan the service runs: both ranges of the fault, the HTTPS range
    /// ([`Group::forwarded_https`]) and the HTTP range
    /// ([`Group::forwarded_http`]), scanned together.
    pub fn standard() -> Self {
        Plan {
            name: STANDARD.into(),
            title: Title::new(
                "Portbereiche 440–449 und 80–89",
                "Port ranges 440–449 and 80–89",
            ),
            groups: vec![Group::forwarded_https(), Group::forwarded_http()],
        }
    }

    /// The practice check: the other doors small offices leave open. Each
    /// group is a kind of service; no group has control ports, because each
    /// port is a door of its own, not part of a forwarded range.
    pub fn practice() -> Self {
        Plan {
            name: PRACTICE.into(),
            title: Title::new("Weitere gefährliche Dienste", "Other dangerous services"),
            groups: practice_plan::groups(),
        }
    }

    /// Every plan the probe offers, the default ([`Plan::standard`]) first.
    pub fn catalogue() -> Vec<Plan> {
        vec![Plan::standard(), Plan::practice()]
    }

    /// The offered plan called `name`.
    pub fn named(name: &str) -> Option<Plan> {
        Plan::catalogue().into_iter().find(|p| p.name == name)
    }

    /// Every port of the plan with its group index and role, range ports of
    /// each group before its control ports.
    pub fn entries(&self) -> impl Iterator<Item = (usize, PortGroup, &PlannedPort)> + '_ {
        self.groups.iter().enumerate().flat_map(|(i, g)| {
            g.ports
                .iter()
                .map(move |s| (i, PortGroup::Range, s))
                .chain(g.control.iter().map(move |s| (i, PortGroup::Control, s)))
        })
    }

    /// The range ports of every group, ascending.
    pub fn range_ports(&self) -> Vec<u16> {
        self.sorted(PortGroup::Range)
    }

    /// The control ports of every group, ascending.
    pub fn control_ports(&self) -> Vec<u16> {
        self.sorted(PortGroup::Control)
    }

    fn sorted(&self, role: PortGroup) -> Vec<u16> {
        let mut v: Vec<u16> = self
            .entries()
            .filter(|(_, r, _)| *r == role)
            .map(|(_, _, s)| s.port)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// How many ports the plan touches.
    pub fn len(&self) -> usize {
        self.entries().count()
    }

    /// Whether the plan touches no port at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The plan's entry for `port` over `transport`.
    pub fn service(&self, port: u16, transport: Transport) -> Option<&PlannedPort> {
        self.entries()
            .map(|(_, _, s)| s)
            .find(|s| s.is(port, transport))
    }

    /// The group `port` over `transport` belongs to (as range or control
    /// port).
    pub fn group_of(&self, port: u16, transport: Transport) -> Option<&Group> {
        self.groups.iter().find(|g| g.contains(port, transport))
    }

    /// The service the plan expects on `port` over `transport`
    /// ([`Service::Http`] for ports the plan does not know).
    pub fn expects(&self, port: u16, transport: Transport) -> Service {
        self.service(port, transport)
            .map(|s| s.expects)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
