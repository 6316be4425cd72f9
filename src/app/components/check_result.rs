//! A finished check: when and what was checked, the verdict, the findings,
//! a port table and the control ports per group of its plan, and what the
//! result cannot tell. Whatever the caller passes as children (the actions
//! of a check that stands alone) follows the verdict.

use yew::prelude::*;

use super::control::ControlView;
use super::findings::Findings;
use super::limits::Limits;
use super::port_table::PortTable;
use super::verdict::VerdictView;
use crate::api::Report;
use crate::app::store::use_store;
use crate::page::check::{Check, results_of};
use crate::page::explain::control_observation;
use crate::page::text::texts;
use crate::page::words::{about_group, checked_line, format_timestamp};

#[derive(Properties, PartialEq)]
pub struct CheckResultProps {
    pub check: Check,
    pub report: Report,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(CheckResult)]
pub fn check_result(props: &CheckResultProps) -> Html {
    let lang = use_store().0.lang;
    let t = texts(lang);
    let (check, r) = (&props.check, &props.report);
    let plan = &check.plan;
    let when = format_timestamp(&r.started_at, lang);
    let alone = check.family.is_none();
    let one_group = plan.groups.len() == 1;
    // `id="control-observation"` marks the first observation of a check
    // that stands alone (ids must not repeat).
    let first_observed = plan
        .groups
        .iter()
        .position(|g| control_observation(r, g, lang).is_some());
    let groups = plan.groups.iter().enumerate().map(|(i, g)| {
        let heading = if one_group {
            AttrValue::Static(t.ports_heading)
        } else {
            about_group(t.grid_label, g, lang).into()
        };
        let ports: Vec<_> = results_of(g, &r.ports).into_iter().cloned().collect();
        let control: Vec<_> = results_of(g, &r.control).into_iter().cloned().collect();
        html! {
            <>
            <PortTable lang={lang} ports={ports} caption={t.ports_caption} heading={heading} hooks=true />
            <ControlView report={r.clone()} group={g.clone()} control={control}
                with_id={alone && first_observed == Some(i)} />
            </>
        }
    });
    html! {
        <>
        <p class="meta">{ checked_line(&when, &r.target.ip.to_string(), r.duration_ms, lang) }</p>
        <VerdictView lang={lang} level={r.verdict.level} plan={plan.clone()} />
        { props.children.clone() }
        <Findings report={r.clone()} plan={plan.clone()} />
        { for groups }
        <Limits family={check.family.unwrap_or(r.target.family)} beside={!alone} />
        </>
    }
}
