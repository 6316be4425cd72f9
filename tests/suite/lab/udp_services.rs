//! The services network operators report (issue 21) against real daemons
//! in the lab (tests/lab/udp.sh): dnsmasq as an open resolver, chrony,
//! snmpd with the community `public`, Samba's nmbd, avahi-daemon, wsdd,
//! rpcbind, slapd and kamailio on `udpsvc`; stand-ins where no Debian
//! package answers the way the check must see it (tests/lab/standin.py:
//! NTP with `monlist`, CLDAP, mDNS answering off-link, WS-Discovery
//! answering a unicast Probe, SQL Server's resolution service, Exchange's
//! web access) on `udpalt`; and two
//! hosts whose firewalls drop (`udpdrop`) or reject (`udpreject`) UDP.
//!
//! nmap is the oracle: `-sU -sV --version-intensity 0` (the version probes
//! registered for each port, which is how nmap asks a UDP service the
//! question its protocol understands) with its scripts for the details,
//! from the probe host, IPv4 and IPv6. Two tests:
//!
//! - `udp_lab_hosts_answer_nmap_as_built` checks the lab itself: each
//!   host's ports are in the states it was built for, and nmap reads the
//!   known texts (sysDescr, NetBIOS names, SIP Server header, naming
//!   context, monlist, WS-Discovery types; the Exchange header with curl).
//! - `practice_check_udp_matches_nmap` runs the practice check from each
//!   visitor as its browser would, and nmap in the same run: every port's
//!   state equals nmap's (the wire names are nmap's: `open`,
//!   `open|filtered`, `closed`, `filtered`), the findings are exactly the
//!   expected ones, and the details carry the known texts.
//!
//! And `udp_hosts_leave_nothing_behind`: the daemons' teardown, for a lab
//! dropped by its owner and for a build that fails after `udpsvc`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use portcheck::api::{ExchangeSupport, Family, PortDetails, PortResult, PortState, Reason, Report};
use portcheck::plan::{Plan, Transport};

use super::clients::{attr, nmap_xml};
use crate::support::browser::wire_name;
use crate::support::lab::{
    self, Lab, await_ready, fresh_prefix, in_ns, leftovers, output_text, spawn_holder,
};

/// The UDP services' hosts of the lab.
pub const VISITORS: [&str; 4] = ["udpsvc", "udpalt", "udpdrop", "udpreject"];

// The texts the lab's daemons are configured with (tests/lab/udp.sh and
// standin.py have the same values).
const SYS_DESCR: &str = "Praxis-Router LAB-7 (snmpd in the portcheck lab)";
const NETBIOS_NAME: &str = "PRAXIS-SRV";
const WORKGROUP: &str = "PRAXIS";
const SIP_SERVER: &str = "Praxis-TK 4.2";
const SLAPD_SUFFIX: &str = "dc=praxis,dc=lab";
const AD_DOMAIN: &str = "DC=praxis,DC=lab";
const AD_HOST: &str = "dc1.praxis.lab";
const MDNS_SERVICES: [&str; 3] = ["_smb._tcp.local", "_http._tcp.local", "_ipp._tcp.local"];
const WSD_TYPES: &str = "wsdp:Device wprt:PrintDeviceType wscn:ScanDeviceType";
const OWA_BUILD: &str = "15.2.1544.4";
const SQL_INSTANCE: &str = "SQLEXPRESS";
const SQL_VERSION: &str = "15.0.2000.5";
/// The port of the Exchange stand-in (HTTPS): one of the practice plan's
/// web ports.
const OWA_PORT: u16 = 8443;
/// chronyd's `local stratum` on udpsvc, and the NTP stand-in's stratum.
const CHRONY_STRATUM: u8 = 10;
const STANDIN_STRATUM: u8 = 3;

/// The UDP ports the hosts are built around: the practice plan's UDP
/// entries (UDP-DESIGN.md: the groups `reflection`, `name-services`,
/// `telephony`). The portcheck test checks that the plan has exactly these.
const UDP_PORTS: [u16; 11] = [53, 111, 123, 137, 161, 389, 1434, 1900, 3702, 5060, 5353];
/// TCP ports with a daemon on these hosts (every other TCP port resets).
const TCP_PORTS: [u16; 3] = [111, 389, OWA_PORT];

/// nmap scripts that read the details the probe must read too.
const SCRIPTS: &str = "snmp-sysdescr,nbstat,dns-recursion,rpcinfo,ntp-monlist,ldap-rootdse,\
                       wsdd-discover,dns-service-discovery";

/// What a host of the lab must show.
struct Expect {
    visitor: &'static str,
    /// nmap's state of a UDP port not listed in `udp`.
    udp_default: &'static str,
    /// nmap's state per UDP port over IPv4 and IPv6.
    udp: &'static [(u16, &'static str, &'static str)],
    /// Open TCP ports (the others are closed).
    tcp_open: &'static [u16],
    /// The findings over IPv6, and over IPv4 with `v4_findings` added.
    findings: &'static [&'static str],
    v4_findings: &'static [&'static str],
}

const OPEN: &str = "open";
const SILENT: &str = "open|filtered";
const CLOSED: &str = "closed";
const FILTERED: &str = "filtered";

const EXPECT: [Expect; 4] = [
    // Real daemons. nmbd is IPv4 only (NetBIOS has no IPv6); wsdd binds
    // 3702 on its IPv4 address and the IPv6 link-local one only, and
    // answers Probes on its multicast socket only, so a unicast Probe gets
    // nothing; avahi-daemon ignores unicast queries from off-link.
    Expect {
        visitor: "udpsvc",
        udp_default: CLOSED,
        udp: &[
            (53, OPEN, OPEN),
            (111, OPEN, OPEN),
            (123, OPEN, OPEN),
            (137, OPEN, CLOSED),
            (161, OPEN, OPEN),
            (3702, SILENT, CLOSED),
            (5060, OPEN, OPEN),
            (5353, SILENT, SILENT),
        ],
        tcp_open: &[111, 389],
        findings: &[
            "dns-open-resolver",
            "ntp-exposed",
            "snmp-public",
            "portmapper-exposed",
            "ldap-exposed",
            "sip-exposed",
        ],
        v4_findings: &["netbios-ns-exposed"],
    },
    // Stand-ins. nmap 7.93 has no WS-Discovery version probe: -sU says
    // open|filtered for 3702 whatever answers, its wsdd-discover script
    // gets the ProbeMatch (see `explained`).
    Expect {
        visitor: "udpalt",
        udp_default: CLOSED,
        udp: &[
            (123, OPEN, OPEN),
            (389, OPEN, OPEN),
            (1434, OPEN, OPEN),
            (3702, SILENT, SILENT),
            (5353, OPEN, OPEN),
        ],
        tcp_open: &[OWA_PORT],
        findings: &[
            "ntp-exposed",
            "ntp-monlist",
            "cldap-exposed",
            "mdns-exposed",
            "ws-discovery-exposed",
            "mssql-browser-exposed",
            "exchange-exposed",
            "exchange-unsupported",
        ],
        v4_findings: &[],
    },
    Expect {
        visitor: "udpdrop",
        udp_default: SILENT,
        udp: &[],
        tcp_open: &[],
        findings: &[],
        v4_findings: &[],
    },
    // Port unreachable on the reflection and telephony ports,
    // administratively prohibited on the name services' ports.
    Expect {
        visitor: "udpreject",
        udp_default: CLOSED,
        udp: &[
            (137, FILTERED, FILTERED),
            (3702, FILTERED, FILTERED),
            (5353, FILTERED, FILTERED),
        ],
        tcp_open: &[],
        findings: &[],
        v4_findings: &[],
    },
];

impl Expect {
    fn nmap_state(&self, family: Family, (transport, port): Key) -> &'static str {
        match transport {
            TCP if self.tcp_open.contains(&port) => OPEN,
            TCP => CLOSED,
            _ => self
                .udp
                .iter()
                .find(|(p, _, _)| *p == port)
                .map(|&(_, v4, v6)| if family == Family::Ipv4 { v4 } else { v6 })
                .unwrap_or(self.udp_default),
        }
    }

    fn findings(&self, family: Family) -> BTreeSet<String> {
        let v4 = if family == Family::Ipv4 {
            self.v4_findings
        } else {
            &[]
        };
        self.findings
            .iter()
            .chain(v4)
            .map(|s| s.to_string())
            .collect()
    }
}

/// A port as nmap names it: `("udp", 53)`. (`Transport` has no order.)
type Key = (&'static str, u16);

fn key(t: Transport, port: u16) -> Key {
    (
        match t {
            Transport::Tcp => TCP,
            Transport::Udp => UDP,
        },
        port,
    )
}

const TCP: &str = "tcp";
const UDP: &str = "udp";

/// One port as nmap reported it, with its service and scripts.
#[derive(Debug, Clone, Default)]
struct NmapPort {
    state: String,
    reason: String,
    /// `-sV`: name, product, version and extra information, joined.
    service: String,
    /// Script id → output (XML entities decoded).
    scripts: BTreeMap<String, String>,
}

/// One host of nmap's report.
#[derive(Debug, Default)]
struct NmapHost {
    ports: BTreeMap<Key, NmapPort>,
    /// Host scripts (nbstat) → output.
    scripts: BTreeMap<String, String>,
}

/// XML's predefined and numeric character references, decoded.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The `<script id= output=>` elements of a chunk of nmap's XML.
fn scripts(chunk: &str) -> BTreeMap<String, String> {
    chunk
        .split("<script ")
        .skip(1)
        .filter_map(|s| Some((attr(s, "id")?, unescape(&attr(s, "output")?))))
        .collect()
}

/// nmap's XML report, by host address.
fn parse_nmap(xml: &str) -> BTreeMap<IpAddr, NmapHost> {
    assert!(
        !xml.contains("<extraports"),
        "nmap folded ports into extraports:\n{xml}"
    );
    let mut hosts = BTreeMap::new();
    for host in xml.split("<host ").skip(1) {
        let Some(addr) = host
            .split("<address ")
            .nth(1)
            .and_then(|a| attr(a, "addr"))
            .and_then(|a| a.parse::<IpAddr>().ok())
        else {
            continue;
        };
        let (ports_part, host_part) = host.split_once("<hostscript").unwrap_or((host, ""));
        let mut parsed = NmapHost {
            scripts: scripts(host_part),
            ..NmapHost::default()
        };
        for chunk in ports_part.split("<port ").skip(1) {
            let transport = match attr(chunk, "protocol").as_deref() {
                Some("udp") => UDP,
                _ => TCP,
            };
            let Some(port) = attr(chunk, "portid").and_then(|p| p.parse().ok()) else {
                continue;
            };
            let state = chunk.split("<state ").nth(1).unwrap_or_default();
            let service = chunk.split("<service ").nth(1).unwrap_or_default();
            let service = ["name", "product", "version", "extrainfo"]
                .iter()
                .filter_map(|k| attr(service, k))
                .collect::<Vec<_>>()
                .join(" ");
            parsed.ports.insert(
                (transport, port),
                NmapPort {
                    state: attr(state, "state").unwrap_or_default(),
                    reason: attr(state, "reason").unwrap_or_default(),
                    service: unescape(&service),
                    scripts: scripts(chunk),
                },
            );
        }
        hosts.insert(addr, parsed);
    }
    hosts
}

/// nmap's `-p` list for these ports: `T:111,389,U:53,…`.
fn nmap_ports(ports: &BTreeSet<Key>) -> String {
    let list = |t: &str| {
        ports
            .iter()
            .filter(|(tr, _)| *tr == t)
            .map(|(_, p)| p.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    format!("T:{},U:{}", list(TCP), list(UDP))
}

/// One nmap run over every target of one family: SYN and UDP scan with
/// version detection and the detail scripts.
fn nmap_scan(lab: &Lab, targets: &[IpAddr], ports: &BTreeSet<Key>) -> BTreeMap<IpAddr, NmapHost> {
    let xml = nmap_xml(
        lab,
        targets,
        &nmap_ports(ports),
        &[
            "-sS",
            "-sU",
            "-sV",
            "--version-intensity",
            "0",
            "--script",
            SCRIPTS,
        ],
    );
    parse_nmap(&xml)
}

/// The lab's ports: the UDP and TCP ports of the hosts.
fn lab_ports() -> BTreeSet<Key> {
    UDP_PORTS
        .iter()
        .map(|&p| (UDP, p))
        .chain(TCP_PORTS.iter().map(|&p| (TCP, p)))
        .collect()
}

/// Every visitor's address in `family`, with its expectation.
fn targets(lab: &Lab, family: Family) -> Vec<(IpAddr, &'static Expect)> {
    EXPECT
        .iter()
        .filter_map(|e| lab.visitor(e.visitor).addr(family).map(|a| (a, e)))
        .collect()
}

const FAMILIES: [Family; 2] = [Family::Ipv4, Family::Ipv6];

#[test]
fn udp_lab_hosts_answer_nmap_as_built() {
    let Some(lab) = Lab::for_test("udp_lab_hosts_answer_nmap_as_built", &VISITORS, &[]) else {
        return;
    };
    let ports = lab_ports();
    let mut problems = Vec::new();
    for family in FAMILIES {
        let targets = targets(&lab, family);
        let addrs: Vec<IpAddr> = targets.iter().map(|(a, _)| *a).collect();
        let nmap = nmap_scan(&lab, &addrs, &ports);
        for (addr, expect) in &targets {
            let who = format!("{} {family:?} ({addr})", expect.visitor);
            let Some(host) = nmap.get(addr) else {
                problems.push(format!("{who}: not in nmap's report"));
                continue;
            };
            println!("{who}:\n{}", nmap_rows(host));
            for &(transport, port) in &ports {
                let want = expect.nmap_state(family, (transport, port));
                let got = host
                    .ports
                    .get(&(transport, port))
                    .map_or("missing", |p| p.state.as_str());
                if got != want {
                    problems.push(format!(
                        "{who} {port}/{transport}: nmap says {got}, the host is built for {want}"
                    ));
                }
            }
            problems.extend(
                lab_details(&lab, expect.visitor, family, *addr, host)
                    .into_iter()
                    .map(|p| format!("{who}: {p}")),
            );
        }
    }
    assert!(
        problems.is_empty(),
        "the UDP lab hosts are not what they were built to be:\n{}",
        problems.join("\n")
    );
}

/// nmap's rows of a host, one a line.
fn nmap_rows(host: &NmapHost) -> String {
    host.ports
        .iter()
        .map(|((t, p), n)| {
            format!(
                "  {p:>5}/{t:<3} {:<14} {:<18} {}",
                n.state, n.reason, n.service
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The output of nmap's script `id` on a port, or "".
fn script<'a>(host: &'a NmapHost, t: &'static str, port: u16, id: &str) -> &'a str {
    host.ports
        .get(&(t, port))
        .and_then(|p| p.scripts.get(id))
        .map_or("", String::as_str)
}

/// What nmap (and curl, for the Exchange stand-in) reads of the known
/// texts on a host; the problems.
fn lab_details(
    lab: &Lab,
    visitor: &str,
    family: Family,
    addr: IpAddr,
    host: &NmapHost,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut want = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    let udp = UDP;
    let service = |p: u16| {
        host.ports
            .get(&(udp, p))
            .map_or(String::new(), |n| n.service.clone())
    };
    match visitor {
        "udpsvc" => {
            let snmp = script(host, udp, 161, "snmp-sysdescr");
            want(
                snmp.lines().next().map(str::trim) == Some(SYS_DESCR),
                format!("snmp-sysdescr {snmp:?}, expected {SYS_DESCR:?}"),
            );
            let dns = script(host, udp, 53, "dns-recursion");
            want(
                dns.contains("Recursion appears to be enabled"),
                format!("dns-recursion {dns:?}"),
            );
            for t in [UDP, TCP] {
                let rpc = script(host, t, 111, "rpcinfo");
                want(
                    rpc.contains("100000") && rpc.contains("rpcbind"),
                    format!("rpcinfo over {t} {rpc:?}"),
                );
            }
            let ldap = script(host, TCP, 389, "ldap-rootdse");
            want(
                ldap.contains(&format!("namingContexts: {SLAPD_SUFFIX}")),
                format!("ldap-rootdse {ldap:?}, expected namingContexts {SLAPD_SUFFIX}"),
            );
            want(
                service(5060).contains(SIP_SERVER),
                format!("5060 -sV {:?}, expected {SIP_SERVER:?}", service(5060)),
            );
            want(
                service(123).starts_with("ntp"),
                format!("123 -sV {:?}", service(123)),
            );
            let monlist = script(host, udp, 123, "ntp-monlist");
            want(
                monlist.is_empty(),
                format!("chrony answered ntp-monlist: {monlist:?}"),
            );
            if family == Family::Ipv4 {
                let nbstat = host.scripts.get("nbstat").map_or("", String::as_str);
                want(
                    nbstat.contains(&format!("NetBIOS name: {NETBIOS_NAME},"))
                        && nbstat.contains(&format!("{WORKGROUP}<00>")),
                    format!("nbstat {nbstat:?}, expected {NETBIOS_NAME} in {WORKGROUP}"),
                );
            }
            let mdns = script(host, udp, 5353, "dns-service-discovery");
            want(
                mdns.is_empty(),
                format!("avahi-daemon answered off-link: {mdns:?}"),
            );
            let wsd = script(host, udp, 3702, "wsdd-discover");
            want(
                wsd.is_empty(),
                format!("wsdd answered a unicast Probe: {wsd:?}"),
            );
        }
        "udpalt" => {
            let monlist = script(host, udp, 123, "ntp-monlist");
            want(
                monlist.contains("Clients"),
                format!("ntp-monlist {monlist:?}, expected a client list"),
            );
            want(
                service(389).contains("Microsoft Windows Active Directory LDAP")
                    && service(389).contains("praxis.lab"),
                format!("389/udp -sV {:?}", service(389)),
            );
            want(
                service(5353).contains("DNS-based service discovery"),
                format!("5353 -sV {:?}", service(5353)),
            );
            want(
                service(1434).contains(&format!("Microsoft SQL Server {SQL_VERSION}")),
                format!(
                    "1434 -sV {:?}, expected SQL Server {SQL_VERSION}",
                    service(1434)
                ),
            );
            let wsd = script(host, udp, 3702, "wsdd-discover");
            want(
                wsd.contains("wprt:PrintDeviceType wscn:ScanDeviceType"),
                format!("wsdd-discover {wsd:?}, expected {WSD_TYPES:?}"),
            );
            problems.extend(owa_headers(lab, addr));
        }
        _ => {
            let answered: Vec<String> = host
                .ports
                .iter()
                .flat_map(|((t, p), n)| {
                    n.scripts
                        .iter()
                        .filter(|(_, out)| !out.contains("ERROR"))
                        .map(move |(id, out)| format!("{p}/{t}: {id} {out:?}"))
                })
                .collect();
            want(
                answered.is_empty(),
                format!("a script got an answer: {answered:?}"),
            );
        }
    }
    problems
}

/// The Exchange stand-in's answer to `GET /` as curl reads it: a redirect
/// to /owa/ with the OWA version header.
fn owa_headers(lab: &Lab, addr: IpAddr) -> Vec<String> {
    let url = format!("https://{}/", std::net::SocketAddr::new(addr, OWA_PORT));
    let out = in_ns(
        lab.probe_ns(),
        "curl",
        &[
            "-sk",
            "--max-time",
            "10",
            "-D",
            "-",
            "-o",
            "/dev/null",
            &url,
        ],
    );
    let text = output_text(&out).to_ascii_lowercase();
    let ok = text.starts_with("http/1.1 302")
        && text.contains(&format!("x-owa-version: {OWA_BUILD}"))
        && text.contains("/owa/\r\n");
    if ok {
        Vec::new()
    } else {
        vec![format!(
            "Exchange stand-in on {OWA_PORT}: expected a 302 to /owa/ with X-OWA-Version \
             {OWA_BUILD}, curl read {text:?}"
        )]
    }
}

/// The transports and ports of a plan's entries.
fn plan_ports(plan: &Plan) -> BTreeSet<Key> {
    plan.entries()
        .map(|(_, _, s)| key(s.transport, s.port))
        .collect()
}

/// Whether portcheck's reason for a UDP port means what nmap's does.
fn same_udp_reason(pc: Reason, nmap: &str, family: Family) -> bool {
    matches!(
        (pc, nmap, family),
        (Reason::Answered | Reason::UnparsedAnswer, "udp-response", _)
            | (Reason::NoAnswer, "no-response", _)
            | (Reason::PortUnreachable, "port-unreach", _)
            | (
                Reason::Prohibited | Reason::Unreachable,
                "admin-prohibited",
                Family::Ipv4
            )
            | (Reason::Prohibited, "admin-prohibited", Family::Ipv6)
    )
}

/// Whether portcheck's reason for a TCP port means what nmap's does.
fn same_tcp_reason(pc: Reason, nmap: &str) -> bool {
    matches!(
        (pc, nmap),
        (Reason::Connected, "syn-ack") | (Reason::Refused, "reset")
    )
}

/// A difference between portcheck and nmap that is understood, with why.
fn explained(pc: &PortResult, nmap: &NmapPort) -> Option<&'static str> {
    let probe_match = nmap
        .scripts
        .get("wsdd-discover")
        .is_some_and(|s| s.contains("Devices"));
    (pc.transport == Transport::Udp
        && pc.port == 3702
        && pc.state == PortState::Open
        && pc.reason == Reason::Answered
        && nmap.state == SILENT
        && probe_match)
        .then_some(
            "nmap 7.93 has no WS-Discovery version probe, so -sU sends 3702 an empty \
             datagram and says open|filtered; its wsdd-discover script sent a Probe and got \
             the ProbeMatch the probe read",
        )
}

#[test]
fn practice_check_udp_matches_nmap() {
    let Some(lab) = Lab::for_test("practice_check_udp_matches_nmap", &VISITORS, &[]) else {
        return;
    };
    let plan = Plan::practice();
    let planned = plan_ports(&plan);
    let plan_udp: BTreeSet<u16> = planned
        .iter()
        .filter(|(t, _)| *t == UDP)
        .map(|(_, p)| *p)
        .collect();
    let mut problems = Vec::new();
    if plan_udp != UDP_PORTS.into_iter().collect() {
        problems.push(format!(
            "the practice plan's UDP ports are {plan_udp:?}; the lab's hosts are built \
             around {UDP_PORTS:?} (UDP-DESIGN.md)"
        ));
    }
    let ports: BTreeSet<Key> = planned.union(&lab_ports()).copied().collect();
    for family in FAMILIES {
        let targets = targets(&lab, family);
        let mut reports = Vec::new();
        for (addr, expect) in &targets {
            let v = lab.visitor(expect.visitor);
            reports.push((*addr, *expect, lab.scan_plan(&v, family, "practice")));
        }
        let addrs: Vec<IpAddr> = targets.iter().map(|(a, _)| *a).collect();
        let nmap = nmap_scan(&lab, &addrs, &ports);
        for (addr, expect, report) in &reports {
            let who = format!("{} {family:?} ({addr})", expect.visitor);
            let host = nmap.get(addr);
            println!(
                "{who}, practice check {} ms:\n{}",
                report.duration_ms,
                compare_rows(report, host, family)
                    .iter()
                    .map(|r| r.0.clone())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            problems.extend(
                compare_rows(report, host, family)
                    .into_iter()
                    .filter_map(|(_, p)| p)
                    .map(|p| format!("{who}: {p}")),
            );
            let found: BTreeSet<String> = report
                .verdict
                .findings
                .iter()
                .map(|f| wire_name(f.id))
                .collect();
            let want = expect.findings(family);
            if found != want {
                problems.push(format!("{who}: findings {found:?}, expected {want:?}"));
            }
            problems.extend(
                probe_details(expect.visitor, family, report)
                    .into_iter()
                    .map(|p| format!("{who}: {p}")),
            );
        }
    }
    assert!(
        problems.is_empty(),
        "the practice check differs from nmap or from the lab's services:\n{}\n{}",
        problems.join("\n"),
        lab.probe_log()
    );
}

/// Each port of a report against nmap: the row's text and, when they
/// differ without an explanation, the problem.
fn compare_rows(
    report: &Report,
    host: Option<&NmapHost>,
    family: Family,
) -> Vec<(String, Option<String>)> {
    report
        .ports
        .iter()
        .chain(&report.control)
        .map(|pc| {
            let nmap = host
                .and_then(|h| h.ports.get(&key(pc.transport, pc.port)))
                .cloned()
                .unwrap_or(NmapPort {
                    state: "missing".into(),
                    reason: "missing".into(),
                    ..NmapPort::default()
                });
            let state = wire_name(pc.state);
            let reason = wire_name(pc.reason);
            let same_reason = match pc.transport {
                Transport::Udp => same_udp_reason(pc.reason, &nmap.reason, family),
                Transport::Tcp => same_tcp_reason(pc.reason, &nmap.reason),
            };
            let verdict = if state == nmap.state && same_reason {
                Ok("agree")
            } else {
                explained(pc, &nmap).ok_or(())
            };
            let row = format!(
                "  {:>5}/{:<3} portcheck {:<32} nmap {:<30} {}",
                pc.port,
                wire_name(pc.transport),
                format!("{state}/{reason}"),
                format!("{}/{}", nmap.state, nmap.reason),
                match verdict {
                    Ok(why) => why.to_string(),
                    Err(()) => "DIFFER".into(),
                }
            );
            let problem = verdict.is_err().then(|| {
                format!(
                    "{}/{}: portcheck {state}/{reason}, nmap {}/{}",
                    pc.port,
                    wire_name(pc.transport),
                    nmap.state,
                    nmap.reason
                )
            });
            (row, problem)
        })
        .collect()
}

/// The details of a report's port, by transport and number.
fn details(report: &Report, t: Transport, port: u16) -> PortDetails {
    report
        .ports
        .iter()
        .chain(&report.control)
        .find(|p| p.transport == t && p.port == port)
        .and_then(|p| p.details.as_deref().cloned())
        .unwrap_or_default()
}

/// The known texts in the probe's details; the problems.
fn probe_details(visitor: &str, family: Family, report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    let mut want = |ok: bool, what: &str, d: &PortDetails| {
        if !ok {
            problems.push(format!(
                "{what}; the probe's details {}",
                serde_json::to_string(d).unwrap_or_default()
            ));
        }
    };
    let udp = |p| details(report, Transport::Udp, p);
    let tcp = |p| details(report, Transport::Tcp, p);
    match visitor {
        "udpsvc" => {
            let d = udp(53);
            want(
                d.reported.dns.as_ref().is_some_and(|x| {
                    x.recursion_available && x.rcode == "NOERROR" && x.answers >= 1
                }),
                "53/udp: dnsmasq offers recursion (RA) and answers (NOERROR)",
                &d,
            );
            let d = udp(123);
            want(
                d.reported
                    .ntp
                    .as_ref()
                    .is_some_and(|n| n.stratum == Some(CHRONY_STRATUM) && !n.monlist),
                "123/udp: chrony at stratum 10, no monlist",
                &d,
            );
            let d = udp(161);
            want(
                d.reported
                    .snmp
                    .as_ref()
                    .is_some_and(|s| s.sys_descr.as_deref() == Some(SYS_DESCR)),
                &format!("161/udp: sysDescr {SYS_DESCR:?}"),
                &d,
            );
            if family == Family::Ipv4 {
                let d = udp(137);
                want(
                    d.reported.netbios_ns.as_ref().is_some_and(|n| {
                        n.computer.as_deref() == Some(NETBIOS_NAME)
                            && n.workgroup.as_deref() == Some(WORKGROUP)
                    }),
                    &format!("137/udp: computer {NETBIOS_NAME} in workgroup {WORKGROUP}"),
                    &d,
                );
            }
            for (t, d) in [(UDP, udp(111)), (TCP, tcp(111))] {
                want(
                    d.reported
                        .portmapper
                        .as_ref()
                        .is_some_and(|m| m.programs.iter().any(|p| p.program == 100000)),
                    &format!("111/{t}: rpcbind lists the portmapper (100000)"),
                    &d,
                );
            }
            let d = tcp(389);
            want(
                d.reported
                    .ldap
                    .as_ref()
                    .is_some_and(|l| l.naming_contexts == [SLAPD_SUFFIX]),
                &format!("389/tcp: slapd's naming context {SLAPD_SUFFIX}"),
                &d,
            );
            let d = udp(5060);
            want(
                d.reported
                    .sip
                    .as_ref()
                    .is_some_and(|s| s.status == 200 && s.server.as_deref() == Some(SIP_SERVER)),
                &format!("5060/udp: 200 with Server {SIP_SERVER:?}"),
                &d,
            );
        }
        "udpalt" => {
            let d = udp(123);
            want(
                d.reported
                    .ntp
                    .as_ref()
                    .is_some_and(|n| n.stratum == Some(STANDIN_STRATUM) && n.monlist),
                "123/udp: stratum 3 and monlist answered",
                &d,
            );
            let d = udp(389);
            want(
                d.reported.ldap.as_ref().is_some_and(|l| {
                    l.naming_contexts.iter().any(|c| c == AD_DOMAIN)
                        && l.dns_host_name.as_deref() == Some(AD_HOST)
                }),
                &format!("389/udp: CLDAP rootDSE of {AD_HOST} with {AD_DOMAIN}"),
                &d,
            );
            let d = udp(5353);
            want(
                d.reported.mdns.as_ref().is_some_and(|m| {
                    MDNS_SERVICES
                        .iter()
                        .all(|s| m.services.iter().any(|x| x == s))
                }),
                &format!("5353/udp: services {MDNS_SERVICES:?}"),
                &d,
            );
            let d = udp(1434);
            want(
                d.reported.mssql_browser.as_ref().is_some_and(|m| {
                    m.instances.iter().any(|i| {
                        i.instance.as_deref() == Some(SQL_INSTANCE)
                            && i.version.as_deref() == Some(SQL_VERSION)
                            && i.tcp_port == Some(1433)
                    })
                }),
                &format!("1434/udp: instance {SQL_INSTANCE} {SQL_VERSION} on 1433"),
                &d,
            );
            let d = udp(3702);
            want(
                d.reported
                    .ws_discovery
                    .as_ref()
                    .is_some_and(|w| w.types.iter().any(|t| t == WSD_TYPES)),
                &format!("3702/udp: types {WSD_TYPES:?}"),
                &d,
            );
            let d = tcp(OWA_PORT);
            want(
                d.http
                    .as_ref()
                    .and_then(|h| h.exchange.as_ref())
                    .is_some_and(|x| {
                        x.build.as_deref() == Some(OWA_BUILD) && x.support == ExchangeSupport::Ended
                    }),
                &format!("{OWA_PORT}/tcp: Exchange {OWA_BUILD}, support ended"),
                &d,
            );
        }
        _ => {
            let answered: Vec<u16> = report
                .ports
                .iter()
                .filter(|p| p.transport == Transport::Udp && p.state == PortState::Open)
                .map(|p| p.port)
                .collect();
            if !answered.is_empty() {
                problems.push(format!("UDP ports open behind the firewall: {answered:?}"));
            }
        }
    }
    problems
}

/// The packaged directories of the UDP hosts' daemons: the lab must add,
/// remove or change nothing there (each daemon keeps its files in the lab
/// directory or in a private mount namespace).
fn daemon_system_files() -> Vec<String> {
    let dirs = [
        "/var/lib/snmp",
        "/run/chrony",
        "/var/lib/chrony",
        "/var/lib/ldap",
        "/etc/ldap/slapd.d",
        "/run/slapd",
        "/run/kamailio",
        "/run/avahi-daemon",
        "/etc/avahi/services",
        "/run/rpcbind",
        "/run/dnsmasq",
        "/var/lib/misc",
        "/var/log/samba",
        "/run/samba",
        "/var/lib/samba",
        "/var/cache/samba",
    ];
    lab::files_below(&dirs)
}

#[test]
fn udp_hosts_leave_nothing_behind() {
    let test = "udp_hosts_leave_nothing_behind";
    if !crate::support::gate::gate(test, lab::ready()) {
        return;
    }
    let _one = lab::serial();
    let before = daemon_system_files();

    let lab = Lab::start(&VISITORS);
    let (prefix, dir, pids) = (lab.prefix.clone(), lab.dir.clone(), lab.pids());
    // dnsmasq, chronyd, snmpd, nmbd, avahi-daemon, wsdd, rpcbind, slapd,
    // kamailio (several), five stand-ins and the two probes.
    assert!(
        pids.len() >= 16,
        "expected every daemon to run; got {pids:?}"
    );
    drop(lab);
    let left = leftovers(&prefix, &dir, &pids);
    assert!(left.is_empty(), "drop: left behind {left:?}");

    // A build that fails once udpsvc's daemons run removes what it built.
    let prefix = fresh_prefix();
    let mut holder = spawn_holder(
        &prefix,
        &VISITORS,
        &[("PORTCHECK_LAB_FAIL_AFTER", "udpsvc")],
        std::process::Stdio::piped(),
    );
    assert!(
        await_ready(&mut holder).is_none(),
        "the failing build said READY"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = holder.try_wait().expect("try_wait") {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the failing build's holder did not exit within 60 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(!status.success(), "the failing build exited {status}");
    let dir = std::env::temp_dir().join(format!("portcheck-lab-{prefix}"));
    let left = leftovers(&prefix, &dir, &[]);
    assert!(left.is_empty(), "failed build: left behind {left:?}");

    assert_eq!(
        before,
        daemon_system_files(),
        "the UDP hosts' daemons changed their packaged directories"
    );
}
