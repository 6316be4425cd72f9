//! What a result cannot tell: the address family's limit and that
//! "filtered" can, rarely, be a lost packet.

use yew::prelude::*;

use crate::app::components::check_props::CheckProps;
use crate::app::store::use_texts;
use crate::texts::words::family_limit;

#[function_component(Limits)]
pub(crate) fn limits(props: &CheckProps) -> Html {
    let (lang, t) = use_texts();
    let check = &props.check;
    // Beside the other family's result the limit speaks of that family.
    let beside = check.family.is_some();
    let Some(family) = check
        .family
        .or_else(|| check.report().map(|r| r.target.family))
    else {
        return html! {};
    };
    html! {
        <div class="limits">
            <h3>{ t.limits_heading }</h3>
            <ul>
                <li class={beside.then_some("family-limit")}>
                    { family_limit(family, beside, lang) }
                </li>
                <li>{ t.limit_filtered }</li>
            </ul>
        </div>
    }
}
