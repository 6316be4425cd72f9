//! A running check: its progress bar and a grid per group of its plan that
//! fills in as ports arrive.

use yew::prelude::*;

use super::port_grid::PortGrid;
use crate::app::components::check_props::CheckProps;
use crate::app::store::use_texts;
use crate::texts::words::marks::wire_name;
use crate::texts::words::{about_group, progress, queued_line};

#[function_component(CheckProgress)]
pub(crate) fn check_progress(props: &CheckProps) -> Html {
    let (lang, t) = use_texts();
    let check = &props.check;
    // Ids must not repeat when both families' bars are on the page.
    let id = match check.family {
        None => "progress".to_owned(),
        Some(f) => format!("progress-{}", wire_name(&f)),
    };
    let (done, total) = check.progress();
    html! {
        <>
        <label for={id.clone()} class="progress-label">{ t.progress_label }</label>
        <progress id={id} max={total.to_string()} value={done.to_string()}>
            { progress(done, total, lang) }
        </progress>
        <p class="progress-text" aria-hidden="true">{ progress(done, total, lang) }</p>
        if let Some(q) = check.queued {
            <p class="queued" role="status">{ queued_line(q.position, q.wait_s, lang) }</p>
        }
        { for check.plan.groups.iter().map(|g| html! {
            <PortGrid lang={lang} label={about_group(t.grid_label, g, lang)} cells={check.cells(g)} />
        }) }
        </>
    }
}
