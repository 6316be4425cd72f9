//! The practice check's part of the page, after the main result: first the
//! offer with its own consent, then (once given) its live grids, its
//! results and its fix steps. Starting it moves focus to its heading.

use yew::prelude::*;

use super::practice_check::PracticeCheckView;
use super::report_section::ReportSection;
use crate::api::Level;
use crate::app::components::guide::steps::{GuideSteps, GuidesPending};
use crate::app::dom::focus_by_id;
use crate::app::net;
use crate::app::store::{Ctx, use_store};
use crate::page::check::Phase;
use crate::page::check::worst_level_of;
use crate::page::origins::{STREAM_PATH, dual_origins, stream_url};
use crate::page::practice_check::stream_query;
use crate::page::state::{Action, Guides};
use crate::plan::Plan;
use crate::texts::practice_texts::{offer_udp, offer_what, practice_texts};

/// Starts the practice check against the same origins as the main check.
fn start_practice(ctx: &Ctx) {
    let s = &ctx.0;
    if s.phase() != Phase::Settled || s.practice.phase() == Phase::Running {
        return;
    }
    let run = s.practice.run + 1;
    let query = stream_query();
    let streams: Vec<_> = match dual_origins(&s.site) {
        None => vec![(None, format!("{STREAM_PATH}{query}"))],
        Some(origins) => origins
            .into_iter()
            .map(|(family, origin)| (Some(family), format!("{}{query}", stream_url(&origin))))
            .collect(),
    };
    ctx.dispatch(Action::StartPractice {
        both: streams.len() > 1,
    });
    for (family, url) in streams {
        let d = ctx.dispatcher();
        let send = move |event| d.dispatch(Action::PracticeCheck { run, family, event });
        wasm_bindgen_futures::spawn_local(net::scan(url, send));
    }
}

#[function_component(PracticeView)]
pub(crate) fn practice_view() -> Html {
    let ctx = use_store();
    let s = &ctx.0;
    let (lang, p) = (s.lang, practice_texts(s.lang));
    let phase = s.practice.phase();

    // Keyboard and screen-reader users land on the new check's heading.
    use_effect_with((phase, s.practice.run), |(phase, run)| {
        if *phase != Phase::Start && *run > 0 {
            focus_by_id("practice-heading");
        }
    });

    if phase == Phase::Start {
        let onclick = {
            let ctx = ctx.clone();
            Callback::from(move |_| start_practice(&ctx))
        };
        return html! {
            <>
            <section class="card practice-offer no-print" aria-labelledby="practice-offer-heading">
                <h2 id="practice-offer-heading">{ p.offer_heading }</h2>
                <p>{ offer_what(&Plan::practice(), lang) }</p>
                <p>{ offer_udp(&Plan::practice(), lang) }</p>
                <p id="practice-consent-text">{ p.consent }</p>
                <button type="button" class="primary" id="practice-consent"
                    aria-describedby="practice-consent-text" onclick={onclick.clone()}>{ p.button }</button>
            </section>
            <ReportSection onstart={onclick} />
            </>
        };
    }
    let running = phase == Phase::Running;
    let heading = if running {
        p.running_heading
    } else {
        p.result_heading
    };
    let worst = worst_level_of(&s.practice.checks);
    html! {
        <section class="card practice" data-practice={if running { "running" } else { "settled" }}
            aria-labelledby="practice-heading" aria-busy={running.to_string()}>
            <h2 id="practice-heading" tabindex="-1">{ heading }</h2>
            if running || matches!(s.guides(lang), Guides::Loaded(_)) {
                { for s.practice.checks.iter().map(|c| html! { <PracticeCheckView check={c.clone()} /> }) }
            } else {
                // The findings' texts come with the guides.
                <GuidesPending />
            }
            if worst.is_some_and(|l| l > Level::Ok) {
                <div class="no-print">
                    if let Guides::Loaded(g) = s.guides(lang) {
                        <GuideSteps guide={g.practice()} level={3} />
                        if worst >= Some(Level::Warning) {
                            <GuideSteps guide={g.breach()} level={3} />
                        }
                    } else {
                        <GuidesPending />
                    }
                </div>
            }
        </section>
    }
}
