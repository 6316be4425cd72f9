//! What changed since the previous check of this page session ("check
//! again"): ports that opened or closed and findings that are new or gone,
//! next to the new result. Nothing before the second check.

use yew::prelude::*;

use crate::app::components::check_props::CheckProps;
use crate::app::store::{use_store, use_texts};
use crate::texts::changes::{change_lines, changes, heading};
use crate::texts::words::family_name;

#[function_component(ChangesView)]
pub(crate) fn changes_view(props: &CheckProps) -> Html {
    let ctx = use_store();
    let (lang, _) = use_texts();
    let check = &props.check;
    let (Some(report), Some(previous)) = (check.report(), ctx.0.previous_of(check)) else {
        return html! {};
    };
    let lines = change_lines(&changes(previous, report), &check.plan, lang);
    // Unique with both families on the page.
    let id = match check.family {
        Some(f) => format!("changes-{}", family_name(f).to_ascii_lowercase()),
        None => "changes".to_owned(),
    };
    html! {
        <section class="changes" aria-labelledby={id.clone()} data-changes="">
            <h3 id={id}>{ heading(lang) }</h3>
            <ul>
                { for lines.into_iter().map(|line| html! { <li>{ line }</li> }) }
            </ul>
        </section>
    }
}
