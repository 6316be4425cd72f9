//! A group's range ports as a grid that fills in while the check runs.

use yew::prelude::*;

use crate::page::check::Cell;
use crate::texts::Lang;
use crate::texts::page_texts::texts;
use crate::texts::words::marks::{state_hook, state_icon};
use crate::texts::words::state_word;

#[derive(Properties, PartialEq)]
pub(crate) struct PortGridProps {
    pub lang: Lang,
    /// The grid's accessible name (`Ports 440 bis 449`).
    pub label: AttrValue,
    /// Each port of the range with its state, `None` while pending.
    pub cells: Vec<Cell>,
}

#[function_component(PortGrid)]
pub(crate) fn port_grid(props: &PortGridProps) -> Html {
    let t = texts(props.lang);
    html! {
        <ul class="grid" aria-label={props.label.clone()}>
            { for props.cells.iter().map(|c| {
                let hook = state_hook(c.state);
                let word = c.state.map_or(t.port_pending, |st| state_word(st, props.lang));
                html! {
                    <li class={classes!("cell", format!("state-{hook}"))}
                        data-port={c.transport.label(c.port)} data-state={hook.clone()}>
                        <span class="cell-port">{ c.transport.label(c.port) }</span>
                        <span class="cell-service">{ &c.service }</span>
                        <span class="cell-state">
                            <span class="icon" aria-hidden="true">{ state_icon(c.state) }</span>
                            { word }
                        </span>
                    </li>
                }
            }) }
        </ul>
    }
}
