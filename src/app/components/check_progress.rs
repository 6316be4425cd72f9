//! A running check: its progress bar and a grid per group of its plan that
//! fills in as ports arrive.

use yew::prelude::*;

use super::port_grid::PortGrid;
use crate::app::store::use_store;
use crate::page::check::Check;
use crate::page::text::texts;
use crate::page::words::{about_group, progress};

#[derive(Properties, PartialEq)]
pub struct CheckProgressProps {
    pub check: Check,
    /// The progress bar's `id` (unique on the page).
    pub id: AttrValue,
}

#[function_component(CheckProgress)]
pub fn check_progress(props: &CheckProgressProps) -> Html {
    let lang = use_store().0.lang;
    let t = texts(lang);
    let check = &props.check;
    let (done, total) = check.progress();
    html! {
        <>
        <label for={props.id.clone()} class="progress-label">{ t.progress_label }</label>
        <progress id={props.id.clone()} max={total.to_string()} value={done.to_string()}>
            { progress(done, total, lang) }
        </progress>
        <p class="progress-text" aria-hidden="true">{ progress(done, total, lang) }</p>
        { for check.plan.groups.iter().map(|g| html! {
            <PortGrid lang={lang} label={about_group(t.grid_label, g, lang)} cells={check.cells(g)} />
        }) }
        </>
    }
}
