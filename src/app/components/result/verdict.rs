//! The verdict: icon, level word and one sentence; colour is never alone.

use yew::prelude::*;

use crate::app::components::check_props::CheckProps;
use crate::app::store::use_texts;
use crate::texts::words::marks::{level_icon, wire_name};
use crate::texts::words::{level_sentence, level_word};

#[function_component(VerdictView)]
pub(crate) fn verdict_view(props: &CheckProps) -> Html {
    let (lang, _) = use_texts();
    let check = &props.check;
    let Some(level) = check.report().map(|r| r.verdict.level) else {
        return html! {};
    };
    let hook = wire_name(&level);
    html! {
        <div class={classes!("verdict", format!("level-{hook}"))} data-verdict={hook.clone()}>
            <span class="verdict-icon" aria-hidden="true">{ level_icon(level) }</span>
            <p class="verdict-text">
                <strong class="verdict-level">{ level_word(level, lang) }</strong>
                { ": " }{ level_sentence(level, &check.plan, lang) }
            </p>
        </div>
    }
}
