//! The page's components. They read the shared state from the context and
//! dispatch actions; all texts and decisions come from `crate::page`.
//!
//! Test hooks that stay stable: every port cell (grid item while running,
//! table row afterwards) has `data-port` and `data-state`; the verdict has
//! `data-verdict` with the level; the consent button has `id="consent"`.
//! When both address families are checked, each family's result panel has
//! `data-family` (`ipv4`/`ipv6`) and holds its own port cells and verdict.
//! No `style` attributes anywhere (strict CSP): only classes.

use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use super::{Ctx, copy_text, post_height, print, spawn_scan};
use crate::api::{Family, Level, PortResult, PortState, Report, service_name};
use crate::page::Lang;
use crate::page::dual::{
    Side, SideStatus, dual_origins, dual_summary, family_hook, family_limit, family_name,
    side_failure_text, worst_level,
};
use crate::page::explain::{control_observation, explain, severity_word};
use crate::page::failure::Failure;
use crate::page::guide::{Guide, Router, breach_guide, router_guide, server_guide};
use crate::page::state::{Action, CopyStatus, Phase, WhoAmI};
use crate::page::summary::summary;
use crate::page::text::{
    checked_line, finished_announcement, format_timestamp, level_sentence, level_word, progress,
    retry_in, state_meaning, state_word, texts,
};

#[hook]
fn use_ctx() -> Ctx {
    use_context::<Ctx>().expect("App provides the context")
}

/// `data-state` value and CSS suffix of a port state.
pub fn state_hook(state: Option<PortState>) -> &'static str {
    match state {
        None => "pending",
        Some(PortState::Open) => "open",
        Some(PortState::Closed) => "closed",
        Some(PortState::Filtered) => "filtered",
        Some(PortState::Error) => "error",
    }
}

/// Icon beside a port state; decorative, the word is always there too.
fn state_icon(state: Option<PortState>) -> &'static str {
    match state {
        None => "…",
        Some(PortState::Open) => "!",
        Some(PortState::Closed) => "○",
        Some(PortState::Filtered) => "✓",
        Some(PortState::Error) => "?",
    }
}

pub fn level_hook(level: Level) -> &'static str {
    match level {
        Level::Ok => "ok",
        Level::Notice => "notice",
        Level::Warning => "warning",
        Level::Critical => "critical",
    }
}

/// The finding's id as the API spells it (`smb-exposed`).
fn finding_slug(id: crate::api::FindingId) -> String {
    serde_json::to_string(&id)
        .map(|s| s.trim_matches('"').to_string())
        .unwrap_or_default()
}

fn level_icon(level: Level) -> &'static str {
    match level {
        Level::Ok => "✓",
        Level::Notice => "i",
        Level::Warning => "!",
        Level::Critical => "✕",
    }
}

#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub parent_origin: Option<String>,
}

/// The whole page: chrome (unless embedded), the current phase, a live
/// region, and the height reporter in the embed view.
#[function_component(Page)]
pub fn page(props: &PageProps) -> Html {
    let ctx = use_ctx();
    let s = &ctx.0;
    let t = texts(s.lang);
    let root = use_node_ref();

    {
        let root = root.clone();
        use_effect_with(props.parent_origin.clone(), move |origin| {
            let observer = origin.clone().and_then(|o| observe_height(&root, o));
            move || {
                if let Some((obs, _closure)) = observer {
                    obs.disconnect();
                }
            }
        });
    }

    // Move focus to the new heading when the phase changes after a click,
    // so keyboard and screen-reader users land on what appeared.
    let phase_kind = match &s.phase {
        Phase::Start => 0u8,
        Phase::Running => 1,
        Phase::Done(_) => 2,
        Phase::Failed(_) => 3,
        Phase::BothSettled => 4,
    };
    use_effect_with((phase_kind, s.run), |(kind, run)| {
        if *kind != 0 && *run > 0 {
            focus_by_id("phase-heading");
        }
    });

    let announcement = match &s.phase {
        Phase::Start => String::new(),
        Phase::Running => {
            let (done, total) = if s.is_dual() {
                s.sides
                    .iter()
                    .map(Side::progress)
                    .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
            } else {
                s.progress()
            };
            progress(done, total, s.lang)
        }
        Phase::Done(r) => finished_announcement(r.verdict.level, s.lang),
        Phase::Failed(_) => t.error_heading.to_string(),
        Phase::BothSettled => match worst_level(&s.sides) {
            Some(level) => finished_announcement(level, s.lang),
            None => t.error_heading.to_string(),
        },
    };

    let body = match &s.phase {
        Phase::Start => html! { <StartView /> },
        Phase::Running | Phase::BothSettled if s.is_dual() => html! { <DualView /> },
        Phase::Running | Phase::BothSettled => html! { <RunningView /> },
        Phase::Done(r) => html! { <ResultView report={(**r).clone()} /> },
        Phase::Failed(f) => html! { <FailureView failure={f.clone()} /> },
    };

    let class = classes!("page", s.embedded.then_some("embedded"));
    html! {
        <div class={class} ref={root}>
            if !s.embedded {
                <header class="masthead no-print">
                    <div class="masthead-row">
                        <p class="brand">{ t.title }</p>
                        <LangSwitch />
                    </div>
                    <h1>{ t.tagline }</h1>
                </header>
            } else {
                <div class="embed-bar no-print">
                    <h1 class="embed-title">{ t.title }</h1>
                    <LangSwitch />
                </div>
            }
            <main id="main">
                { body }
            </main>
            <p class="visually-hidden" role="status" aria-live="polite" id="live">{ announcement }</p>
            if !s.embedded {
                <footer class="footer no-print">
                    if let Some(org) = &s.site.org_name {
                        <p id="offered-by">{ t.offered_by }{ " " }{ org }</p>
                    }
                    <p>{ t.footer }</p>
                </footer>
            }
        </div>
    }
}

fn focus_by_id(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

type HeightObserver = (
    web_sys::ResizeObserver,
    Closure<dyn FnMut(js_sys::Array, web_sys::ResizeObserver)>,
);

/// Posts the root element's height to the host page on every size change.
fn observe_height(root: &NodeRef, origin: String) -> Option<HeightObserver> {
    let el = root.cast::<web_sys::Element>()?;
    let measured = el.clone();
    let closure = Closure::<dyn FnMut(js_sys::Array, web_sys::ResizeObserver)>::new(
        move |_entries: js_sys::Array, _obs: web_sys::ResizeObserver| {
            let h = measured.get_bounding_client_rect().height().ceil();
            post_height(&origin, h.max(0.0) as u32);
        },
    );
    let obs = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()).ok()?;
    obs.observe(&el);
    Some((obs, closure))
}

#[function_component(LangSwitch)]
fn lang_switch() -> Html {
    let ctx = use_ctx();
    let lang = ctx.0.lang;
    let t = texts(lang);
    let onclick = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(Action::SetLang(lang.other())))
    };
    html! {
        <button type="button" class="lang-switch" id="lang-switch" lang={lang.other().code()}
            aria-label={t.lang_switch_label} {onclick}>
            { t.lang_switch }
        </button>
    }
}

#[function_component(StartView)]
fn start_view() -> Html {
    let ctx = use_ctx();
    let s = &ctx.0;
    let t = texts(s.lang);
    let onclick = {
        let ctx = ctx.clone();
        Callback::from(move |_| spawn_scan(&ctx))
    };
    let address = match &s.whoami {
        WhoAmI::Loading => html! { <p class="address muted">{ t.address_loading }</p> },
        WhoAmI::Known(target) => html! {
            <p class="address">
                { t.address_label }{" "}
                <strong class="ip" id="whoami">{ target.ip.to_string() }</strong>
                { format!(" ({})", family_name(target.family)) }
            </p>
        },
        WhoAmI::Unknown => html! { <p class="address muted">{ t.address_unknown }</p> },
    };
    html! {
        <section class="card start" aria-labelledby="start-heading">
            <h2 id="start-heading">{ t.start_heading }</h2>
            <p>{ t.start_what }</p>
            <p>{ t.start_why }</p>
            <h3>{ t.data_heading }</h3>
            <p>{ t.data_text }</p>
            { address }
            if dual_origins(&s.site).is_some() {
                <p id="dual-note">{ t.dual_note }</p>
            }
            <button type="button" class="primary" id="consent" {onclick}>{ t.consent_button }</button>
            <p class="small">{ t.consent_note }</p>
        </section>
    }
}

#[function_component(RunningView)]
fn running_view() -> Html {
    let ctx = use_ctx();
    let s = &ctx.0;
    let t = texts(s.lang);
    let (done, total) = s.progress();
    let ports: Vec<(u16, Option<PortState>)> = crate::plan::Plan::standard()
        .range_ports()
        .iter()
        .map(|&p| (p, s.port_state(p)))
        .collect();
    html! {
        <section class="card running" aria-labelledby="phase-heading" aria-busy="true">
            <h2 id="phase-heading" tabindex="-1">{ t.running_heading }</h2>
            <label for="progress" class="progress-label">{ t.progress_label }</label>
            <progress id="progress" max={total.to_string()} value={done.to_string()}>
                { progress(done, total, s.lang) }
            </progress>
            <p class="progress-text" aria-hidden="true">{ progress(done, total, s.lang) }</p>
            <PortGrid lang={s.lang} {ports} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PortGridProps {
    pub lang: Lang,
    /// Each port of the range with its state, `None` while pending.
    pub ports: Vec<(u16, Option<PortState>)>,
}

/// The ten ports as a grid that fills in while the check runs.
#[function_component(PortGrid)]
pub fn port_grid(props: &PortGridProps) -> Html {
    let t = texts(props.lang);
    html! {
        <ul class="grid" aria-label={t.grid_label}>
            { for props.ports.iter().map(|&(port, state)| {
                let hook = state_hook(state);
                let word = state.map_or(t.port_pending, |st| state_word(st, props.lang));
                html! {
                    <li class={classes!("cell", format!("state-{hook}"))}
                        data-port={port.to_string()} data-state={hook}>
                        <span class="cell-port">{ port }</span>
                        <span class="cell-service">{ service_name(port) }</span>
                        <span class="cell-state">
                            <span class="icon" aria-hidden="true">{ state_icon(state) }</span>
                            { word }
                        </span>
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub report: Report,
}

#[function_component(ResultView)]
fn result_view(props: &ReportProps) -> Html {
    let ctx = use_ctx();
    let s = &ctx.0;
    let lang = s.lang;
    let t = texts(lang);
    let r = &props.report;
    let when = format_timestamp(&r.started_at, lang);
    html! {
        <>
        <section class="card result" aria-labelledby="phase-heading">
            <div class="print-only print-head">
                <p class="print-title">{ t.print_title }</p>
                <p>{ t.print_note }</p>
            </div>
            <h2 id="phase-heading" tabindex="-1">{ t.result_heading }</h2>
            <p class="meta">{ checked_line(&when, &r.target.ip.to_string(), r.duration_ms, lang) }</p>
            <VerdictView lang={lang} level={r.verdict.level} />
            <Actions text={summary(r, lang)} />
            <Findings report={r.clone()} />
            <PortTable lang={lang} ports={r.ports.clone()} caption={t.ports_caption} heading={t.ports_heading} hooks=true />
            <ControlView report={r.clone()} />
            <Limits family={r.target.family} />
        </section>
        <GuideView level={r.verdict.level} />
        </>
    }
}

/// Both address families side by side, each in its own panel; while they
/// run, then with their results. Actions and the guide follow once both
/// are settled.
#[function_component(DualView)]
fn dual_view() -> Html {
    let ctx = use_ctx();
    let s = &ctx.0;
    let lang = s.lang;
    let t = texts(lang);
    let running = s.phase == Phase::Running;
    let heading = if running {
        t.running_heading
    } else {
        t.dual_heading
    };
    let worst = worst_level(&s.sides);
    html! {
        <>
        <section class="card result dual" aria-labelledby="phase-heading" aria-busy={running.to_string()}>
            <div class="print-only print-head">
                <p class="print-title">{ t.print_title }</p>
                <p>{ t.print_note }</p>
            </div>
            <h2 id="phase-heading" tabindex="-1">{ heading }</h2>
            if !running {
                <Actions text={dual_summary(&s.sides, lang)} />
            }
            <div class="families">
                { for s.sides.iter().map(|side| html! { <FamilyPanel side={side.clone()} /> }) }
            </div>
        </section>
        if let (false, Some(level)) = (running, worst) {
            <GuideView level={level} />
        }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct FamilyPanelProps {
    side: Side,
}

/// One family's check: its grid while running, then its verdict, findings,
/// ports and limits, or why it could not be done.
#[function_component(FamilyPanel)]
fn family_panel(props: &FamilyPanelProps) -> Html {
    let lang = use_ctx().0.lang;
    let t = texts(lang);
    let side = &props.side;
    let hook = family_hook(side.family);
    let heading_id = format!("family-{hook}");
    let body = match &side.status {
        SideStatus::Running => {
            let (done, total) = side.progress();
            let ports: Vec<(u16, Option<PortState>)> = crate::plan::Plan::standard()
                .range_ports()
                .iter()
                .map(|&p| (p, side.port_state(p)))
                .collect();
            let id = format!("progress-{hook}");
            html! {
                <>
                <label for={id.clone()} class="progress-label">{ t.progress_label }</label>
                <progress id={id} max={total.to_string()} value={done.to_string()}>
                    { progress(done, total, lang) }
                </progress>
                <p class="progress-text" aria-hidden="true">{ progress(done, total, lang) }</p>
                <PortGrid lang={lang} {ports} />
                </>
            }
        }
        SideStatus::Done(r) => {
            let when = format_timestamp(&r.started_at, lang);
            html! {
                <>
                <p class="meta">{ checked_line(&when, &r.target.ip.to_string(), r.duration_ms, lang) }</p>
                <VerdictView lang={lang} level={r.verdict.level} />
                <Findings report={(**r).clone()} />
                <PortTable lang={lang} ports={r.ports.clone()} caption={t.ports_caption} heading={t.ports_heading} hooks=true />
                <ControlView report={(**r).clone()} with_id=false />
                <div class="limits">
                    <h3>{ t.limits_heading }</h3>
                    <ul>
                        <li class="family-limit">{ family_limit(side.family, lang) }</li>
                        <li>{ t.limit_filtered }</li>
                    </ul>
                </div>
                </>
            }
        }
        SideStatus::Failed(f) => html! {
            <p class="failure-message" data-failure={f.code()}>
                { side_failure_text(side.family, f, lang) }
            </p>
        },
    };
    html! {
        <section class="family" data-family={hook} aria-labelledby={heading_id.clone()}
            aria-busy={(!side.settled()).to_string()}>
            <h3 class="family-name" id={heading_id}>{ family_name(side.family) }</h3>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct VerdictProps {
    pub lang: Lang,
    pub level: Level,
}

/// The verdict: icon, level word and one sentence; colour is never alone.
#[function_component(VerdictView)]
pub fn verdict_view(props: &VerdictProps) -> Html {
    let hook = level_hook(props.level);
    html! {
        <div class={classes!("verdict", format!("level-{hook}"))} data-verdict={hook}>
            <span class="verdict-icon" aria-hidden="true">{ level_icon(props.level) }</span>
            <p class="verdict-text">
                <strong class="verdict-level">{ level_word(props.level, props.lang) }</strong>
                { ": " }{ level_sentence(props.level, props.lang) }
            </p>
        </div>
    }
}

#[function_component(Findings)]
fn findings(props: &ReportProps) -> Html {
    let lang = use_ctx().0.lang;
    let t = texts(lang);
    let findings = &props.report.verdict.findings;
    if findings.is_empty() {
        return html! {};
    }
    html! {
        <>
        <h3>{ t.findings_heading }</h3>
        <ul class="findings">
            { for findings.iter().map(|f| {
                let e = explain(f, lang);
                let level = Level::from(f.severity);
                let hook = level_hook(level);
                html! {
                    <li class={classes!("finding", format!("level-{hook}"))} data-finding={finding_slug(f.id)}>
                        <h4>
                            <span class="badge">
                                <span aria-hidden="true">{ level_icon(level) }{" "}</span>
                                { severity_word(f.severity, lang) }
                            </span>
                            { " " }{ e.title }
                        </h4>
                        <p>{ e.what }</p>
                        <p class="no-print"><strong>{ t.attacker_label }</strong>{ " " }{ e.attacker }</p>
                        <p><strong>{ t.urgency_label }</strong>{ " " }{ e.urgency }</p>
                    </li>
                }
            }) }
        </ul>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct PortTableProps {
    pub lang: Lang,
    pub ports: Vec<PortResult>,
    pub caption: &'static str,
    pub heading: &'static str,
    /// Whether rows carry the `data-port`/`data-state` test hooks (the range
    /// table does; the control table does not, so hooks mean "range").
    pub hooks: bool,
}

#[function_component(PortTable)]
pub fn port_table(props: &PortTableProps) -> Html {
    let t = texts(props.lang);
    html! {
        <>
        <h3>{ props.heading }</h3>
        <table class="ports">
            <caption class="visually-hidden">{ props.caption }</caption>
            <thead>
                <tr>
                    <th scope="col">{ t.col_port }</th>
                    <th scope="col">{ t.col_service }</th>
                    <th scope="col">{ t.col_state }</th>
                    <th scope="col" class="no-print">{ t.col_meaning }</th>
                </tr>
            </thead>
            <tbody>
                { for props.ports.iter().map(|p| {
                    let hook = state_hook(Some(p.state));
                    let (dp, ds) = if props.hooks {
                        (Some(p.port.to_string()), Some(hook))
                    } else {
                        (None, None)
                    };
                    html! {
                        <tr class={format!("state-{hook}")} data-port={dp} data-state={ds}>
                            <th scope="row">{ p.port }</th>
                            <td>{ &p.service }</td>
                            <td class="state-cell">
                                <span class="icon" aria-hidden="true">{ state_icon(Some(p.state)) }</span>
                                { state_word(p.state, props.lang) }
                            </td>
                            <td class="no-print">{ state_meaning(p.state, props.lang) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ControlProps {
    report: Report,
    /// Whether the observation carries `id="control-observation"` (not in
    /// the two-family view, where ids would repeat).
    #[prop_or(true)]
    with_id: bool,
}

#[function_component(ControlView)]
fn control_view(props: &ControlProps) -> Html {
    let lang = use_ctx().0.lang;
    let t = texts(lang);
    let Some(obs) = control_observation(&props.report, lang) else {
        return html! {};
    };
    // In print the table gives way to one line, so the report fits one page.
    let states: Vec<String> = props
        .report
        .control
        .iter()
        .map(|p| format!("{} {}", p.port, state_word(p.state, lang)))
        .collect();
    html! {
        <div class="control">
            <PortTable lang={lang} ports={props.report.control.clone()} caption={t.control_heading} heading={t.control_heading} hooks=false />
            <p class="print-only">{ states.join(", ") }</p>
            <p id={props.with_id.then_some("control-observation")}>{ obs }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LimitsProps {
    family: Family,
}

#[function_component(Limits)]
fn limits(props: &LimitsProps) -> Html {
    let t = texts(use_ctx().0.lang);
    let by_family = match props.family {
        Family::Ipv4 => t.limit_cgnat,
        Family::Ipv6 => t.limit_ipv6,
    };
    html! {
        <div class="limits">
            <h3>{ t.limits_heading }</h3>
            <ul>
                <li>{ by_family }</li>
                <li>{ t.limit_filtered }</li>
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ActionsProps {
    /// The summary for the IT service provider.
    text: String,
}

#[function_component(Actions)]
fn actions(props: &ActionsProps) -> Html {
    let ctx = use_ctx();
    let s = &ctx.0;
    let t = texts(s.lang);
    let text = props.text.clone();
    let again = {
        let ctx = ctx.clone();
        Callback::from(move |_| spawn_scan(&ctx))
    };
    let copy = {
        let d = ctx.dispatcher();
        let text = text.clone();
        Callback::from(move |_| {
            let d = d.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = copy_text(&text).await;
                d.dispatch(Action::Copy(if ok {
                    CopyStatus::Copied
                } else {
                    CopyStatus::Failed
                }));
            });
        })
    };
    let status = match s.copy {
        CopyStatus::Idle => "",
        CopyStatus::Copied => t.copied,
        CopyStatus::Failed => t.copy_failed,
    };
    html! {
        <div class="actions no-print">
            <div class="buttons">
                <button type="button" id="check-again" onclick={again}>{ t.check_again }</button>
                <button type="button" id="copy-summary" onclick={copy}>{ t.copy_summary }</button>
                <button type="button" id="print" onclick={Callback::from(|_| print())}>{ t.print_report }</button>
            </div>
            <p class="copy-status" role="status" id="copy-status" data-copy={match s.copy {
                CopyStatus::Idle => "idle", CopyStatus::Copied => "copied", CopyStatus::Failed => "failed" }}>{ status }</p>
            <details open={s.copy == CopyStatus::Failed}>
                <summary>{ t.summary_label }</summary>
                <label for="summary-text" class="visually-hidden">{ t.summary_label }</label>
                <textarea id="summary-text" readonly=true rows="14" value={text} />
            </details>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct GuideProps {
    level: Level,
}

#[function_component(GuideView)]
fn guide_view(props: &GuideProps) -> Html {
    let ctx = use_ctx();
    let s = &ctx.0;
    let lang = s.lang;
    let t = texts(lang);
    let intro = if props.level == Level::Ok {
        t.guide_intro_ok
    } else {
        t.guide_intro_act
    };
    let chosen = s.router.map(|r| (r, router_guide(r, lang)));
    html! {
        <section class="card guide no-print" aria-labelledby="guide-heading">
            <h2 id="guide-heading">{ t.guide_heading }</h2>
            <p>{ intro }</p>
            if let Some(contact) = &s.site.help_contact {
                <p class="help-contact" id="help-contact">
                    <strong>{ t.help_label }</strong>{ " " }
                    if let Some(org) = &s.site.org_name {
                        { org }{ " – " }
                    }
                    { contact }
                </p>
            }
            <fieldset class="routers">
                <legend>{ t.router_question }</legend>
                <p class="small">{ t.router_hint }</p>
                { for Router::ALL.iter().map(|&r| {
                    let id = format!("router-{}", r.slug());
                    let onchange = {
                        let ctx = ctx.clone();
                        Callback::from(move |_| ctx.dispatch(Action::PickRouter(r)))
                    };
                    html! {
                        <div class="router-option">
                            <input type="radio" name="router" id={id.clone()} value={r.slug()}
                                checked={s.router == Some(r)} {onchange} />
                            <label for={id}>{ router_guide(r, lang).name }</label>
                        </div>
                    }
                }) }
            </fieldset>
            if let Some((router, guide)) = chosen {
                <div class="router-guide" data-router={router.slug()} id="router-guide">
                    <GuideSteps guide={guide} level={3} />
                </div>
            } else {
                <p class="muted">{ t.router_none }</p>
            }
            <GuideSteps guide={server_guide(lang)} level={3} />
            if props.level >= Level::Warning {
                <GuideSteps guide={breach_guide(lang)} level={3} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct StepsProps {
    pub guide: Guide,
    /// Heading level of the guide's name.
    pub level: u8,
}

/// A guide as a heading, its intro and numbered steps.
#[function_component(GuideSteps)]
pub fn guide_steps(props: &StepsProps) -> Html {
    let t = texts(use_ctx().0.lang);
    let g = &props.guide;
    let heading = if props.level <= 2 {
        html! { <h2>{ &g.name }</h2> }
    } else {
        html! { <h3>{ &g.name }</h3> }
    };
    html! {
        <div class="steps-block">
            { heading }
            <p>{ &g.intro }</p>
            <ol class="steps">
                { for g.steps.iter().map(|st| html! {
                    <li>
                        <strong>{ &st.title }</strong>
                        <p>{ &st.text }</p>
                        if let Some(menu) = &st.menu {
                            <p class="menu"><span>{ t.menu_label }</span>{ " " }<span class="menu-path">{ menu }</span></p>
                        }
                    </li>
                }) }
            </ol>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FailureProps {
    pub failure: Failure,
}

/// A clear message for each way a check can fail, and a way forward.
#[function_component(FailureView)]
pub fn failure_view(props: &FailureProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.0.lang;
    let t = texts(lang);
    let wait = use_state(|| props.failure.retry_after_s().unwrap_or(0));
    {
        let wait = wait.clone();
        use_effect_with(*wait, move |left| {
            let timer = (*left > 0).then(|| {
                let wait = wait.clone();
                let left = *left;
                Timeout::new(1_000, move || wait.set(left - 1))
            });
            move || drop(timer)
        });
    }
    let code = props.failure.code();
    let (message, extra): (&str, Html) = match &props.failure {
        Failure::RateLimited { .. } => (t.err_rate_limited, html! {}),
        Failure::Busy { .. } => (t.err_busy, html! {}),
        Failure::ShuttingDown { .. } => (t.err_shutting_down, html! {}),
        Failure::NotAllowed { reason } => (
            t.err_not_allowed,
            html! {
                <>
                <p>{ t.err_not_allowed_help }</p>
                <p class="small"><span>{ t.err_reason_label }</span>{ " " }<q lang="en" id="failure-reason">{ reason }</q></p>
                </>
            },
        ),
        Failure::BadRequest { reason } => (
            t.err_bad_request,
            html! { <p class="small"><span>{ t.err_reason_label }</span>{ " " }<q lang="en">{ reason }</q></p> },
        ),
        Failure::Network => (t.err_network, html! {}),
        Failure::Unreachable { .. } => (t.err_unreachable, html! {}),
        Failure::Interrupted => (t.err_interrupted, html! {}),
        Failure::Probe { .. } => (t.err_probe, html! {}),
    };
    let waiting = *wait > 0;
    let wait_text = if props.failure.retry_after_s().is_some() {
        if waiting {
            retry_in(*wait, lang)
        } else {
            t.wait_until_retry.to_string()
        }
    } else {
        String::new()
    };
    let onclick = {
        let ctx = ctx.clone();
        Callback::from(move |_| spawn_scan(&ctx))
    };
    html! {
        <section class="card failure" aria-labelledby="phase-heading" data-failure={code}>
            <h2 id="phase-heading" tabindex="-1">{ t.error_heading }</h2>
            <p class="failure-message">{ message }</p>
            { extra }
            if !wait_text.is_empty() {
                <p class="wait" id="retry-wait" data-wait={wait.to_string()}>{ wait_text }</p>
            }
            <button type="button" class="primary" id="try-again" disabled={waiting} {onclick}>{ t.try_again }</button>
        </section>
    }
}
