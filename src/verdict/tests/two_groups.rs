//! The verdict over both ranges of the fault (440–449 and 80–89): each
//! group judged against its own control ports, findings naming their group,
//! HTTP and Kerberos findings of their own.

use super::{control_of, ids, port, range_of, with_details};
use crate::api::{KerberosDetails, KerberosMessage};
use crate::verdict::*;

fn both() -> Plan {
    Plan::standard()
}

fn kdc() -> PortDetails {
    PortDetails {
        kerberos: Some(KerberosDetails {
            message: KerberosMessage::KrbError,
            error_code: Some(6),
            error: Some("KDC_ERR_C_PRINCIPAL_UNKNOWN".into()),
            realm: Some("PRAXIS.LOCAL".into()),
            server_time: None,
        }),
        ..PortDetails::default()
    }
}

/// Both ranges in `rest` but for `set`; `kdc_on` answered as a KDC.
fn ranges(rest: PortState, set: &[(u16, PortState)], kdc_on: Option<u16>) -> Vec<PortResult> {
    let mut r = range_of(&both(), rest, set);
    for p in r.iter_mut().filter(|p| Some(p.port) == kdc_on) {
        *p = with_details(port(p.port, PortState::Open), kdc());
    }
    r
}

/// The verdict over both ranges in `rest` but for `set`, every control
/// port silent.
fn judge(rest: PortState, set: &[(u16, PortState)], kdc_on: Option<u16>) -> Verdict {
    let silent = control_of(&both(), PortState::Filtered);
    evaluate(&both(), &ranges(rest, set, kdc_on), &silent)
}

/// (id, group) of every finding, in order.
fn named(v: &Verdict) -> Vec<(FindingId, Option<&str>)> {
    v.findings
        .iter()
        .map(|f| (f.id, f.group.as_deref()))
        .collect()
}

#[test]
fn both_ranges_forwarded_to_a_domain_controller() {
    use PortState::{Closed, Open};
    let set = [(80, Open), (443, Open), (445, Open)];
    let v = judge(Closed, &set, Some(88));
    assert_eq!(v.level, Level::Critical);
    assert_eq!(
        named(&v),
        vec![
            (FindingId::SmbExposed, Some("440-449")),
            (FindingId::KerberosExposed, Some("80-89")),
            (FindingId::RangeReachable, Some("440-449")),
            (FindingId::RangeReachable, Some("80-89")),
            (FindingId::HttpsExposed, Some("440-449")),
            (FindingId::HttpExposed, Some("80-89")),
        ]
    );
    assert_eq!(v.findings[1].ports, vec![88]);
    assert_eq!(v.findings[2].ports, (440..=449).collect::<Vec<_>>());
    assert_eq!(v.findings[3].ports, (80..=89).collect::<Vec<_>>());
    assert_eq!(v.findings[5].ports, vec![80]);
}

#[test]
fn correct_single_forwards_of_80_and_443_are_two_notices() {
    use PortState::{Filtered, Open};
    let v = judge(Filtered, &[(80, Open), (443, Open)], None);
    assert_eq!(v.level, Level::Notice);
    let expected = [FindingId::HttpsExposed, FindingId::HttpExposed];
    assert_eq!(ids(&v), expected);
    let groups: Vec<Option<&str>> = v.findings.iter().map(|f| f.group.as_deref()).collect();
    assert_eq!(groups, [Some("440-449"), Some("80-89")]);
}

#[test]
fn each_range_is_judged_against_its_own_control_ports() {
    use PortState::{Closed, Filtered};
    // 80–89 forwarded to a host that resets; 440–449 reaches a host that
    // answers everywhere, its neighbours too: only 80–89 is a forwarded range.
    let mut control = control_of(&both(), Filtered);
    for c in control.iter_mut().filter(|c| c.port > 400) {
        *c = port(c.port, Closed);
    }
    let v = evaluate(&both(), &ranges(Closed, &[], None), &control);
    assert_eq!(named(&v), vec![(FindingId::RangeReachable, Some("80-89"))]);
}

#[test]
fn unexpected_open_spans_both_ranges_without_a_group() {
    use PortState::{Filtered, Open};
    let set = [(81, Open), (446, Open)];
    let v = judge(Filtered, &set, None);
    assert_eq!(named(&v), vec![(FindingId::UnexpectedOpen, None)]);
    assert_eq!(v.findings[0].ports, vec![81, 446]);
}

#[test]
fn port_88_open_without_a_kdc_answer_is_unexpected() {
    use PortState::{Filtered, Open};
    let v = judge(Filtered, &[(88, Open)], None);
    assert_eq!(ids(&v), vec![FindingId::UnexpectedOpen]);
    assert_eq!(v.findings[0].ports, vec![88]);
}

#[test]
fn a_kdc_anywhere_is_critical_and_not_also_unexpected() {
    use PortState::Filtered;
    let v = judge(Filtered, &[], Some(447));
    assert_eq!(
        named(&v),
        vec![(FindingId::KerberosExposed, Some("440-449"))]
    );
    // On a control port too.
    let mut control = control_of(&both(), Filtered);
    control[2] = with_details(port(90, PortState::Open), kdc());
    let v = evaluate(&both(), &ranges(Filtered, &[], None), &control);
    assert_eq!(named(&v), vec![(FindingId::KerberosExposed, Some("80-89"))]);
    assert_eq!(v.findings[0].ports, vec![90]);
    assert_eq!(v.level, Level::Critical);
}

#[test]
fn a_kdc_answer_on_a_closed_port_is_ignored() {
    let mut r = ranges(PortState::Filtered, &[], None);
    let i = r.iter().position(|p| p.port == 88).expect("88 planned");
    r[i] = with_details(port(88, PortState::Closed), kdc());
    let v = evaluate(&both(), &r, &control_of(&both(), PortState::Filtered));
    assert_eq!(v.level, Level::Ok);
}
