//! A guide as a heading, its intro and numbered steps.

use yew::prelude::*;

use crate::app::store::use_store;
use crate::page::state::{Action, Guides};
use crate::texts::guide::Guide;
use crate::texts::page_texts::texts;

/// In place of guides that are not here yet: a status while they load, or
/// what went wrong with a button to try again.
#[function_component(GuidesPending)]
pub(crate) fn guides_pending() -> Html {
    let ctx = use_store();
    let s = &ctx.0;
    let (lang, t) = (s.lang, texts(s.lang));
    if *s.guides(lang) == Guides::Failed {
        let onclick = Callback::from(move |_| ctx.dispatch(Action::RetryGuides(lang)));
        html! {
            <div class="guides-failed" data-guides="failed">
                <p role="alert">{ t.guides_failed }</p>
                <button type="button" {onclick}>{ t.try_again }</button>
            </div>
        }
    } else {
        html! { <p class="muted" role="status" data-guides="loading">{ t.guides_loading }</p> }
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct StepsProps {
    pub guide: Guide,
    /// Heading level of the guide's name.
    pub level: u8,
}

/// A guide as a heading, its intro and numbered steps.
#[function_component(GuideSteps)]
pub(crate) fn guide_steps(props: &StepsProps) -> Html {
    let t = texts(use_store().0.lang);
    let g = &props.guide;
    let heading = if props.level <= 2 {
        html! { <h2>{ &g.name }</h2> }
    } else {
        html! { <h3>{ &g.name }</h3> }
    };
    html! {
        <div class="steps-block">
            { heading }
            <p>{ &g.intro }</p>
            <ol class="steps">
                { for g.steps.iter().map(|st| html! {
                    <li>
                        <strong>{ &st.title }</strong>
                        <p>{ &st.text }</p>
                        if let Some(menu) = &st.menu {
                            <p class="menu"><span>{ t.menu_label }</span>{ " " }<span class="menu-path">{ menu }</span></p>
                        }
                    </li>
                }) }
            </ol>
        </div>
    }
}
