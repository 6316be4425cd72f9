//! The head of the printed report: what was checked, and what a dated
//! report documents (an outside test at the check's start time; see
//! `texts::evidence`).

use yew::prelude::*;

use crate::app::store::use_store;
use crate::texts::evidence::evidence;
use crate::texts::page_texts::texts;
use crate::texts::words::about_plan;

#[function_component(PrintHead)]
pub(crate) fn print_head() -> Html {
    let ctx = use_store();
    let (lang, t) = (ctx.0.lang, texts(ctx.0.lang));
    // The first finished check's start time (both families start together).
    let note = ctx.0.checks.iter().find_map(|c| c.report()).map_or_else(
        || t.print_note.to_owned(),
        |r| evidence(&r.started_at, lang),
    );
    html! {
        <div class="print-only print-head">
            <p class="print-title">{ about_plan(t.print_title, &ctx.0.plan, lang) }</p>
            <p class="print-evidence">{ note }</p>
        </div>
    }
}
