//! The check of the page's own origin, standing alone: a card while it
//! runs, then its result and the fix guide, or why it could not be done.

use yew::prelude::*;

use super::check_props::CheckProps;
use super::print_head::PrintHead;
use crate::app::components::guide::fix_guide::GuideView;
use crate::app::components::practice::practice_section::PracticeView;
use crate::app::components::progress::check_progress::CheckProgress;
use crate::app::components::result::check_result::CheckResult;
use crate::app::components::result::failure::FailureView;
use crate::app::store::use_texts;
use crate::page::check::Status;

#[function_component(SingleCheck)]
pub(crate) fn single_check(props: &CheckProps) -> Html {
    let (_, t) = use_texts();
    let check = &props.check;
    match &check.status {
        Status::Running => html! {
            <section class="card running" aria-labelledby="phase-heading" aria-busy="true">
                <h2 id="phase-heading" tabindex="-1">{ t.running_heading }</h2>
                <CheckProgress check={check.clone()} />
            </section>
        },
        Status::Done(_) => html! {
            <>
            <section class="card result" aria-labelledby="phase-heading">
                <PrintHead />
                <h2 id="phase-heading" tabindex="-1">{ t.result_heading }</h2>
                <CheckResult check={check.clone()} />
            </section>
            <GuideView />
            <PracticeView />
            </>
        },
        Status::Failed(f) => html! { <FailureView failure={f.clone()} /> },
    }
}
