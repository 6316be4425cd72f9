//! The findings of the reported services: one rule each from what the
//! service answered; over UDP only `open` with reason `answered` counts,
//! never `open|filtered` and never an answer the parser did not know.

use crate::api::{
    DnsDetails, ExchangeDetails, ExchangeSupport, FindingId, HttpDetails, LdapDetails, Level,
    MdnsDetails, MssqlBrowserDetails, MssqlInstance, NetbiosName, NetbiosNsDetails, NtpDetails,
    PortDetails, PortResult, PortState, PortmapperDetails, Reason, ReportedServiceDetails,
    RpcProgram, Severity, SipDetails, SnmpDetails, Verdict, WsDiscoveryDetails,
};
use crate::plan::{Plan, PlannedPort, Service, Transport, service_name};
use crate::verdict::evaluate;
use crate::verdict::reports::{self, report_of, severity_for};
use FindingId::*;

/// The practice plan's groups that hold the reported services (and the
/// web ports an Exchange server may answer on), the same port number over
/// both transports where the practice plan has it.
fn plan() -> Plan {
    let mut plan = Plan::practice();
    let reported = [
        "directory",
        "reflection",
        "name-services",
        "telephony",
        "web-admin",
    ];
    plan.groups.retain(|g| reported.contains(&g.name.as_str()));
    assert_eq!(
        plan.groups.len(),
        reported.len(),
        "a reported group was renamed"
    );
    plan
}

/// A result over `transport` in `state` with `reason` and `details`.
fn result(
    port: u16,
    transport: Transport,
    state: PortState,
    reason: Reason,
    details: Option<PortDetails>,
) -> PortResult {
    PortResult {
        port,
        service: service_name(port).to_owned(),
        transport,
        state,
        reason,
        rtt_ms: None,
        attempts: 1,
        details: details.map(Box::new),
    }
}

/// A UDP port that answered with `details`.
fn answered(port: u16, details: PortDetails) -> PortResult {
    result(
        port,
        Transport::Udp,
        PortState::Open,
        Reason::Answered,
        Some(details),
    )
}

fn reported(r: ReportedServiceDetails) -> PortDetails {
    PortDetails {
        reported: r,
        ..PortDetails::default()
    }
}

fn dns(ra: bool, rcode: &str) -> PortDetails {
    reported(ReportedServiceDetails {
        dns: Some(DnsDetails {
            recursion_available: ra,
            rcode: rcode.into(),
            answers: 1,
        }),
        ..Default::default()
    })
}

fn ntp(version: Option<u8>, monlist: bool) -> PortDetails {
    reported(ReportedServiceDetails {
        ntp: Some(NtpDetails {
            version,
            stratum: version.map(|_| 2),
            monlist,
            monlist_entries: monlist.then_some(6),
        }),
        ..Default::default()
    })
}

fn snmp(sys_descr: Option<&str>) -> PortDetails {
    reported(ReportedServiceDetails {
        snmp: Some(SnmpDetails {
            version: "v2c".into(),
            sys_descr: sys_descr.map(Into::into),
            error_status: sys_descr.is_none().then_some(2),
        }),
        ..Default::default()
    })
}

fn netbios_ns(names: &[&str]) -> PortDetails {
    reported(ReportedServiceDetails {
        netbios_ns: Some(NetbiosNsDetails {
            names: names
                .iter()
                .map(|n| NetbiosName {
                    name: (*n).into(),
                    suffix: 0,
                    group: false,
                })
                .collect(),
            computer: names.first().map(|n| (*n).into()),
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn ldap() -> PortDetails {
    reported(ReportedServiceDetails {
        ldap: Some(LdapDetails {
            naming_contexts: vec!["DC=praxis,DC=local".into()],
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn portmapper() -> PortDetails {
    reported(ReportedServiceDetails {
        portmapper: Some(PortmapperDetails {
            programs: vec![RpcProgram {
                program: 100000,
                name: Some("portmapper".into()),
                version: 2,
                protocol: "udp".into(),
                port: 111,
            }],
        }),
        ..Default::default()
    })
}

fn exchange(support: ExchangeSupport) -> PortDetails {
    PortDetails {
        http: Some(HttpDetails {
            status: 200,
            title: Some("Outlook".into()),
            exchange: Some(ExchangeDetails {
                build: Some("15.1.2507.6".into()),
                product: Some("Exchange Server 2016".into()),
                support,
            }),
            ..Default::default()
        }),
        ..PortDetails::default()
    }
}

/// Every other reported service, answered: (port, details, finding).
fn the_others() -> Vec<(u16, PortDetails, FindingId)> {
    vec![
        (
            5353,
            reported(ReportedServiceDetails {
                mdns: Some(MdnsDetails {
                    services: vec!["_ipp._tcp.local".into()],
                    names: Vec::new(),
                }),
                ..Default::default()
            }),
            MdnsExposed,
        ),
        (
            3702,
            reported(ReportedServiceDetails {
                ws_discovery: Some(WsDiscoveryDetails {
                    types: vec!["wsdp:Device wprt:PrintDeviceType".into()],
                    xaddrs: Vec::new(),
                }),
                ..Default::default()
            }),
            WsDiscoveryExposed,
        ),
        (
            1434,
            reported(ReportedServiceDetails {
                mssql_browser: Some(MssqlBrowserDetails {
                    instances: vec![MssqlInstance {
                        instance: Some("MSSQLSERVER".into()),
                        ..Default::default()
                    }],
                }),
                ..Default::default()
            }),
            MssqlBrowserExposed,
        ),
        (
            5060,
            reported(ReportedServiceDetails {
                sip: Some(SipDetails {
                    status: 200,
                    server: Some("Asterisk PBX 20.5.0".into()),
                    user_agent: None,
                }),
                ..Default::default()
            }),
            SipExposed,
        ),
        (111, portmapper(), PortmapperExposed),
        (389, ldap(), CldapExposed),
    ]
}

fn judge(results: &[PortResult]) -> Verdict {
    evaluate(&plan(), results, &[])
}

/// (id, severity, ports, group, reports) of every finding, in order.
type Listed = (FindingId, Severity, Vec<u16>, Option<String>, Vec<String>);

fn listed(v: &Verdict) -> Vec<Listed> {
    v.findings
        .iter()
        .map(|f| {
            let f = f.clone();
            (f.id, f.severity, f.ports, f.group, f.reports)
        })
        .collect()
}

fn one(v: &Verdict) -> Option<FindingId> {
    match v.findings.as_slice() {
        [f] => Some(f.id),
        _ => None,
    }
}

#[test]
fn an_open_resolver_is_recursion_with_an_answer() {
    let v = judge(&[answered(53, dns(true, "NOERROR"))]);
    assert_eq!(
        listed(&v),
        vec![(
            DnsOpenResolver,
            Severity::Warning,
            vec![53],
            Some("reflection".into()),
            vec!["DNS Open Resolvers".into()]
        )]
    );
    assert_eq!(v.level, Level::Warning);
    assert_eq!(
        one(&judge(&[answered(53, dns(true, "NXDOMAIN"))])),
        Some(DnsOpenResolver)
    );
    // Recursion refused, or offered but failing: no open resolver.
    for (ra, rcode) in [
        (false, "NOERROR"),
        (true, "REFUSED"),
        (true, "SERVFAIL"),
        (false, "REFUSED"),
    ] {
        assert_eq!(
            judge(&[answered(53, dns(ra, rcode))]).findings,
            vec![],
            "{ra} {rcode}"
        );
    }
}

#[test]
fn ntp_answers_and_monlist_are_two_findings() {
    let v = judge(&[answered(123, ntp(Some(4), true))]);
    assert_eq!(
        listed(&v)
            .into_iter()
            .map(|f| (f.0, f.1, f.4))
            .collect::<Vec<_>>(),
        vec![
            (NtpExposed, Severity::Warning, vec!["NTP Version".into()]),
            (NtpMonlist, Severity::Warning, vec!["NTP Monitor".into()]),
        ]
    );
    assert_eq!(
        one(&judge(&[answered(123, ntp(Some(4), false))])),
        Some(NtpExposed)
    );
    assert_eq!(
        one(&judge(&[answered(123, ntp(None, true))])),
        Some(NtpMonlist)
    );
    assert_eq!(judge(&[answered(123, ntp(None, false))]).findings, vec![]);
}

#[test]
fn snmp_public_needs_the_description() {
    let v = judge(&[answered(161, snmp(Some("RouterOS RB750Gr3")))]);
    assert_eq!(
        listed(&v),
        vec![(
            SnmpPublic,
            Severity::Critical,
            vec![161],
            Some("reflection".into()),
            vec!["Open SNMP".into()]
        )]
    );
    assert_eq!(v.level, Level::Critical);
    // An error answer (noSuchName) to `public`: no description, no finding.
    assert_eq!(judge(&[answered(161, snmp(None))]).findings, vec![]);
}

#[test]
fn netbios_names_are_a_finding_an_empty_list_is_not() {
    let v = judge(&[answered(137, netbios_ns(&["EMPFANG-PC", "PRAXIS"]))]);
    assert_eq!(
        listed(&v),
        vec![(
            NetbiosNsExposed,
            Severity::Critical,
            vec![137],
            Some("name-services".into()),
            vec!["Open Netbios".into()]
        )]
    );
    assert_eq!(judge(&[answered(137, netbios_ns(&[]))]).findings, vec![]);
}

#[test]
fn every_other_service_has_its_finding_severity_and_report() {
    for (port, details, id) in the_others() {
        let v = judge(&[answered(port, details)]);
        let report = report_of(id).expect("a report");
        assert_eq!(
            listed(&v)
                .into_iter()
                .map(|f| (f.0, f.1, f.2, f.4))
                .collect::<Vec<_>>(),
            vec![(
                id,
                severity_for(id, report),
                vec![port],
                vec![report.name.to_owned()]
            )],
            "{id:?}"
        );
    }
    assert_eq!(report_of(CldapExposed), Some(reports::LDAP_UDP));
    assert_eq!(
        report_of(SipExposed).map(|r| r.name),
        Some("Accessible SIP")
    );
}

#[test]
fn open_filtered_and_unparsed_answers_give_nothing() {
    let mut all: Vec<(u16, PortDetails)> =
        the_others().into_iter().map(|(p, d, _)| (p, d)).collect();
    all.extend([
        (53, dns(true, "NOERROR")),
        (123, ntp(Some(4), true)),
        (161, snmp(Some("printer"))),
        (137, netbios_ns(&["EMPFANG-PC"])),
    ]);
    for (port, details) in all {
        for (state, reason) in [
            (PortState::OpenFiltered, Reason::NoAnswer),
            (PortState::Open, Reason::UnparsedAnswer),
            (PortState::Closed, Reason::PortUnreachable),
            (PortState::Filtered, Reason::Unreachable),
        ] {
            let r = result(port, Transport::Udp, state, reason, Some(details.clone()));
            let v = judge(&[r]);
            assert_eq!(v.findings, vec![], "{port} {state:?} {reason:?}");
            assert_eq!(v.level, Level::Ok);
        }
    }
    // Nothing at all learnt: no finding either.
    let silent = result(
        53,
        Transport::Udp,
        PortState::OpenFiltered,
        Reason::NoAnswer,
        None,
    );
    let unparsed = result(
        161,
        Transport::Udp,
        PortState::Open,
        Reason::UnparsedAnswer,
        None,
    );
    assert_eq!(judge(&[silent, unparsed]).findings, vec![]);
}

#[test]
fn ldap_over_tcp_and_cldap_over_udp_are_two_findings_in_their_groups() {
    let tcp = result(
        389,
        Transport::Tcp,
        PortState::Open,
        Reason::Connected,
        Some(ldap()),
    );
    let v = judge(&[tcp.clone(), answered(389, ldap())]);
    assert_eq!(
        listed(&v),
        vec![
            (
                LdapExposed,
                Severity::Critical,
                vec![389],
                Some("directory".into()),
                vec!["Open LDAP (TCP) Services".into()]
            ),
            (
                CldapExposed,
                Severity::Critical,
                vec![389],
                Some("reflection".into()),
                vec!["Open LDAP Services".into()]
            ),
        ]
    );
    // An open TCP port with LDAP's answer has no unexpected-open beside it.
    assert_eq!(one(&judge(&[tcp])), Some(LdapExposed));
    // LDAP on the practice plan's database port is LDAP, not a database
    // judged by the port's number.
    let practice = Plan::practice();
    let mut on_3306 = practice.sample_result(3306, PortState::Open);
    on_3306.details = Some(Box::new(ldap()));
    assert_eq!(
        one(&evaluate(&practice, &[on_3306], &[])),
        Some(LdapExposed)
    );
}

#[test]
fn the_portmapper_over_both_transports_is_one_finding() {
    let tcp = result(
        111,
        Transport::Tcp,
        PortState::Open,
        Reason::Connected,
        Some(portmapper()),
    );
    let v = judge(&[tcp, answered(111, portmapper())]);
    assert_eq!(
        listed(&v),
        vec![(
            PortmapperExposed,
            Severity::Warning,
            vec![111],
            None,
            vec!["Open Portmapper Scan".into()]
        )]
    );
}

#[test]
fn exchange_is_recognised_on_any_web_port_and_unsupported_is_critical() {
    let web = |d| {
        result(
            8443,
            Transport::Tcp,
            PortState::Open,
            Reason::Connected,
            Some(d),
        )
    };
    let v = judge(&[web(exchange(ExchangeSupport::Ended))]);
    assert_eq!(
        listed(&v),
        vec![
            (
                ExchangeUnsupported,
                Severity::Critical,
                vec![8443],
                Some("web-admin".into()),
                vec!["Vulnerable Exchange Server".into()]
            ),
            (
                ExchangeExposed,
                Severity::Warning,
                vec![8443],
                Some("web-admin".into()),
                vec![]
            ),
        ]
    );
    for support in [ExchangeSupport::Supported, ExchangeSupport::Unknown] {
        assert_eq!(
            one(&judge(&[web(exchange(support))])),
            Some(ExchangeExposed)
        );
    }
    // On the standard plan's 443: beside https-exposed, no unexpected-open.
    let standard = Plan::standard();
    let mut on_443 = standard.sample_result(443, PortState::Open);
    on_443.details = Some(Box::new(exchange(ExchangeSupport::Supported)));
    let v = evaluate(&standard, &[on_443], &[]);
    let ids: Vec<FindingId> = v.findings.iter().map(|f| f.id).collect();
    assert_eq!(ids, vec![ExchangeExposed, HttpsExposed]);
    // A port that is not open says nothing, whatever its details.
    let closed = result(
        8443,
        Transport::Tcp,
        PortState::Closed,
        Reason::Refused,
        Some(exchange(ExchangeSupport::Ended)),
    );
    assert_eq!(judge(&[closed]).findings, vec![]);
}

#[test]
fn a_sample_report_of_a_plan_with_udp_entries_reads_them_as_answered() {
    // The fixture's UDP results: open is `answered`; without what the
    // service said there is still no finding, and open|filtered gives none.
    let plan = plan();
    let ip = "198.51.100.7".parse().expect("ip");
    let r = plan.sample_report(ip, |_, p| {
        if p == 161 {
            PortState::Open
        } else {
            PortState::OpenFiltered
        }
    });
    let snmp = r.ports.iter().find(|p| p.port == 161).expect("161");
    assert_eq!(
        (snmp.transport, snmp.reason),
        (Transport::Udp, Reason::Answered)
    );
    assert_eq!(r.verdict.findings, vec![]);
    let silent = plan.sample_report(ip, |_, _| PortState::OpenFiltered);
    assert_eq!(silent.verdict.findings, vec![]);
}

#[test]
fn an_open_udp_port_is_never_unexpected_open() {
    // A UDP entry in a range that answered but has no rule (a DNS server
    // refusing recursion): open, as nmap says, and no finding.
    let mut plan = Plan::standard();
    plan.groups[0]
        .ports
        .push(PlannedPort::udp(53, Service::Dns));
    let r = result(
        53,
        Transport::Udp,
        PortState::Open,
        Reason::Answered,
        Some(dns(false, "REFUSED")),
    );
    assert_eq!(evaluate(&plan, &[r], &[]).findings, vec![]);
}

#[test]
fn every_finding_with_a_report_has_the_report_s_severity() {
    // The practice check and the standard plan with as many findings as
    // their rules give, old and new: each severity as the table maps it.
    use crate::api::{MysqlDetails, ServiceDetails, SshDetails, VncDetails};
    let practice = Plan::practice();
    let with = |port: u16, d: Option<PortDetails>| {
        let mut r = practice.sample_result(port, PortState::Open);
        r.details = d.map(Box::new);
        r
    };
    let service = |s: ServiceDetails| {
        Some(PortDetails {
            service: s,
            ..Default::default()
        })
    };
    let mut results: Vec<PortResult> = vec![
        with(21, None),
        with(
            22,
            service(ServiceDetails {
                ssh: Some(SshDetails {
                    protocol: "2.0".into(),
                    software: "OpenSSH_9.2".into(),
                    comment: None,
                }),
                ..Default::default()
            }),
        ),
        with(23, None),
        with(139, None),
        with(445, None),
        with(631, None),
        with(1433, None),
        with(
            3306,
            service(ServiceDetails {
                mysql: Some(MysqlDetails::default()),
                ..Default::default()
            }),
        ),
        with(3389, None),
        with(5432, None),
        with(
            5900,
            service(ServiceDetails {
                vnc: Some(VncDetails {
                    version: "3.8".into(),
                    security_types: vec![1],
                    no_password: Some(true),
                }),
                ..Default::default()
            }),
        ),
        with(5901, None),
    ];
    let mut verdicts = vec![evaluate(&practice, &results, &[])];
    let database = &verdicts[0]
        .findings
        .iter()
        .find(|f| f.id == DatabaseExposed)
        .expect("database-exposed")
        .reports;
    assert_eq!(
        database,
        &vec![
            "Accessible MySQL Server".to_owned(),
            "Accessible PostgreSQL Server".to_owned()
        ],
        "MySQL by its answer, PostgreSQL by its port, SQL Server on 1433 by none"
    );
    results.clear();
    for (port, d, _) in the_others() {
        results.push(answered(port, d));
    }
    results.extend([
        answered(53, dns(true, "NOERROR")),
        answered(123, ntp(Some(3), true)),
        answered(161, snmp(Some("printer"))),
        answered(137, netbios_ns(&["EMPFANG-PC"])),
        result(
            8443,
            Transport::Tcp,
            PortState::Open,
            Reason::Connected,
            Some(exchange(ExchangeSupport::Ended)),
        ),
        result(
            389,
            Transport::Tcp,
            PortState::Open,
            Reason::Connected,
            Some(ldap()),
        ),
    ]);
    verdicts.push(evaluate(&plan(), &results, &[]));
    let standard = Plan::standard();
    verdicts.push(
        standard
            .sample_forwarded("198.51.100.7".parse().expect("ip"), &[80, 443, 445])
            .verdict,
    );
    let mut seen = Vec::new();
    for f in verdicts.iter().flat_map(|v| &v.findings) {
        seen.push(f.id);
        let names: Vec<&str> = f.reports.iter().map(String::as_str).collect();
        for name in &names {
            let report = reports::REPORTS
                .iter()
                .find(|r| r.name == *name)
                .unwrap_or_else(|| panic!("{name} is not in the table"));
            assert_eq!(
                f.severity,
                severity_for(f.id, *report),
                "{:?} in {name}",
                f.id
            );
        }
        if let Some(r) = report_of(f.id) {
            assert_eq!(names, vec![r.name], "{:?}", f.id);
        }
    }
    for id in crate::api::FindingId::ALL {
        // upnp-exposed has its own rule and tests (`verdict::upnp`).
        if report_of(id).is_some() && id != UpnpExposed {
            assert!(seen.contains(&id), "{id:?} not exercised");
        }
    }
    assert_eq!(severity_for(UpnpExposed, reports::SSDP), Severity::Critical);
}
