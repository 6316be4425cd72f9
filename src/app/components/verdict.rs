//! The verdict: icon, level word and one sentence; colour is never alone.

use yew::prelude::*;

use crate::api::Level;
use crate::page::Lang;
use crate::page::marks::{level_icon, wire_name};
use crate::page::words::{level_sentence, level_word};
use crate::plan::Plan;

#[derive(Properties, PartialEq)]
pub struct VerdictProps {
    pub lang: Lang,
    pub level: Level,
    /// The plan checked (the sentence names its ports).
    pub plan: Plan,
}

#[function_component(VerdictView)]
pub fn verdict_view(props: &VerdictProps) -> Html {
    let hook = wire_name(&props.level);
    html! {
        <div class={classes!("verdict", format!("level-{hook}"))} data-verdict={hook.clone()}>
            <span class="verdict-icon" aria-hidden="true">{ level_icon(props.level) }</span>
            <p class="verdict-text">
                <strong class="verdict-level">{ level_word(props.level, props.lang) }</strong>
                { ": " }{ level_sentence(props.level, &props.plan, props.lang) }
            </p>
        </div>
    }
}
