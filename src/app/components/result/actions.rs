//! What to do with a result: check again, copy the summary for the IT
//! service provider (with the text to select by hand if copying fails),
//! print the report.

use yew::prelude::*;

use crate::app::dom::{copy_text, print};
use crate::app::store::{start_check, use_store};
use crate::page::run_summary::summary;
use crate::page::state::{Action, CopyStatus};
use crate::texts::page_texts::texts;

#[function_component(Actions)]
pub(crate) fn actions() -> Html {
    let ctx = use_store();
    let s = &ctx.0;
    let t = texts(s.lang);
    // The summary for the IT service provider.
    // With the practice check's part once it ran.
    let text = summary(&s.checks, s.lang) + &s.practice.summary(s.lang);
    let again = {
        let ctx = ctx.clone();
        Callback::from(move |_| start_check(&ctx))
    };
    let copy = {
        let d = ctx.dispatcher();
        let text = text.clone();
        Callback::from(move |_| {
            let d = d.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = copy_text(&text).await;
                d.dispatch(Action::Copy(if ok {
                    CopyStatus::Copied
                } else {
                    CopyStatus::Failed
                }));
            });
        })
    };
    let status = match s.copy {
        CopyStatus::Idle => "",
        CopyStatus::Copied => t.copied,
        CopyStatus::Failed => t.copy_failed,
    };
    html! {
        <div class="actions no-print">
            <div class="buttons">
                <button type="button" id="check-again" onclick={again}>{ t.check_again }</button>
                <button type="button" id="copy-summary" onclick={copy}>{ t.copy_summary }</button>
                <button type="button" id="print" onclick={Callback::from(|_| print())}>{ t.print_report }</button>
            </div>
            <p class="copy-status" role="status" id="copy-status" data-copy={s.copy.hook()}>{ status }</p>
            <details open={s.copy == CopyStatus::Failed}>
                <summary>{ t.summary_label }</summary>
                <label for="summary-text" class="visually-hidden">{ t.summary_label }</label>
                <textarea id="summary-text" readonly=true rows="14" value={text} />
            </details>
        </div>
    }
}
