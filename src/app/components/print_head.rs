//! The head of the printed report: what was checked, and why a dated
//! report is worth keeping.

use yew::prelude::*;

use crate::app::store::use_store;
use crate::texts::page_texts::texts;
use crate::texts::words::about_plan;

#[function_component(PrintHead)]
pub(crate) fn print_head() -> Html {
    let ctx = use_store();
    let (lang, t) = (ctx.0.lang, texts(ctx.0.lang));
    html! {
        <div class="print-only print-head">
            <p class="print-title">{ about_plan(t.print_title, &ctx.0.plan, lang) }</p>
            <p>{ t.print_note }</p>
        </div>
    }
}
