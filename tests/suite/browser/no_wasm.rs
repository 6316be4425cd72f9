//! The page in a browser that runs no WebAssembly (Chromium with
//! `--js-flags=--jitless`, Firefox with `javascript.options.wasm` off) or
//! no JavaScript at all (Chromium's `scriptEnabled=false`, Firefox's
//! `javascript.enabled` off), against the real `portcheck serve` and the
//! same loopback listeners as `page` (80, 443, 445 and a KDC on 88):
//!
//! - the consent form the probe writes into the page stays visible when
//!   Trunk's loader fails, and disappears where the app starts;
//! - submitting it gets the probe's result page: the verdict, every
//!   finding, the ports as `/api/v1/scan` reports them, the router guides,
//!   the summary, in German and in English (the result page's language
//!   link leads to the form in the other language);
//! - the same inside the embed view's iframe on a host page;
//! - a form on another site (127.0.0.2 is another site than 127.0.0.1)
//!   that posts to the probe gets the 403 page.
//!
//! axe-core needs JavaScript: without WebAssembly it runs in the pages
//! themselves (injected over WebDriver, as in every page test), both forms
//! and both results. Without JavaScript the test reads the pages over
//! WebDriver's element commands only. Chromium and Firefox still run a
//! WebDriver "execute script" there, but not its promises and timers, so
//! axe's run never ends (a script timeout in both); the test without
//! WebAssembly has checked the same pages, which the probe writes the same
//! whether the browser runs scripts or not (it cannot know).

use std::net::TcpListener;

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::support::browser::{
    Options, Scripts, WAIT, assert_axe_clean, can_run, dist, js, serial, serve_html, wait_js,
    with_browser,
};
use crate::support::{ProbeProcess, gate, get_json, in_own_netns};

use super::page::{prepare, probe};

/// The findings the loopback listeners make.
const FINDINGS: [&str; 4] = [
    "smb-exposed",
    "kerberos-exposed",
    "https-exposed",
    "http-exposed",
];

/// `page::prepare`, for an engine that can run without `scripts`.
async fn prepare_without(
    test: &str,
    scripts: Scripts,
) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    // Not a missing requirement but a browser without the switch: the
    // case is Chromium's and Firefox's (the hardened browsers), so
    // it is left out in WebKitGTK, in CI too, and says so.
    if let Err(why) = can_run(scripts) {
        eprintln!("{test}: not run in this engine: {why}");
        return None;
    }
    prepare(test).await
}

fn scripts(scripts: Scripts) -> Options {
    Options {
        scripts,
        ..Options::default()
    }
}

/// Waits (over WebDriver, no script) for the element `css`.
async fn element(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
}

async fn attr(c: &Client, css: &str, name: &str) -> Option<String> {
    element(c, css)
        .await
        .attr(name)
        .await
        .unwrap_or_else(|e| panic!("{css}[{name}]: {e}"))
}

async fn all_attrs(c: &Client, css: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.expect("elements") {
        out.extend(e.attr(name).await.expect("attribute"));
    }
    out
}

/// Submits the consent form on the current page (over WebDriver: a click
/// on its button) and waits for the result page.
async fn submit_consent(c: &Client) {
    element(c, "#static-consent")
        .await
        .click()
        .await
        .expect("click the consent button");
    element(c, "[data-verdict]").await;
}

/// Asserts, over WebDriver alone, that the result page in `lang` shows the
/// probe's report: verdict, findings, the range's port states, the guides.
async fn assert_full_result(c: &Client, probe: &ProbeProcess, lang: &str) {
    let report: Value = get_json(&reqwest::Client::new(), &probe.url("/api/v1/scan")).await;
    assert_eq!(
        attr(c, "html", "lang").await.as_deref(),
        Some(lang),
        "the result page's language"
    );
    assert_eq!(
        attr(c, "[data-verdict]", "data-verdict").await,
        report["verdict"]["level"].as_str().map(str::to_owned)
    );
    let findings = all_attrs(c, "[data-finding]", "data-finding").await;
    for f in FINDINGS {
        assert!(findings.iter().any(|s| s == f), "{f} missing: {findings:?}");
    }
    let ports = all_attrs(c, "[data-port]", "data-port").await;
    let states = all_attrs(c, "[data-port]", "data-state").await;
    let shown: Vec<(u16, String)> = ports
        .iter()
        .map(|p| p.parse().expect("a port number"))
        .zip(states)
        .collect();
    super::assert_shows_report("the result page", &shown, &report);
    let routers = all_attrs(c, "details.router-guide", "data-router").await;
    assert!(routers.len() >= 5, "{routers:?}");
    // A router's steps open without a script.
    element(c, "#router-fritzbox summary")
        .await
        .click()
        .await
        .expect("open the FRITZ!Box guide");
    assert!(
        element(c, "#router-fritzbox")
            .await
            .attr("open")
            .await
            .expect("open")
            .is_some()
    );
    let summary = element(c, "#summary-text")
        .await
        .prop("value")
        .await
        .expect("the summary")
        .unwrap_or_default();
    let address = if lang == "de" {
        "Geprüfte Adresse: 127.0.0.1"
    } else {
        "Checked address: 127.0.0.1"
    };
    assert!(summary.contains(address), "{summary}");
}

/// The form, then the result in German; the result page's language link
/// to the English form, then the English result. `axe`: check each page
/// (both forms and both results).
async fn both_languages(c: &Client, probe: &ProbeProcess, axe: bool) {
    c.goto(&probe.url("/?lang=de"))
        .await
        .expect("open the page");
    let shown = element(c, "#static-consent").await;
    assert!(
        shown.is_displayed().await.expect("displayed"),
        "the consent form is hidden"
    );
    assert!(
        c.find(Locator::Css("#consent")).await.is_err(),
        "the app started"
    );
    if axe {
        assert_axe_clean(c, "start without the app (de)").await;
    }
    submit_consent(c).await;
    assert_full_result(c, probe, "de").await;
    if axe {
        assert_axe_clean(c, "result without the app (de)").await;
    }
    element(c, "#lang-link")
        .await
        .click()
        .await
        .expect("the language link");
    // The click returns before the English page has replaced the German
    // one in some engines: wait for it, not for the old page's form.
    element(c, "html[lang=en] #static-consent").await;
    if axe {
        assert_axe_clean(c, "start without the app (en)").await;
    }
    submit_consent(c).await;
    assert_full_result(c, probe, "en").await;
    if axe {
        assert_axe_clean(c, "result without the app (en)").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn without_webassembly_the_form_gets_the_whole_result() {
    let Some(_one) = prepare_without(
        "without_webassembly_the_form_gets_the_whole_result",
        Scripts::NoWasm,
    )
    .await
    else {
        return;
    };
    let probe = probe(&["--rate-burst", "1000"]);
    with_browser(scripts(Scripts::NoWasm), |c| async move {
        c.goto(&probe.url("/")).await.expect("open the page");
        assert_eq!(
            js(&c, "return typeof WebAssembly").await,
            "undefined",
            "this browser runs WebAssembly"
        );
        both_languages(&c, &probe, true).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn without_javascript_the_form_gets_the_whole_result() {
    let Some(_one) = prepare("without_javascript_the_form_gets_the_whole_result").await else {
        return;
    };
    let probe = probe(&["--rate-burst", "1000"]);
    let other = TcpListener::bind("127.0.0.1:0").expect("listener");
    let port = other.local_addr().expect("address").port();
    serve_page(
        other,
        "<p id=\"ran\">no</p><script>document.getElementById('ran').textContent = 'yes';</script>"
            .into(),
    );
    with_browser(scripts(Scripts::None), |c| async move {
        // Proof that this browser runs no page script.
        c.goto(&format!("http://127.0.0.1:{port}/"))
            .await
            .expect("the page");
        let ran = element(&c, "#ran").await.text().await.expect("text");
        assert_eq!(ran, "no", "the page's script ran");
        // axe: see the module's documentation.
        both_languages(&c, &probe, false).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn where_webassembly_runs_the_app_replaces_the_form() {
    let Some(_one) = prepare("where_webassembly_runs_the_app_replaces_the_form").await else {
        return;
    };
    let probe = probe(&["--rate-burst", "1000"]);
    with_browser(Options::default(), |c| async move {
        c.goto(&probe.url("/")).await.expect("open the page");
        wait_js(
            &c,
            "the app's consent button",
            "document.querySelector('#consent')",
        )
        .await;
        assert_eq!(
            js(
                &c,
                "return document.querySelectorAll('#static-page, #static-consent, form').length"
            )
            .await,
            0,
            "the probe's form is still there beside the app"
        );
    })
    .await;
}

/// A page on `listener` with `body`, answered to every request.
fn serve_page(listener: TcpListener, body: String) {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Host</title></head>\
         <body><h1>Association</h1>{body}</body></html>"
    );
    serve_html(listener, html);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn the_embed_view_without_webassembly_checks_inside_its_iframe() {
    let Some(_one) = prepare_without(
        "the_embed_view_without_webassembly_checks_inside_its_iframe",
        Scripts::NoWasm,
    )
    .await
    else {
        return;
    };
    let host = TcpListener::bind("127.0.0.1:0").expect("host page listener");
    let port = host.local_addr().expect("address").port();
    let origin = format!("http://127.0.0.1:{port}");
    let probe = probe(&["--rate-burst", "1000", "--embed-origin", &origin]);
    serve_page(
        host,
        format!(
            "<script src=\"{}/embed.js\" data-lang=\"en\" async></script>",
            probe.url("")
        ),
    );
    with_browser(scripts(Scripts::NoWasm), |c| async move {
        c.goto(&format!("{origin}/")).await.expect("the host page");
        element(&c, "iframe.portcheck-embed").await;
        c.enter_frame(0).await.expect("into the frame");
        element(&c, "#static-consent").await;
        assert_eq!(
            js(
                &c,
                "return document.querySelectorAll('.masthead, footer').length"
            )
            .await,
            0,
            "page chrome in the embed view"
        );
        let link = attr(&c, "#lang-link", "href").await.unwrap_or_default();
        assert!(link.contains("origin=http%3A%2F%2F127.0.0.1%3A"), "{link}");
        assert!(link.ends_with("lang=de"), "{link}");
        submit_consent(&c).await;
        assert_full_result(&c, &probe, "en").await;
        assert_eq!(
            js(&c, "return location.pathname").await,
            "/embed",
            "the result stays in the embed view"
        );
        assert_axe_clean(&c, "embedded result without WebAssembly").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn a_form_on_another_site_gets_403() {
    let Some(_one) = prepare("a_form_on_another_site_gets_403").await else {
        return;
    };
    // 127.0.0.2 is another site than the probe's 127.0.0.1.
    let foreign = TcpListener::bind("127.0.0.2:0").expect("foreign page listener");
    let port = foreign.local_addr().expect("address").port();
    let probe = probe(&["--rate-burst", "1000"]);
    serve_page(
        foreign,
        format!(
            "<form method=\"post\" action=\"{}/\"><input type=\"hidden\" name=\"consent\" value=\"yes\">\
             <button id=\"foreign\">Win a prize</button></form>",
            probe.url("")
        ),
    );
    with_browser(scripts(Scripts::None), |c| async move {
        c.goto(&format!("http://127.0.0.2:{port}/"))
            .await
            .expect("the foreign page");
        element(&c, "#foreign").await.click().await.expect("submit");
        assert_eq!(
            attr(&c, "[data-failure]", "data-failure").await.as_deref(),
            Some("cross_site")
        );
        assert!(c.find(Locator::Css("[data-verdict]")).await.is_err());
    })
    .await;
}

/// On plain HTTP at an address that is not loopback (a practice's own
/// network, the lab), browsers send no Fetch Metadata: only potentially
/// trustworthy origins get it. The form's post passes because the page's
/// `Referrer-Policy: same-origin` lets the browser send the page's own
/// origin, which names the host the post goes to (rule 3 of the origin
/// guard). Under `no-referrer` the post carried `Origin: null` and was
/// refused as cross-site. In a network namespace of its own with one
/// documentation address on `lo`; in every engine.
#[test]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
fn without_javascript_the_form_works_over_plain_http_at_a_public_address() {
    const TEST: &str = "without_javascript_the_form_works_over_plain_http_at_a_public_address";
    const ADDRESS: &str = "198.51.100.23";
    if !super::ready(TEST) || !gate::gate(TEST, gate::tools(&["ip"])) {
        return;
    }
    in_own_netns(&[format!("{ADDRESS}/32")], || async {
        let _one = serial().await;
        let www = dist();
        let listen = format!("{ADDRESS}:0");
        let probe = ProbeProcess::start(&[
            "--listen",
            &listen,
            "--www",
            www.to_str().expect("UTF-8 path"),
            "--allow-target",
            &format!("{ADDRESS}/32"),
            "--rate-burst",
            "1000",
        ]);
        let options = Options {
            scripts: Scripts::None,
            documentation_addresses: true,
            ..Options::default()
        };
        with_browser(options, |c| async move {
            c.goto(&probe.url("/?lang=de"))
                .await
                .expect("open the page");
            element(&c, "#static-consent")
                .await
                .click()
                .await
                .expect("click the consent button");
            // The result page or the failure page, whichever comes.
            let answer = element(&c, "[data-verdict], [data-failure]").await;
            let failure = answer.attr("data-failure").await.expect("attribute");
            assert_eq!(failure, None, "the form's post was refused");
            assert!(
                answer
                    .attr("data-verdict")
                    .await
                    .expect("attribute")
                    .is_some()
            );
        })
        .await;
    });
}
