//! Component tests of the page in headless Chromium (wasm-bindgen-test).
//!
//! Each test mounts the real `App` with a prepared state into its own element,
//! flushes Yew's scheduler and reads the DOM. No probe is involved except in
//! `consent_without_a_probe_shows_a_failure`, where the test runner's own web
//! server (which has no `/api/`) stands in for an unreachable probe.
//!
//! Run: `cargo test --target wasm32-unknown-unknown --test browser_components`
//! (runner and browser are set in `.cargo/config.toml` and `webdriver.json`).
#![cfg(target_arch = "wasm32")]

use portcheck::api::{PortEvent, PortGroup, PortState, Queued, Report, Started, Target};
use portcheck::app::{App, AppProps};
use portcheck::page::check::CheckEvent;
use portcheck::page::check::Phase;
use portcheck::page::sse::StreamMsg;
use portcheck::page::state::{Action, PageState};
use portcheck::plan::{Group, Plan, PlannedPort, Service, Transport};
use portcheck::texts::Lang;
use portcheck::texts::failure::Failure;
use portcheck::texts::guide::{GuideSet, Router};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts the app with `state` into a fresh element and returns the element.
async fn mount(state: PageState) -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let props = AppProps {
        initial: state,
        parent_origin: None,
        fetch_whoami: false,
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

fn q(root: &Element, sel: &str) -> Option<Element> {
    root.query_selector(sel).unwrap()
}

fn all(root: &Element, sel: &str) -> Vec<Element> {
    let list = root.query_selector_all(sel).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into::<Element>().unwrap())
        .collect()
}

/// The summary for the IT service provider, as the textarea holds it.
fn summary_text(root: &Element) -> String {
    q(root, "#summary-text")
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        .map(|t| t.value())
        .unwrap_or_default()
}

fn text(root: &Element) -> String {
    root.text_content().unwrap_or_default()
}

async fn click(root: &Element, sel: &str) {
    q(root, sel)
        .unwrap_or_else(|| panic!("no {sel}"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
}

/// Waits (bounded, ~5 s) until `cond` holds, yielding to the browser between checks.
async fn wait_for(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..100 {
        if cond() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
        yew::scheduler::flush().await;
    }
    panic!("timed out waiting for {what}");
}

/// A stream message of run `run`'s single check.
fn msg(run: u32, msg: StreamMsg) -> Action {
    Action::Check {
        run,
        family: None,
        event: CheckEvent::Stream(msg),
    }
}

fn fail(run: u32, failure: Failure) -> Action {
    Action::Check {
        run,
        family: None,
        event: CheckEvent::Fail(failure),
    }
}

fn port(plan: &Plan, group: PortGroup, port: u16, state: PortState) -> StreamMsg {
    StreamMsg::Port(PortEvent {
        group,
        group_name: plan
            .group_of(port, portcheck::plan::Transport::Tcp)
            .map(|g| g.name.clone()),
        result: plan.sample_result(port, state),
    })
}

/// The Celle pattern: the range forwarded to a server where 443 and 445 listen.
fn celle_report() -> Report {
    Plan::standard().sample_forwarded("198.51.100.7".parse().unwrap(), &[443, 445])
}

/// A check that failed as `failure`.
fn failed(lang: Lang, failure: Failure) -> PageState {
    let mut s = PageState::new(lang, false);
    s.apply(Action::Start);
    s.apply(fail(s.run, failure));
    s
}

/// One language's fix guides as the page fetches them from its origin (the
/// runner's server has none): the files joined as scripts/guide-bundle does.
fn guides(lang: Lang) -> GuideSet {
    macro_rules! bundle {
        ($dir:literal: $($name:literal),*) => {
            [$(format!("[\"{}\",{}]", $name, include_str!(concat!("../guides/", $dir, "/", $name, ".json")))),*]
        };
    }
    let files = match lang {
        Lang::De => {
            bundle!("de": "digibox-premium", "digibox-standard", "digibox-smart", "fritzbox",
            "speedport", "lancom", "other", "server", "breach", "practice")
        }
        Lang::En => {
            bundle!("en": "digibox-premium", "digibox-standard", "digibox-smart", "fritzbox",
            "speedport", "lancom", "other", "server", "breach", "practice")
        }
    };
    GuideSet::parse(&format!("[{}]", files.join(","))).expect("the guides parse")
}

/// A settled check, with the guides of both languages already fetched.
fn done(lang: Lang, report: Report) -> PageState {
    let mut s = PageState::new(lang, false);
    s.apply(Action::Start);
    s.apply(msg(s.run, StreamMsg::Finished(Box::new(report))));
    for l in [Lang::De, Lang::En] {
        s.apply(Action::GuidesLoaded(l, Some(guides(l))));
    }
    s
}

/// The page reads the probe's JSON through the browser's `JSON.parse`
/// (`portcheck::api::read`): what the probe's serde writes reads back
/// whole, the round-trip times to the last bit, and a member the JSON
/// lacks is not taken from `Object.prototype`.
#[wasm_bindgen_test]
fn the_page_reads_what_the_probe_writes() {
    use portcheck::api::read::read_json;
    for plan in Plan::catalogue() {
        let ip = "2001:db8::7".parse().unwrap();
        let mut report = plan.sample_report(ip, |_, port| PortState::ALL[usize::from(port) % 5]);
        for (n, r) in report.ports.iter_mut().enumerate() {
            r.rtt_ms = Some(0.1 + n as f64 / 3.0);
        }
        let text = serde_json::to_string(&report).unwrap();
        assert_eq!(read_json::<Report>(&text), Some(report), "{}", plan.name);
        let started = Started::new(Target::new(ip).via_proxy(true), plan);
        let text = serde_json::to_string(&started).unwrap();
        assert_eq!(read_json::<Started>(&text), Some(started));
    }
    // `constructor` is on every object's prototype: in the JSON it is
    // just an unknown member. An object with array-like keys is no pair.
    let target = r#"{"ip":"192.0.2.1","family":"ipv4","constructor":1}"#;
    assert!(read_json::<Target>(target).is_some());
    assert_eq!(
        read_json::<(String, u16)>(r#"{"0":"a","1":2,"length":2}"#),
        None
    );
    assert_eq!(read_json::<Queued>(r#"{"position":1}"#), None);
    assert_eq!(read_json::<Queued>("not json"), None);
}

#[wasm_bindgen_test]
async fn start_view_has_a_real_consent_button_and_explains_the_check() {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::WhoAmI(Some(Target::new(
        "203.0.113.9".parse().unwrap(),
    ))));
    let root = mount(s).await;
    let button = q(&root, "#consent").expect("consent button");
    assert_eq!(button.tag_name(), "BUTTON");
    assert_eq!(button.get_attribute("type").as_deref(), Some("button"));
    assert!(text(&button).contains("Prüfung starten"));
    let t = text(&root);
    assert!(t.contains("440 bis 449 und 80 bis 89"), "{t}");
    assert!(q(&root, "[data-warning]").is_none(), "no proxy, no warning");
    assert!(t.contains("Celle"), "{t}");
    assert!(t.contains("nicht gespeichert"), "{t}");
    assert_eq!(
        q(&root, "#whoami").map(|e| text(&e)).as_deref(),
        Some("203.0.113.9")
    );
    // The live region exists before anything needs announcing.
    assert_eq!(
        q(&root, "#live")
            .unwrap()
            .get_attribute("aria-live")
            .as_deref(),
        Some("polite")
    );
}

#[wasm_bindgen_test]
async fn running_view_fills_the_grid_as_ports_arrive() {
    let mut s = PageState::new(Lang::En, false);
    s.apply(Action::Start);
    let run = s.run;
    let plan = Plan::standard();
    for (p, state) in [(445, PortState::Open), (441, PortState::Filtered)] {
        s.apply(msg(run, port(&plan, PortGroup::Range, p, state)));
    }
    let root = mount(s).await;
    let cells = all(&root, "[data-port]");
    // Both ranges, a grid each: 440–449, then 80–89.
    assert_eq!(cells.len(), 20);
    assert_eq!(all(&root, "ul.grid").len(), 2);
    let state_of = |p: u16| {
        q(&root, &format!("[data-port=\"{p}\"]"))
            .unwrap()
            .get_attribute("data-state")
            .unwrap()
    };
    assert_eq!(state_of(445), "open");
    assert_eq!(state_of(441), "filtered");
    assert_eq!(state_of(440), "pending");
    let progress = q(&root, "progress").unwrap();
    assert_eq!(progress.get_attribute("value").as_deref(), Some("2"));
    assert_eq!(progress.get_attribute("max").as_deref(), Some("20"));
    assert_eq!(text(&q(&root, "#live").unwrap()), "2 of 20 ports checked");
    // Every state is written out, not only coloured.
    assert!(text(&q(&root, "[data-port=\"445\"]").unwrap()).contains("open"));
}

#[wasm_bindgen_test]
async fn a_queued_check_says_its_place_in_plain_words() {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::Start);
    let run = s.run;
    let queued = Queued {
        position: 3,
        wait_s: 20,
    };
    s.apply(msg(run, StreamMsg::Queued(queued)));
    let root = mount(s).await;
    let line = text(&q(&root, ".queued[role=\"status\"]").expect("the queue line"));
    assert!(line.contains("Platz 3"), "{line}");
    assert!(line.contains("20 Sekunden"), "{line}");
}

#[wasm_bindgen_test]
async fn result_shows_verdict_findings_table_and_control_observation() {
    let root = mount(done(Lang::De, celle_report())).await;
    let verdict = q(&root, "[data-verdict]").expect("verdict");
    assert_eq!(
        verdict.get_attribute("data-verdict").as_deref(),
        Some("critical")
    );
    assert!(text(&verdict).contains("Kritisch"));
    let findings: Vec<String> = all(&root, "[data-finding]")
        .iter()
        .map(|e| e.get_attribute("data-finding").unwrap())
        .collect();
    assert_eq!(
        findings,
        [
            "smb-exposed",
            "range-reachable",
            "range-reachable",
            "https-exposed"
        ]
    );
    let rows = all(&root, "tr[data-port]");
    assert_eq!(rows.len(), 20);
    let ranges = text(&root);
    assert!(ranges.contains("Statt nur Port 80 (HTTP)"), "{ranges}");
    assert!(ranges.contains("Statt nur Port 443 (HTTPS)"), "{ranges}");
    assert_eq!(
        rows[5].get_attribute("data-state").as_deref(),
        Some("open"),
        "445"
    );
    assert!(text(&rows[5]).contains("microsoft-ds"));
    let obs = text(&q(&root, "#control-observation").unwrap());
    assert!(obs.contains("438, 439, 450 und 451"), "{obs}");
    let summary = summary_text(&root);
    assert!(summary.contains("198.51.100.7"), "{summary}");
    assert!(summary.contains("29.11.2026"), "{summary}");
    // Breach steps appear for a critical result.
    assert!(text(&root).contains("Art. 33 DSGVO"));
}

#[wasm_bindgen_test]
async fn check_again_says_what_changed() {
    let first = Plan::standard().sample_forwarded("198.51.100.7".parse().unwrap(), &[443]);
    let root = mount(done(Lang::En, first.clone())).await;
    assert!(
        q(&root, "[data-changes]").is_none(),
        "nothing to compare yet"
    );
    let mut s = done(Lang::En, first);
    s.apply(Action::Start);
    s.apply(msg(s.run, StreamMsg::Finished(Box::new(celle_report()))));
    let root = mount(s).await;
    let changes = q(&root, "[data-changes]").expect("what changed");
    let heading = q(&changes, "h3#changes").expect("heading");
    assert_eq!(
        changes.get_attribute("aria-labelledby").as_deref(),
        Some("changes")
    );
    assert_eq!(text(&heading), "What changed since the previous check");
    let items: Vec<String> = all(&changes, "li").iter().map(text).collect();
    assert_eq!(items[0], "Newly open: port 445");
    assert!(
        items[1].starts_with("New finding: Windows file sharing"),
        "{items:?}"
    );
}

#[wasm_bindgen_test]
async fn picking_a_router_shows_its_numbered_steps() {
    let root = mount(done(Lang::En, celle_report())).await;
    assert!(q(&root, "#router-guide").is_none());
    let radios = all(&root, "input[type=radio][name=router]");
    assert_eq!(radios.len(), Router::ALL.len());
    click(&root, "#router-fritzbox").await;
    let guide = q(&root, "#router-guide").expect("guide shown");
    assert_eq!(
        guide.get_attribute("data-router").as_deref(),
        Some("fritzbox")
    );
    let expected = guides(Lang::En).router(Router::FritzBox);
    let steps = all(&guide, "ol.steps > li");
    assert_eq!(steps.len(), expected.steps.len());
    assert!(text(&steps[1]).contains("Internet → Freigaben → Portfreigaben"));
    click(&root, "#router-digibox-smart").await;
    let guide = q(&root, "#router-guide").unwrap();
    assert_eq!(
        guide.get_attribute("data-router").as_deref(),
        Some("digibox-smart")
    );
    assert!(text(&guide).contains("11.1.2.102"));
}

#[wasm_bindgen_test]
async fn guides_still_loading_are_announced_and_a_failure_offers_to_try_again() {
    let mut s = PageState::new(Lang::De, false);
    s.apply(Action::Start);
    s.apply(msg(s.run, StreamMsg::Finished(Box::new(celle_report()))));
    s.apply(Action::GuidesLoading(Lang::De));
    let root = mount(s.clone()).await;
    let status = q(&root, "[data-guides=\"loading\"]").expect("a loading status");
    assert_eq!(status.get_attribute("role").as_deref(), Some("status"));
    assert_eq!(text(&status), "Die Anleitungen werden geladen …");
    assert!(q(&root, "input[name=router]").is_none());
    root.remove();

    s.apply(Action::GuidesLoaded(Lang::De, None));
    let root = mount(s).await;
    let failed = q(&root, "[data-guides=\"failed\"]").expect("the failure");
    assert!(q(&failed, "[role=alert]").is_some());
    assert!(text(&failed).contains("konnten nicht geladen werden"));
    click(&root, "[data-guides=\"failed\"] button").await;
    // Asked again (this test has no probe to answer): loading once more.
    assert!(q(&root, "[data-guides=\"failed\"]").is_none());
    assert!(q(&root, "[data-guides=\"loading\"]").is_some());
    root.remove();
}

#[wasm_bindgen_test]
async fn operator_name_and_help_contact_are_shown() {
    let mut s = done(Lang::De, celle_report());
    s.apply(Action::Site(portcheck::api::SiteInfo {
        org_name: Some("Zahnärztekammer Musterland".into()),
        help_contact: Some("IT-Hotline 0123 456789".into()),
        ..Default::default()
    }));
    let root = mount(s).await;
    let help = text(&q(&root, "#help-contact").expect("help contact"));
    assert!(
        help.contains("Zahnärztekammer Musterland – IT-Hotline 0123 456789"),
        "{help}"
    );
    let offered = text(&q(&root, "#offered-by").expect("operator name"));
    assert_eq!(offered, "Ein Angebot von Zahnärztekammer Musterland");
}

#[wasm_bindgen_test]
async fn language_switch_changes_every_text() {
    let root = mount(done(Lang::De, celle_report())).await;
    assert!(text(&root).contains("Ergebnis"));
    click(&root, "#lang-switch").await;
    let t = text(&root);
    assert!(t.contains("Result"), "{t}");
    assert!(t.contains("Critical"), "{t}");
    assert!(!t.contains("Ergebnis"), "{t}");
    let html_lang = document().document_element().unwrap().get_attribute("lang");
    assert_eq!(html_lang.as_deref(), Some("en"));
}

#[wasm_bindgen_test]
async fn rate_limit_shows_the_wait_and_blocks_retry_until_then() {
    let failure = Failure::RateLimited {
        retry_after_s: Some(42),
    };
    let s = failed(Lang::De, failure);
    assert_eq!(s.phase(), Phase::Settled);
    let root = mount(s).await;
    let section = q(&root, "[data-failure]").unwrap();
    assert_eq!(
        section.get_attribute("data-failure").as_deref(),
        Some("rate_limited")
    );
    let wait = text(&q(&root, "#retry-wait").unwrap());
    assert!(
        wait.contains("42 Sekunden") || wait.contains("41 Sekunden"),
        "{wait}"
    );
    assert!(q(&root, "#try-again").unwrap().has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn forbidden_shows_the_reason() {
    let reason = "10.1.2.3 is in a private range".into();
    let root = mount(failed(Lang::En, Failure::NotAllowed { reason })).await;
    assert_eq!(
        q(&root, "[data-failure]")
            .unwrap()
            .get_attribute("data-failure")
            .as_deref(),
        Some("target_not_allowed")
    );
    assert_eq!(
        text(&q(&root, "#failure-reason").unwrap()),
        "10.1.2.3 is in a private range"
    );
    assert!(!q(&root, "#try-again").unwrap().has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn consent_without_a_probe_shows_a_failure() {
    let root = mount(PageState::new(Lang::En, false)).await;
    click(&root, "#consent").await;
    let r = root.clone();
    wait_for("a failure message", move || {
        q(&r, "[data-failure]").is_some()
    })
    .await;
    let code = q(&root, "[data-failure]")
        .unwrap()
        .get_attribute("data-failure")
        .unwrap();
    // The runner's server has no API: 404, which is not the probe's JSON.
    assert_eq!(code, "unreachable");
    assert!(q(&root, "#try-again").is_some());
}

fn service(port: u16, name: &str) -> PlannedPort {
    PlannedPort {
        port,
        service: name.into(),
        expects: Service::Http,
        transport: Transport::Tcp,
    }
}

/// A plan the page has never seen: two groups with other ports.
fn two_group_plan() -> Plan {
    let group = |name: &str, ports: std::ops::RangeInclusive<u16>, control: [u16; 2]| Group {
        name: name.into(),
        ports: ports.map(|p| service(p, &format!("svc-{p}"))).collect(),
        control: control.iter().map(|&p| service(p, "ctl")).collect(),
    };
    Plan {
        name: "other".into(),
        title: Default::default(),
        groups: vec![
            group("20-23", 20..=23, [19, 24]),
            group("8000-8003", 8000..=8003, [7999, 8004]),
        ],
    }
}

fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

/// Port and state of every element `sel` finds.
fn port_hooks(root: &Element, sel: &str) -> Vec<(u16, String)> {
    all(root, sel)
        .iter()
        .map(|e| {
            let port = attr(e, "data-port").parse().unwrap_or(0);
            (port, attr(e, "data-state"))
        })
        .collect()
}

/// The two groups' range ports with the state `state_of` gives each.
fn expected_hooks(state_of: impl Fn(u16) -> &'static str) -> Vec<(u16, String)> {
    [20, 21, 22, 23, 8000, 8001, 8002, 8003]
        .into_iter()
        .map(|p| (p, state_of(p).to_owned()))
        .collect()
}

#[wasm_bindgen_test]
async fn a_plan_never_seen_is_drawn_from_the_started_event() {
    let plan = two_group_plan();
    let mut s = PageState::new(Lang::En, false);
    s.apply(Action::Start);
    let run = s.run;
    let target = Target::new("192.0.2.44".parse().unwrap());
    s.apply(msg(
        run,
        StreamMsg::Started(Started::new(target, plan.clone())),
    ));
    s.apply(msg(run, port(&plan, PortGroup::Range, 22, PortState::Open)));
    s.apply(msg(
        run,
        port(&plan, PortGroup::Range, 8001, PortState::Closed),
    ));
    let running = s.clone();
    let root = mount(running).await;
    let grids = all(&root, "ul.grid");
    assert_eq!(grids.len(), 2);
    assert_eq!(attr(&grids[0], "aria-label"), "Ports 20 to 23");
    assert_eq!(attr(&grids[1], "aria-label"), "Ports 8000 to 8003");
    let expected = expected_hooks(|p| match p {
        22 => "open",
        8001 => "closed",
        _ => "pending",
    });
    assert_eq!(port_hooks(&root, "[data-port]"), expected);
    assert!(text(&grids[1]).contains("svc-8002"));
    let progress = q(&root, "progress").unwrap();
    assert_eq!(attr(&progress, "value"), "2");
    assert_eq!(attr(&progress, "max"), "8");
    assert_eq!(text(&q(&root, "#live").unwrap()), "2 of 8 ports checked");
    let t = text(&root);
    assert!(t.contains("ports 20 to 23 and 8000 to 8003"), "{t}");
    assert!(!t.contains("440"), "{t}");

    // Every port of the second group answers, its neighbours stay silent:
    // the forwarded-range pattern, named with that group's ports.
    let report = plan.sample_report(target.ip, |group, p| match (group, p) {
        (PortGroup::Control, _) => PortState::Filtered,
        (_, 8000..=8003) => PortState::Closed,
        _ => PortState::Filtered,
    });
    s.apply(msg(run, StreamMsg::Finished(Box::new(report))));
    let root = mount(s).await;
    let verdict = q(&root, "[data-verdict]").expect("verdict");
    assert_eq!(attr(&verdict, "data-verdict"), "warning");
    let findings: Vec<String> = all(&root, "[data-finding]")
        .iter()
        .map(|e| attr(e, "data-finding"))
        .collect();
    assert_eq!(findings, ["range-reachable"]);
    let finding = text(&q(&root, "[data-finding]").unwrap());
    assert!(finding.contains("The whole range 8000–8003"), "{finding}");
    let tables = all(&root, "table.ports");
    assert_eq!(
        tables.len(),
        3,
        "two range tables and the answering group's controls"
    );
    let expected = expected_hooks(|p| if p >= 8000 { "closed" } else { "filtered" });
    assert_eq!(port_hooks(&root, "tr[data-port]"), expected);
    let obs = text(&q(&root, "#control-observation").expect("observation"));
    assert!(obs.contains("7999 and 8004"), "{obs}");
    let summary = summary_text(&root);
    assert!(
        summary.starts_with("Portcheck 20–23, 8000–8003: check report"),
        "{summary}"
    );
    assert!(
        summary.contains("Ports 20–23:\n  20    svc-20         filtered"),
        "{summary}"
    );
    assert!(summary.contains("Ports 8000–8003:"), "{summary}");
    assert!(!summary.contains("440"), "{summary}");
}

#[wasm_bindgen_test]
async fn a_proxy_is_named_before_consent_and_beside_the_result() {
    let behind = Target::new("203.0.113.9".parse().unwrap()).via_proxy(true);
    let mut s = PageState::new(Lang::En, false);
    s.apply(Action::WhoAmI(Some(behind)));
    let root = mount(s).await;
    let warning = q(&root, "[data-warning=\"via-proxy\"]").expect("proxy warning");
    assert!(text(&warning).contains("probably belongs to this proxy"));
    let mut report = celle_report();
    report.target = behind;
    let root = mount(done(Lang::De, report)).await;
    let warning =
        q(&root, ".result [data-warning=\"via-proxy\"]").expect("warning with the result");
    assert!(text(&warning).contains("wahrscheinlich zu diesem Proxy"));
}

/// A practice report: RDP open on 3389, the rest silent, and a UPnP
/// service that answered with `server`.
fn practice_report(server: &str) -> Report {
    use portcheck::api::{PortDetails, Reason, UpnpDetails};
    use portcheck::plan::Transport;
    let plan = Plan::practice();
    let mut r = plan.sample_report("198.51.100.7".parse().unwrap(), |_, p| {
        if p == 3389 {
            PortState::Open
        } else {
            PortState::Filtered
        }
    });
    let upnp = r
        .ports
        .iter_mut()
        .find(|p| (p.port, p.transport) == (1900, Transport::Udp))
        .expect("1900/udp planned");
    (upnp.state, upnp.reason) = (PortState::Open, Reason::Answered);
    upnp.details = Some(Box::new(PortDetails {
        upnp: Some(UpnpDetails {
            server: Some(server.into()),
            location: Some("http://192.168.1.1:5000/rootDesc.xml".into()),
            st: None,
            usn: None,
        }),
        ..PortDetails::default()
    }));
    r.verdict = portcheck::verdict::evaluate(&plan, &r.ports, &r.control);
    r
}

/// An event of practice run `run`'s check of the page's own origin.
fn practice_msg(run: u32, msg: StreamMsg) -> Action {
    Action::PracticeCheck {
        run,
        family: None,
        event: CheckEvent::Stream(msg),
    }
}

#[wasm_bindgen_test]
async fn the_practice_check_is_offered_after_the_result_with_its_own_consent() {
    // Not before the main result.
    let root = mount(PageState::new(Lang::De, false)).await;
    assert!(q(&root, "#practice-consent").is_none());
    let root = mount(done(Lang::De, celle_report())).await;
    let button = q(&root, "#practice-consent").expect("the offer's button");
    assert_eq!(button.tag_name(), "BUTTON");
    assert_eq!(
        button.get_attribute("aria-describedby").as_deref(),
        Some("practice-consent-text")
    );
    let offer = text(&q(&root, ".practice-offer").expect("the offer"));
    assert!(
        offer.contains("Weitere gefährliche Dienste prüfen"),
        "{offer}"
    );
    assert!(offer.contains("3389") && offer.contains("UDP"), "{offer}");
    assert!(offer.contains("willigen Sie ein"), "{offer}");
    // The offer is a section of its own after the main result.
    let heading = q(&root, "#practice-offer-heading").unwrap();
    assert_eq!(heading.tag_name(), "H2");
    let root = mount(done(Lang::En, celle_report())).await;
    let offer = text(&q(&root, ".practice-offer").unwrap());
    assert!(offer.contains("Check other dangerous services"), "{offer}");
}

#[wasm_bindgen_test]
async fn a_practice_with_a_report_finds_its_names_and_a_button_to_check_them() {
    for (lang, heading, button, meaning) in [
        (
            Lang::De,
            "Eine Meldung von CERT-Bund oder Ihrem Provider erhalten?",
            "Gemeldete Dienste jetzt prüfen",
            "Standard-Kennwort „public“",
        ),
        (
            Lang::En,
            "Received a report from CERT-Bund or your provider?",
            "Check the reported services now",
            "default password \"public\"",
        ),
    ] {
        let root = mount(done(lang, celle_report())).await;
        let section = q(&root, ".report-names").expect("the report section");
        let h = q(&section, "#report-names-heading").expect("its heading");
        assert_eq!(h.tag_name(), "H2");
        assert_eq!(text(&h), heading);
        assert_eq!(
            section.get_attribute("aria-labelledby").as_deref(),
            Some("report-names-heading")
        );
        let names: Vec<String> = all(&section, "dt[data-report]").iter().map(text).collect();
        for name in [
            "DNS Open Resolvers",
            "Open SNMP",
            "NTP Monitor",
            "Accessible SMB Service",
        ] {
            assert!(
                names.iter().any(|n| n == name),
                "{lang:?}: no {name} in {names:?}"
            );
        }
        assert_eq!(all(&section, "dd").len(), names.len());
        let snmp = q(&section, "dt[data-report=\"Open SNMP\"]").unwrap();
        assert_eq!(snmp.get_attribute("lang").as_deref(), Some("en"));
        assert!(text(&section).contains(meaning), "{}", text(&section));
        let b = q(&section, "#report-names-check").expect("its button");
        assert_eq!(b.tag_name(), "BUTTON");
        assert_eq!(text(&b), button);
        assert_eq!(
            b.get_attribute("aria-describedby").as_deref(),
            Some("report-names-consent")
        );
        root.remove();
    }
    // Not before the main result, and gone once the practice check runs.
    let root = mount(PageState::new(Lang::De, false)).await;
    assert!(q(&root, ".report-names").is_none());
    root.remove();
    let root = mount(done(Lang::En, celle_report())).await;
    click(&root, "#report-names-check").await;
    assert!(
        q(&root, ".report-names").is_none(),
        "the section stays after consent"
    );
    assert!(
        q(&root, "[data-practice]").is_some(),
        "the practice check did not start"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn each_finding_names_the_report_that_lists_it() {
    let mut s = done(Lang::De, celle_report());
    s.apply(Action::StartPractice { both: false });
    let run = s.practice.run;
    let mut report = practice_report("MiniUPnPd/2.3");
    report.verdict.findings[0].reports = vec!["Accessible RDP Report".into()];
    s.apply(practice_msg(run, StreamMsg::Finished(Box::new(report))));
    for (lang, line) in [
        (
            Lang::De,
            "In Meldungen von CERT-Bund/Shadowserver: „Accessible RDP Report“",
        ),
        (
            Lang::En,
            "In CERT-Bund/Shadowserver reports: “Accessible RDP Report”",
        ),
    ] {
        let mut s = s.clone();
        s.apply(Action::SetLang(lang));
        let root = mount(s).await;
        let rdp = q(
            &root,
            "[data-practice] [data-finding=\"rdp-exposed\"] .finding-reports",
        )
        .expect("the report line of rdp-exposed");
        assert_eq!(text(&rdp), line);
        let upnp = q(
            &root,
            "[data-practice] [data-finding=\"upnp-exposed\"] .finding-reports",
        )
        .expect("the report line of upnp-exposed");
        assert!(text(&upnp).contains("Open SSDP"), "{}", text(&upnp));
        // The printed report says what it documents, with the check's time.
        let print = text(&q(&root, ".print-evidence").expect("the print head's evidence"));
        let when = match lang {
            Lang::De => "am 29.11.2026, 08:15 UTC",
            Lang::En => "on 2026-11-29 08:15 UTC",
        };
        assert!(
            print.contains(when) && print.contains("§ 390 SGB V"),
            "{print}"
        );
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn the_practice_check_runs_with_its_grid_then_shows_findings_and_upnp() {
    let mut s = done(Lang::De, celle_report());
    s.apply(Action::StartPractice { both: false });
    let run = s.practice.run;
    let plan = Plan::practice();
    s.apply(practice_msg(
        run,
        port(&plan, PortGroup::Range, 3389, PortState::Open),
    ));
    let root = mount(s.clone()).await;
    let section = q(&root, "[data-practice=\"running\"]").expect("running practice check");
    assert_eq!(all(&section, "[data-port]").len(), plan.len());
    assert!(q(&section, "[data-port=\"1900/udp\"]").is_some());
    assert_eq!(
        q(&section, "[data-port=\"3389\"]")
            .unwrap()
            .get_attribute("data-state")
            .as_deref(),
        Some("open")
    );
    assert_eq!(
        text(&q(&root, "#live").unwrap()),
        format!("Weitere Dienste: 1 von {} Ports geprüft", plan.len())
    );
    // The main result stays as it was.
    assert!(q(&root, "[data-verdict=\"critical\"]").is_some());
    root.remove();

    s.apply(practice_msg(
        run,
        StreamMsg::Finished(Box::new(practice_report("MiniUPnPd/2.3"))),
    ));
    for lang in [Lang::De, Lang::En] {
        let mut s = s.clone();
        s.apply(Action::SetLang(lang));
        let root = mount(s).await;
        let section = q(&root, "[data-practice=\"settled\"]").expect("settled practice check");
        assert_eq!(
            q(&section, "[data-verdict]")
                .unwrap()
                .get_attribute("data-verdict")
                .as_deref(),
            Some("critical")
        );
        let ids: Vec<String> = all(&section, "[data-finding]")
            .iter()
            .map(|e| e.get_attribute("data-finding").unwrap())
            .collect();
        assert_eq!(ids, ["rdp-exposed", "upnp-exposed"]);
        let upnp = q(&section, "[data-upnp=\"answered\"]").expect("the UPnP result");
        assert!(text(&upnp).contains("MiniUPnPd/2.3"));
        let words = text(&section);
        let (vpn, steps) = match lang {
            Lang::De => ("VPN statt Weiterleitung", "Was am Gerät zu tun ist"),
            Lang::En => ("VPN instead of forwarding", "What to do on the devices"),
        };
        assert!(words.contains(vpn) && words.contains(steps), "{words}");
        let summary = summary_text(&root);
        assert!(
            summary.contains("MiniUPnPd/2.3") && summary.contains("3389"),
            "{summary}"
        );
        // Its heading must not be the one a later test's focus finds.
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn consent_to_the_practice_check_moves_focus_to_its_heading() {
    let root = mount(done(Lang::En, celle_report())).await;
    click(&root, "#practice-consent").await;
    let r = root.clone();
    // The runner's server has no API: the practice check fails, visibly.
    wait_for("the practice check's failure", move || {
        q(&r, "[data-practice=\"settled\"] [data-failure]").is_some()
    })
    .await;
    let focused = document().active_element().expect("a focused element");
    assert_eq!(focused.id(), "practice-heading");
    assert!(root.contains(Some(&focused)), "focus went to another mount");
    assert!(
        q(&root, "#practice-consent").is_none(),
        "the offer stays after consent"
    );
    // The main result is untouched.
    assert!(q(&root, "[data-verdict=\"critical\"]").is_some());
}
