//! A whole check walked through the reducer: consent, ports, the report,
//! failures, stale runs, double clicks and both families.

use super::*;
use crate::api::{
    ErrorBody, ErrorCode, ErrorDetail, PortEvent, PortGroup, PortState, Report, Started,
};
use crate::page::check::Status;

fn target() -> Target {
    Target::new("127.0.0.1".parse().unwrap())
}

fn report() -> Report {
    Plan::standard().sample_report(target().ip, |_, _| PortState::Closed)
}

fn port_msg(group: PortGroup, port: u16, state: PortState) -> StreamMsg {
    StreamMsg::Port(PortEvent {
        group,
        group_name: None,
        result: Plan::standard().sample_result(port, state),
    })
}

/// An event of run `run`'s check of `family` (`None`: the page's origin).
fn on(run: u32, family: Option<Family>, event: CheckEvent) -> Action {
    Action::Check { run, family, event }
}

/// A stream message of the single check.
fn msg(run: u32, msg: StreamMsg) -> Action {
    on(run, None, CheckEvent::Stream(msg))
}

impl PageState {
    fn port_state(&self, port: u16) -> Option<PortState> {
        self.single().and_then(|c| c.port_state(port))
    }

    fn report(&self) -> Option<&Report> {
        self.single().and_then(Check::report)
    }
}

#[test]
fn a_check_from_consent_to_report() {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::WhoAmI(Some(target())));
    s.apply(Action::Start);
    assert_eq!(s.phase(), Phase::Running);
    let run = s.run;
    let plan = Plan::standard();
    s.apply(msg(run, StreamMsg::Started(Started::new(target(), plan))));
    s.apply(msg(run, port_msg(PortGroup::Range, 445, PortState::Open)));
    s.apply(msg(
        run,
        port_msg(PortGroup::Control, 450, PortState::Closed),
    ));
    assert_eq!(s.progress(), (1, 20));
    assert_eq!(s.port_state(445), Some(PortState::Open));
    assert_eq!(s.port_state(440), None);
    assert!(
        s.checks[0]
            .control
            .get((450, crate::plan::Transport::Tcp))
            .is_some()
    );
    assert_eq!(s.announcement(), "1 von 20 Ports geprüft");
    s.apply(msg(run, StreamMsg::Finished(Box::new(report()))));
    assert_eq!(s.progress(), (20, 20));
    // The report wins over the earlier event.
    assert_eq!(s.port_state(445), Some(PortState::Closed));
    assert!(s.report().is_some());
    assert_eq!(s.phase(), Phase::Settled);
    // The stream closing after the report is not an interruption.
    s.apply(on(run, None, CheckEvent::Ended));
    assert!(s.report().is_some());
}

#[test]
fn stream_closing_early_is_an_interruption() {
    let mut s = PageState::new(Lang::En, false);
    s.apply(Action::Start);
    let run = s.run;
    s.apply(msg(
        run,
        port_msg(PortGroup::Range, 440, PortState::Filtered),
    ));
    s.apply(on(run, None, CheckEvent::Ended));
    assert_eq!(s.phase(), Phase::Settled);
    assert_eq!(s.failure(), Some(&Failure::Interrupted));
    assert_eq!(s.announcement(), "The check was not possible");
}

#[test]
fn error_event_becomes_a_failure() {
    let mut s = PageState::new(Lang::En, false);
    s.apply(Action::Start);
    let run = s.run;
    let error = ErrorBody {
        error: ErrorDetail {
            code: ErrorCode::Busy,
            message: "busy".into(),
            retry_after_s: Some(3),
        },
    };
    s.apply(msg(run, StreamMsg::Error(error)));
    assert_eq!(
        s.failure(),
        Some(&Failure::Busy {
            retry_after_s: Some(3)
        })
    );
}

#[test]
fn messages_of_an_older_run_are_ignored() {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::Start);
    let old = s.run;
    s.apply(on(old, None, CheckEvent::Fail(Failure::Network)));
    s.apply(Action::Start);
    s.apply(msg(old, port_msg(PortGroup::Range, 445, PortState::Open)));
    s.apply(on(old, None, CheckEvent::Ended));
    assert_eq!(s.phase(), Phase::Running);
    assert!(s.checks[0].range.is_empty());
}

#[test]
fn a_double_click_starts_one_check() {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::Start);
    let run = s.run;
    s.apply(msg(run, port_msg(PortGroup::Range, 445, PortState::Open)));
    s.apply(Action::Start);
    assert_eq!(s.run, run);
    assert_eq!(s.port_state(445), Some(PortState::Open));
}

#[test]
fn both_families_fill_in_independently_and_settle_together() {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::StartBoth);
    assert!(s.single().is_none());
    assert_eq!(s.phase(), Phase::Running);
    let run = s.run;
    let (v4, v6) = (Some(Family::Ipv4), Some(Family::Ipv6));
    let v6_port = CheckEvent::Stream(port_msg(PortGroup::Range, 443, PortState::Open));
    s.apply(on(run, v6, v6_port));
    assert_eq!(s.checks[1].port_state(443), Some(PortState::Open));
    assert_eq!(s.checks[0].progress(), (0, 20));
    // An event of the single check cannot leak into a two-family run.
    s.apply(msg(run, port_msg(PortGroup::Range, 445, PortState::Open)));
    assert!(s.checks.iter().all(|c| c.port_state(445).is_none()));
    let finished = CheckEvent::Stream(StreamMsg::Finished(Box::new(report())));
    s.apply(on(run, v4, finished));
    assert_eq!(s.phase(), Phase::Running, "IPv6 is still running");
    s.apply(on(run, v6, CheckEvent::Fail(Failure::Network)));
    assert_eq!(s.phase(), Phase::Settled);
    assert!(s.checks[0].report().is_some());
    assert_eq!(s.checks[1].status, Status::Failed(Failure::Network));
    assert_eq!(s.worst_level(), Some(Level::Ok));
    // Late events of the finished run change nothing.
    s.apply(on(run, v6, CheckEvent::Ended));
    assert_eq!(s.phase(), Phase::Settled);
    // The families' checks leave the visitor's own address alone.
    assert_eq!(s.whoami, WhoAmI::Loading);
}

#[test]
fn a_single_check_after_a_dual_one_clears_the_sides() {
    let mut s = PageState::new(Lang::En, false);
    s.apply(Action::StartBoth);
    let old = s.run;
    let families = [Some(Family::Ipv4), Some(Family::Ipv6)];
    for family in families {
        s.apply(on(old, family, CheckEvent::Fail(Failure::Network)));
    }
    assert_eq!(s.phase(), Phase::Settled);
    s.apply(Action::StartBoth);
    assert_eq!(s.run, old + 1);
    assert!(s.checks.iter().all(|x| !x.settled()));
    s.apply(on(old, families[0], CheckEvent::Ended));
    assert!(!s.checks[0].settled(), "old run ignored");
    s.apply(Action::StartBoth);
    assert_eq!(s.run, old + 1, "double click");
    for family in families {
        s.apply(on(s.run, family, CheckEvent::Ended));
    }
    s.apply(Action::Start);
    assert!(s.single().is_some());
    assert_eq!(s.phase(), Phase::Running);
}

#[test]
fn check_again_keeps_router_and_resets_results() {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::PickRouter(Router::FritzBox));
    s.apply(Action::Start);
    let run = s.run;
    s.apply(msg(run, StreamMsg::Finished(Box::new(report()))));
    s.apply(Action::Copy(CopyStatus::Copied));
    s.apply(Action::Start);
    assert_eq!(s.router, Some(Router::FritzBox));
    assert_eq!(s.copy, CopyStatus::Idle);
    assert_eq!(s.progress(), (0, 20));
    assert_eq!(s.phase(), Phase::Running);
}

#[test]
fn the_next_check_expects_the_plan_the_probe_announced() {
    let mut s = PageState::new(Lang::En, false);
    s.apply(Action::Start);
    let mut small = Plan::standard();
    small.groups[0].ports.truncate(3);
    small.groups.truncate(1);
    s.apply(msg(
        s.run,
        StreamMsg::Started(Started::new(target(), small.clone())),
    ));
    assert_eq!(s.progress(), (0, 3));
    assert_eq!(s.whoami, WhoAmI::Known(target()));
    s.apply(on(s.run, None, CheckEvent::Fail(Failure::Network)));
    s.apply(Action::Start);
    assert_eq!(s.checks[0].plan, small);
}

#[test]
fn check_again_keeps_the_last_reports_to_compare_with() {
    let mut s = PageState::new(Lang::En, false);
    s.apply(Action::Start);
    assert!(s.previous.is_empty());
    let first = Plan::standard().sample_forwarded(target().ip, &[443]);
    s.apply(msg(s.run, StreamMsg::Finished(Box::new(first.clone()))));
    assert_eq!(s.previous_of(&s.checks[0]), None, "no previous run yet");

    s.apply(Action::Start);
    assert_eq!(s.previous, vec![first.clone()]);
    // A run that fails keeps the last reports.
    s.apply(on(s.run, None, CheckEvent::Fail(Failure::Network)));
    s.apply(Action::Start);
    assert_eq!(s.previous, vec![first.clone()]);
    let second = Plan::standard().sample_forwarded(target().ip, &[445]);
    s.apply(msg(s.run, StreamMsg::Finished(Box::new(second))));
    assert_eq!(s.previous_of(&s.checks[0]), Some(&first));
}

#[test]
fn the_guides_are_fetched_once_a_result_shows_them_in_the_page_language() {
    let mut s = PageState::new(Lang::En, false);
    assert_eq!(
        s.guides_to_fetch(),
        None,
        "a first visit does not need them"
    );
    s.apply(Action::Start);
    s.apply(msg(1, port_msg(PortGroup::Range, 445, PortState::Open)));
    assert_eq!(s.guides_to_fetch(), None, "no verdict yet");
    s.apply(msg(1, StreamMsg::Finished(Box::new(report()))));
    assert_eq!(s.guides_to_fetch(), Some(Lang::En));
    s.apply(Action::GuidesLoading(Lang::En));
    assert_eq!(s.guides_to_fetch(), None, "asked once");
    s.apply(Action::GuidesLoaded(
        Lang::En,
        Some(crate::texts::guide::built_in(Lang::En).clone()),
    ));
    assert!(matches!(s.guides(Lang::En), Guides::Loaded(_)));
    // The other language is fetched when the visitor switches to it.
    s.apply(Action::SetLang(Lang::De));
    assert_eq!(s.guides_to_fetch(), Some(Lang::De));
}

#[test]
fn failed_guides_are_asked_again_only_when_the_visitor_says_so() {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::Start);
    s.apply(msg(1, StreamMsg::Finished(Box::new(report()))));
    s.apply(Action::GuidesLoading(Lang::De));
    s.apply(Action::GuidesLoaded(Lang::De, None));
    assert_eq!(*s.guides(Lang::De), Guides::Failed);
    assert_eq!(s.guides_to_fetch(), None, "no retry loop");
    s.apply(Action::RetryGuides(Lang::De));
    assert_eq!(s.guides_to_fetch(), Some(Lang::De));
    // A stray retry does not throw loaded guides away.
    s.apply(Action::GuidesLoaded(
        Lang::De,
        Some(crate::texts::guide::built_in(Lang::De).clone()),
    ));
    s.apply(Action::RetryGuides(Lang::De));
    assert!(matches!(s.guides(Lang::De), Guides::Loaded(_)));
}
