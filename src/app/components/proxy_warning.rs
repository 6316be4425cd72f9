//! The warning that the checked address probably belongs to a proxy, shown
//! before consent and kept beside the result (`data-warning="via-proxy"`).

use yew::prelude::*;

use crate::app::store::use_texts;

#[derive(Properties, PartialEq)]
pub(crate) struct ProxyWarningProps {
    /// Whether the probe saw signs of a proxy (`via_proxy`).
    pub shown: bool,
}

#[function_component(ProxyWarning)]
pub(crate) fn proxy_warning(props: &ProxyWarningProps) -> Html {
    let (_, t) = use_texts();
    if !props.shown {
        return html! {};
    }
    html! {
        <div class="warning-box" data-warning="via-proxy">
            <p class="warning-title"><strong>{ t.proxy_heading }</strong></p>
            <p>{ t.proxy_warning }</p>
        </div>
    }
}
