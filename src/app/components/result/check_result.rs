//! A finished check: when and what was checked, the verdict, the findings,
//! what changed since the previous check, the ports per group of its
//! plan, and what the result cannot tell. A check that stands alone
//! carries its actions right after the verdict.

use yew::prelude::*;

use super::actions::Actions;
use super::changes::ChangesView;
use super::findings::Findings;
use super::group_tables::GroupTables;
use super::limits::Limits;
use super::verdict::VerdictView;
use crate::app::components::check_props::CheckProps;
use crate::app::components::proxy_warning::ProxyWarning;
use crate::app::store::use_texts;
use crate::texts::words::{checked_line, format_timestamp};

#[function_component(CheckResult)]
pub(crate) fn check_result(props: &CheckProps) -> Html {
    let (lang, _) = use_texts();
    let check = &props.check;
    let meta = check.report().map(|r| {
        let when = format_timestamp(&r.started_at, lang);
        checked_line(&when, &r.target.ip.to_string(), r.duration_ms, lang)
    });
    let via_proxy = check.report().is_some_and(|r| r.target.via_proxy);
    html! {
        <>
        <p class="meta">{ meta }</p>
        <ProxyWarning shown={via_proxy} />
        <VerdictView check={check.clone()} />
        <ChangesView check={check.clone()} />
        if check.family.is_none() {
            <Actions />
        }
        <Findings check={check.clone()} />
        <GroupTables check={check.clone()} />
        <Limits check={check.clone()} />
        </>
    }
}
