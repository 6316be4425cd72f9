//! Before consent: what is checked and why, which data is processed, the
//! visitor's address and the consent button.

use yew::prelude::*;

use super::proxy_warning::ProxyWarning;
use crate::app::store::{start_check, use_store};
use crate::page::origins::dual_origins;
use crate::page::state::WhoAmI;
use crate::texts::page_texts::texts;
use crate::texts::words::{about_plan, family_name};

#[function_component(StartView)]
pub(crate) fn start_view() -> Html {
    let ctx = use_store();
    let s = &ctx.0;
    let t = texts(s.lang);
    let onclick = {
        let ctx = ctx.clone();
        Callback::from(move |_| start_check(&ctx))
    };
    let address = match &s.whoami {
        WhoAmI::Loading => html! { <p class="address muted">{ t.address_loading }</p> },
        WhoAmI::Known(target) => html! {
            <p class="address">
                { t.address_label }{" "}
                <strong class="ip" id="whoami">{ target.ip.to_string() }</strong>
                { format!(" ({})", family_name(target.family)) }
            </p>
        },
        WhoAmI::Unknown => html! { <p class="address muted">{ t.address_unknown }</p> },
    };
    html! {
        <section class="card start" aria-labelledby="start-heading">
            <h2 id="start-heading">{ t.start_heading }</h2>
            <p>{ about_plan(t.start_what, &s.plan, s.lang) }</p>
            <p>{ t.start_why }</p>
            <h3>{ t.data_heading }</h3>
            <p>{ t.data_text }</p>
            { address }
            <ProxyWarning shown={s.via_proxy()} />
            if dual_origins(&s.site).is_some() {
                <p id="dual-note">{ t.dual_note }</p>
            }
            <button type="button" class="primary" id="consent" {onclick}>{ t.consent_button }</button>
            <p class="small">{ t.consent_note }</p>
        </section>
    }
}
