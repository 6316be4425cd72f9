//! The lab tests: visitors on a simulated internet, each checked by the real
//! `portcheck serve` and by nmap from the same probe host.
//!
//! Every visitor is a network host in its own namespace (tests/lab/lab.sh
//! builds them; the topology is drawn there). It asks the probe to check it,
//! exactly as a browser would, so the probe sees the visitor's address, or its
//! NAT router's. For each visitor and address family the tests assert:
//! - the state and reason of every port of both groups (80–89 and 440–449
//!   with their control ports: the standard plan's 28 ports);
//! - that nmap's SYN scan over the same ports (`nmap -n -Pn -T4
//!   -p78-91,438-451`, the list derived from the plan) sees the same, except
//!   for the differences listed in `clients::explained_difference`, each
//!   with its reason;
//! - the verdict and its findings, each with its group, and that the verdict
//!   is what the shared rules make of the reported states;
//! - where it matters, that the lab host really is what it pretends to be
//!   (a guest-readable Samba share, SMB1 on offer, TLS, a web server and a
//!   Kerberos KDC behind the NAT), and what identification reports there
//!   against curl, openssl, smbclient, nmap's scripts and `kinit`.
//!
//! Without root these tests print a loud SKIPPED banner; with `CI` set they
//! fail instead. `scripts/test-lab` installs the tools and runs them.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::time::Instant;

use portcheck::api::{
    Family, FindingId, GroupPorts, IdentLimit, Level, PortResult, PortState, Reason, Report,
};
use portcheck::plan::Plan;
use portcheck::verdict;

use super::clients::{
    self, compare, format_rows, nmap_smb_dialects, smbclient, verify_http, verify_kerberos,
    verify_smb, verify_tls,
};
use crate::support::lab::{Lab, Visitor, in_ns};
use crate::support::parse_events;

use PortState::{Closed, Filtered, Open};
use Reason::{Connected, Prohibited, Refused, Timeout, Unreachable};

/// Expected port results: a default for every port of range and control,
/// and the ports that differ from it.
pub(super) struct Ports {
    default: (PortState, Reason),
    except: Vec<(u16, PortState, Reason)>,
}

impl Ports {
    fn all(state: PortState, reason: Reason) -> Self {
        Ports {
            default: (state, reason),
            except: Vec::new(),
        }
    }

    fn with(mut self, ports: &[u16], state: PortState, reason: Reason) -> Self {
        self.except
            .extend(ports.iter().map(|&p| (p, state, reason)));
        self
    }

    pub(super) fn expected(&self, port: u16) -> (PortState, Reason) {
        self.except
            .iter()
            .rev()
            .find(|(p, _, _)| *p == port)
            .map_or(self.default, |&(_, s, r)| (s, r))
    }
}

/// Expected findings: ids with their ports, most severe first. Each finding
/// must also name the group all its ports belong to (none when they span
/// both groups).
type Findings = Vec<(FindingId, Vec<u16>)>;

/// The name of the plan group that holds all of `ports`, if one does.
fn group_of(ports: &[u16]) -> Option<String> {
    let plan = Plan::standard();
    let names: BTreeSet<Option<&str>> = ports
        .iter()
        .map(|&p| {
            plan.group_of(p, portcheck::plan::Transport::Tcp)
                .map(|g| g.name.as_str())
        })
        .collect();
    match names.into_iter().collect::<Vec<_>>()[..] {
        [Some(name)] => Some(name.to_owned()),
        _ => None,
    }
}

/// Everything one scan must show.
pub(super) struct Expect {
    pub(super) ports: Ports,
    level: Level,
    findings: Findings,
    /// Open ports with a real service the probe must identify; each is also
    /// checked against an independent client (nmap scripts, smbclient,
    /// openssl, curl, kinit). Other ports must show no SMB, TLS or Kerberos
    /// details.
    services: Vec<(u16, Service)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Smb,
    Tls,
    /// Plain HTTP.
    Http,
    /// An MIT Kerberos KDC of the lab's realm.
    Kerberos,
}

/// Check a report against the expectation and against nmap; return a
/// description of every problem (empty when all is well) and print the
/// comparison table.
pub(super) fn check(
    lab: &Lab,
    v: &Visitor,
    family: Family,
    report: &Report,
    expect: &Expect,
) -> Vec<String> {
    let mut problems = Vec::new();
    let addr = v.addr(family).expect("visitor has this family");
    if report.target.ip != addr || report.target.family != family {
        problems.push(format!("target is {:?}, expected {addr}", report.target));
    }
    problems.extend(check_report_shape(report));
    for pr in report.ports.iter().chain(&report.control) {
        let (state, reason) = expect.ports.expected(pr.port);
        if (pr.state, pr.reason) != (state, reason) {
            problems.push(format!(
                "port {}: portcheck says {:?}/{:?}, the lab host is {:?}/{:?}",
                pr.port, pr.state, pr.reason, state, reason
            ));
        }
    }
    let ids: Vec<_> = report
        .verdict
        .findings
        .iter()
        .map(|f| (f.id, f.ports.clone(), f.group.clone()))
        .collect();
    let want: Vec<_> = expect
        .findings
        .iter()
        .map(|(id, ports)| (*id, ports.clone(), group_of(ports)))
        .collect();
    if report.verdict.level != expect.level || ids != want {
        problems.push(format!(
            "verdict {:?} {:?}, expected {:?} {:?}",
            report.verdict.level, ids, expect.level, want
        ));
    }
    if report.verdict != verdict::evaluate(&Plan::standard(), &report.ports, &report.control) {
        problems.push("the verdict is not what the rules make of the reported states".into());
    }
    problems.extend(check_services(lab, addr, report, &expect.services));

    let nmap = clients::scan(lab, addr);
    let rows = compare(family, report, &nmap);
    println!(
        "{} over {family:?} ({addr}), probe timeout {} ms, scan {} ms:\n{}",
        v.name,
        report.timeout_ms,
        report.duration_ms,
        format_rows(&rows)
    );
    for r in rows.iter().filter(|r| r.difference == Some("UNEXPLAINED")) {
        problems.push(format!(
            "port {}: portcheck {} but nmap {} (not a known connect-vs-SYN difference)",
            r.port, r.portcheck, r.nmap
        ));
    }
    problems
        .into_iter()
        .map(|p| format!("{} {family:?}: {p}", v.name))
        .collect()
}

/// Properties every report has, whatever the host: all ports in order, a
/// round-trip time exactly for answers, two attempts for silence.
fn check_report_shape(report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    let ports: Vec<u16> = report.ports.iter().map(|p| p.port).collect();
    let control: Vec<u16> = report.control.iter().map(|p| p.port).collect();
    let plan = Plan::standard();
    if ports != plan.range_ports() || control != plan.control_ports() {
        problems.push(format!("ports {ports:?} control {control:?}"));
    }
    if report.groups != GroupPorts::of(&plan) {
        problems.push(format!("groups {:?}", report.groups));
    }
    for p in report.ports.iter().chain(&report.control) {
        let silent = p.reason == Timeout;
        if silent && (p.attempts != 2 || p.rtt_ms.is_some()) {
            problems.push(format!(
                "port {} timed out after {} attempt(s), rtt {:?}",
                p.port, p.attempts, p.rtt_ms
            ));
        }
        if !silent && p.rtt_ms.is_none() {
            problems.push(format!(
                "port {} answered without a round-trip time",
                p.port
            ));
        }
        if p.service != portcheck::api::service_name(p.port) {
            problems.push(format!("port {} named {}", p.port, p.service));
        }
    }
    problems
}

/// Identification against the lab's real services, each checked with an
/// independent client from the probe host.
fn check_services(
    lab: &Lab,
    addr: IpAddr,
    report: &Report,
    services: &[(u16, Service)],
) -> Vec<String> {
    let mut problems = Vec::new();
    for p in report.ports.iter().chain(&report.control) {
        let details = p.details.as_deref();
        let (smb, tls, krb) = (
            details.and_then(|d| d.smb.as_ref()),
            details.and_then(|d| d.tls.as_ref()),
            details.and_then(|d| d.kerberos.as_ref()),
        );
        let http = details.and_then(|d| d.http.as_ref());
        match services.iter().find(|(port, _)| *port == p.port) {
            Some((_, Service::Smb)) => match smb {
                Some(smb) => problems.extend(verify_smb(lab, addr, smb)),
                None => problems.push(format!(
                    "port {}: Samba not identified: {details:?}",
                    p.port
                )),
            },
            Some((_, Service::Tls)) => match tls {
                Some(tls) => problems.extend(verify_tls(lab, addr, p.port, tls)),
                None => problems.push(format!("port {}: TLS not identified: {details:?}", p.port)),
            },
            Some((_, Service::Http)) => match http {
                Some(http) => problems.extend(verify_http(lab, addr, p.port, http)),
                None => problems.push(format!("port {}: HTTP not identified: {details:?}", p.port)),
            },
            Some((_, Service::Kerberos)) => match krb {
                Some(krb) => problems.extend(verify_kerberos(lab, addr, lab.get("KDC_REALM"), krb)),
                None => problems.push(format!(
                    "port {}: Kerberos not identified: {details:?}",
                    p.port
                )),
            },
            None if smb.is_some() || tls.is_some() || krb.is_some() => {
                problems.push(format!(
                    "port {}: no SMB, TLS or Kerberos here, yet {details:?}",
                    p.port
                ));
            }
            None => {}
        }
    }
    problems
}

/// What the web service at `addr` answers over HTTPS, asked from the probe
/// host.
fn https_body(lab: &Lab, addr: &str) -> String {
    let url = format!("https://{addr}/");
    let web = in_ns(lab.probe_ns(), "curl", &["-sk", "--max-time", "10", &url]);
    String::from_utf8_lossy(&web.stdout).trim().to_owned()
}

/// The lab with one visitor, for a test (`None` after the gate's skip).
fn lab_with(test: &str, visitor: &str) -> Option<(Lab, Visitor)> {
    let lab = Lab::for_test(test, &[visitor], &[])?;
    let v = lab.visitor(visitor);
    Some((lab, v))
}

/// A host whose only open port is Samba's 445 with a guest share, with or
/// without SMB1 on offer; `others` says how the rest answer.
fn samba_only(others: Ports, smb1: bool) -> Expect {
    let mut findings = vec![
        (FindingId::SmbExposed, vec![445]),
        (FindingId::SmbGuestAccess, vec![445]),
        (FindingId::SmbSigningNotRequired, vec![445]),
    ];
    if smb1 {
        findings.insert(2, (FindingId::Smb1Enabled, vec![445]));
    }
    Expect {
        ports: others.with(&[445], Open, Connected),
        level: Level::Critical,
        findings,
        services: vec![(445, Service::Smb)],
    }
}

pub(super) fn assert_no_problems(problems: Vec<String>, lab: &Lab) {
    assert!(
        problems.is_empty(),
        "\n{}\n{}",
        problems.join("\n"),
        lab.probe_log()
    );
}

/// Scan a visitor in each of its families with the default probe and check;
/// the reports, one per family.
fn scan_and_check(lab: &Lab, v: &Visitor, expect: impl Fn(Family) -> Expect) -> Vec<Report> {
    let mut problems = Vec::new();
    let mut reports = Vec::new();
    for family in v.families() {
        let report = lab.scan(v, family);
        problems.extend(check(lab, v, family, &report, &expect(family)));
        reports.push(report);
    }
    assert_no_problems(problems, lab);
    reports
}

/// The groups named by the report's findings of kind `id`, in order.
fn finding_groups(report: &Report, id: FindingId) -> Vec<Option<&str>> {
    report
        .verdict
        .findings
        .iter()
        .filter(|f| f.id == id)
        .map(|f| f.group.as_deref())
        .collect()
}

// ---------------------------------------------------------------- visitors

/// Open 440 and 443, resets, drops, ICMP admin-prohibited and ICMP
/// port-unreachable across the range; control ports reset. ICMP errors are
/// read from the socket's error queue, so port-unreachable is filtered, not
/// closed, and ICMPv6 errors reach the probe even at the lab's near-zero
/// round-trip time (its connect() returns before the error arrives).
pub(super) fn mixed_expect(family: Family) -> Expect {
    let base = Ports::all(Closed, Refused)
        .with(&[440, 443], Open, Connected)
        .with(&[442, 445, 449], Filtered, Timeout)
        .with(&[446], Filtered, Unreachable);
    let ports = match family {
        Family::Ipv4 => base.with(&[444, 448], Filtered, Unreachable),
        Family::Ipv6 => base.with(&[444, 448], Filtered, Prohibited),
    };
    Expect {
        ports,
        level: Level::Warning,
        findings: vec![
            (FindingId::UnexpectedOpen, vec![440]),
            (FindingId::HttpsExposed, vec![443]),
        ],
        services: vec![],
    }
}

#[test]
fn mixed_host_matches_nmap() {
    let Some((lab, v)) = lab_with("mixed_host_matches_nmap", "mixed") else {
        return;
    };
    scan_and_check(&lab, &v, mixed_expect);

    // The patient probe (timeouts of 1.5-3 s) reads the same.
    let mut problems = Vec::new();
    for family in v.families() {
        let report = lab.scan_via(&v, family, true);
        problems.extend(check(&lab, &v, family, &report, &mixed_expect(family)));
    }
    assert_no_problems(problems, &lab);
}

#[test]
fn mixed_host_stream_reports_every_port_then_the_same_report() {
    let Some((lab, v)) = lab_with(
        "mixed_host_stream_reports_every_port_then_the_same_report",
        "mixed",
    ) else {
        return;
    };
    for family in v.families() {
        let url = format!("{}/api/v1/scan/stream", lab.probe_url(family, false));
        let out = in_ns(&v.ns, "curl", &["-sSN", "--max-time", "60", &url]);
        assert!(
            out.status.success(),
            "stream: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let events = parse_events(&String::from_utf8_lossy(&out.stdout));
        let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names.first(), Some(&"started"), "{names:?}");
        assert_eq!(names.last(), Some(&"finished"), "{names:?}");
        let ports: Vec<u16> = events
            .iter()
            .filter(|e| e.name == "port")
            .map(|e| {
                serde_json::from_str::<PortResult>(&e.data)
                    .expect("port event")
                    .port
            })
            .collect();
        let mut sorted = ports.clone();
        sorted.sort_unstable();
        let mut all: Vec<u16> = Plan::standard()
            .range_ports()
            .iter()
            .chain(Plan::standard().control_ports().iter())
            .copied()
            .collect();
        all.sort_unstable();
        assert_eq!(sorted, all, "one port event per port");
        let report: Report =
            serde_json::from_str(&events.last().expect("finished").data).expect("report");
        let expect = mixed_expect(family);
        for pr in report.ports.iter().chain(&report.control) {
            assert_eq!(
                (pr.state, pr.reason),
                expect.ports.expected(pr.port),
                "port {}",
                pr.port
            );
        }
        assert_eq!(report.target.ip, v.addr(family).expect("address"));
    }
}

#[test]
fn samba_guest_share_only_445() {
    let Some((lab, v)) = lab_with("samba_guest_share_only_445", "smb") else {
        return;
    };
    // The host's firewall drops everything but 445.
    scan_and_check(&lab, &v, |_| {
        samba_only(Ports::all(Filtered, Timeout), false)
    });

    // The lab host is the "Jeder" case: anyone may list, read and write.
    let ip4 = v.ipv4.expect("v4").to_string();
    let list = smbclient(&lab, &["-L", &format!("//{ip4}")]);
    assert!(list.contains("Praxis") && list.contains("Jeder"), "{list}");
    let ip6 = v.ipv6.expect("v6").to_string();
    let read = smbclient(
        &lab,
        &[
            "-I",
            &ip6,
            "//praxis-smb/Praxis",
            "-c",
            "get befund-0001.txt /dev/stdout; put /etc/hostname written-by-anyone.txt; ls",
        ],
    );
    assert!(read.contains("Befund (lab sample)"), "{read}");
    assert!(read.contains("written-by-anyone.txt"), "{read}");
    let dialects = nmap_smb_dialects(&lab, &ip4);
    assert!(
        dialects.contains("311") && !dialects.contains("NT LM"),
        "{dialects}"
    );
}

#[test]
fn smb1_server_without_firewall() {
    let Some((lab, v)) = lab_with("smb1_server_without_firewall", "smb1") else {
        return;
    };
    scan_and_check(&lab, &v, |_| samba_only(Ports::all(Closed, Refused), true));
    let dialects = nmap_smb_dialects(&lab, &v.ipv4.expect("v4").to_string());
    assert!(
        dialects.contains("NT LM 0.12 (SMBv1)"),
        "SMB1 not on offer:\n{dialects}"
    );
}

/// Both ranges of the fault behind one router: 80-89 and 440-449 reach the
/// practice server (web 80, KDC 88, TLS 443, Samba 445; the rest of both
/// ranges resets), the router itself drops the control ports.
#[test]
fn nat_range_forward_is_range_reachable() {
    let Some((lab, v)) = lab_with("nat_range_forward_is_range_reachable", "rangefwd") else {
        return;
    };
    assert_eq!(v.families(), vec![Family::Ipv4]);
    let plan = Plan::standard();
    let [https, http] = [&plan.groups[0], &plan.groups[1]].map(|g| g.port_numbers());
    let reports = scan_and_check(&lab, &v, |_| Expect {
        ports: Ports::all(Closed, Refused)
            .with(&plan.control_ports(), Filtered, Timeout)
            .with(&[80, 88, 443, 445], Open, Connected),
        level: Level::Critical,
        findings: vec![
            (FindingId::SmbExposed, vec![445]),
            (FindingId::KerberosExposed, vec![88]),
            (FindingId::SmbGuestAccess, vec![445]),
            (FindingId::RangeReachable, https.clone()),
            (FindingId::RangeReachable, http.clone()),
            (FindingId::SmbSigningNotRequired, vec![445]),
            (FindingId::HttpsExposed, vec![443]),
            (FindingId::HttpExposed, vec![80]),
        ],
        services: vec![
            (80, Service::Http),
            (88, Service::Kerberos),
            (443, Service::Tls),
            (445, Service::Smb),
        ],
    });
    let report = &reports[0];
    assert_eq!(
        finding_groups(report, FindingId::RangeReachable),
        [Some("440-449"), Some("80-89")]
    );
    assert_eq!(
        finding_groups(report, FindingId::KerberosExposed),
        [Some("80-89")]
    );
    // From outside, the WAN address leads to the practice server: its TLS
    // web service and its open share.
    let wan = v.ipv4.expect("v4").to_string();
    assert_eq!(https_body(&lab, &wan), "praxis web");
    let list = smbclient(&lab, &["-L", &format!("//{wan}")]);
    assert!(list.contains("Praxis"), "{list}");
    // The probe saw the router's WAN address, not the server's LAN address.
    let who = in_ns(
        &v.ns,
        "curl",
        &[
            "-sS",
            &format!("{}/api/v1/whoami", lab.probe_url(Family::Ipv4, false)),
        ],
    );
    let who: serde_json::Value = serde_json::from_slice(&who.stdout).expect("whoami JSON");
    assert_eq!(who["ip"], wan.as_str());
}

/// The same kind of server behind a router that forwards only 80 and 443:
/// two notices, no forwarded range, no Kerberos, although the server runs
/// its KDC and Samba.
#[test]
fn nat_single_forward_is_not_a_range() {
    let Some((lab, v)) = lab_with("nat_single_forward_is_not_a_range", "singlefwd") else {
        return;
    };
    assert_eq!(v.families(), vec![Family::Ipv4]);
    let reports = scan_and_check(&lab, &v, |_| Expect {
        ports: Ports::all(Filtered, Timeout).with(&[80, 443], Open, Connected),
        level: Level::Notice,
        findings: vec![
            (FindingId::HttpsExposed, vec![443]),
            (FindingId::HttpExposed, vec![80]),
        ],
        services: vec![(80, Service::Http), (443, Service::Tls)],
    });
    for id in [FindingId::RangeReachable, FindingId::KerberosExposed] {
        assert!(finding_groups(&reports[0], id).is_empty(), "{id:?}");
    }
    let wan = v.ipv4.expect("v4").to_string();
    assert_eq!(https_body(&lab, &wan), "praxis web");
    // The server behind the router does run the KDC and Samba.
    let listening = in_ns(&v.ns, "ss", &["-Hltn", "( sport = :88 or sport = :445 )"]);
    let listening = String::from_utf8_lossy(&listening.stdout);
    assert!(
        listening.contains(":88") && listening.contains(":445"),
        "{listening}"
    );
}

#[test]
fn ipv6_pinholes() {
    let Some((lab, v)) = lab_with("ipv6_pinholes", "v6pin") else {
        return;
    };
    assert_eq!(v.families(), vec![Family::Ipv6]);
    // 445 listens on the PC, but the router has no pinhole for it. The web
    // service behind the 443 pinhole still accepts TLS 1.0 and 1.1.
    scan_and_check(&lab, &v, |_| Expect {
        ports: Ports::all(Filtered, Timeout)
            .with(&[443], Open, Connected)
            .with(&[444], Closed, Refused),
        level: Level::Warning,
        findings: vec![
            (FindingId::TlsOutdated, vec![443]),
            (FindingId::HttpsExposed, vec![443]),
        ],
        services: vec![(443, Service::Tls)],
    });
}

#[test]
fn tarpit_is_open_everywhere_and_left_at_once() {
    let Some((lab, v)) = lab_with("tarpit_is_open_everywhere_and_left_at_once", "tarpit") else {
        return;
    };
    let mut problems = Vec::new();
    for family in v.families() {
        let addr = v.addr(family).expect("address").to_string();
        let report = lab.scan(&v, family);
        // A service that never speaks is reported as such: identification
        // ran out of time on every port, and says so.
        for p in report.ports.iter().chain(&report.control) {
            let limit = p.details.as_deref().and_then(|d| d.limit);
            if limit != Some(IdentLimit::Time) {
                problems.push(format!(
                    "tarpit port {}: identification limit {limit:?}",
                    p.port
                ));
            }
        }
        // The probe closed every connection with a reset: nothing is left on
        // either side, not even TIME_WAIT. Checked before nmap runs.
        let left = |ns: &str, filter: &str| {
            let out = in_ns(ns, "ss", &["-Htan", filter]);
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        let filter = format!("dst {addr}");
        let probe_side = left(lab.probe_ns(), &filter);
        if !probe_side.is_empty() {
            problems.push(format!(
                "probe still has sockets to the tarpit:\n{probe_side}"
            ));
        }
        let tarpit_side = left(&v.ns, "state established");
        if !tarpit_side.is_empty() {
            problems.push(format!("tarpit still holds connections:\n{tarpit_side}"));
        }
        problems.extend(check(
            &lab,
            &v,
            family,
            &report,
            &Expect {
                ports: Ports::all(Open, Connected),
                level: Level::Critical,
                findings: vec![
                    (FindingId::SmbExposed, vec![445]),
                    (
                        FindingId::UnexpectedOpen,
                        (81..=89)
                            .chain([440, 441, 442, 444, 446, 447, 448, 449])
                            .collect(),
                    ),
                    (FindingId::HttpsExposed, vec![443]),
                    (FindingId::HttpExposed, vec![80]),
                ],
                services: vec![],
            },
        ));
    }
    assert_no_problems(problems, &lab);
}

// ---------------------------------------------------------------- loss

fn lossy_truth() -> Ports {
    Ports::all(Closed, Refused)
        .with(&[443, 445], Open, Connected)
        .with(&[440, 442, 444, 446, 448, 449], Filtered, Timeout)
}

/// Repeated scans through a link that drops a share of packets both ways.
/// Without loss the host must read exactly; with it, the states must agree
/// with the truth and with nmap on at least `MIN_SHARE` of all ports.
/// `PORTCHECK_LAB_LOSS` (percent, default 10) and `PORTCHECK_LAB_LOSS_ROUNDS`
/// (scans per family, default 8) change the run; BENCHMARKS.md states what
/// was measured with which values.
#[test]
fn lossy_link_accuracy() {
    const MIN_SHARE: f64 = 0.90;
    let loss: u8 = env_num("PORTCHECK_LAB_LOSS", 10);
    let rounds: usize = env_num("PORTCHECK_LAB_LOSS_ROUNDS", 8);
    let Some(lab) = Lab::for_test(
        "lossy_link_accuracy",
        &["lossy"],
        &[("PORTCHECK_LAB_LOSS", "0")],
    ) else {
        return;
    };
    let v = lab.visitor("lossy");
    scan_and_check(&lab, &v, |_| Expect {
        ports: lossy_truth(),
        level: Level::Critical,
        findings: vec![
            (FindingId::SmbExposed, vec![445]),
            (FindingId::HttpsExposed, vec![443]),
        ],
        services: vec![],
    });

    lab.set_loss(loss);
    let truth = lossy_truth();
    let mut total = 0usize;
    let mut pc_true = 0usize;
    let mut nm_true = 0usize;
    let mut pc_nm = 0usize;
    let mut exact_verdicts = 0usize;
    let mut misread: BTreeMap<(u16, String), usize> = BTreeMap::new();
    let started = Instant::now();
    for round in 0..rounds {
        for family in v.families() {
            let report = lab.scan(&v, family);
            assert_eq!(
                report.verdict,
                verdict::evaluate(&Plan::standard(), &report.ports, &report.control),
                "round {round}: verdict does not follow from the states"
            );
            if report.verdict.level == Level::Critical
                && report
                    .verdict
                    .findings
                    .iter()
                    .map(|f| f.id)
                    .collect::<Vec<_>>()
                    == [FindingId::SmbExposed, FindingId::HttpsExposed]
            {
                exact_verdicts += 1;
            }
            let nmap = clients::scan(&lab, v.addr(family).expect("address"));
            for pr in report.ports.iter().chain(&report.control) {
                let want = clients::nmap_state_word(truth.expected(pr.port).0);
                let got = clients::nmap_state_word(pr.state);
                let nm = nmap.get(&pr.port).map_or("missing", |n| n.state.as_str());
                total += 1;
                pc_true += usize::from(got == want);
                nm_true += usize::from(nm == want);
                pc_nm += usize::from(got == nm);
                if got != want {
                    *misread
                        .entry((pr.port, format!("{want}->{got}")))
                        .or_default() += 1;
                }
            }
        }
    }
    let share = |n: usize| n as f64 / total as f64;
    let scans = rounds * v.families().len();
    println!(
        "LOSSY SUMMARY: loss {loss}% each way, {scans} scans ({} ports) in {:.0} s: \
         portcheck right on {:.1}% of ports, nmap -T4 right on {:.1}%, portcheck and nmap \
         agree on {:.1}%; exact verdict in {exact_verdicts}/{scans} scans; portcheck misreads: {misread:?}",
        total,
        started.elapsed().as_secs_f64(),
        100.0 * share(pc_true),
        100.0 * share(nm_true),
        100.0 * share(pc_nm),
    );
    assert!(
        share(pc_true) >= MIN_SHARE && share(pc_nm) >= MIN_SHARE,
        "under {loss}% loss portcheck was right on {:.1}% and agreed with nmap on {:.1}% of ports \
         (required {:.0}%); misreads {misread:?}",
        100.0 * share(pc_true),
        100.0 * share(pc_nm),
        100.0 * MIN_SHARE
    );
}

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
