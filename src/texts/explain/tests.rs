//! The explanations of every finding: texts exist in both languages, name
//! the right ports and ranges, and read the control ports right.

use super::*;
use crate::api::{PortGroup, Severity};

#[test]
fn every_finding_is_explained_in_both_languages() {
    for id in FindingId::ALL {
        for ports in [vec![445], vec![440, 441, 442]] {
            let f = Finding {
                id,
                severity: Severity::Warning,
                ports,
                group: None,
                reports: Vec::new(),
            };
            let de = explain(&f, &Plan::standard(), Lang::De);
            let en = explain(&f, &Plan::standard(), Lang::En);
            for e in [&de, &en] {
                for (name, t) in [
                    ("title", &e.title),
                    ("what", &e.what),
                    ("attacker", &e.attacker),
                    ("urgency", &e.urgency),
                ] {
                    assert!(!t.trim().is_empty(), "{id:?} {name} empty");
                    assert!(!t.contains("{"), "{id:?} {name} has a placeholder");
                }
            }
            assert_ne!(de, en, "{id:?} not translated");
        }
    }
}

#[test]
fn port_lists_appear_in_texts() {
    let f = Finding {
        id: FindingId::UnexpectedOpen,
        severity: Severity::Warning,
        ports: vec![440, 448],
        group: None,
        reports: Vec::new(),
    };
    assert_eq!(
        explain(&f, &Plan::standard(), Lang::De).title,
        "Weitere offene Ports: 440 und 448"
    );
    assert!(
        explain(&f, &Plan::standard(), Lang::En)
            .what
            .contains("ports 440 and 448")
    );
    let f = Finding {
        ports: vec![441],
        ..f
    };
    assert!(
        explain(&f, &Plan::standard(), Lang::De)
            .what
            .starts_with("An Port 441 nimmt")
    );
}

fn report(range_state: &dyn Fn(u16) -> PortState, control_state: PortState) -> Report {
    Plan::standard().sample_report("192.0.2.1".parse().unwrap(), |group, p| match group {
        PortGroup::Range => range_state(p),
        PortGroup::Control => control_state,
    })
}

#[test]
fn control_observation_cases() {
    let plan = Plan::standard();
    let g = &plan.groups[0];
    let quiet = report(&|_| PortState::Filtered, PortState::Filtered);
    assert_eq!(control_observation(&quiet, g, Lang::De), None);

    let forwarded = report(&|_| PortState::Closed, PortState::Filtered);
    let o = control_observation(&forwarded, g, Lang::En).unwrap();
    assert!(o.contains("438, 439, 450 and 451"), "{o}");

    let no_firewall = report(&|_| PortState::Closed, PortState::Closed);
    let o = control_observation(&no_firewall, g, Lang::De).unwrap();
    assert!(o.contains("ohne Firewall"), "{o}");

    let untested = report(&|_| PortState::Closed, PortState::Error);
    assert!(
        control_observation(&untested, g, Lang::En)
            .unwrap()
            .contains("cannot be said")
    );
}

#[test]
fn ranges_are_named_from_the_plan() {
    let mut plan = Plan::standard();
    plan.groups[0] = Group {
        name: "8000-8003".into(),
        ports: (8000..=8003).map(plan_service).collect(),
        control: vec![plan_service(7999), plan_service(8004)],
    };
    let f = Finding {
        id: FindingId::RangeReachable,
        severity: Severity::Warning,
        ports: vec![8000, 8001, 8002],
        group: Some("8000-8003".into()),
        reports: Vec::new(),
    };
    let e = explain(&f, &plan, Lang::De);
    assert_eq!(
        e.title,
        "Der ganze Bereich 8000–8003 scheint weitergeleitet zu sein"
    );
    assert!(
        e.what.contains("3 Ports im Bereich 8000–8003 antworten"),
        "{}",
        e.what
    );
    let r = plan.sample_report("192.0.2.1".parse().unwrap(), |group, _| match group {
        PortGroup::Range => PortState::Closed,
        PortGroup::Control => PortState::Filtered,
    });
    let o = control_observation(&r, &plan.groups[0], Lang::En).unwrap();
    assert!(o.contains("7999 and 8004"), "{o}");
    assert!(o.contains("the range 8000–8003 does"), "{o}");
}

#[test]
fn each_range_names_the_forwarding_it_came_from() {
    let plan = Plan::standard();
    let finding = |group: &Group| Finding {
        id: FindingId::RangeReachable,
        severity: Severity::Warning,
        ports: group.port_numbers(),
        group: Some(group.name.clone()),
        reports: Vec::new(),
    };
    let (https, http) = (&plan.groups[0], &plan.groups[1]);
    let de = explain(&finding(https), &plan, Lang::De);
    assert!(
        de.what
            .contains("Statt nur Port 443 (HTTPS) wird der ganze Bereich 440–449"),
        "{}",
        de.what
    );
    assert!(de.attacker.contains("Port 445"), "{}", de.attacker);
    let en = explain(&finding(http), &plan, Lang::En);
    assert_eq!(en.title, "The whole range 80–89 seems to be forwarded");
    assert!(
        en.what
            .contains("instead of just port 80 (HTTP), the whole range 80–89"),
        "{}",
        en.what
    );
    assert!(en.attacker.contains("port 88"), "{}", en.attacker);
    assert!(!en.attacker.contains("445"), "{}", en.attacker);
    let de = explain(&finding(http), &plan, Lang::De);
    assert!(de.what.contains("Statt nur Port 80 (HTTP)"), "{}", de.what);
}

fn plan_service(port: u16) -> crate::plan::PlannedPort {
    crate::plan::PlannedPort::new(port, crate::plan::Service::Http)
}
