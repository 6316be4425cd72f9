//! One check of the practice plan: its live grid while it runs, then its
//! verdict, findings, the UPnP entry's result in words (its 1900/udp row
//! is in the port tables too), what to do on the devices and its port
//! tables; with both families, under the family's name.

use yew::prelude::*;

use crate::app::components::check_props::CheckProps;
use crate::app::components::family_panel::family_section;
use crate::app::components::progress::check_progress::CheckProgress;
use crate::app::components::result::findings::Findings;
use crate::app::components::result::group_tables::GroupTables;
use crate::app::components::result::verdict::VerdictView;
use crate::app::store::use_texts;
use crate::page::check::Status;
use crate::page::practice_check::{device_steps, upnp_mark, upnp_result, upnp_words};
use crate::texts::practice_texts::practice_texts;
use crate::texts::words::marks::wire_name;

#[function_component(PracticeCheckView)]
pub(crate) fn practice_check_view(props: &CheckProps) -> Html {
    let (lang, _) = use_texts();
    let p = practice_texts(lang);
    let check = &props.check;
    let body = match &check.status {
        Status::Running => html! { <CheckProgress check={check.clone()} /> },
        Status::Failed(f) => html! {
            <p class="failure-message" data-failure={f.code()}>{ f.text(check.family, lang) }</p>
        },
        Status::Done(report) => {
            let steps = device_steps(report, lang);
            html! {
                <>
                <VerdictView check={check.clone()} />
                if report.verdict.findings.is_empty() {
                    <p>{ p.nothing_found }</p>
                }
                <Findings check={check.clone()} />
                if let Some(upnp) = upnp_result(report, &check.plan) {
                    <h3>{ p.upnp_heading }</h3>
                    <p class="upnp" data-upnp={upnp_mark(upnp)}>{ upnp_words(upnp, lang) }</p>
                }
                if !steps.is_empty() {
                    <h3>{ p.steps_heading }</h3>
                    <ul class="device-steps">
                        { for steps.iter().map(|s| html! { <li>{ *s }</li> }) }
                    </ul>
                }
                <GroupTables check={check.clone()} />
                </>
            }
        }
    };
    let heading_id = check
        .family
        .map(|f| format!("practice-family-{}", wire_name(&f)))
        .unwrap_or_default();
    family_section(check, &heading_id, body)
}
