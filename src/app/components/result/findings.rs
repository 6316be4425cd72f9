//! The findings of a finished check, most severe first, each with what it
//! means, what an attacker could do, how urgent it is and under which name
//! CERT-Bund's and Shadowserver's reports list it.

use yew::prelude::*;

use crate::api::Level;
use crate::app::components::check_props::CheckProps;
use crate::app::store::use_texts;
use crate::texts::explain::explain;
use crate::texts::reports::reports_line;
use crate::texts::words::level_word;
use crate::texts::words::marks::{level_icon, wire_name};

#[function_component(Findings)]
pub(crate) fn findings(props: &CheckProps) -> Html {
    let (lang, t) = use_texts();
    let check = &props.check;
    let findings = check.report().map_or(&[][..], |r| &r.verdict.findings);
    if findings.is_empty() {
        return html! {};
    }
    html! {
        <>
        <h3>{ t.findings_heading }</h3>
        <ul class="findings">
            { for findings.iter().map(|f| {
                let e = explain(f, &check.plan, lang);
                let level = Level::from(f.severity);
                let hook = wire_name(&level);
                html! {
                    <li class={classes!("finding", format!("level-{hook}"))} data-finding={wire_name(&f.id)}>
                        <h4>
                            <span class="badge">
                                <span aria-hidden="true">{ level_icon(level) }{" "}</span>
                                { level_word(level, lang) }
                            </span>
                            { " " }{ e.title }
                        </h4>
                        <p>{ e.what }</p>
                        <p class="no-print"><strong>{ t.attacker_label }</strong>{ " " }{ e.attacker }</p>
                        <p><strong>{ t.urgency_label }</strong>{ " " }{ e.urgency }</p>
                        if let Some(line) = reports_line(f, lang) {
                            <p class="finding-reports">{ line }</p>
                        }
                    </li>
                }
            }) }
        </ul>
        </>
    }
}
