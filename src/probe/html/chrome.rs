//! What surrounds every page the probe writes: the masthead with the
//! language link (in the embed view a bar with the title), the main part
//! and the footer; the consent form that the built `index.html` shows
//! until the app takes over; and the whole document around a result.

use std::fmt::Write as _;

use super::{Esc, View};
use crate::plan::Plan;
use crate::texts::page_texts::texts;
use crate::texts::words::marks::STATIC_PAGE_ID;
use crate::texts::words::{about_plan, title};

/// The consent form in its chrome, for the placeholder in `index.html`:
/// what the app's start view says, with a submit button instead of a
/// script's click handler.
pub(crate) fn start_chrome(view: &View<'_>, plan: &Plan) -> String {
    let (lang, t) = (view.lang, texts(view.lang));
    let mut main = String::new();
    let _ = write!(
        main,
        "<section class=\"card start\" aria-labelledby=\"start-heading\">\
         <h2 id=\"start-heading\">{}</h2><p>{}</p><p>{}</p><h3>{}</h3><p>{}</p>",
        Esc(t.start_heading),
        Esc(&about_plan(t.start_what, plan, lang)),
        Esc(t.start_why),
        Esc(t.data_heading),
        Esc(t.data_text),
    );
    main.push_str(&consent_form(
        view,
        plan,
        "static-consent",
        t.consent_button,
        "primary",
    ));
    let _ = write!(
        main,
        "<p class=\"small\">{}</p></section>",
        Esc(t.consent_note)
    );
    chrome(view, plan, &main, false)
}

/// A form that starts a check of `plan` when its one button is pressed:
/// the consent is the button (`consent=yes`), the language and the plan
/// ride along. Without an `action` it posts to the address of the page it
/// is on, so the embed view's form posts to `/embed` with its query.
pub(crate) fn consent_form(
    view: &View<'_>,
    plan: &Plan,
    id: &str,
    label: &str,
    class: &str,
) -> String {
    format!(
        "<form method=\"post\" class=\"consent-form\">\
         <input type=\"hidden\" name=\"lang\" value=\"{}\">\
         <input type=\"hidden\" name=\"plan\" value=\"{}\">\
         <button type=\"submit\" class=\"{}\" id=\"{}\" name=\"consent\" value=\"yes\">{}</button>\
         </form>",
        Esc(view.lang.code()),
        Esc(&plan.name),
        Esc(class),
        Esc(id),
        Esc(label),
    )
}

/// `main` inside the page's chrome, as the app's `Page` component lays it
/// out. `restart`: the language link starts a new check (on a result page,
/// which cannot be shown again in the other language without running the
/// check again), so it says so.
pub(crate) fn chrome(view: &View<'_>, plan: &Plan, main: &str, restart: bool) -> String {
    let (lang, t) = (view.lang, texts(view.lang));
    let other = lang.other();
    // The link's name starts with its visible text (WCAG 2.5.3); on a
    // result page it adds, unseen, that it starts over.
    let link = if restart {
        format!(
            "<a class=\"lang-switch\" id=\"lang-link\" href=\"{}\" lang=\"{}\" hreflang=\"{}\">{} <span class=\"visually-hidden\">{}</span></a>",
            Esc(&view.href_in(other)),
            other.code(),
            other.code(),
            Esc(t.lang_switch),
            Esc(t.lang_link_note),
        )
    } else {
        format!(
            "<a class=\"lang-switch\" id=\"lang-link\" href=\"{}\" lang=\"{}\" hreflang=\"{}\" aria-label=\"{}\">{}</a>",
            Esc(&view.href_in(other)),
            other.code(),
            other.code(),
            Esc(t.lang_switch_label),
            Esc(t.lang_switch),
        )
    };
    let name = title(plan);
    let mut out = String::new();
    let _ = write!(
        out,
        "<div id=\"{STATIC_PAGE_ID}\" class=\"page{}\">",
        if view.embed { " embedded" } else { "" }
    );
    if view.embed {
        let _ = write!(
            out,
            "<header class=\"embed-bar no-print\"><h1 class=\"embed-title\">{}</h1>{link}</header>",
            Esc(&name)
        );
    } else {
        let _ = write!(
            out,
            "<header class=\"masthead no-print\"><div class=\"masthead-row\">\
             <p class=\"brand\">{}</p>{link}</div><h1>{}</h1></header>",
            Esc(&name),
            Esc(&about_plan(t.tagline, plan, lang)),
        );
    }
    let _ = write!(out, "<main id=\"main\">{main}</main>");
    if !view.embed {
        out.push_str("<footer class=\"footer no-print\">");
        if let Some(org) = &view.site.org_name {
            let _ = write!(
                out,
                "<p id=\"offered-by\">{} {}</p>",
                Esc(t.offered_by),
                Esc(org)
            );
        }
        let _ = write!(out, "<p>{}</p></footer>", Esc(t.footer));
    }
    out.push_str("</div>");
    out
}

/// A whole HTML document with `title` and `body`: the built page's
/// stylesheets, the operator's theme, no script.
pub(crate) fn document(view: &View<'_>, title: &str, body: &str) -> String {
    let mut head = String::new();
    for sheet in view.stylesheets {
        let _ = write!(head, "<link rel=\"stylesheet\" href=\"{}\">", Esc(sheet));
    }
    format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"same-origin\"><title>{}</title>{head}\
         <link rel=\"stylesheet\" href=\"/theme.css\"></head><body>{body}</body></html>\n",
        view.lang.code(),
        Esc(title),
    )
}
