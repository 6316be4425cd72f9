//! The verdict for one group: port states, the range signature and what
//! identification found.

use super::*;
use crate::api::{HttpDetails, SmbDetails, TlsDetails};

/// The plan of one group, 440–449: these tests hold whatever the standard
/// plan becomes.
fn https_range() -> Plan {
    Plan {
        name: "https-range".into(),
        title: Default::default(),
        groups: vec![crate::plan::Group::forwarded_https()],
    }
}

pub(super) fn port(port: u16, state: PortState) -> PortResult {
    Plan::standard().sample_result(port, state)
}

/// The verdict for 440–449 with the given ports in the given states, the
/// rest of the range `rest` and every control port `control_state`.
fn judge(rest: PortState, set: &[(u16, PortState)], control_state: PortState) -> Verdict {
    evaluate(&https_range(), &range(rest, set), &control(control_state))
}

/// The range with the given ports in the given states and the rest `rest`.
fn range(rest: PortState, set: &[(u16, PortState)]) -> Vec<PortResult> {
    range_of(&https_range(), rest, set)
}

/// `plan`'s range ports with the given ports in the given states and the
/// rest `rest`.
pub(super) fn range_of(plan: &Plan, rest: PortState, set: &[(u16, PortState)]) -> Vec<PortResult> {
    plan.range_ports()
        .iter()
        .map(|&p| {
            let state = set.iter().find(|(q, _)| *q == p).map_or(rest, |(_, s)| *s);
            port(p, state)
        })
        .collect()
}

fn control(state: PortState) -> Vec<PortResult> {
    control_of(&https_range(), state)
}

pub(super) fn control_of(plan: &Plan, state: PortState) -> Vec<PortResult> {
    plan.control_ports()
        .iter()
        .map(|&p| port(p, state))
        .collect()
}

pub(super) fn ids(v: &Verdict) -> Vec<FindingId> {
    v.findings.iter().map(|f| f.id).collect()
}

#[test]
fn everything_filtered_is_ok() {
    let v = judge(PortState::Filtered, &[], PortState::Filtered);
    assert_eq!(v.level, Level::Ok);
    assert!(v.findings.is_empty());
}

#[test]
fn host_without_firewall_answering_closed_everywhere_is_ok() {
    // A directly connected host that resets every port exposes no service,
    // and the control ports answer too, so it is not a forwarded range.
    let v = judge(PortState::Closed, &[], PortState::Closed);
    assert_eq!(v.level, Level::Ok);
    assert!(v.findings.is_empty());
}

#[test]
fn smb_open_is_critical() {
    let v = judge(
        PortState::Filtered,
        &[(445, PortState::Open)],
        PortState::Filtered,
    );
    assert_eq!(v.level, Level::Critical);
    assert_eq!(ids(&v), vec![FindingId::SmbExposed]);
    assert_eq!(v.findings[0].ports, vec![445]);
    assert_eq!(v.findings[0].severity, Severity::Critical);
}

#[test]
fn smb_closed_is_not_smb_exposed() {
    let v = judge(
        PortState::Filtered,
        &[(445, PortState::Closed)],
        PortState::Filtered,
    );
    assert_eq!(v.level, Level::Ok);
}

#[test]
fn https_alone_is_a_notice() {
    let v = judge(
        PortState::Filtered,
        &[(443, PortState::Open)],
        PortState::Filtered,
    );
    assert_eq!(v.level, Level::Notice);
    assert_eq!(ids(&v), vec![FindingId::HttpsExposed]);
    assert_eq!(v.findings[0].ports, vec![443]);
}

#[test]
fn other_open_ports_are_unexpected() {
    let v = judge(
        PortState::Filtered,
        &[(440, PortState::Open), (448, PortState::Open)],
        PortState::Filtered,
    );
    assert_eq!(v.level, Level::Warning);
    assert_eq!(ids(&v), vec![FindingId::UnexpectedOpen]);
    assert_eq!(v.findings[0].ports, vec![440, 448]);
}

#[test]
fn forwarded_range_to_a_live_host_is_the_celle_pattern() {
    // The Digitalisierungsbox bug as it happened: 440–449 forwarded to a
    // server where 443 and 445 listen, the rest answers with resets.
    let v = judge(
        PortState::Closed,
        &[(443, PortState::Open), (445, PortState::Open)],
        PortState::Filtered,
    );
    assert_eq!(v.level, Level::Critical);
    assert_eq!(
        ids(&v),
        vec![
            FindingId::SmbExposed,
            FindingId::RangeReachable,
            FindingId::HttpsExposed
        ]
    );
    assert_eq!(v.findings[1].ports, https_range().range_ports());
}

#[test]
fn forwarded_range_with_smb_blocked_still_shows() {
    // 445 dropped by the server's firewall, the rest of the range resets.
    let v = judge(
        PortState::Closed,
        &[(445, PortState::Filtered)],
        PortState::Filtered,
    );
    assert_eq!(v.level, Level::Warning);
    assert_eq!(ids(&v), vec![FindingId::RangeReachable]);
    assert_eq!(v.findings[0].ports.len(), 9);
    assert!(!v.findings[0].ports.contains(&445));
}

#[test]
fn correct_single_forward_is_not_a_range() {
    let v = judge(
        PortState::Filtered,
        &[(443, PortState::Open)],
        PortState::Filtered,
    );
    assert!(!ids(&v).contains(&FindingId::RangeReachable));
    // Two deliberate single forwardings are not a range either.
    let v = judge(
        PortState::Filtered,
        &[(443, PortState::Open), (444, PortState::Closed)],
        PortState::Filtered,
    );
    assert!(!ids(&v).contains(&FindingId::RangeReachable));
}

#[test]
fn threshold_is_inclusive() {
    let set = [
        (440, PortState::Closed),
        (441, PortState::Closed),
        (442, PortState::Closed),
    ];
    let v = judge(PortState::Filtered, &set, PortState::Filtered);
    assert_eq!(ids(&v), vec![FindingId::RangeReachable]);
}

#[test]
fn answering_control_port_rules_out_range() {
    let mut c = control(PortState::Filtered);
    c[2] = port(450, PortState::Closed);
    let v = evaluate(&https_range(), &range(PortState::Closed, &[]), &c);
    assert!(!ids(&v).contains(&FindingId::RangeReachable));
}

#[test]
fn untestable_control_port_makes_no_range_claim() {
    let mut c = control(PortState::Filtered);
    c[0] = port(438, PortState::Error);
    let v = evaluate(&https_range(), &range(PortState::Closed, &[]), &c);
    assert_eq!(ids(&v), vec![FindingId::ScanIncomplete]);
    assert_eq!(v.findings[0].ports, vec![438]);
    assert_eq!(v.level, Level::Notice);
}

#[test]
fn missing_control_results_make_no_range_claim() {
    let v = evaluate(&https_range(), &range(PortState::Closed, &[]), &[]);
    assert!(v.findings.is_empty());
}

#[test]
fn incomplete_scan_never_reads_ok() {
    let v = judge(
        PortState::Filtered,
        &[(441, PortState::Error)],
        PortState::Filtered,
    );
    assert_eq!(v.level, Level::Notice);
    assert_eq!(ids(&v), vec![FindingId::ScanIncomplete]);
}

#[test]
fn level_is_most_severe_finding() {
    assert_eq!(level_of(&[]), Level::Ok);
    let f = |s| finding(FindingId::UnexpectedOpen, s, vec![440]).expect("a port");
    assert_eq!(
        level_of(&[f(Severity::Notice), f(Severity::Warning)]),
        Level::Warning
    );
    assert_eq!(
        level_of(&[f(Severity::Critical), f(Severity::Notice)]),
        Level::Critical
    );
}

pub(super) fn with_details(mut p: PortResult, d: PortDetails) -> PortResult {
    p.details = Some(Box::new(d));
    p
}

fn smb(smb1: Option<bool>, signing: Option<bool>, guest: Option<bool>) -> PortDetails {
    PortDetails {
        smb: Some(SmbDetails {
            dialects: vec!["2.1".into()],
            smb1,
            signing_required: signing,
            guest_access: guest,
            anonymous_session: Some(true),
        }),
        ..PortDetails::default()
    }
}

fn tls(version: &str, outdated: &[&str]) -> PortDetails {
    PortDetails {
        tls: Some(TlsDetails {
            version: version.into(),
            outdated_versions: outdated.iter().map(|s| s.to_string()).collect(),
            ..TlsDetails::default()
        }),
        ..PortDetails::default()
    }
}

/// The range filtered but for `port`, open with `d`.
fn one_open(port_no: u16, d: PortDetails) -> Vec<PortResult> {
    let mut r = range(PortState::Filtered, &[(port_no, PortState::Open)]);
    let i = r.iter().position(|p| p.port == port_no).unwrap();
    r[i] = with_details(r[i].clone(), d);
    r
}

#[test]
fn celle_server_smb1_and_guest_is_critical_twice() {
    let v = evaluate(
        &https_range(),
        &one_open(445, smb(Some(true), Some(false), Some(true))),
        &control(PortState::Filtered),
    );
    assert_eq!(v.level, Level::Critical);
    assert_eq!(
        ids(&v),
        vec![
            FindingId::SmbExposed,
            FindingId::SmbGuestAccess,
            FindingId::Smb1Enabled,
            FindingId::SmbSigningNotRequired,
        ]
    );
    for f in &v.findings {
        assert_eq!(f.ports, vec![445]);
    }
    assert_eq!(v.findings[1].severity, Severity::Critical);
    assert_eq!(v.findings[3].severity, Severity::Warning);
}

#[test]
fn hardened_smb_adds_nothing_to_smb_exposed() {
    let v = evaluate(
        &https_range(),
        &one_open(445, smb(Some(false), Some(true), Some(false))),
        &control(PortState::Filtered),
    );
    assert_eq!(ids(&v), vec![FindingId::SmbExposed]);
}

#[test]
fn unknown_smb_answers_make_no_claim() {
    let v = evaluate(
        &https_range(),
        &one_open(445, smb(None, None, None)),
        &control(PortState::Filtered),
    );
    assert_eq!(ids(&v), vec![FindingId::SmbExposed]);
}

#[test]
fn smb_found_on_another_port_is_reported_there() {
    let v = evaluate(
        &https_range(),
        &one_open(447, smb(Some(true), None, None)),
        &control(PortState::Filtered),
    );
    assert_eq!(
        ids(&v),
        vec![FindingId::Smb1Enabled, FindingId::UnexpectedOpen]
    );
    assert_eq!(v.findings[0].ports, vec![447]);
}

#[test]
fn outdated_tls_is_a_warning() {
    let v = evaluate(
        &https_range(),
        &one_open(443, tls("TLSv1.3", &["TLSv1.0"])),
        &control(PortState::Filtered),
    );
    assert_eq!(
        ids(&v),
        vec![FindingId::TlsOutdated, FindingId::HttpsExposed]
    );
    assert_eq!(v.level, Level::Warning);
    // Only an old version on offer, no list: still outdated.
    let v = evaluate(
        &https_range(),
        &one_open(443, tls("TLSv1.1", &[])),
        &control(PortState::Filtered),
    );
    assert!(ids(&v).contains(&FindingId::TlsOutdated));
    let v = evaluate(
        &https_range(),
        &one_open(443, tls("TLSv1.2", &[])),
        &control(PortState::Filtered),
    );
    assert_eq!(ids(&v), vec![FindingId::HttpsExposed]);
}

#[test]
fn admin_login_page_is_a_warning() {
    let d = PortDetails {
        http: Some(HttpDetails {
            status: 200,
            title: Some("FRITZ!Box".into()),
            admin_interface: Some("FRITZ!Box".into()),
            ..HttpDetails::default()
        }),
        ..PortDetails::default()
    };
    let v = evaluate(
        &https_range(),
        &one_open(443, d.clone()),
        &control(PortState::Filtered),
    );
    assert_eq!(
        ids(&v),
        vec![FindingId::AdminInterfaceExposed, FindingId::HttpsExposed]
    );
    assert_eq!(v.level, Level::Warning);
    // A web page that is not an admin interface is no finding.
    let mut plain = d;
    if let Some(h) = plain.http.as_mut() {
        h.admin_interface = None;
    }
    let v = evaluate(
        &https_range(),
        &one_open(443, plain),
        &control(PortState::Filtered),
    );
    assert_eq!(ids(&v), vec![FindingId::HttpsExposed]);
}

#[test]
fn details_on_a_port_that_is_not_open_are_ignored() {
    let mut r = range(PortState::Filtered, &[]);
    r[5] = with_details(r[5].clone(), smb(Some(true), Some(false), Some(true)));
    let v = evaluate(&https_range(), &r, &control(PortState::Filtered));
    assert_eq!(v.level, Level::Ok);
}

#[test]
fn admin_interface_on_a_control_port_counts() {
    let mut c = control(PortState::Filtered);
    c[0] = with_details(
        port(438, PortState::Open),
        PortDetails {
            http: Some(HttpDetails {
                status: 200,
                admin_interface: Some("Synology DSM".into()),
                ..HttpDetails::default()
            }),
            ..PortDetails::default()
        },
    );
    let v = evaluate(&https_range(), &range(PortState::Filtered, &[]), &c);
    assert_eq!(ids(&v), vec![FindingId::AdminInterfaceExposed]);
    assert_eq!(v.findings[0].ports, vec![438]);
}

#[test]
fn everything_open_lists_all_findings_most_severe_first() {
    let v = judge(PortState::Open, &[], PortState::Filtered);
    let sev: Vec<Severity> = v.findings.iter().map(|f| f.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(sev, sorted);
    assert_eq!(
        ids(&v),
        vec![
            FindingId::SmbExposed,
            FindingId::UnexpectedOpen,
            FindingId::RangeReachable,
            FindingId::HttpsExposed
        ]
    );
    assert_eq!(
        v.findings[1].ports,
        vec![440, 441, 442, 444, 446, 447, 448, 449]
    );
}

mod two_groups;
