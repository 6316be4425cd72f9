//! For a practice that has received a report from CERT-Bund or its
//! provider: what each report name means, and a button that runs the
//! practice check, which asks for the services those reports are about.
//! Shown beside the practice check's offer, before consent.

use yew::prelude::*;

use crate::app::store::use_texts;
use crate::texts::practice_texts::practice_texts;
use crate::texts::reports::{report_list, report_texts};

#[derive(Properties, PartialEq)]
pub(crate) struct ReportSectionProps {
    /// Starts the practice check (the same action as the offer's button).
    pub onstart: Callback<MouseEvent>,
}

#[function_component(ReportSection)]
pub(crate) fn report_section(props: &ReportSectionProps) -> Html {
    let (lang, _) = use_texts();
    let (r, p) = (report_texts(lang), practice_texts(lang));
    html! {
        <section class="card report-names no-print" aria-labelledby="report-names-heading">
            <h2 id="report-names-heading">{ r.heading }</h2>
            <p>{ r.intro }</p>
            <h3 id="report-names-list">{ r.list_label }</h3>
            <dl class="report-list" aria-labelledby="report-names-list">
                { for report_list(lang).into_iter().map(|(name, meaning)| html! {
                    <>
                    // The names are Shadowserver's, in English on both pages.
                    <dt lang="en" data-report={name}>{ name }</dt>
                    <dd>{ meaning }</dd>
                    </>
                }) }
            </dl>
            <p id="report-names-consent">{ r.check_intro }{ " " }{ p.consent }</p>
            <button type="button" class="primary" id="report-names-check"
                aria-describedby="report-names-consent" onclick={props.onstart.clone()}>{ r.button }</button>
        </section>
    }
}
