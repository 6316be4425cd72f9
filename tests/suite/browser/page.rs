//! End-to-end tests of the page in a real browser against the real
//! `portcheck serve`, which scans loopback listeners the test opens on ports
//! 443 and 445 (the Celle pattern: file sharing and HTTPS reachable).
//!
//! Needs: root (ports below 1024), `dist/` built by Trunk, the browser and
//! driver of the engine `PORTCHECK_BROWSER` names (`support::browser`), and for the accessibility checks axe-core in
//! `tests/a11y/node_modules` (`npm ci` there). `scripts/test-page` prepares
//! all of it and runs these tests; plain `cargo test` lists them as ignored.
//! Without a prerequisite they print a loud SKIPPED banner, or fail when `CI`
//! is set. Every wait polls a DOM condition with a deadline; nothing sleeps to
//! synchronise.
use std::net::TcpListener;

use fantoccini::Client;
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::support::browser::{
    Options, allow_clipboard_read, assert_axe_clean, click, dist, inner_text, js, js_text,
    port_states, serial, serve_html, wait_js, with_browser,
};
use crate::support::ports::{kdc_for_good, open_for_good};
use crate::support::throttle::Throttle;
use crate::support::{ProbeProcess, get_json};

use super::{assert_reflows, assert_shows_report};

/// Open on loopback for every page test: a web server (80, the HTTP range),
/// HTTPS (443) and SMB (445); and a KDC on 88 (`KDC_PORT`).
const OPEN_PORTS: [u16; 3] = [80, 443, 445];
const KDC_PORT: u16 = 88;

/// `portcheck serve` with the built page and `extra` flags. The browser on
/// loopback stands in for a visitor, so loopback is allowed, unless `extra`
/// names an allow list of its own.
pub(super) fn probe(extra: &[&str]) -> ProbeProcess {
    let www = dist();
    let mut args = vec!["--www", www.to_str().expect("UTF-8 path")];
    if !extra.contains(&"--allow-target") {
        args.push("--allow-loopback");
    }
    args.extend_from_slice(extra);
    ProbeProcess::start(&args)
}

/// Ready, one test at a time, with the open loopback listeners.
pub(super) async fn prepare(test: &str) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    if !super::ready(test) {
        return None;
    }
    let one = serial().await;
    open_for_good(&OPEN_PORTS.map(|p| ("127.0.0.1", p)));
    kdc_for_good("127.0.0.1", KDC_PORT);
    Some(one)
}

/// One page test: ready, one at a time, a probe with `extra` flags and a
/// browser, both gone afterwards.
pub(super) async fn page_test<F, Fut>(test: &str, extra: &[&str], body: F)
where
    F: FnOnce(Client, ProbeProcess) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(_one) = prepare(test).await else {
        return;
    };
    let probe = probe(extra);
    with_browser(Options::default(), |c| body(c, probe)).await;
}

/// Keys pressed on the focused element, as a keyboard user would.
async fn press(c: &Client, keys: &str) {
    let focused = c.active_element().await.expect("a focused element");
    focused.send_keys(keys).await.expect("send keys");
}

/// Presses `keys` until the expression `focus` names `want`, at most
/// `tries` times; whether it got there.
async fn press_until(c: &Client, keys: &str, focus: &str, want: &str, tries: usize) -> bool {
    for _ in 0..tries {
        press(c, keys).await;
        if js(c, &format!("return {focus}")).await == want {
            return true;
        }
    }
    false
}

/// Open the page at `url` and wait for its consent button.
pub(super) async fn open_start(c: &Client, url: &str) {
    c.goto(url)
        .await
        .unwrap_or_else(|e| panic!("open {url}: {e}"));
    wait_js(c, "consent button", "document.querySelector('#consent')").await;
}

/// Wait for a failure and return its wire name (`data-failure`).
pub(super) async fn failure(c: &Client) -> String {
    wait_js(c, "a failure", "document.querySelector('[data-failure]')").await;
    js_text(
        c,
        "return document.querySelector('[data-failure]').dataset.failure",
    )
    .await
}

async fn try_again_disabled(c: &Client) -> Value {
    js(c, "return document.querySelector('#try-again').disabled").await
}

fn expected_state(port: u16) -> &'static str {
    if OPEN_PORTS.contains(&port) || port == KDC_PORT {
        "open"
    } else {
        "closed"
    }
}

// ---------------------------------------------------------------- tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn consent_scan_verdict_guide_copy_and_language() {
    page_test("consent_scan_verdict_guide_copy_and_language", &["--rate-burst", "1000"], |c, probe| async move {
        open_start(&c, &probe.url("/?lang=de")).await;
        assert_eq!(js(&c, "return document.querySelector('#consent').tagName").await, "BUTTON");
        wait_js(
            &c,
            "the address from whoami",
            "document.querySelector('#whoami')?.textContent === '127.0.0.1'")
        .await;
        assert_eq!(js(&c, "return document.documentElement.lang").await, "de");

        click(&c, "#consent").await;
        wait_js(&c, "the verdict", "document.querySelector('[data-verdict]')").await;

        // The page shows what the probe reports: compare with the API's own report.
        let page = port_states(&c, "").await;
        let report: Value = get_json(&reqwest::Client::new(), &probe.url("/api/v1/scan")).await;
        assert_shows_report("the page", &page, &report);
        for (port, state) in &page {
            assert_eq!(state, expected_state(*port), "port {port}");
        }
        let verdict = js(&c, "return document.querySelector('[data-verdict]').dataset.verdict").await;
        assert_eq!(verdict, report["verdict"]["level"]);
        assert_eq!(verdict, "critical");
        let findings = js(
            &c,
            "return [...document.querySelectorAll('[data-finding]')].map(e => e.dataset.finding)",
        )
        .await;
        assert_eq!(
            findings,
            json!(["smb-exposed", "kerberos-exposed", "https-exposed", "http-exposed"])
        );
        let verdict_text = js(&c, "return document.querySelector('[data-verdict]').innerText").await;
        assert!(verdict_text.as_str().unwrap().contains("Kritisch"), "{verdict_text}");

        // Pick a router, see its steps (the guides come with the result).
        wait_js(&c, "the router choice", "document.querySelector('label[for=router-digibox-premium]')").await;
        click(&c, "label[for=router-digibox-premium]").await;
        wait_js(&c, "the router guide", "document.querySelector('#router-guide[data-router=digibox-premium]')").await;
        let steps = js(&c, "return [...document.querySelectorAll('#router-guide ol.steps > li')].map(e => e.innerText)").await;
        let steps = steps.as_array().unwrap();
        assert!(steps.len() >= 4, "{steps:?}");
        assert!(steps.iter().any(|s| s.as_str().unwrap().contains("Netzwerk → NAT → NAT-Konfiguration")));
        assert!(steps[0].as_str().unwrap().contains("11.1.2.102"));

        // Copy the summary; read the clipboard back where the browser lets us.
        click(&c, "#copy-summary").await;
        wait_js(&c, "copy status", "document.querySelector('#copy-status').dataset.copy !== 'idle'").await;
        let summary = js(&c, "return document.querySelector('#summary-text').value").await;
        let summary = summary.as_str().unwrap().to_string();
        for needle in ["Prüfbericht", "Geprüfte Adresse: 127.0.0.1 (IPv4)", "Ergebnis: Kritisch", "445   microsoft-ds   offen", "Datum: "] {
            assert!(summary.contains(needle), "summary lacks {needle:?}:\n{summary}");
        }
        let status = js(&c, "return document.querySelector('#copy-status').dataset.copy").await;
        assert_eq!(status, "copied", "clipboard write refused");
        allow_clipboard_read(&c).await;
        let clip = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 navigator.clipboard.readText().then(done, e => done('unreadable: ' + e));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(clip.as_str().unwrap_or_default(), summary, "clipboard content");

        // Switch language: every text changes, the choice goes into the address.
        click(&c, "#lang-switch").await;
        wait_js(&c, "English page", "document.documentElement.lang === 'en'").await;
        let verdict_text = js(&c, "return document.querySelector('[data-verdict]').innerText").await;
        assert!(verdict_text.as_str().unwrap().contains("Critical"), "{verdict_text}");
        let url = c.current_url().await.unwrap();
        assert!(url.as_str().contains("lang=en"), "{url}");
        // The English guides are fetched after the switch.
        wait_js(&c, "the English router guide", "document.querySelector('#router-guide')?.innerText.includes('Update the firmware')").await;

        // Check again runs a fresh check and says what changed: nothing.
        click(&c, "#check-again").await;
        wait_js(&c, "a new verdict", "document.querySelector('[data-verdict]')").await;
        assert_eq!(port_states(&c, "").await, page);
        wait_js(&c, "what changed", "document.querySelector('[data-changes]')").await;
        let changes = js_text(&c, "return document.querySelector('[data-changes]').innerText").await;
        assert!(changes.contains("Nothing: the same ports open"), "{changes}");
        assert_axe_clean(&c, "result after check again (en)").await;
    })
    .await;
}

/// Axe-core on the start, running and result states (critical, with
/// findings and a router guide) in both languages; laid out `narrow` (320
/// CSS px), each state must also reflow.
pub(super) async fn every_state_is_clean(c: &Client, probe: &ProbeProcess, narrow: bool) {
    let check = |state: String| async move {
        assert_axe_clean(c, &state).await;
        if narrow {
            assert_reflows(c, &state).await;
        }
    };
    // The page through a relay that can slow the probe's answers down.
    let upstream = format!("127.0.0.1:{}", probe.port())
        .parse()
        .expect("address");
    let relay = Throttle::start(upstream).await;
    for lang in ["de", "en"] {
        open_start(c, &relay.url(&format!("/?lang={lang}"))).await;
        wait_js(c, "whoami", "document.querySelector('#whoami')").await;
        check(format!("start ({lang})")).await;

        // Slow the answers down so the stream trickles in and the running
        // state stays up while axe looks at it.
        relay.limit(Some(400));
        click(c, "#consent").await;
        wait_js(c, "running state", "document.querySelector('progress')").await;
        check(format!("running ({lang})")).await;
        let running = js(c, "return !!document.querySelector('progress')").await;
        relay.limit(None);
        wait_js(
            c,
            "the verdict",
            "document.querySelector('[data-verdict=critical]')",
        )
        .await;
        assert_eq!(
            running,
            Value::Bool(true),
            "the running state ended before axe finished"
        );
        wait_js(
            c,
            "the router choice",
            "document.querySelector('label[for=router-fritzbox]')",
        )
        .await;
        click(c, "label[for=router-fritzbox]").await;
        wait_js(c, "router guide", "document.querySelector('#router-guide')").await;
        let tables = js(
            c,
            "return document.querySelectorAll('.table-scroll table.ports').length",
        )
        .await;
        assert!(tables.as_u64() >= Some(2), "a table per range: {tables}");
        check(format!("result ({lang})")).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn axe_finds_nothing_in_start_running_and_result_in_both_languages() {
    const TEST: &str = "axe_finds_nothing_in_start_running_and_result_in_both_languages";
    page_test(TEST, &["--rate-burst", "1000"], |c, probe| async move {
        every_state_is_clean(&c, &probe, false).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn keyboard_only_walkthrough() {
    page_test("keyboard_only_walkthrough", &["--rate-burst", "1000"], |c, probe| async move {
        open_start(&c, &probe.url("/?lang=en")).await;

        // Tab to the consent button and press Enter: no mouse anywhere.
        let tab = Key::Tab.to_string();
        let reached = press_until(&c, &tab, "document.activeElement?.id", "consent", 15).await;
        assert!(reached, "Tab never reached the consent button");
        let ring = js(&c, "return getComputedStyle(document.activeElement).outlineStyle").await;
        assert_ne!(ring, "none", "no visible focus on the consent button");
        press(&c, &Key::Enter.to_string()).await;
        wait_js(&c, "the verdict", "document.querySelector('[data-verdict]')").await;
        // Focus moved to the result heading.
        wait_js(&c, "focus on the result heading", "document.activeElement?.id === 'phase-heading'").await;

        // Tab on to the router choice (there once the guides came with the
        // result) and pick one with the keyboard.
        wait_js(&c, "the router choice", "document.querySelector('input[name=router]')").await;
        let on_radio = press_until(&c, &tab, "document.activeElement?.name", "router", 40).await;
        assert!(on_radio, "Tab never reached the router choice");
        press(&c, " ").await;
        wait_js(&c, "a router guide", "document.querySelector('#router-guide')").await;
        press(&c, &Key::Down.to_string()).await;
        wait_js(
            &c,
            "the next router's guide",
            "document.querySelector('#router-guide')?.dataset.router === 'digibox-standard'")
        .await;
        // Shift+Tab back up to "Check again" and run it with Space.
        let back = format!("{}{}", Key::Shift, Key::Tab);
        let on_again = press_until(&c, &back, "document.activeElement?.id", "check-again", 40).await;
        assert!(on_again, "Shift+Tab never reached Check again");
        press(&c, " ").await;
        wait_js(&c, "focus on the new result", "document.activeElement?.id === 'phase-heading' && document.querySelector('[data-verdict]')").await;
    })
    .await;
}

/// A host page on another origin (another loopback port) that embeds the
/// check with the one-line snippet of docs/page.md ("Embedding").
fn serve_host_page(l: TcpListener, probe_base: &str) {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Host</title></head>\
         <body><h1>Association</h1>\
         <script src=\"{probe_base}/embed.js\" data-lang=\"en\" async></script>\
         <p id=\"after\">after</p></body></html>"
    );
    serve_html(l, html);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn embed_view_posts_its_height_to_the_host_page() {
    let Some(_one) = prepare("embed_view_posts_its_height_to_the_host_page").await else {
        return;
    };
    let host_listener = TcpListener::bind("127.0.0.1:0").expect("host page listener");
    let host = host_listener.local_addr().unwrap().port();
    let host_origin = format!("http://127.0.0.1:{host}");
    let probe = probe(&["--rate-burst", "1000", "--embed-origin", &host_origin]);
    serve_host_page(host_listener, &probe.url(""));
    with_browser(Options::default(), |c| async move {
        c.goto(&format!("http://127.0.0.1:{host}/")).await.unwrap();
        wait_js(&c, "the iframe", "document.querySelector('iframe.portcheck-embed')").await;
        let src = js(&c, "return document.querySelector('iframe.portcheck-embed').src").await;
        let src = src.as_str().unwrap();
        assert!(src.starts_with(&format!("{}/embed?", probe.url(""))), "{src}");
        assert!(src.contains(&format!("origin=http%3A%2F%2F127.0.0.1%3A{host}")), "{src}");
        // The host script applies the first height message.
        wait_js(&c, "a height from the frame", "document.querySelector('iframe.portcheck-embed').height !== '600'").await;
        let h1: u32 = js(&c, "return document.querySelector('iframe.portcheck-embed').height").await
            .as_str().unwrap().parse().unwrap();

        c.enter_frame(0).await.unwrap();
        wait_js(&c, "consent button", "document.querySelector('#consent')").await;
        assert!(js(&c, "return document.querySelector('.masthead') === null && document.querySelector('footer') === null").await == Value::Bool(true), "page chrome in embed view");
        let content = js(&c, "return Math.ceil(document.querySelector('.page').getBoundingClientRect().height)").await;
        assert_eq!(content, json!(h1), "posted height differs from the content height");
        click(&c, "#consent").await;
        wait_js(&c, "verdict in the frame", "document.querySelector('[data-verdict]')").await;
        // The guides come a round trip after the verdict and make the
        // result taller again: measure it once they are there.
        wait_js(&c, "the guides in the frame", "document.querySelector('label[for=router-digibox-premium]') && !document.querySelector('[data-guides]')").await;
        let content = js(&c, "return Math.ceil(document.querySelector('.page').getBoundingClientRect().height)").await;
        c.enter_parent_frame().await.unwrap();
        // The result is taller: the host resizes the frame to match.
        let expr = format!("document.querySelector('iframe.portcheck-embed').height === '{}'", content);
        wait_js(&c, "the frame resized to the result", &expr).await;
        assert!(content.as_u64().unwrap() > u64::from(h1), "result not taller than start view");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn refusals_show_the_reason_and_the_wait_time() {
    let Some(_one) = prepare("refusals_show_the_reason_and_the_wait_time").await else {
        return;
    };
    // A probe that may check only a documentation range: loopback is refused (403).
    let strict = probe(&["--allow-target", "192.0.2.0/24"]);
    // A probe that allows one check, then makes the address wait (429).
    let stingy = probe(&["--rate-burst", "1", "--rate-refill-secs", "300"]);
    // A probe that goes away after the page has loaded.
    let gone = probe(&[]);
    with_browser(Options::default(), |c| async move {
        open_start(&c, &strict.url("/?lang=en")).await;
        click(&c, "#consent").await;
        assert_eq!(failure(&c).await, "target_not_allowed");
        let reason = js_text(
            &c,
            "return document.querySelector('#failure-reason').textContent",
        )
        .await;
        assert!(!reason.is_empty());
        assert_axe_clean(&c, "403 failure (en)").await;

        open_start(&c, &stingy.url("/?lang=de")).await;
        click(&c, "#consent").await;
        wait_js(
            &c,
            "the first verdict",
            "document.querySelector('[data-verdict]')",
        )
        .await;
        click(&c, "#check-again").await;
        assert_eq!(failure(&c).await, "rate_limited");
        let wait = inner_text(&c, "#retry-wait").await;
        assert!(
            wait.contains("Minute") || wait.contains("Sekunde"),
            "{wait}"
        );
        assert_eq!(try_again_disabled(&c).await, Value::Bool(true));
        assert_axe_clean(&c, "429 failure (de)").await;

        open_start(&c, &gone.url("/?lang=en")).await;
        drop(gone);
        click(&c, "#consent").await;
        assert_eq!(failure(&c).await, "network");
        assert_eq!(try_again_disabled(&c).await, Value::Bool(false));
    })
    .await;
}
