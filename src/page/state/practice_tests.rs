//! The practice check walked through the page's reducer: offered only after
//! the main result, its own runs and checks, the page's plan untouched, the
//! live region, the summary and the UPnP words.

use crate::api::{
    Family, FindingId, PortDetails, PortEvent, PortGroup, PortResult, PortState, Reason, Report,
    Started, Target, UpnpDetails,
};
use crate::page::check::Phase;
use crate::page::check::{CheckEvent, Status};
use crate::page::practice_check::{device_steps, stream_query, upnp_words};
use crate::page::sse::StreamMsg;
use crate::page::state::{Action, PageState};
use crate::plan::{Plan, Transport};
use crate::texts::Lang;

use crate::texts::practice_texts::{offer_udp, offer_what, practice_texts};

fn target() -> Target {
    Target::new("198.51.100.7".parse().expect("ip"))
}

/// A page whose main check (page origin) has its report.
fn settled_page() -> PageState {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::Start);
    let report = Plan::standard().sample_report(target().ip, |_, _| PortState::Filtered);
    s.apply(Action::Check {
        run: s.run,
        family: None,
        event: CheckEvent::Stream(StreamMsg::Finished(Box::new(report))),
    });
    assert_eq!(s.phase(), Phase::Settled);
    s
}

/// How the UPnP entry (1900/udp) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UpnpAnswer {
    Answered,
    NoAnswer,
}

/// The 1900/udp result: answered with a device's headers, or silent.
fn upnp(answer: UpnpAnswer) -> PortResult {
    let mut r = Plan::practice().sample_result(1900, PortState::OpenFiltered);
    assert_eq!(r.transport, Transport::Udp);
    if answer == UpnpAnswer::Answered {
        (r.state, r.reason) = (PortState::Open, Reason::Answered);
        r.details = Some(Box::new(PortDetails {
            upnp: Some(UpnpDetails {
                server: Some("OpenWRT UPnP/1.1 MiniUPnPd/2.3".into()),
                location: Some("http://192.168.1.1:5000/rootDesc.xml".into()),
                st: None,
                usn: None,
            }),
            ..PortDetails::default()
        }));
    }
    r
}

/// A practice report: 3389 and 3306 open (RDP and a database by their
/// findings), the rest filtered, UPnP as given.
fn practice_report(answer: UpnpAnswer) -> Report {
    let plan = Plan::practice();
    let mut r = plan.sample_report(target().ip, |_, p| {
        if [3389, 3306].contains(&p) {
            PortState::Open
        } else {
            PortState::Filtered
        }
    });
    r.verdict.findings = vec![
        finding(FindingId::RdpExposed, 3389),
        finding(FindingId::DatabaseExposed, 3306),
    ];
    let u = upnp(answer);
    let slot = r
        .ports
        .iter_mut()
        .find(|p| (p.port, p.transport) == (1900, Transport::Udp))
        .expect("1900/udp planned");
    *slot = u;
    r.verdict = crate::verdict::evaluate(&Plan::practice(), &r.ports, &r.control);
    r
}

fn finding(id: FindingId, port: u16) -> crate::api::Finding {
    crate::api::Finding {
        id,
        severity: crate::api::Severity::Critical,
        ports: vec![port],
        group: None,
        reports: Vec::new(),
    }
}

fn practice_msg(s: &PageState, family: Option<Family>, msg: StreamMsg) -> Action {
    Action::PracticeCheck {
        run: s.practice.run,
        family,
        event: CheckEvent::Stream(msg),
    }
}

#[test]
fn it_is_offered_only_after_the_main_result() {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::StartPractice { both: false });
    assert_eq!(s.practice.phase(), Phase::Start, "before any check");
    s.apply(Action::Start);
    s.apply(Action::StartPractice { both: false });
    assert_eq!(
        s.practice.phase(),
        Phase::Start,
        "while the main check runs"
    );
    let mut s = settled_page();
    s.apply(Action::StartPractice { both: false });
    assert_eq!(s.practice.phase(), Phase::Running);
    assert_eq!(s.phase(), Phase::Settled, "the main check stays settled");
}

#[test]
fn a_practice_check_from_consent_to_report_keeps_the_page_plan() {
    let mut s = settled_page();
    s.apply(Action::StartPractice { both: false });
    assert_eq!(s.practice.checks[0].plan, Plan::practice());
    let started = Started::new(target(), Plan::practice());
    s.apply(practice_msg(&s, None, StreamMsg::Started(started)));
    let port = Plan::practice().sample_result(3389, PortState::Open);
    s.apply(practice_msg(
        &s,
        None,
        StreamMsg::Port(PortEvent {
            group: PortGroup::Range,
            group_name: Some("remote-access".into()),
            result: port,
        }),
    ));
    let total = Plan::practice().len();
    assert_eq!(total, 27, "16 TCP and 11 UDP entries");
    assert_eq!(s.practice.checks[0].progress(), (1, total));
    assert_eq!(s.announcement(), "Weitere Dienste: 1 von 27 Ports geprüft");
    let report = practice_report(UpnpAnswer::Answered);
    s.apply(practice_msg(
        &s,
        None,
        StreamMsg::Finished(Box::new(report)),
    ));
    assert_eq!(s.practice.phase(), Phase::Settled);
    assert!(matches!(s.practice.checks[0].status, Status::Done(_)));
    assert_eq!(s.plan, Plan::standard(), "the page's plan changed");
    assert!(
        s.announcement()
            .starts_with("Weitere Dienste: Prüfung abgeschlossen")
    );
    // The main check's single view is untouched.
    assert!(s.single().is_some());
}

#[test]
fn both_families_get_a_practice_check_each() {
    let mut s = settled_page();
    s.apply(Action::StartPractice { both: true });
    let families: Vec<_> = s.practice.checks.iter().map(|c| c.family).collect();
    assert_eq!(families, [Some(Family::Ipv4), Some(Family::Ipv6)]);
    let report = practice_report(UpnpAnswer::NoAnswer);
    s.apply(practice_msg(
        &s,
        Some(Family::Ipv6),
        StreamMsg::Finished(Box::new(report)),
    ));
    assert_eq!(s.practice.phase(), Phase::Running, "IPv4 still runs");
    s.apply(Action::PracticeCheck {
        run: s.practice.run,
        family: Some(Family::Ipv4),
        event: CheckEvent::Ended,
    });
    assert_eq!(s.practice.phase(), Phase::Settled);
    let text = s.practice.summary(Lang::En);
    assert!(text.contains("=== IPv6 ==="), "{text}");
    assert!(
        !text.contains("=== IPv4 ==="),
        "a failed family has no report"
    );
}

#[test]
fn a_new_main_check_withdraws_the_practice_check_and_its_stream() {
    let mut s = settled_page();
    s.apply(Action::StartPractice { both: false });
    let old = s.practice.run;
    s.apply(Action::Start);
    assert!(s.practice.checks.is_empty());
    assert_eq!(s.practice.phase(), Phase::Start);
    // A late event of the withdrawn stream changes nothing.
    let report = practice_report(UpnpAnswer::Answered);
    s.apply(Action::PracticeCheck {
        run: old,
        family: None,
        event: CheckEvent::Stream(StreamMsg::Finished(Box::new(report))),
    });
    assert!(s.practice.checks.is_empty());
    // A second consent while it runs starts nothing new.
    let mut s = settled_page();
    s.apply(Action::StartPractice { both: false });
    let run = s.practice.run;
    s.apply(Action::StartPractice { both: true });
    assert_eq!((s.practice.run, s.practice.checks.len()), (run, 1));
}

#[test]
fn the_summary_has_findings_upnp_and_device_steps_in_both_languages() {
    let mut s = settled_page();
    assert_eq!(s.practice.summary(Lang::De), "", "nothing before it ran");
    s.apply(Action::StartPractice { both: false });
    let report = practice_report(UpnpAnswer::Answered);
    s.apply(practice_msg(
        &s,
        None,
        StreamMsg::Finished(Box::new(report)),
    ));
    let de = s.practice.summary(Lang::De);
    for needle in [
        "Weitere gefährliche Dienste",
        "Remote Desktop",
        "UPnP: Ein UPnP-Dienst hat aus dem Internet geantwortet",
        "MiniUPnPd/2.3",
        "rootDesc.xml",
        "- Remote Desktop: die Weiterleitung entfernen",
        "- Datenbank:",
        "- UPnP: im Router UPnP",
    ] {
        assert!(de.contains(needle), "German summary lacks {needle}:\n{de}");
    }
    let en = s.practice.summary(Lang::En);
    for needle in [
        "Other dangerous services",
        "UPnP: A UPnP service answered",
        "- Database:",
    ] {
        assert!(en.contains(needle), "English summary lacks {needle}:\n{en}");
    }
}

#[test]
fn no_answer_is_never_called_absence() {
    for lang in [Lang::De, Lang::En] {
        let words = upnp_words(&upnp(UpnpAnswer::NoAnswer), lang);
        let lower = words.to_lowercase();
        assert!(
            lower.contains("kein beweis") || lower.contains("no proof"),
            "{words}"
        );
        assert!(
            !lower.contains("kein upnp") && !lower.contains("no upnp"),
            "{words}"
        );
    }
    let r = practice_report(UpnpAnswer::NoAnswer);
    assert!(
        !r.verdict
            .findings
            .iter()
            .any(|f| f.id == FindingId::UpnpExposed)
    );
    assert!(
        device_steps(&r, Lang::En)
            .iter()
            .all(|s| !s.starts_with("UPnP"))
    );
}

#[test]
fn device_steps_follow_the_findings_once_each() {
    let mut r = practice_report(UpnpAnswer::NoAnswer);
    r.verdict.findings = vec![
        finding(FindingId::VncNoAuth, 5900),
        finding(FindingId::VncExposed, 5901),
        finding(FindingId::SmbExposed, 445),
    ];
    let steps = device_steps(&r, Lang::De);
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert!(steps[0].starts_with("VNC"));
}

#[test]
fn the_stream_query_names_the_practice_plan() {
    assert_eq!(stream_query(), "?plan=practice");
}

#[test]
fn the_offer_names_the_plan_s_ports_in_both_languages() {
    let de = offer_what(&Plan::practice(), Lang::De);
    assert!(de.contains("16 weitere Ports"), "{de}");
    assert!(de.contains("5901, 8080 und 8443"), "{de}");
    let en = offer_what(&Plan::practice(), Lang::En);
    assert!(
        en.contains("16 more ports") && en.contains("8080 and 8443"),
        "{en}"
    );
    let de = offer_udp(&Plan::practice(), Lang::De);
    assert!(de.contains("11 Dienste"), "{de}");
    assert!(
        de.contains("53, 111, 123") && de.contains("5060 und 5353"),
        "{de}"
    );
    let en = offer_udp(&Plan::practice(), Lang::En);
    assert!(
        en.contains("asks 11 services") && en.contains("(1900)"),
        "{en}"
    );
    for lang in [Lang::De, Lang::En] {
        let t = practice_texts(lang);
        for text in [
            t.offer_heading,
            t.offer_upnp,
            t.consent,
            t.button,
            t.running_heading,
            t.result_heading,
            t.upnp_heading,
            t.steps_heading,
            t.nothing_found,
        ] {
            assert!(!text.trim().is_empty());
        }
    }
    assert_eq!(
        practice_texts(Lang::De).offer_heading,
        "Weitere gefährliche Dienste prüfen"
    );
    assert_eq!(
        practice_texts(Lang::En).offer_heading,
        "Check other dangerous services"
    );
}
