//! A check that stands alone and could not be done: a clear message for
//! each way it can fail, the probe's reason where it gave one, and a way
//! forward, with the wait a rate limit asks for counted down.

use gloo::timers::callback::Timeout;
use yew::prelude::*;

use crate::app::store::{start_check, use_store};
use crate::texts::failure::Failure;
use crate::texts::page_texts::texts;
use crate::texts::words::retry_in;

#[derive(Properties, PartialEq)]
pub(crate) struct FailureProps {
    pub failure: Failure,
}

/// A clear message for each way a check can fail, and a way forward.
#[function_component(FailureView)]
pub(crate) fn failure_view(props: &FailureProps) -> Html {
    let ctx = use_store();
    let lang = ctx.0.lang;
    let t = texts(lang);
    let wait = use_state(|| props.failure.retry_after_s().unwrap_or(0));
    {
        let wait = wait.clone();
        use_effect_with(*wait, move |left| {
            let timer = (*left > 0).then(|| {
                let wait = wait.clone();
                let left = *left;
                Timeout::new(1_000, move || wait.set(left - 1))
            });
            move || drop(timer)
        });
    }
    let code = props.failure.code();
    let message = props.failure.text(None, lang);
    let extra = match &props.failure {
        Failure::NotAllowed { reason } => html! {
            <>
            <p>{ t.err_not_allowed_help }</p>
            <p class="small"><span>{ t.err_reason_label }</span>{ " " }<q lang="en" id="failure-reason">{ reason }</q></p>
            </>
        },
        Failure::BadRequest { reason } => html! {
            <p class="small"><span>{ t.err_reason_label }</span>{ " " }<q lang="en">{ reason }</q></p>
        },
        _ => html! {},
    };
    let waiting = *wait > 0;
    let wait_text = if props.failure.retry_after_s().is_some() {
        if waiting {
            retry_in(*wait, lang)
        } else {
            t.wait_until_retry.to_string()
        }
    } else {
        String::new()
    };
    let onclick = {
        let ctx = ctx.clone();
        Callback::from(move |_| start_check(&ctx))
    };
    html! {
        <section class="card failure" aria-labelledby="phase-heading" data-failure={code}>
            <h2 id="phase-heading" tabindex="-1">{ t.error_heading }</h2>
            <p class="failure-message">{ message }</p>
            { extra }
            if !wait_text.is_empty() {
                <p class="wait" id="retry-wait" data-wait={wait.to_string()}>{ wait_text }</p>
            }
            <button type="button" class="primary" id="try-again" disabled={waiting} {onclick}>{ t.try_again }</button>
        </section>
    }
}
