//! End-to-end test of the two-family check in each browser engine: a
//! dual-stack visitor opens the page, and the page checks IPv4 and IPv6
//! against the operator's IPv4-only and IPv6-only origins and shows both
//! results side by side.
//!
//! Each test runs in a network namespace of its own (`in_own_netns`) whose
//! `lo` carries one IPv4 and one IPv6 address of the documentation ranges,
//! the visitor's two addresses; probe, listeners and browser run there, so
//! the fixed ports collide with nothing outside. No DNS: the browser maps
//! `portcheck.test` and `v4.portcheck.test` to the IPv4 address and
//! `v6.portcheck.test` to the IPv6 one (`Options::hosts`). Neither is a
//! loopback address, so a hosts file gives each name only its own family
//! (glibc answers 127.0.0.1 for a name it maps to `::1`, and a browser that
//! asks both families would reach IPv4 under the IPv6 name), and the
//! namespace has an address of each family besides loopback (name lookups
//! with `AI_ADDRCONFIG` ask only for families the host has an address of
//! besides loopback). Chromium's local-network access checks are off
//! (`Options::documentation_addresses`).
//!
//! The probe listens on `[::]:PORT` (dual stack), and its origins name
//! PORT; listeners make the families differ: IPv4 445 open (critical), IPv6
//! 443 open (notice). A second test starts the probe on IPv4 only: the IPv6
//! origin is refused, and the IPv6 panel must say there is no IPv6
//! connection while the IPv4 panel still shows its result.
//!
//! Needs root (ports below 1024, the namespace), `dist/` built by Trunk,
//! the engine's browser and driver: `scripts/test-page` prepares all of it.
//! Without them the tests skip loudly, or fail when `CI` is set. Waits poll
//! DOM conditions with a deadline.
use std::net::IpAddr;
use std::path::Path;

use serde_json::{Value, json};

use crate::support::browser::{
    Options, assert_axe_clean, click, js, port_states, serial, verdict, wait_for_panels, wait_js,
    with_browser,
};
use crate::support::ports::accepting_ports;
use crate::support::{ProbeProcess, gate, get_json, in_own_netns, ip};

/// The visitor's IPv4 address (documentation range, on the namespace's lo).
const VISITOR_V4: &str = "198.51.100.22";
/// The visitor's IPv6 address (documentation prefix, on the namespace's lo).
const VISITOR_V6: &str = "2001:db8:22::6";
/// Open over IPv4 only: SMB reachable over IPv4.
const V4_OPEN: (&str, u16) = (VISITOR_V4, 445);
/// Open over IPv6 only: HTTPS reachable over IPv6.
const V6_OPEN: (&str, u16) = (VISITOR_V6, 443);

/// Whether the tests can run here: root, the browser, the page, `ip`, and
/// IPv6 in the kernel.
fn ready(test: &str) -> bool {
    let ipv6 = gate::file(Path::new("/proc/sys/net/ipv6"), "a kernel with IPv6");
    super::ready(test) && gate::gate(test, gate::tools(&["ip"]).and(ipv6))
}

/// How the probe listens.
#[derive(Clone, Copy)]
enum Listen {
    /// On `[::]`: both families.
    DualStack,
    /// On `0.0.0.0`: IPv4 only, as for a computer without IPv6.
    Ipv4Only,
}

/// A running `portcheck serve` with the operator's three origins, on a
/// port picked before it starts (the origins name it). The browser maps
/// each name to the visitor's address of its family.
struct Probe {
    process: ProbeProcess,
}

impl Probe {
    /// Starts the probe on a port that is free on both families (so that
    /// without an IPv6 listener nothing at all answers there).
    fn start(listen: Listen) -> Probe {
        let port = std::net::TcpListener::bind("[::]:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free dual-stack port");
        let listen = match listen {
            Listen::DualStack => format!("[::]:{port}"),
            Listen::Ipv4Only => format!("0.0.0.0:{port}"),
        };
        let www = crate::support::browser::dist();
        let flags = format!(
            "--public-origin http://portcheck.test:{port} --ipv4-origin http://v4.portcheck.test:{port} \
             --ipv6-origin http://v6.portcheck.test:{port} --allow-target {VISITOR_V4}/32 \
             --allow-target {VISITOR_V6}/128 --rate-burst 1000"
        );
        let mut args = vec![
            "--listen",
            &listen,
            "--www",
            www.to_str().expect("UTF-8 path"),
        ];
        args.extend(flags.split_whitespace());
        let process = ProbeProcess::start(&args);
        assert_eq!(process.port(), port, "the probe took another port");
        Probe { process }
    }

    fn v4(&self, path: &str) -> String {
        format!("http://{VISITOR_V4}:{}{path}", self.process.port())
    }

    fn v6(&self, path: &str) -> String {
        format!("http://[{VISITOR_V6}]:{}{path}", self.process.port())
    }

    fn page(&self) -> String {
        format!("http://portcheck.test:{}/?lang=de", self.process.port())
    }

    /// The names of the three origins, mapped without DNS.
    fn browser(&self) -> Options {
        let (v4, v6): (IpAddr, IpAddr) = (ip(VISITOR_V4), ip(VISITOR_V6));
        Options {
            hosts: vec![
                ("portcheck.test".into(), v4),
                ("v4.portcheck.test".into(), v4),
                ("v6.portcheck.test".into(), v6),
            ],
            documentation_addresses: true,
            ..Options::default()
        }
    }
}

/// One two-family test: ready, one at a time, in a namespace of its own
/// with the visitor's addresses and listeners, a probe listening as
/// `listen` and a browser that knows its names, all gone afterwards.
fn dual_test<F, Fut>(test: &str, listen: Listen, body: F)
where
    F: FnOnce(fantoccini::Client, Probe) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    if !ready(test) {
        return;
    }
    let addresses = [format!("{VISITOR_V4}/32"), format!("{VISITOR_V6}/128")];
    in_own_netns(&addresses, move || async move {
        let _one = serial().await;
        let _open = accepting_ports(&[V4_OPEN, V6_OPEN]).await;
        let probe = Probe::start(listen);
        with_browser(probe.browser(), |c| async move {
            c.goto(&probe.page()).await.expect("open the page");
            wait_js(
                &c,
                "the two-family note (site info loaded)",
                "document.querySelector('#dual-note')",
            )
            .await;
            click(&c, "#consent").await;
            body(c, probe).await;
        })
        .await;
    });
}

/// The probe's own report for a visitor from `url`'s address family.
async fn api_report(url: &str) -> Value {
    get_json(&reqwest::Client::new(), url).await
}

// ---------------------------------------------------------------- tests

#[test]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
fn dual_stack_visitor_sees_ipv4_and_ipv6_side_by_side() {
    const TEST: &str = "dual_stack_visitor_sees_ipv4_and_ipv6_side_by_side";
    dual_test(TEST, Listen::DualStack, |c, probe| async move {
        // Both panels appear and fill in; each ends with its own verdict.
        wait_js(
            &c,
            "two family panels",
            "document.querySelectorAll('[data-family]').length === 2",
        )
        .await;
        wait_for_panels(&c, "data-verdict").await;
        let order = js(
            &c,
            "return [...document.querySelectorAll('[data-family]')].map(e => e.dataset.family)",
        )
        .await;
        assert_eq!(order, json!(["ipv4", "ipv6"]));

        let v4_report = api_report(&probe.v4("/api/v1/scan")).await;
        let v6_report = api_report(&probe.v6("/api/v1/scan")).await;
        assert_eq!(v4_report["target"]["family"], "ipv4", "{v4_report}");
        assert_eq!(v6_report["target"]["family"], "ipv6", "{v6_report}");

        let v4 = port_states(&c, "ipv4").await;
        let v6 = port_states(&c, "ipv6").await;
        super::assert_shows_report("ipv4", &v4, &v4_report);
        super::assert_shows_report("ipv6", &v6, &v6_report);
        let state = |list: &[(u16, String)], port: u16| {
            list.iter()
                .find(|p| p.0 == port)
                .map(|p| p.1.clone())
                .unwrap_or_default()
        };
        assert_eq!(
            (state(&v4, 445).as_str(), state(&v4, 443).as_str()),
            ("open", "closed")
        );
        assert_eq!(
            (state(&v6, 443).as_str(), state(&v6, 445).as_str()),
            ("open", "closed")
        );

        let v4_verdict = verdict(&c, "ipv4").await;
        let v6_verdict = verdict(&c, "ipv6").await;
        assert_eq!(v4_verdict, v4_report["verdict"]["level"]);
        assert_eq!(v6_verdict, v6_report["verdict"]["level"]);
        assert_eq!(v4_verdict, "critical");
        assert_eq!(v6_verdict, "notice");

        // Each panel names the address it checked and its honest limit.
        let v4_text = js(
            &c,
            "return document.querySelector('[data-family=ipv4]').innerText",
        )
        .await;
        let v6_text = js(
            &c,
            "return document.querySelector('[data-family=ipv6]').innerText",
        )
        .await;
        let (v4_text, v6_text) = (v4_text.as_str().unwrap(), v6_text.as_str().unwrap());
        assert!(
            v4_text.contains(VISITOR_V4) && v4_text.contains("DS-Lite"),
            "{v4_text}"
        );
        assert!(
            v6_text.contains(VISITOR_V6) && v6_text.contains("Dateiserver"),
            "{v6_text}"
        );

        // Side by side at this width: the IPv6 panel starts right of IPv4's.
        let side_by_side = js(
            &c,
            "const [a, b] = [...document.querySelectorAll('[data-family]')].map(e => e.getBoundingClientRect());
             return b.left > a.right - 1 && Math.abs(a.top - b.top) < 2;",
        )
        .await;
        assert_eq!(side_by_side, Value::Bool(true), "panels not side by side");

        // The summary for the IT service provider holds both results.
        let summary = js(&c, "return document.querySelector('#summary-text').value").await;
        let summary = summary.as_str().unwrap();
        let needles = format!(
            "=== IPv4 ===\nGeprüfte Adresse: {VISITOR_V4} (IPv4)\n445   microsoft-ds   offen\n\
             === IPv6 ===\nGeprüfte Adresse: {VISITOR_V6} (IPv6)\n443   https          offen"
        );
        for needle in needles.lines() {
            assert!(
                summary.contains(needle),
                "summary lacks {needle:?}:\n{summary}"
            );
        }

        // English texts for both panels.
        click(&c, "#lang-switch").await;
        wait_js(&c, "English page", "document.documentElement.lang === 'en'").await;
        let v6_text = js(
            &c,
            "return document.querySelector('[data-family=ipv6]').innerText",
        )
        .await;
        assert!(
            v6_text.as_str().unwrap().contains("file server"),
            "{v6_text}"
        );

        // Narrow screens stack the panels.
        c.set_window_size(420, 900).await.unwrap();
        wait_js(
            &c,
            "stacked panels",
            "(() => { const [a, b] = [...document.querySelectorAll('[data-family]')].map(e => e.getBoundingClientRect()); return b.top >= a.bottom - 1; })()")
        .await;

        // At 320 px both results reflow: only port tables scroll sideways.
        super::narrow(&c).await;
        super::assert_reflows(&c, "two families (en)").await;
        assert_axe_clean(&c, "two families at 320 px (en)").await;
    });
}

#[test]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
fn without_ipv6_the_ipv6_side_says_so_and_ipv4_still_works() {
    // The probe listens on IPv4 only; its IPv6 origin is refused, as for a
    // computer without IPv6, and the name has no IPv4 address to fall back on.
    const TEST: &str = "without_ipv6_the_ipv6_side_says_so_and_ipv4_still_works";
    dual_test(TEST, Listen::Ipv4Only, |c, probe| async move {
        wait_for_panels(&c, "data-failure").await;
        let failure = js(
            &c,
            "return document.querySelector('[data-family=ipv6] [data-failure]').dataset.failure",
        )
        .await;
        assert_eq!(failure, "network");
        let v6_text = js(
            &c,
            "return document.querySelector('[data-family=ipv6]').innerText",
        )
        .await;
        assert!(
            v6_text.as_str().unwrap().contains("Keine IPv6-Verbindung"),
            "{v6_text}"
        );
        assert_eq!(
            js(
                &c,
                "return document.querySelectorAll('[data-family=ipv6] [data-port]').length"
            )
            .await,
            json!(0)
        );
        let v4_report = api_report(&probe.v4("/api/v1/scan")).await;
        super::assert_shows_report("ipv4", &port_states(&c, "ipv4").await, &v4_report);
        assert_eq!(verdict(&c, "ipv4").await, v4_report["verdict"]["level"]);
        let summary = js(&c, "return document.querySelector('#summary-text').value").await;
        assert!(
            summary
                .as_str()
                .unwrap()
                .contains("=== IPv6 ===\nKeine IPv6-Verbindung"),
            "{summary}"
        );
    });
}
