//! How to fix it: the visitor picks a router and gets its numbered steps,
//! then the steps on the server and, for a warning or worse, what to do if
//! data may have been exposed. The operator's help contact comes first.

use yew::prelude::*;

use super::steps::{GuideSteps, GuidesPending};
use crate::api::Level;
use crate::app::store::use_store;
use crate::page::state::{Action, Guides};
use crate::texts::guide::Router;
use crate::texts::page_texts::texts;

/// Shown once a check has a verdict; the worst verdict of the run decides
/// whether the breach steps appear.
#[function_component(GuideView)]
pub(crate) fn guide_view() -> Html {
    let ctx = use_store();
    let s = &ctx.0;
    let Some(level) = s.worst_level() else {
        return html! {};
    };
    let lang = s.lang;
    let t = texts(lang);
    let intro = if level == Level::Ok {
        t.guide_intro_ok
    } else {
        t.guide_intro_act
    };
    let guides = match s.guides(lang) {
        Guides::Loaded(g) => Some(g.clone()),
        _ => None,
    };
    html! {
        <section class="card guide no-print" aria-labelledby="guide-heading">
            <h2 id="guide-heading">{ t.guide_heading }</h2>
            <p>{ intro }</p>
            if let Some(contact) = &s.site.help_contact {
                <p class="help-contact" id="help-contact">
                    <strong>{ t.help_label }</strong>{ " " }
                    if let Some(org) = &s.site.org_name {
                        { org }{ " – " }
                    }
                    { contact }
                </p>
            }
            if let Some(g) = guides {
                <fieldset class="routers">
                    <legend>{ t.router_question }</legend>
                    <p class="small">{ t.router_hint }</p>
                    { for Router::ALL.iter().map(|&r| {
                        let id = format!("router-{}", r.slug());
                        let onchange = {
                            let ctx = ctx.clone();
                            Callback::from(move |_| ctx.dispatch(Action::PickRouter(r)))
                        };
                        html! {
                            <div class="router-option">
                                <input type="radio" name="router" id={id.clone()} value={r.slug()}
                                    checked={s.router == Some(r)} {onchange} />
                                <label for={id}>{ g.router(r).name }</label>
                            </div>
                        }
                    }) }
                </fieldset>
                if let Some(router) = s.router {
                    <div class="router-guide" data-router={router.slug()} id="router-guide">
                        <GuideSteps guide={g.router(router)} level={3} />
                    </div>
                } else {
                    <p class="muted">{ t.router_none }</p>
                }
                <GuideSteps guide={g.server()} level={3} />
                if level >= Level::Warning {
                    <GuideSteps guide={g.breach()} level={3} />
                }
            } else {
                <GuidesPending />
            }
        </section>
    }
}
