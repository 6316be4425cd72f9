//! The two-family page on a dual-stack lab visitor: Chromium runs inside the
//! visitor's network namespace and opens the page from the lab's probe host,
//! which is configured with an IPv4-only and an IPv6-only origin. After
//! consent, both panels must show exactly what the probe reports for the
//! visitor's IPv4 and IPv6 address: every range port of both groups (20 of
//! the plan's 28 ports), group by group, and the verdict.
//!
//! Needs root, the built page (`dist/`), Chromium and chromedriver; run by
//! `scripts/test-lab`.

use portcheck::api::{Family, Report};
use portcheck::plan::Plan;

use crate::support::browser::{
    self, Options, click, shown, wait_for_panels, wait_js, with_browser,
};
use crate::support::gate;
use crate::support::lab::{Lab, in_namespace, in_ns};

#[test]
fn dual_stack_lab_visitor_sees_both_families_on_the_page() {
    const TEST: &str = "dual_stack_lab_visitor_sees_both_families_on_the_page";
    if !gate::gate(TEST, browser::ready()) {
        return;
    }
    // The probe host learns its own two origins; the page is served from a
    // third name that maps to its IPv4 address.
    let probe_args = "--rate-burst 100000 --rate-refill-secs 1 \
        --public-origin http://portcheck.test:8080 \
        --ipv4-origin http://v4.portcheck.test:8080 \
        --ipv6-origin http://v6.portcheck.test:8080";
    let Some(lab) = Lab::for_test(
        TEST,
        &["mixed"],
        &[("PORTCHECK_LAB_PROBE_ARGS", probe_args)],
    ) else {
        return;
    };
    assert_eq!(
        lab.get("PROBE_PORT"),
        "8080",
        "the origins above name port 8080"
    );
    let visitor = lab.visitor("mixed");
    assert_eq!(
        visitor.families().len(),
        2,
        "the mixed visitor is dual-stack"
    );
    let rules = format!(
        "MAP portcheck.test {v4},MAP v4.portcheck.test {v4},MAP v6.portcheck.test [{v6}]",
        v4 = lab.get("PROBE_IPV4"),
        v6 = lab.get("PROBE_IPV6"),
    );
    // Chromium resolves names to IPv6 only when a UDP socket can be
    // "connected" to a global IPv6 address (2001:4860:4860::8888; no packet
    // is sent). Give the visitor a route for that one address towards its
    // lab router, whose `unreachable default` keeps it inside the lab.
    let routes = in_ns(&visitor.ns, "ip", &["-6", "route", "show", "2001:db8::/32"]);
    let routes = String::from_utf8_lossy(&routes.stdout).into_owned();
    let gateway = routes
        .split_whitespace()
        .skip_while(|w| *w != "via")
        .nth(1)
        .unwrap_or_else(|| panic!("no IPv6 lab gateway in {routes:?}"))
        .to_owned();
    let added = in_ns(
        &visitor.ns,
        "ip",
        &[
            "-6",
            "route",
            "add",
            "2001:4860:4860::8888/128",
            "via",
            &gateway,
        ],
    );
    assert!(added.status.success(), "{added:?}");

    // Chromium and its driver start inside the visitor's namespace. Some
    // starts of Chromium there cannot reach the lab's IPv6 origin at all
    // ("Failed to fetch" for every request to it in that session, while
    // the next start can): that is the browser's view of the lab, not the
    // page's, so a session whose own fetch to the IPv6 origin fails is
    // replaced (at most three starts, each said), and the panels are
    // compared in a session that reaches both origins.
    let [ipv4, ipv6] = in_namespace(&visitor.ns, async move || {
        for start in 1..=3 {
            let options = Options {
                resolver_rules: Some(rules.clone()),
                // The lab's addresses are documentation prefixes.
                documentation_addresses: true,
                ..Options::default()
            };
            let shown_panels = with_browser(options, async |c| {
                c.goto("http://portcheck.test:8080/?lang=de")
                    .await
                    .expect("open the page");
                wait_js(
                    &c,
                    "the two-family note",
                    "document.querySelector('#dual-note')",
                )
                .await;
                browser::js(
                    &c,
                    "window.__v6 = 'pending'; fetch('http://v6.portcheck.test:8080/api/v1/whoami')\
                     .then(r => window.__v6 = 'ok ' + r.status, e => window.__v6 = 'failed ' + e.message)",
                )
                .await;
                wait_js(&c, "the browser's own IPv6 fetch", "window.__v6 !== 'pending'").await;
                let v6 = browser::js(&c, "return window.__v6").await;
                if v6.as_str() != Some("ok 200") {
                    eprintln!("lab::page: start {start} of Chromium cannot reach the IPv6 origin ({v6}); starting it again");
                    return None;
                }
                click(&c, "#consent").await;
                wait_for_panels(&c, "data-verdict").await;
                Some([shown(&c, "ipv4").await, shown(&c, "ipv6").await])
            })
            .await;
            if let Some(panels) = shown_panels {
                return panels;
            }
        }
        panic!(
            "three starts of Chromium in the visitor's namespace could not reach the IPv6 origin"
        );
    });

    // The probe's own reports for the same visitor, one per family.
    let v4 = lab.scan(&visitor, Family::Ipv4);
    let v6 = lab.scan(&visitor, Family::Ipv6);
    assert_eq!(v4.target.ip, visitor.ipv4.expect("IPv4"));
    assert_eq!(v6.target.ip, visitor.ipv6.expect("IPv6"));
    ipv4.assert_matches("ipv4", &in_plan_order(v4));
    ipv6.assert_matches("ipv6", &in_plan_order(v6));
}

/// The report with its range ports in the order the page draws them: group
/// by group as the plan lists its groups (the report lists them ascending).
fn in_plan_order(mut report: Report) -> Report {
    let order: Vec<u16> = Plan::standard()
        .groups
        .iter()
        .flat_map(|g| g.port_numbers())
        .collect();
    report
        .ports
        .sort_by_key(|p| order.iter().position(|&o| o == p.port));
    assert_eq!(
        report.ports.len(),
        order.len(),
        "every range port of the plan"
    );
    report
}
