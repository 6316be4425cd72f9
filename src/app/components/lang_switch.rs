//! The button that switches between German and English.

use yew::prelude::*;

use crate::app::store::use_store;
use crate::page::state::Action;
use crate::texts::page_texts::texts;

#[function_component(LangSwitch)]
pub(crate) fn lang_switch() -> Html {
    let ctx = use_store();
    let lang = ctx.0.lang;
    let t = texts(lang);
    let onclick = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(Action::SetLang(lang.other())))
    };
    html! {
        <button type="button" class="lang-switch" id="lang-switch" lang={lang.other().code()}
            aria-label={t.lang_switch_label} {onclick}>
            { t.lang_switch }
        </button>
    }
}
