//! A guide as a heading, its intro and numbered steps.

use yew::prelude::*;

use crate::app::store::use_store;
use crate::texts::guide::Guide;
use crate::texts::page_texts::texts;

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
