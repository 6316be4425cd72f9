//! What serde writes, [`read_json`] reads back; where serde would refuse,
//! so does the reader.

use std::net::IpAddr;

use proptest::prelude::*;
use serde::Serialize;

use super::*;
use crate::api::{ErrorBody, ErrorCode, ErrorDetail, FindingId, PortDetails, Queued, SiteInfo};
use crate::plan::{Plan, PortGroup};

/// Written by serde (the probe's side), read by [`read_json`] (the page's).
fn round_trip<T: Serialize + Read>(value: &T) -> Option<T> {
    read_json(&serde_json::to_string(value).expect("serializable"))
}

fn addresses() -> [IpAddr; 2] {
    ["192.0.2.7".parse().unwrap(), "2001:db8::7".parse().unwrap()]
}

#[test]
fn every_plan_s_events_and_report_read_back_as_written() {
    for plan in Plan::catalogue() {
        for ip in addresses() {
            for via_proxy in [false, true] {
                let started = Started::new(Target::new(ip).via_proxy(via_proxy), plan.clone());
                assert_eq!(round_trip(&started), Some(started.clone()), "{}", plan.name);
            }
            // Every state and its reason, over both transports.
            let report = plan.sample_report(ip, |_, port| PortState::ALL[usize::from(port) % 5]);
            assert!(!report.verdict.findings.is_empty());
            assert_eq!(round_trip(&report), Some(report.clone()), "{}", plan.name);
            for result in report.ports.iter().chain(&report.control) {
                let event = PortEvent {
                    group: PortGroup::Range,
                    group_name: Some(plan.name.clone()),
                    result: result.clone(),
                };
                assert_eq!(round_trip(&event), Some(event.clone()));
            }
        }
    }
}

#[test]
fn findings_with_groups_and_report_names_read_back() {
    for (n, id) in FindingId::ALL.into_iter().enumerate() {
        let mut finding = Finding::new(id, Severity::Warning, vec![445, 3389]);
        if n % 2 == 0 {
            finding.group = Some("440-449".into());
            finding.reports = vec!["Open-SMB".into(), "Accessible-RDP".into()];
        }
        let verdict = Verdict {
            level: Level::Critical,
            findings: vec![finding],
        };
        assert_eq!(round_trip(&verdict), Some(verdict.clone()), "{id:?}");
    }
}

#[test]
fn of_a_port_s_details_only_upnp_is_read() {
    let plan = Plan::practice();
    let mut result = plan.sample_result(1900, PortState::Open);
    let upnp = UpnpDetails {
        server: Some("Linux UPnP/1.0 MiniUPnPd/2.3".into()),
        location: Some("http://192.0.2.1:5000/rootDesc.xml".into()),
        st: None,
        usn: Some("uuid:1".into()),
    };
    result.details = Some(Box::new(PortDetails {
        banner: Some("SSH-2.0-x".into()),
        upnp: Some(upnp.clone()),
        ..PortDetails::default()
    }));
    let read = round_trip(&result).expect("readable");
    assert_eq!(read.details.and_then(|d| d.upnp), Some(upnp));
    // Details without UPnP are none at all.
    result.details = Some(Box::new(PortDetails {
        banner: Some("SSH-2.0-x".into()),
        ..PortDetails::default()
    }));
    assert_eq!(round_trip(&result).expect("readable").details, None);
}

#[test]
fn the_other_bodies_read_back() {
    let queued = Queued {
        position: 3,
        wait_s: 20,
    };
    assert_eq!(round_trip(&queued), Some(queued));
    for retry_after_s in [None, Some(42)] {
        let body = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::RateLimited,
                message: "Bitte später „erneut“ – \u{1F600}\n".into(),
                retry_after_s,
            },
        };
        assert_eq!(round_trip(&body), Some(body.clone()));
    }
    let full = SiteInfo {
        org_name: Some("Praxis".into()),
        help_contact: Some("it@example.org".into()),
        ipv4_origin: Some("https://v4.example.org".into()),
        ipv6_origin: Some("https://v6.example.org".into()),
    };
    for site in [SiteInfo::default(), full] {
        assert_eq!(round_trip(&site), Some(site.clone()));
    }
    for ip in addresses() {
        let target = Target::new(ip);
        assert_eq!(round_trip(&target), Some(target));
    }
}

#[test]
fn members_follow_serde_s_rules() {
    let finding = |rest: &str| read_json::<Finding>(&format!(r#"{{"id":"smb-exposed",{rest}}}"#));
    // Required members.
    assert!(finding(r#""severity":"critical","ports":[445]"#).is_some());
    assert_eq!(finding(r#""severity":"critical""#), None, "no ports");
    assert_eq!(finding(r#""severity":"fatal","ports":[445]"#), None);
    // Optional ones: absent or null is none, the wrong type is refused.
    let base = r#""severity":"critical","ports":[445]"#;
    let group = |v: &str| finding(&format!(r#"{base},"group":{v}"#)).map(|f| f.group);
    assert_eq!(group("null"), Some(None));
    assert_eq!(group(r#""440-449""#), Some(Some("440-449".into())));
    assert_eq!(group("7"), None);
    // Unknown members are skipped.
    assert!(finding(&format!(r#"{base},"new":{{"a":[1,2]}}"#)).is_some());
    // Numbers: whole, in range, not strings.
    let port = |v: &str| finding(&format!(r#""severity":"critical","ports":[{v}]"#));
    assert!(port("65535").is_some());
    for bad in ["65536", "-1", "1.5", r#""445""#, "true", "null"] {
        assert_eq!(port(bad), None, "{bad}");
    }
    // Not JSON, or not an object.
    for bad in ["", "{", "[]", r#""smb-exposed""#, "null"] {
        assert_eq!(read_json::<Finding>(bad), None, "{bad:?}");
    }
    // A pair is exactly two elements.
    assert_eq!(
        read_json::<(String, u16)>(r#"["a",1]"#),
        Some(("a".into(), 1))
    );
    assert_eq!(read_json::<(String, u16)>(r#"["a",1,2]"#), None);
}

#[test]
fn unit_enums_are_read_by_their_serde_names() {
    for id in FindingId::ALL {
        assert_eq!(round_trip(&id), Some(id));
    }
    assert_eq!(read_json::<FindingId>(r#""SmbExposed""#), None);
    assert_eq!(
        read_json::<PortState>(r#""open|filtered""#),
        Some(PortState::OpenFiltered)
    );
    assert_eq!(read_json::<Service>(r#""tls""#), Some(Service::Https));
    assert_eq!(read_json::<Service>(r#""https""#), None);
}

/// Any JSON value, a few levels deep, with the members the reader looks for
/// among others.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let key = prop_oneof![
        Just("port".to_owned()),
        Just("state".to_owned()),
        Just("details".to_owned()),
        Just("upnp".to_owned()),
        Just("ports".to_owned()),
        Just("group".to_owned()),
        "[a-z_]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-z_-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn any_result() -> impl Strategy<Value = PortResult> {
    (
        any::<u16>(),
        "\\PC{0,16}",
        prop::sample::select(PortState::ALL.to_vec()),
        // Milliseconds with up to three decimals, as a scan measures them
        // (serde_json's own float parsing is exact for these).
        prop::option::of((0u32..100_000_000).prop_map(|us| f64::from(us) / 1000.0)),
        any::<u8>(),
        any::<bool>(),
    )
        .prop_map(|(port, service, state, rtt_ms, attempts, udp)| PortResult {
            port,
            service,
            transport: if udp { Transport::Udp } else { Transport::Tcp },
            state,
            reason: Reason::Timeout,
            rtt_ms,
            attempts,
            details: None,
        })
}

proptest! {
    #[test]
    fn any_port_result_reads_back(result in any_result()) {
        prop_assert_eq!(round_trip(&result), Some(result));
    }

    #[test]
    fn any_json_is_read_or_refused_without_a_panic(value in any_json()) {
        let text = value.to_string();
        let _ = read_json::<Report>(&text);
        let _ = read_json::<Started>(&text);
        let _ = read_json::<PortEvent>(&text);
        let _ = read_json::<ErrorBody>(&text);
        let _ = read_json::<Vec<(String, u16)>>(&text);
    }
}
