//! The service findings on the practice plan and on the standard plan.

use crate::api::{
    FindingId, HttpDetails, IdentLimit, Level, MysqlDetails, NetbiosDetails, NetbiosSession,
    PortDetails, PortResult, PortState, RdpDetails, RdpSecurity, ServiceDetails, Severity,
    SmbDetails, SshDetails, Verdict, VncDetails,
};
use crate::plan::Plan;
use crate::verdict::evaluate;
use crate::verdict::tests::{ids, port, range_of, with_details};

fn service(s: ServiceDetails) -> PortDetails {
    PortDetails {
        service: s,
        ..PortDetails::default()
    }
}

fn rdp() -> PortDetails {
    service(ServiceDetails {
        rdp: Some(RdpDetails {
            security: Some(RdpSecurity::Tls),
            failure_code: None,
        }),
        ..ServiceDetails::default()
    })
}

fn vnc(no_password: Option<bool>) -> PortDetails {
    service(ServiceDetails {
        vnc: Some(VncDetails {
            version: "3.8".into(),
            security_types: vec![if no_password == Some(true) { 1 } else { 2 }],
            no_password,
        }),
        ..ServiceDetails::default()
    })
}

fn mariadb() -> PortDetails {
    service(ServiceDetails {
        mysql: Some(MysqlDetails {
            version: Some("10.11.6-MariaDB-0+deb12u1".into()),
            error_code: None,
        }),
        ..ServiceDetails::default()
    })
}

fn ssh() -> PortDetails {
    service(ServiceDetails {
        ssh: Some(SshDetails {
            protocol: "2.0".into(),
            software: "OpenSSH_9.2p1".into(),
            comment: None,
        }),
        ..ServiceDetails::default()
    })
}

fn web() -> PortDetails {
    PortDetails {
        http: Some(HttpDetails {
            status: 200,
            ..HttpDetails::default()
        }),
        ..PortDetails::default()
    }
}

/// The practice plan with every port filtered but `open`, each open port
/// with the given details (none for `None`).
fn judge(plan: &Plan, open: &[(u16, Option<PortDetails>)]) -> Verdict {
    let set: Vec<(u16, PortState)> = open.iter().map(|(p, _)| (*p, PortState::Open)).collect();
    let mut range = range_of(plan, PortState::Filtered, &set);
    for r in range.iter_mut() {
        if let Some((_, Some(d))) = open.iter().find(|(p, _)| *p == r.port) {
            *r = with_details(r.clone(), d.clone());
        }
    }
    evaluate(plan, &range, &[])
}

/// (id, severity, ports, group) of every finding, in order.
fn listed(v: &Verdict) -> Vec<(FindingId, Severity, Vec<u16>, Option<&str>)> {
    v.findings
        .iter()
        .map(|f| (f.id, f.severity, f.ports.clone(), f.group.as_deref()))
        .collect()
}

#[test]
fn rdp_passwordless_vnc_and_mariadb_are_critical() {
    let plan = Plan::practice();
    let open = [
        (3389, Some(rdp())),
        (5900, Some(vnc(Some(true)))),
        (3306, Some(mariadb())),
    ];
    let v = judge(&plan, &open);
    assert_eq!(v.level, Level::Critical);
    use FindingId::*;
    use Severity::Critical;
    assert_eq!(
        listed(&v),
        vec![
            (RdpExposed, Critical, vec![3389], Some("remote-access")),
            (VncNoAuth, Critical, vec![5900], Some("remote-access")),
            (DatabaseExposed, Critical, vec![3306], Some("databases")),
        ]
    );
}

#[test]
fn each_service_has_its_finding_and_severity() {
    use FindingId::*;
    use Severity::*;
    let plan = Plan::practice();
    let cases: [(u16, PortDetails, FindingId, Severity); 5] = [
        (5901, vnc(Some(false)), VncExposed, Critical),
        (22, ssh(), SshExposed, Notice),
        (
            631,
            PortDetails {
                http: web().http,
                ..service(ServiceDetails {
                    ipp: Some(Default::default()),
                    ..ServiceDetails::default()
                })
            },
            PrinterExposed,
            Critical,
        ),
        (
            21,
            service(ServiceDetails {
                ftp: Some(Default::default()),
                ..Default::default()
            }),
            FtpExposed,
            Warning,
        ),
        (
            23,
            service(ServiceDetails {
                telnet: Some(Default::default()),
                ..Default::default()
            }),
            TelnetExposed,
            Critical,
        ),
    ];
    for (p, d, id, severity) in cases {
        let v = judge(&plan, &[(p, Some(d))]);
        assert_eq!(
            listed(&v).first().map(|f| (f.0, f.1, f.2.clone())),
            Some((id, severity, vec![p]))
        );
        assert_eq!(ids(&v), vec![id], "port {p}: no unexpected-open beside it");
    }
    // Two databases of different kinds: one finding with both ports.
    let mssql = service(ServiceDetails {
        mssql: Some(Default::default()),
        ..Default::default()
    });
    let pg = service(ServiceDetails {
        postgres: Some(Default::default()),
        ..Default::default()
    });
    let v = judge(&plan, &[(1433, Some(mssql)), (5432, Some(pg))]);
    assert_eq!(
        listed(&v),
        vec![(
            DatabaseExposed,
            Critical,
            vec![1433, 5432],
            Some("databases")
        )]
    );
}

#[test]
fn an_unrecognised_open_port_is_judged_by_its_number() {
    use FindingId::*;
    let plan = Plan::practice();
    // Nothing learnt at all, or only that the budget ran out.
    let limit = PortDetails {
        limit: Some(IdentLimit::Time),
        ..PortDetails::default()
    };
    let v = judge(&plan, &[(3306, None), (5432, Some(limit)), (5900, None)]);
    // Both critical, in id order (vnc-exposed follows its Shadowserver
    // report, Accessible VNC Service: high).
    assert_eq!(ids(&v), vec![VncExposed, DatabaseExposed]);
    assert_eq!(v.findings[1].ports, vec![3306, 5432]);
    // A web server on the database port is no database: unexpected.
    let v = judge(&plan, &[(3306, Some(web()))]);
    assert_eq!(ids(&v), vec![UnexpectedOpen]);
    // IPP runs over HTTP: a web answer on 631 fits the printer service.
    let v = judge(&plan, &[(631, Some(web()))]);
    assert_eq!(ids(&v), vec![PrinterExposed]);
    // The web ports stand for no service of their own.
    let v = judge(&plan, &[(8080, None)]);
    assert_eq!(ids(&v), vec![UnexpectedOpen]);
}

#[test]
fn smb_on_the_netbios_port_is_netbios_exposed() {
    use FindingId::*;
    let plan = Plan::practice();
    let smb = PortDetails {
        smb: Some(SmbDetails {
            dialects: vec!["3.1.1".into()],
            signing_required: Some(true),
            ..SmbDetails::default()
        }),
        ..PortDetails::default()
    };
    let v = judge(&plan, &[(139, Some(smb.clone())), (445, Some(smb))]);
    assert_eq!(ids(&v), vec![SmbExposed, NetbiosExposed]);
    let session = service(ServiceDetails {
        netbios: Some(NetbiosDetails {
            session: NetbiosSession::Negative,
            error_code: Some(0x82),
        }),
        ..ServiceDetails::default()
    });
    let v = judge(&plan, &[(139, Some(session))]);
    assert_eq!(ids(&v), vec![NetbiosExposed]);
}

#[test]
fn rdp_on_a_standard_range_port_is_rdp_exposed() {
    use FindingId::*;
    let plan = Plan::standard();
    let v = judge(&plan, &[(441, Some(rdp())), (446, None)]);
    assert_eq!(
        listed(&v),
        vec![
            (RdpExposed, Severity::Critical, vec![441], Some("440-449")),
            (
                UnexpectedOpen,
                Severity::Warning,
                vec![446],
                Some("440-449")
            ),
        ]
    );
    // SSH moved to 82: its notice instead of unexpected-open.
    let v = judge(&plan, &[(82, Some(ssh()))]);
    assert_eq!(ids(&v), vec![SshExposed]);
    // The standard plan's ports stand for no practice service.
    let v = judge(&plan, &[(441, None)]);
    assert_eq!(ids(&v), vec![UnexpectedOpen]);
}

#[test]
fn details_of_a_port_that_is_not_open_are_ignored() {
    let plan = Plan::practice();
    let closed: PortResult = with_details(port(3389, PortState::Closed), rdp());
    let v = evaluate(&plan, &[closed], &[]);
    assert_eq!(v.level, Level::Ok);
}
