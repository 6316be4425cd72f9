//! Ports as a table: number (`1900/udp` for UDP), service, state in words
//! and what it means.
//! The table sits in its own labelled scroll region, so on a narrow screen
//! only the table scrolls sideways, never the page (WCAG 1.4.10 Reflow).

use yew::prelude::*;

use crate::api::PortResult;
use crate::texts::Lang;
use crate::texts::page_texts::texts;
use crate::texts::words::marks::{state_hook, state_icon};
use crate::texts::words::{state_meaning, state_word};

#[derive(Properties, PartialEq)]
pub(crate) struct PortTableProps {
    pub lang: Lang,
    pub ports: Vec<PortResult>,
    pub caption: AttrValue,
    pub heading: AttrValue,
    /// Id of the heading, unique on the page: it names the scroll region.
    pub heading_id: AttrValue,
    /// Id of a heading above this one that completes the region's name
    /// (the address family beside the other family's result).
    #[prop_or_default]
    pub context_id: Option<AttrValue>,
    /// Whether rows carry the `data-port`/`data-state` test hooks (range
    /// tables do; control tables do not, so hooks mean "range").
    pub hooks: bool,
}

#[function_component(PortTable)]
pub(crate) fn port_table(props: &PortTableProps) -> Html {
    let t = texts(props.lang);
    let region_name = match &props.context_id {
        Some(context) => format!("{context} {}", props.heading_id),
        None => props.heading_id.to_string(),
    };
    html! {
        <>
        <h3 id={props.heading_id.clone()}>{ props.heading.clone() }</h3>
        <div class="table-scroll" role="region" aria-labelledby={region_name} tabindex="0">
        <table class="ports">
            <caption class="visually-hidden">{ props.caption.clone() }</caption>
            <thead>
                <tr>
                    <th scope="col">{ t.col_port }</th>
                    <th scope="col">{ t.col_service }</th>
                    <th scope="col">{ t.col_state }</th>
                    <th scope="col" class="no-print">{ t.col_meaning }</th>
                </tr>
            </thead>
            <tbody>
                { for props.ports.iter().map(|p| {
                    let hook = state_hook(Some(p.state));
                    let (dp, ds) = if props.hooks {
                        (Some(p.transport.label(p.port)), Some(hook.clone()))
                    } else {
                        (None, None)
                    };
                    html! {
                        <tr class={format!("state-{hook}")} data-port={dp} data-state={ds}>
                            <th scope="row">{ p.transport.label(p.port) }</th>
                            <td>{ &p.service }</td>
                            <td class="state-cell">
                                <span class="icon" aria-hidden="true">{ state_icon(Some(p.state)) }</span>
                                { state_word(p.state, props.lang) }
                            </td>
                            <td class="no-print">{ state_meaning(p.state, props.lang) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
        </div>
        </>
    }
}
