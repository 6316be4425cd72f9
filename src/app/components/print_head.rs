//! The head of the printed report: what was checked, and why a dated
//! report is worth keeping.

use yew::prelude::*;

use crate::app::store::use_store;
use crate::page::text::texts;
use crate::page::words::about_plan;
use crate::plan::Plan;

#[derive(Properties, PartialEq)]
pub struct PrintHeadProps {
    pub plan: Plan,
}

#[function_component(PrintHead)]
pub fn print_head(props: &PrintHeadProps) -> Html {
    let lang = use_store().0.lang;
    let t = texts(lang);
    html! {
        <div class="print-only print-head">
            <p class="print-title">{ about_plan(t.print_title, &props.plan, lang) }</p>
            <p>{ t.print_note }</p>
        </div>
    }
}
