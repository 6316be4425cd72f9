//! The page end to end in a real browser against the real `portcheck
//! serve`: single origin (`page`) and the two-family check (`dual_stack`),
//! in the engine `PORTCHECK_BROWSER` names (chromium, firefox, webkit;
//! `support::browser`), with the same assertions in each.
//! They need root (ports below 1024), the built page, the engine's browser
//! and driver, and axe-core from tests/a11y; `reflow` checks every state
//! at a 320 px wide viewport, `proxy` the warning for a visitor behind a
//! proxy, `practice` the opt-in practice check after the result; `scripts/test-page` prepares
//! all of it and runs them, a plain `cargo test` lists them as ignored.

mod dual_stack;
mod no_wasm;
mod page;
mod practice;
mod proxy;
mod reflow;

use std::collections::BTreeMap;

use fantoccini::Client;
use serde_json::{Value, json};

use crate::support::browser::js;
use crate::support::{browser, gate};

/// Whether the page tests can run here; otherwise a loud skip (or a failure
/// under CI).
fn ready(test: &str) -> bool {
    gate::gate(test, gate::root().and_then(|()| browser::ready()))
}

/// Asserts that the page (or one family's panel) shows every range port of
/// the plan, group by group in the plan's order, each with the state the
/// probe's own report gives it.
fn assert_shows_report(what: &str, page: &[(u16, String)], report: &Value) {
    let plan = portcheck::plan::Plan::standard();
    let ports: Vec<u16> = plan.groups.iter().flat_map(|g| g.port_numbers()).collect();
    let shown: Vec<u16> = page.iter().map(|p| p.0).collect();
    assert_eq!(shown, ports, "{what}: the plan's ports, group by group");
    let reported: BTreeMap<u64, &Value> = report["ports"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: no ports in {report}"))
        .iter()
        .map(|p| (p["port"].as_u64().unwrap_or_default(), &p["state"]))
        .collect();
    assert_eq!(reported.len(), page.len(), "{what}: reported ports");
    for (port, state) in page {
        let want = reported.get(&u64::from(*port)).copied();
        assert_eq!(want, Some(&json!(state)), "{what} port {port}");
    }
}

/// The narrowest viewport WCAG 1.4.10 (Reflow) asks for, in CSS px.
const NARROW: u32 = 320;

/// Lays the page out 320 CSS px wide.
async fn narrow(c: &Client) {
    browser::viewport_width(c, NARROW).await;
}

/// Asserts that the current page needs no sideways scrolling at 320 px: the
/// document is no wider than the viewport, and anything wider sits inside a
/// table scroll region that is named by a heading and reachable by keyboard.
async fn assert_reflows(c: &Client, state: &str) {
    let out = js(
        c,
        "const w = document.documentElement.clientWidth;
         const region = '.table-scroll[role=region][aria-labelledby][tabindex=\"0\"]';
         const wide = [...document.body.querySelectorAll('*')].filter(e => {
             const r = e.getBoundingClientRect();
             return r.width > 0 && (r.right > w + 0.5 || r.left < -0.5)
                 && !e.parentElement?.closest(region);
         }).map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
         const unnamed = [...document.querySelectorAll('.table-scroll')].filter(e =>
             !(e.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id)?.textContent.trim() || '').every(t => t)
         ).length;
         return {viewport: window.innerWidth, width: w, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 8), unnamed};",
    )
    .await;
    assert_eq!(
        out["viewport"],
        json!(NARROW),
        "{state}: viewport not 320 px wide: {out}"
    );
    // The layout width is the viewport less a vertical scroll bar, if any.
    let width = out["width"].as_u64().unwrap_or_default();
    let scroll = out["scroll"].as_u64().unwrap_or(u64::MAX);
    assert!(
        width <= u64::from(NARROW),
        "{state}: layout wider than the viewport: {out}"
    );
    assert!(
        scroll <= width,
        "{state}: the page scrolls sideways at 320 px: {out}"
    );
    assert_eq!(
        out["wide"],
        json!([]),
        "{state}: wider than 320 px outside a table region: {out}"
    );
    assert_eq!(
        out["unnamed"],
        json!(0),
        "{state}: a table region without a name: {out}"
    );
}
