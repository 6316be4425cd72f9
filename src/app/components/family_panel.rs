//! One address family's check beside the other's: its grid while it runs,
//! then its result, or why it could not be done over that family.

use yew::prelude::*;

use super::check_props::CheckProps;
use crate::app::components::progress::check_progress::CheckProgress;
use crate::app::components::result::check_result::CheckResult;
use crate::app::store::use_store;
use crate::page::check::{Check, Status};
use crate::texts::words::family_name;
use crate::texts::words::marks::wire_name;

#[function_component(FamilyPanel)]
pub(crate) fn family_panel(props: &CheckProps) -> Html {
    let lang = use_store().0.lang;
    let check = &props.check;
    let Some(family) = check.family else {
        return html! {};
    };
    let hook = wire_name(&family);
    let heading_id = format!("family-{hook}");
    let body = match &check.status {
        Status::Running => html! {
            <CheckProgress check={check.clone()} />
        },
        Status::Done(_) => html! { <CheckResult check={check.clone()} /> },
        Status::Failed(f) => html! {
            <p class="failure-message" data-failure={f.code()}>{ f.text(Some(family), lang) }</p>
        },
    };
    family_section(check, &heading_id, body)
}

/// One family's check as a labelled section (`data-family`), named by a
/// heading with id `heading_id`, busy while it runs.
pub(crate) fn family_section(check: &Check, heading_id: &str, body: Html) -> Html {
    let Some(family) = check.family else {
        return body;
    };
    html! {
        <section class="family" data-family={wire_name(&family)} aria-labelledby={heading_id.to_owned()}
            aria-busy={(!check.settled()).to_string()}>
            <h3 class="family-name" id={heading_id.to_owned()}>{ family_name(family) }</h3>
            { body }
        </section>
    }
}
