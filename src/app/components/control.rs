//! A group's control ports and what they tell, shown only where they
//! matter for the verdict.

use yew::prelude::*;

use super::port_table::PortTable;
use crate::api::{PortResult, Report};
use crate::app::store::use_store;
use crate::page::explain::control_observation;
use crate::page::text::texts;
use crate::page::words::state_word;
use crate::plan::Group;

#[derive(Properties, PartialEq)]
pub struct ControlProps {
    pub report: Report,
    pub group: Group,
    /// The group's control ports' results.
    pub control: Vec<PortResult>,
    /// Whether the observation carries `id="control-observation"` (once per
    /// page: not beside another check, where ids would repeat).
    pub with_id: bool,
}

#[function_component(ControlView)]
pub fn control_view(props: &ControlProps) -> Html {
    let lang = use_store().0.lang;
    let t = texts(lang);
    let Some(obs) = control_observation(&props.report, &props.group, lang) else {
        return html! {};
    };
    // In print the table gives way to one line, so the report fits one page.
    let states: Vec<String> = props
        .control
        .iter()
        .map(|p| format!("{} {}", p.port, state_word(p.state, lang)))
        .collect();
    html! {
        <div class="control">
            <PortTable lang={lang} ports={props.control.clone()} caption={t.control_heading} heading={t.control_heading} hooks=false />
            <p class="print-only">{ states.join(", ") }</p>
            <p id={props.with_id.then_some("control-observation")}>{ obs }</p>
        </div>
    }
}
