//! The whole page: chrome (unless embedded), what the current phase shows,
//! a live region, and the height reporter of the embed view.

use yew::prelude::*;

use super::families::Families;
use super::lang_switch::LangSwitch;
use super::single_check::SingleCheck;
use super::start::StartView;
use crate::app::dom::{focus_by_id, observe_height};
use crate::app::store::use_store;
use crate::page::check::Phase;
use crate::texts::page_texts::texts;
use crate::texts::words::{about_plan, title};

#[derive(Properties, PartialEq)]
pub(crate) struct PageProps {
    pub parent_origin: Option<String>,
}

#[function_component(Page)]
pub(crate) fn page(props: &PageProps) -> Html {
    let ctx = use_store();
    let s = &ctx.0;
    let t = texts(s.lang);
    let root = use_node_ref();

    {
        let root = root.clone();
        use_effect_with(props.parent_origin.clone(), move |origin| {
            let observer = origin
                .clone()
                .zip(root.cast::<web_sys::Element>())
                .and_then(|(o, el)| observe_height(el, o));
            move || {
                if let Some((obs, _closure)) = observer {
                    obs.disconnect();
                }
            }
        });
    }

    // Move focus to the new heading when the phase changes after a click,
    // so keyboard and screen-reader users land on what appeared.
    let phase = s.phase();
    use_effect_with((phase, s.run), |(phase, run)| {
        if *phase != Phase::Start && *run > 0 {
            focus_by_id("phase-heading");
        }
    });

    let body = match (phase, s.single()) {
        (Phase::Start, _) => html! { <StartView /> },
        (_, Some(check)) => html! { <SingleCheck check={check.clone()} /> },
        (_, None) => html! { <Families /> },
    };
    let name = title(&s.plan);

    let class = classes!("page", s.embedded.then_some("embedded"));
    html! {
        <div class={class} ref={root}>
            if !s.embedded {
                <header class="masthead no-print">
                    <div class="masthead-row">
                        <p class="brand">{ name }</p>
                        <LangSwitch />
                    </div>
                    <h1>{ about_plan(t.tagline, &s.plan, s.lang) }</h1>
                </header>
            } else {
                // A banner landmark, as the masthead is: nothing outside one.
                <header class="embed-bar no-print">
                    <h1 class="embed-title">{ name }</h1>
                    <LangSwitch />
                </header>
            }
            <main id="main">
                { body }
            </main>
            <p class="visually-hidden" role="status" aria-live="polite" id="live">{ s.announcement() }</p>
            if !s.embedded {
                <footer class="footer no-print">
                    if let Some(org) = &s.site.org_name {
                        <p id="offered-by">{ t.offered_by }{ " " }{ org }</p>
                    }
                    <p>{ t.footer }</p>
                </footer>
            }
        </div>
    }
}
