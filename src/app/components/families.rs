//! Both address families side by side, each in its own panel; while they
//! run, then with their results. The actions and the fix guide follow once
//! both are settled.

use yew::prelude::*;

use super::family_panel::FamilyPanel;
use super::print_head::PrintHead;
use crate::app::components::guide::fix_guide::GuideView;
use crate::app::components::practice::practice_section::PracticeView;
use crate::app::components::result::actions::Actions;
use crate::app::store::use_store;
use crate::page::check::Phase;
use crate::texts::page_texts::texts;

#[function_component(Families)]
pub(crate) fn families() -> Html {
    let ctx = use_store();
    let s = &ctx.0;
    let t = texts(s.lang);
    let running = s.phase() == Phase::Running;
    let heading = if running {
        t.running_heading
    } else {
        t.dual_heading
    };
    html! {
        <>
        <section class="card result dual" aria-labelledby="phase-heading" aria-busy={running.to_string()}>
            <PrintHead />
            <h2 id="phase-heading" tabindex="-1">{ heading }</h2>
            if !running {
                <Actions />
            }
            <div class="families">
                { for s.checks.iter().map(|c| html! { <FamilyPanel check={c.clone()} /> }) }
            </div>
        </section>
        if !running {
            <GuideView />
            <PracticeView />
        }
        </>
    }
}
