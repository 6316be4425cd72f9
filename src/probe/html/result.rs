//! A finished form check as a page, in the order of the app's result: the
//! print head, the verdict, "check again" and the summary, the findings
//! with their explanations, the port tables per group with the control
//! ports, what the result cannot tell, the fix guide with every router's
//! steps (a `<details>` each: picking one needs no script), and for the
//! main check the practice check's offer. And the page for a check that
//! could not be done.
//!
//! The print view is the stylesheet's: `.no-print` parts (chrome, guide,
//! actions) drop out, `.print-only` parts (the print head, the control
//! ports in one line) appear, as on the app's page.

use std::fmt::Write as _;

use super::chrome::{chrome, consent_form, document};
use super::{Esc, View};
use crate::api::{Level, PortResult, Report, results_of};
use crate::plan::Plan;
use crate::texts::Lang;
use crate::texts::evidence::evidence;
use crate::texts::explain::{control_observation, explain};
use crate::texts::guide::{Guide, Router, built_in};
use crate::texts::page_texts::{Texts, texts};
use crate::texts::practice_texts::{offer_udp, offer_what, practice_texts};
use crate::texts::reports::reports_line;
use crate::texts::summary::report_summary;
use crate::texts::words::marks::{level_icon, state_hook, state_icon, wire_name};
use crate::texts::words::{
    about_group, about_plan, checked_line, family_limit, format_timestamp, level_sentence,
    level_word, port_states, retry_in, state_meaning, state_word, title,
};

/// The page for a finished check of `plan`.
pub(crate) fn result_page(view: &View<'_>, report: &Report, plan: &Plan) -> String {
    let (lang, t) = (view.lang, texts(view.lang));
    let practice = plan.name == Plan::practice().name;
    let heading = if practice {
        practice_texts(lang).result_heading
    } else {
        t.result_heading
    };
    let mut m = String::new();
    let _ = write!(
        m,
        "<section class=\"card result\" aria-labelledby=\"phase-heading\">\
         <div class=\"print-only print-head\"><p class=\"print-title\">{}</p>\
         <p class=\"print-evidence\">{}</p></div><h2 id=\"phase-heading\">{}</h2>",
        Esc(&about_plan(t.print_title, plan, lang)),
        Esc(&evidence(&report.started_at, lang)),
        Esc(heading),
    );
    let when = format_timestamp(&report.started_at, lang);
    let meta = checked_line(
        &when,
        &report.target.ip.to_string(),
        report.duration_ms,
        lang,
    );
    let _ = write!(m, "<p class=\"meta\">{}</p>", Esc(&meta));
    if report.target.via_proxy {
        let _ = write!(
            m,
            "<div class=\"warning-box\" data-warning=\"via-proxy\">\
             <p class=\"warning-title\"><strong>{}</strong></p><p>{}</p></div>",
            Esc(t.proxy_heading),
            Esc(t.proxy_warning)
        );
    }
    verdict(&mut m, report.verdict.level, plan, lang);
    actions(&mut m, view, report, plan);
    findings(&mut m, report, plan, lang, t);
    port_tables(&mut m, report, plan, lang, t);
    let _ = write!(
        m,
        "<div class=\"limits\"><h3>{}</h3><ul><li>{}</li><li>{}</li></ul></div></section>",
        Esc(t.limits_heading),
        Esc(family_limit(report.target.family, false, lang)),
        Esc(t.limit_filtered),
    );
    guide(&mut m, view, report.verdict.level, practice);
    if !practice {
        practice_offer(&mut m, view);
    }
    let body = chrome(view, plan, &m, true);
    let page_title = format!(
        "{} – {}",
        level_word(report.verdict.level, lang),
        title(plan)
    );
    document(view, &page_title, &body)
}

/// The verdict: icon, level word and one sentence.
fn verdict(m: &mut String, level: Level, plan: &Plan, lang: Lang) {
    let hook = wire_name(&level);
    let _ = write!(
        m,
        "<div class=\"verdict level-{hook}\" data-verdict=\"{hook}\">\
         <span class=\"verdict-icon\" aria-hidden=\"true\">{}</span>\
         <p class=\"verdict-text\"><strong class=\"verdict-level\">{}</strong>: {}</p></div>",
        Esc(level_icon(level)),
        Esc(level_word(level, lang)),
        Esc(&level_sentence(level, plan, lang)),
        hook = Esc(&hook),
    );
}

/// Check again (the same form once more), how to print, and the summary
/// for the IT service provider to select and copy.
fn actions(m: &mut String, view: &View<'_>, report: &Report, plan: &Plan) {
    let t = texts(view.lang);
    let _ = write!(
        m,
        "<div class=\"actions no-print\"><div class=\"buttons\">{}</div>\
         <p class=\"small\" id=\"print-hint\">{}</p>\
         <details><summary>{}</summary>\
         <label for=\"summary-text\" class=\"visually-hidden\">{}</label>\
         <textarea id=\"summary-text\" readonly rows=\"14\">{}</textarea></details></div>",
        consent_form(view, plan, "check-again", t.check_again, ""),
        Esc(t.print_hint),
        Esc(t.summary_label),
        Esc(t.summary_label),
        Esc(&report_summary(report, plan, view.lang)),
    );
}

/// The findings, most severe first, each with its explanation.
fn findings(m: &mut String, report: &Report, plan: &Plan, lang: Lang, t: &Texts) {
    if report.verdict.findings.is_empty() {
        if plan.name == Plan::practice().name {
            let _ = write!(
                m,
                "<p class=\"nothing-found\">{}</p>",
                Esc(practice_texts(lang).nothing_found)
            );
        }
        return;
    }
    let _ = write!(
        m,
        "<h3>{}</h3><ul class=\"findings\">",
        Esc(t.findings_heading)
    );
    for f in &report.verdict.findings {
        let e = explain(f, plan, lang);
        let level = Level::from(f.severity);
        let _ = write!(
            m,
            "<li class=\"finding level-{hook}\" data-finding=\"{}\"><h4><span class=\"badge\">\
             <span aria-hidden=\"true\">{} </span>{}</span> {}</h4><p>{}</p>\
             <p class=\"no-print\"><strong>{}</strong> {}</p><p><strong>{}</strong> {}</p>",
            Esc(&wire_name(&f.id)),
            Esc(level_icon(level)),
            Esc(level_word(level, lang)),
            Esc(&e.title),
            Esc(&e.what),
            Esc(t.attacker_label),
            Esc(&e.attacker),
            Esc(t.urgency_label),
            Esc(&e.urgency),
            hook = Esc(&wire_name(&level)),
        );
        if let Some(line) = reports_line(f, lang) {
            let _ = write!(m, "<p class=\"finding-reports\">{}</p>", Esc(&line));
        }
        m.push_str("</li>");
    }
    m.push_str("</ul>");
}

/// Each group's table, then its control ports and what they tell where
/// that matters for the verdict.
fn port_tables(m: &mut String, report: &Report, plan: &Plan, lang: Lang, t: &Texts) {
    let one = plan.groups.len() == 1;
    for g in &plan.groups {
        let heading = if one {
            t.ports_heading.to_owned()
        } else {
            about_group(t.grid_label, g, lang)
        };
        let id = format!("ports-own-{}", g.name);
        table(
            m,
            &results_of(g, &report.ports),
            lang,
            (&heading, &id, t.ports_caption),
            true,
        );
        let Some(observed) = control_observation(report, g, lang) else {
            continue;
        };
        let control = results_of(g, &report.control);
        let heading = if one {
            t.control_heading.to_owned()
        } else {
            format!("{} ({})", t.control_heading, g.label())
        };
        let states = port_states(control.iter().copied(), lang);
        m.push_str("<div class=\"control\">");
        let id = format!("control-own-{}", g.name);
        table(m, &control, lang, (&heading, &id, t.control_heading), false);
        let _ = write!(
            m,
            "<p class=\"print-only\">{}</p><p>{}</p></div>",
            Esc(&states.join(", ")),
            Esc(&observed)
        );
    }
}

/// A port table in its labelled scroll region; `hooks`: the rows carry
/// `data-port`/`data-state` (range tables, as on the app's page).
fn table(
    m: &mut String,
    ports: &[&PortResult],
    lang: Lang,
    (heading, id, caption): (&str, &str, &str),
    hooks: bool,
) {
    let t = texts(lang);
    let _ = write!(
        m,
        "<h3 id=\"{id}\">{}</h3><div class=\"table-scroll\" role=\"region\" aria-labelledby=\"{id}\" tabindex=\"0\">\
         <table class=\"ports\"><caption class=\"visually-hidden\">{}</caption><thead><tr>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\" class=\"no-print\">{}</th></tr></thead><tbody>",
        Esc(heading),
        Esc(caption),
        Esc(t.col_port),
        Esc(t.col_service),
        Esc(t.col_state),
        Esc(t.col_meaning),
        id = Esc(id),
    );
    for p in ports {
        let hook = state_hook(Some(p.state));
        let label = p.transport.label(p.port);
        let data = if hooks {
            format!(
                " data-port=\"{}\" data-state=\"{}\"",
                Esc(&label),
                Esc(&hook)
            )
        } else {
            String::new()
        };
        let _ = write!(
            m,
            "<tr class=\"state-{}\"{data}><th scope=\"row\">{}</th><td>{}</td>\
             <td class=\"state-cell\"><span class=\"icon\" aria-hidden=\"true\">{}</span>{}</td>\
             <td class=\"no-print\">{}</td></tr>",
            Esc(&hook),
            Esc(&label),
            Esc(&p.service),
            Esc(state_icon(Some(p.state))),
            Esc(state_word(p.state, lang)),
            Esc(state_meaning(p.state, lang)),
        );
    }
    m.push_str("</tbody></table></div>");
}

/// How to fix it: the help contact, every router's steps behind its name
/// (the main check), the practice check's steps (the practice check), the
/// steps on the server, and what to do if data may have been exposed.
fn guide(m: &mut String, view: &View<'_>, level: Level, practice: bool) {
    let (lang, t) = (view.lang, texts(view.lang));
    let intro = if level == Level::Ok {
        t.guide_intro_ok
    } else {
        t.guide_intro_act
    };
    let _ = write!(
        m,
        "<section class=\"card guide no-print\" aria-labelledby=\"guide-heading\">\
         <h2 id=\"guide-heading\">{}</h2><p>{}</p>",
        Esc(t.guide_heading),
        Esc(intro)
    );
    if let Some(contact) = &view.site.help_contact {
        let _ = write!(
            m,
            "<p class=\"help-contact\" id=\"help-contact\"><strong>{}</strong> ",
            Esc(t.help_label)
        );
        if let Some(org) = &view.site.org_name {
            let _ = write!(m, "{} – ", Esc(org));
        }
        let _ = write!(m, "{}</p>", Esc(contact));
    }
    if practice {
        steps(m, &built_in(lang).practice(), lang, true);
    } else {
        let _ = write!(
            m,
            "<h3>{}</h3><p class=\"small\">{} {}</p><div class=\"routers\">",
            Esc(t.router_question),
            Esc(t.router_hint),
            Esc(t.router_pick)
        );
        for r in Router::ALL {
            let g = built_in(lang).router(r);
            let _ = write!(
                m,
                "<details class=\"router-guide\" id=\"router-{slug}\" data-router=\"{slug}\">\
                 <summary>{}</summary>",
                Esc(&g.name),
                slug = Esc(r.slug()),
            );
            steps(m, &g, lang, false);
            m.push_str("</details>");
        }
        m.push_str("</div>");
        steps(m, &built_in(lang).server(), lang, true);
    }
    if level >= Level::Warning {
        steps(m, &built_in(lang).breach(), lang, true);
    }
    m.push_str("</section>");
}

/// A guide's intro and numbered steps, under its name as a heading unless
/// a `<summary>` already names it.
fn steps(m: &mut String, g: &Guide, lang: Lang, heading: bool) {
    m.push_str("<div class=\"steps-block\">");
    if heading {
        let _ = write!(m, "<h3>{}</h3>", Esc(&g.name));
    }
    let _ = write!(m, "<p>{}</p><ol class=\"steps\">", Esc(&g.intro));
    for st in &g.steps {
        let _ = write!(
            m,
            "<li><strong>{}</strong><p>{}</p>",
            Esc(&st.title),
            Esc(&st.text)
        );
        if let Some(menu) = &st.menu {
            let _ = write!(
                m,
                "<p class=\"menu\"><span>{}</span> <span class=\"menu-path\">{}</span></p>",
                Esc(texts(lang).menu_label),
                Esc(menu)
            );
        }
        m.push_str("</li>");
    }
    m.push_str("</ol></div>");
}

/// The practice check's offer with its own consent: a form for the
/// practice plan.
fn practice_offer(m: &mut String, view: &View<'_>) {
    let lang = view.lang;
    let (p, plan) = (practice_texts(lang), Plan::practice());
    let _ = write!(
        m,
        "<section class=\"card practice no-print\" aria-labelledby=\"practice-heading\">\
         <h2 id=\"practice-heading\">{}</h2><p>{}</p><p>{}</p><p>{}</p>{}</section>",
        Esc(p.offer_heading),
        Esc(&offer_what(&plan, lang)),
        Esc(&offer_udp(&plan, lang)),
        Esc(p.consent),
        consent_form(view, &plan, "practice-start", p.button, "primary"),
    );
}

/// Why a check could not be done, as a page: the same sentence the app
/// shows for it, the probe's reason where there is one (in English, as
/// the probe gives it), the wait, and a way back to the start.
pub(crate) fn failure_page(
    view: &View<'_>,
    plan: &Plan,
    (code, message, reason): (&str, &str, Option<&str>),
    retry_after_s: Option<u64>,
) -> String {
    let (lang, t) = (view.lang, texts(view.lang));
    let mut m = String::new();
    let _ = write!(
        m,
        "<section class=\"card failure\" aria-labelledby=\"phase-heading\" data-failure=\"{}\">\
         <h2 id=\"phase-heading\">{}</h2><p id=\"failure-message\">{}</p>",
        Esc(code),
        Esc(t.error_heading),
        Esc(message)
    );
    if let Some(reason) = reason {
        let _ = write!(
            m,
            "<p class=\"small\"><span>{}</span> <q lang=\"en\" id=\"failure-reason\">{}</q></p>",
            Esc(t.err_reason_label),
            Esc(reason)
        );
    }
    if let Some(secs) = retry_after_s {
        let _ = write!(m, "<p>{}</p>", Esc(&retry_in(secs, lang)));
    }
    let _ = write!(
        m,
        "<p><a id=\"try-again\" href=\"{}\">{}</a></p></section>",
        Esc(&view.href_in(lang)),
        Esc(t.try_again)
    );
    let body = chrome(view, plan, &m, false);
    document(
        view,
        &format!("{} – {}", t.error_heading, title(plan)),
        &body,
    )
}
