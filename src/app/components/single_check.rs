//! The check of the page's own origin, standing alone: a card while it
//! runs, then its result with the actions and the fix guide, or why it
//! could not be done.

use yew::prelude::*;

use super::actions::Actions;
use super::check_progress::CheckProgress;
use super::check_result::CheckResult;
use super::failure::FailureView;
use super::guide::GuideView;
use super::print_head::PrintHead;
use crate::app::store::use_store;
use crate::page::check::{Check, Status};
use crate::page::summary::report_summary;
use crate::page::text::texts;

#[derive(Properties, PartialEq)]
pub struct SingleCheckProps {
    pub check: Check,
}

#[function_component(SingleCheck)]
pub fn single_check(props: &SingleCheckProps) -> Html {
    let lang = use_store().0.lang;
    let t = texts(lang);
    let check = &props.check;
    match &check.status {
        Status::Running => html! {
            <section class="card running" aria-labelledby="phase-heading" aria-busy="true">
                <h2 id="phase-heading" tabindex="-1">{ t.running_heading }</h2>
                <CheckProgress check={check.clone()} id="progress" />
            </section>
        },
        Status::Done(r) => html! {
            <>
            <section class="card result" aria-labelledby="phase-heading">
                <PrintHead plan={check.plan.clone()} />
                <h2 id="phase-heading" tabindex="-1">{ t.result_heading }</h2>
                <CheckResult check={check.clone()} report={(**r).clone()}>
                    <Actions text={report_summary(r, &check.plan, lang)} />
                </CheckResult>
            </section>
            <GuideView level={r.verdict.level} />
            </>
        },
        Status::Failed(f) => html! { <FailureView failure={f.clone()} /> },
    }
}
