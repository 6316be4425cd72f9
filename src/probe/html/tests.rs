//! The rendered pages: escaping, both languages, every finding and every
//! router, each verdict, the summary the app builds, the form and its
//! chrome in both views, and no script anywhere.

use super::*;
use crate::api::{Finding, Level, PortState, Report, Severity};
use crate::plan::Plan;
use crate::texts::explain::explain;
use crate::texts::guide::{Router, built_in};
use crate::texts::page_texts::texts;
use crate::texts::summary::report_summary;
use crate::texts::words::{level_word, state_word};
use crate::verdict::fixtures::{assert_holds as holds, celle_report};

fn view(site: &Site, lang: Lang, embed: bool) -> View<'_> {
    View {
        lang,
        embed,
        keep: String::new(),
        site,
        stylesheets: &[],
        encoding: crate::probe::encoding::Encoding::Identity,
    }
}

/// `s` as it reads inside the page: escaped.
fn esc(s: &str) -> String {
    Esc(s).to_string()
}

#[test]
fn escaping_covers_elements_and_quoted_attributes() {
    assert_eq!(
        esc(r#"<a href="x" title='y'>&amp;</a>"#),
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
    );
    assert_eq!(esc("Prüfung – ok"), "Prüfung – ok");
    assert_eq!(esc(""), "");
    assert_eq!(esc("&&"), "&amp;&amp;");
}

#[test]
fn operator_texts_and_scanned_banners_stay_text() {
    let site = Site {
        org_name: Some("<script>alert(1)</script> & Co".into()),
        help_contact: Some("\"><img src=x onerror=alert(1)>".into()),
        ..Site::default()
    };
    let mut r = celle_report();
    r.ports[0].service = "<b onclick=x>svc</b>".into();
    let page = result_page(&view(&site, Lang::De, false), &r, &Plan::standard());
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<img"), "{page}");
    assert!(!page.contains("<b onclick"), "{page}");
    holds(
        &page,
        &[
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co",
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
            "&lt;b onclick=x&gt;svc&lt;/b&gt;",
        ],
    );
}

#[test]
fn a_result_page_in_both_languages() {
    let site = Site::default();
    let r = celle_report();
    let plan = Plan::standard();
    for lang in Lang::ALL {
        let t = texts(lang);
        let page = result_page(&view(&site, lang, false), &r, &plan);
        assert!(page.starts_with("<!doctype html>\n"), "{lang:?}");
        assert!(page.contains(&format!("<html lang=\"{}\">", lang.code())));
        holds(
            &page,
            &[
                &esc(t.result_heading),
                "data-verdict=\"critical\"",
                &esc(level_word(Level::Critical, lang)),
                &esc(t.findings_heading),
                "data-finding=\"smb-exposed\"",
                "data-port=\"445\" data-state=\"open\"",
                "data-port=\"440\" data-state=\"closed\"",
                &esc(state_word(PortState::Open, lang)),
                &esc(t.guide_heading),
                &esc(t.limits_heading),
                "name=\"consent\" value=\"yes\"",
                &format!("name=\"lang\" value=\"{}\"", lang.code()),
                "class=\"masthead no-print\"",
                "class=\"footer no-print\"",
                "class=\"print-only print-head\"",
            ],
        );
        // The other language's words are not on the page.
        let other = texts(lang.other());
        assert!(!page.contains(&esc(other.result_heading)), "{lang:?}");
        assert!(!page.contains("<script"), "no script: {lang:?}");
        assert!(!page.contains(" style="), "no inline style: {lang:?}");
        assert!(!page.contains("onclick"), "no handlers: {lang:?}");
    }
}

#[test]
fn every_finding_is_rendered_with_its_explanation() {
    let site = Site::default();
    let plan = Plan::standard();
    for id in crate::api::FindingId::ALL {
        let mut r = celle_report();
        let f = Finding::new(id, Severity::Warning, vec![445]);
        r.verdict.findings = vec![f.clone()];
        r.verdict.level = Level::Warning;
        for lang in Lang::ALL {
            let page = result_page(&view(&site, lang, false), &r, &plan);
            let e = explain(&f, &plan, lang);
            let hook = format!(
                "data-finding=\"{}\"",
                crate::texts::words::marks::wire_name(&id)
            );
            holds(
                &page,
                &[&hook, &esc(&e.title), &esc(&e.what), &esc(&e.urgency)],
            );
        }
    }
}

#[test]
fn each_verdict_level_is_rendered() {
    let site = Site::default();
    let plan = Plan::standard();
    for (open, level) in [
        (vec![], "ok"),
        (vec![80], "notice"),
        (vec![445], "critical"),
    ] {
        // Only the open ports answer: no forwarded range around them.
        let mut r = plan.sample_forwarded("198.51.100.7".parse().unwrap(), &open);
        for p in &mut r.ports {
            if !open.contains(&p.port) {
                p.state = PortState::Filtered;
            }
        }
        r.verdict = crate::verdict::evaluate(&plan, &r.ports, &r.control);
        let page = result_page(&view(&site, Lang::En, false), &r, &plan);
        assert!(
            page.contains(&format!("data-verdict=\"{level}\"")),
            "{level}"
        );
        // The breach steps only for a warning or worse.
        let breach = built_in(Lang::En).breach().name;
        assert_eq!(
            page.contains(&esc(&breach)),
            r.verdict.level >= Level::Warning,
            "{level}"
        );
    }
    let mut r = celle_report();
    r.verdict.findings.clear();
    r.verdict.level = Level::Warning;
    let page = result_page(&view(&site, Lang::De, false), &r, &plan);
    assert!(page.contains("data-verdict=\"warning\""));
}

#[test]
fn every_router_guide_opens_without_a_script() {
    let site = Site::default();
    let page = result_page(
        &view(&site, Lang::De, false),
        &celle_report(),
        &Plan::standard(),
    );
    for r in Router::ALL {
        let g = built_in(Lang::De).router(r);
        holds(
            &page,
            &[
                &format!(
                    "<details class=\"router-guide\" id=\"router-{0}\" data-router=\"{0}\"><summary>{1}</summary>",
                    r.slug(),
                    esc(&g.name)
                ),
                &esc(&g.steps[0].title),
            ],
        );
    }
}

#[test]
fn the_summary_is_the_one_the_app_copies() {
    let site = Site::default();
    let r = celle_report();
    let plan = Plan::standard();
    for lang in Lang::ALL {
        let page = result_page(&view(&site, lang, false), &r, &plan);
        let summary = esc(&report_summary(&r, &plan, lang));
        assert!(
            page.contains(&format!(
                "<textarea id=\"summary-text\" readonly rows=\"14\">{summary}</textarea>"
            )),
            "{lang:?}"
        );
    }
}

#[test]
fn the_practice_check_is_offered_and_rendered() {
    let site = Site::default();
    let standard = result_page(
        &view(&site, Lang::En, false),
        &celle_report(),
        &Plan::standard(),
    );
    holds(
        &standard,
        &["id=\"practice-start\"", "name=\"plan\" value=\"practice\""],
    );
    let practice = Plan::practice();
    let r = practice.sample_forwarded("198.51.100.7".parse().unwrap(), &[3389]);
    let page = result_page(&view(&site, Lang::En, false), &r, &practice);
    assert!(!page.contains("id=\"practice-start\""));
    assert!(page.contains("name=\"plan\" value=\"practice\""), "again");
    assert!(page.contains("data-port=\"3389\" data-state=\"open\""));
    assert!(page.contains("data-finding=\"rdp-exposed\""), "{page}");
}

#[test]
fn the_consent_form_posts_to_its_own_page() {
    let site = Site {
        org_name: Some("Kammer".into()),
        ..Site::default()
    };
    for lang in Lang::ALL {
        let t = texts(lang);
        let form = start_chrome(&view(&site, lang, false), &Plan::standard());
        assert!(form.starts_with("<div id=\"static-page\" class=\"page\">"));
        holds(
            &form,
            &[
                "<form method=\"post\" class=\"consent-form\">",
                &format!(
                    "<input type=\"hidden\" name=\"lang\" value=\"{}\">",
                    lang.code()
                ),
                "<input type=\"hidden\" name=\"plan\" value=\"standard\">",
                &format!(
                    "<button type=\"submit\" class=\"primary\" id=\"static-consent\" name=\"consent\" value=\"yes\">{}</button>",
                    esc(t.consent_button)
                ),
                &esc(t.data_text),
                &esc(t.consent_note),
                "<p id=\"offered-by\">",
                &format!("href=\"?lang={}\"", lang.other().code()),
            ],
        );
        assert!(
            !form.contains(" action="),
            "posts to the page's own address"
        );
    }
}

#[test]
fn the_embed_view_has_no_chrome_and_keeps_its_query() {
    let site = Site {
        org_name: Some("Kammer".into()),
        ..Site::default()
    };
    let v = View {
        keep: query_without_lang(Some("origin=https%3A%2F%2Fverband.example&lang=de")),
        ..view(&site, Lang::De, true)
    };
    let form = start_chrome(&v, &Plan::standard());
    assert!(form.starts_with("<div id=\"static-page\" class=\"page embedded\">"));
    assert!(!form.contains("masthead"));
    assert!(!form.contains("footer"));
    assert!(form.contains("<header class=\"embed-bar no-print\">"));
    assert!(
        form.contains("href=\"?origin=https%3A%2F%2Fverband.example&amp;lang=en\""),
        "{form}"
    );
    let page = result_page(&v, &celle_report(), &Plan::standard());
    assert!(!page.contains("masthead") && !page.contains("<footer"));
}

#[test]
fn queries_keep_everything_but_the_language() {
    assert_eq!(query_without_lang(None), "");
    assert_eq!(query_without_lang(Some("lang=en")), "");
    assert_eq!(
        query_without_lang(Some("origin=https%3A%2F%2Fa.example&lang=en&x=1")),
        "origin=https%3A%2F%2Fa.example&x=1"
    );
    assert_eq!(query_lang(Some("a=1&lang=en")), Some("en".into()));
    assert_eq!(query_lang(Some("a=1")), None);
}

#[test]
fn a_failure_page_says_why_and_leads_back() {
    let site = Site::default();
    let t = texts(Lang::En);
    let v = View {
        keep: "origin=x".into(),
        ..view(&site, Lang::En, false)
    };
    let page = failure_page(
        &v,
        &Plan::standard(),
        ("rate_limited", t.err_rate_limited, Some("<reason>")),
        Some(90),
    );
    holds(
        &page,
        &[
            "data-failure=\"rate_limited\"",
            &esc(t.error_heading),
            &esc(t.err_rate_limited),
            "<q lang=\"en\" id=\"failure-reason\">&lt;reason&gt;</q>",
            "href=\"?origin=x&amp;lang=en\"",
        ],
    );
    assert!(!page.contains("<script"));
}

/// The report's states stay what the scan found: the renderer only reads.
#[test]
fn the_page_shows_every_port_of_the_plan() {
    let site = Site::default();
    let plan = Plan::standard();
    let r: Report = celle_report();
    let page = result_page(&view(&site, Lang::De, false), &r, &plan);
    for p in &r.ports {
        assert!(
            page.contains(&format!("data-port=\"{}\"", p.transport.label(p.port))),
            "{}",
            p.port
        );
    }
}
