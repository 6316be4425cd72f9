//! What a result cannot tell: the address family's limit and that
//! "filtered" can, rarely, be a lost packet.

use yew::prelude::*;

use crate::api::Family;
use crate::app::store::use_store;
use crate::page::origins::family_limit;
use crate::page::text::texts;

#[derive(Properties, PartialEq)]
pub struct LimitsProps {
    pub family: Family,
    /// Shown beside the other family's result.
    pub beside: bool,
}

#[function_component(Limits)]
pub fn limits(props: &LimitsProps) -> Html {
    let lang = use_store().0.lang;
    let t = texts(lang);
    html! {
        <div class="limits">
            <h3>{ t.limits_heading }</h3>
            <ul>
                <li class={props.beside.then_some("family-limit")}>
                    { family_limit(props.family, props.beside, lang) }
                </li>
                <li>{ t.limit_filtered }</li>
            </ul>
        </div>
    }
}
