//! JSON shapes of the API types, as curl users and the page read them.

use super::*;
use serde_json::json;

/// 445 open, as a scan reports it.
fn smb_open(rtt_ms: Option<f64>, details: Option<Box<PortDetails>>) -> PortResult {
    PortResult {
        port: 445,
        service: service_name(445).into(),
        transport: Transport::Tcp,
        state: PortState::Open,
        reason: Reason::Connected,
        rtt_ms,
        attempts: 1,
        details,
    }
}

#[test]
fn port_result_json_shape() {
    let r = smb_open(Some(1.3), None);
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"port":445,"service":"microsoft-ds","state":"open","reason":"connected","rtt_ms":1.3,"attempts":1})
    );
    let filtered = PortResult {
        rtt_ms: None,
        state: PortState::Filtered,
        reason: Reason::Timeout,
        attempts: 2,
        ..r
    };
    let v = serde_json::to_value(&filtered).unwrap();
    assert!(v.get("rtt_ms").is_none());
}

#[test]
fn port_event_is_flat() {
    let e = PortEvent {
        group: PortGroup::Control,
        group_name: Some("440-449".into()),
        result: PortResult {
            port: 450,
            service: service_name(450).into(),
            transport: Transport::Tcp,
            state: PortState::Filtered,
            reason: Reason::Timeout,
            rtt_ms: None,
            attempts: 2,
            details: None,
        },
    };
    let s = serde_json::to_string(&e).unwrap();
    assert_eq!(
        s,
        r#"{"group":"control","group_name":"440-449","port":450,"service":"tserver","state":"filtered","reason":"timeout","attempts":2}"#
    );
    let back: PortEvent = serde_json::from_str(&s).unwrap();
    assert_eq!(back, e);
}

#[test]
fn target_and_error_shapes() {
    let t = Target::new("::1".parse().unwrap());
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#"{"ip":"::1","family":"ipv6"}"#
    );
    let e = ErrorBody {
        error: ErrorDetail {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
            retry_after_s: Some(42),
        },
    };
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"error":{"code":"rate_limited","message":"slow down","retry_after_s":42}}"#
    );
}

#[test]
fn names_on_the_wire() {
    let name = |v: serde_json::Value| v.as_str().map(str::to_owned);
    let names = [
        (json!(FindingId::RangeReachable), "range-reachable"),
        (json!(FindingId::Smb1Enabled), "smb1-enabled"),
        (json!(FindingId::HttpExposed), "http-exposed"),
        (json!(FindingId::KerberosExposed), "kerberos-exposed"),
        (json!(IdentLimit::Time), "time"),
        (json!(KerberosMessage::AsRep), "as-rep"),
    ];
    for (value, want) in names {
        assert_eq!(name(value).as_deref(), Some(want));
    }
}

#[test]
fn details_shape_and_old_json_still_reads() {
    let details = PortDetails {
        smb: Some(SmbDetails {
            dialects: vec!["2.0.2".into(), "3.1.1".into()],
            smb1: Some(true),
            signing_required: Some(false),
            guest_access: Some(true),
            anonymous_session: None,
        }),
        ..PortDetails::default()
    };
    let r = smb_open(None, Some(Box::new(details)));
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v["details"],
        serde_json::json!({"smb":{"dialects":["2.0.2","3.1.1"],"smb1":true,"signing_required":false,"guest_access":true}})
    );
    // A result without details, as older probes wrote it, still reads.
    let old =
        r#"{"port":445,"service":"microsoft-ds","state":"open","reason":"connected","attempts":1}"#;
    let back: PortResult = serde_json::from_str(old).unwrap();
    assert_eq!(back.details, None);
    assert!(PortDetails::default().is_empty());
}

#[test]
fn an_older_port_event_without_group_name_still_reads() {
    let old = r#"{"group":"range","port":80,"service":"http","state":"open","reason":"connected","attempts":1}"#;
    let e: PortEvent = serde_json::from_str(old).unwrap();
    assert_eq!(e.group_name, None);
    assert_eq!(e.result.service, "http");
}

#[test]
fn via_proxy_is_absent_unless_true() {
    let t = Target::new("192.0.2.1".parse().unwrap());
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#"{"ip":"192.0.2.1","family":"ipv4"}"#
    );
    let proxied = t.via_proxy(true);
    let json = serde_json::to_string(&proxied).unwrap();
    assert_eq!(
        json,
        r#"{"ip":"192.0.2.1","family":"ipv4","via_proxy":true}"#
    );
    assert_eq!(serde_json::from_str::<Target>(&json).unwrap(), proxied);
}

#[test]
fn groups_by_port_number() {
    let plan = Plan::standard();
    let started = Started::new(Target::new("192.0.2.1".parse().unwrap()), plan.clone());
    assert_eq!(started.ports, plan.range_ports());
    assert_eq!(started.control, plan.control_ports());
    let v = serde_json::to_value(&started.groups).unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"name":"440-449","ports":[440,441,442,443,444,445,446,447,448,449],"control":[438,439,450,451]},
            {"name":"80-89","ports":[80,81,82,83,84,85,86,87,88,89],"control":[78,79,90,91]}
        ])
    );
    // A started event of an older probe, without groups, still reads.
    let mut old = serde_json::to_value(&started).unwrap();
    old.as_object_mut().unwrap().remove("groups");
    let back: Started = serde_json::from_value(old).unwrap();
    assert!(back.groups.is_empty());
}

#[test]
fn finding_names_its_group_only_when_it_has_one() {
    let mut f = Finding {
        id: FindingId::KerberosExposed,
        severity: Severity::Critical,
        ports: vec![88],
        group: None,
        reports: Vec::new(),
    };
    assert_eq!(
        serde_json::to_string(&f).unwrap(),
        r#"{"id":"kerberos-exposed","severity":"critical","ports":[88]}"#
    );
    f.group = Some("80-89".into());
    assert_eq!(serde_json::to_value(&f).unwrap()["group"], json!("80-89"));
}

#[test]
fn kerberos_details_round_trip() {
    let wire = json!({"kerberos":{"message":"krb-error","error_code":6,"error":"KDC_ERR_C_PRINCIPAL_UNKNOWN","realm":"PRAXIS.LOCAL"}});
    let d: PortDetails = serde_json::from_value(wire.clone()).unwrap();
    let k = d.kerberos.as_ref().expect("kerberos");
    assert_eq!(
        (k.message, k.error_code),
        (KerberosMessage::KrbError, Some(6))
    );
    assert_eq!(
        (k.realm.as_deref(), k.server_time.as_deref()),
        (Some("PRAXIS.LOCAL"), None)
    );
    assert_eq!(serde_json::to_value(&d).unwrap(), wire);
}

/// 111 and 389 are planned over TCP and UDP: a group's results and its
/// numbers by group match the transport too.
#[test]
fn group_results_match_the_transport() {
    use crate::plan::{Plan, Transport};
    let p = Plan::practice();
    let directory = p
        .groups
        .iter()
        .find(|g| g.name == "directory")
        .expect("directory");
    // The results of a group are those of its entries' transports.
    let results: Vec<PortResult> = p
        .entries()
        .map(|(_, _, e)| PortResult {
            port: e.port,
            service: e.service.clone(),
            transport: e.transport,
            state: PortState::Filtered,
            reason: Reason::Timeout,
            rtt_ms: None,
            attempts: 2,
            details: None,
        })
        .collect();
    let of = results_of(directory, &results);
    let keys: Vec<(u16, Transport)> = of.iter().map(|r| (r.port, r.transport)).collect();
    assert_eq!(keys, [(111, Transport::Tcp), (389, Transport::Tcp)]);
    // And the groups by number say which of their numbers are UDP.
    let groups = GroupPorts::of(&p);
    let reflection = groups
        .iter()
        .find(|g| g.name == "reflection")
        .expect("reflection");
    assert!(reflection.contains(111, Transport::Udp));
    assert!(!reflection.contains(111, Transport::Tcp));
    let dir = groups
        .iter()
        .find(|g| g.name == "directory")
        .expect("directory");
    assert!(dir.contains(111, Transport::Tcp) && dir.udp.is_empty());
}

/// `PortState::ALL` holds each state once, in declaration order. The match
/// stops compiling when a state is added, which leads here: the new state
/// then goes into `ALL` too.
#[test]
fn port_state_all_holds_every_state_once() {
    let position = |s: PortState| match s {
        PortState::Open => 0,
        PortState::Closed => 1,
        PortState::Filtered => 2,
        PortState::OpenFiltered => 3,
        PortState::Error => 4,
    };
    for (i, &s) in PortState::ALL.iter().enumerate() {
        assert_eq!(position(s), i, "{s:?}");
    }
}

/// `FindingId::ALL` holds each id once. The match stops compiling when an
/// id is added, which leads here: the new id then goes into `ALL` too.
#[test]
fn finding_id_all_holds_every_id() {
    for id in FindingId::ALL {
        match id {
            FindingId::SmbExposed
            | FindingId::UnexpectedOpen
            | FindingId::HttpsExposed
            | FindingId::RangeReachable
            | FindingId::ScanIncomplete
            | FindingId::SmbGuestAccess
            | FindingId::Smb1Enabled
            | FindingId::SmbSigningNotRequired
            | FindingId::TlsOutdated
            | FindingId::AdminInterfaceExposed
            | FindingId::HttpExposed
            | FindingId::KerberosExposed
            | FindingId::RdpExposed
            | FindingId::VncNoAuth
            | FindingId::VncExposed
            | FindingId::DatabaseExposed
            | FindingId::TelnetExposed
            | FindingId::FtpExposed
            | FindingId::PrinterExposed
            | FindingId::SshExposed
            | FindingId::NetbiosExposed
            | FindingId::UpnpExposed
            | FindingId::DnsOpenResolver
            | FindingId::NtpExposed
            | FindingId::NtpMonlist
            | FindingId::SnmpPublic
            | FindingId::NetbiosNsExposed
            | FindingId::MdnsExposed
            | FindingId::WsDiscoveryExposed
            | FindingId::MssqlBrowserExposed
            | FindingId::SipExposed
            | FindingId::PortmapperExposed
            | FindingId::LdapExposed
            | FindingId::CldapExposed
            | FindingId::ExchangeExposed
            | FindingId::ExchangeUnsupported => {}
        }
    }
    let mut seen = FindingId::ALL.to_vec();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), FindingId::ALL.len());
}
