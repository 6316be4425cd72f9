//! The ports of a finished check, group by group: the range's table, then
//! the control ports and what they tell, where that matters for the verdict.

use yew::prelude::*;

use super::port_table::PortTable;
use crate::api::PortResult;
use crate::api::results_of;
use crate::app::components::check_props::CheckProps;
use crate::app::store::use_texts;
use crate::texts::explain::control_observation;
use crate::texts::words::marks::wire_name;
use crate::texts::words::{about_group, port_states};

#[function_component(GroupTables)]
pub(crate) fn group_tables(props: &CheckProps) -> Html {
    let (lang, t) = use_texts();
    let check = &props.check;
    let Some(r) = check.report() else {
        return html! {};
    };
    let groups = &check.plan.groups;
    let owned = |v: Vec<&PortResult>| v.into_iter().cloned().collect::<Vec<_>>();
    // `id="control-observation"` marks the first observation of a check
    // that stands alone (ids must not repeat beside another check).
    let mut id = check.family.is_none().then_some("control-observation");
    // Heading ids name the scroll regions; unique per family and group.
    let side = check.family.as_ref().map_or("own".to_owned(), wire_name);
    // Beside the other family's result, the family heading completes the
    // names of the table regions (`IPv4 Ports 440 bis 449`).
    let context: Option<AttrValue> = check
        .family
        .map(|f| format!("family-{}", wire_name(&f)).into());
    html! {
        { for groups.iter().map(|g| {
            let heading = if groups.len() == 1 {
                AttrValue::Static(t.ports_heading)
            } else {
                about_group(t.grid_label, g, lang).into()
            };
            let control = owned(results_of(g, &r.control));
            // In print the control table gives way to one line.
            let states = port_states(&control, lang);
            let control_id = format!("control-{side}-{}", g.name);
            // Each group's neighbours get a name of their own.
            let control_heading: AttrValue = if groups.len() == 1 {
                AttrValue::Static(t.control_heading)
            } else {
                format!("{} ({})", t.control_heading, g.label()).into()
            };
            let observed = control_observation(r, g, lang).map(|obs| html! {
                <div class="control">
                    <PortTable lang={lang} ports={control} caption={t.control_heading} heading={control_heading} heading_id={control_id} context_id={context.clone()} hooks=false />
                    <p class="print-only">{ states.join(", ") }</p>
                    <p id={id.take()}>{ obs }</p>
                </div>
            });
            html! {
                <>
                <PortTable lang={lang} ports={owned(results_of(g, &r.ports))} caption={t.ports_caption} {heading}
                    heading_id={format!("ports-{side}-{}", g.name)} context_id={context.clone()} hooks=true />
                { observed }
                </>
            }
        }) }
    }
}
