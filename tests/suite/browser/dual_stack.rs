//! End-to-end test of the two-family check in each browser engine: a
//! dual-stack visitor opens the page, and the page checks IPv4 and IPv6
//! against the operator's IPv4-only and IPv6-only origins and shows both
//! results side by side.
//!
//! No DNS: the browser maps `portcheck.test` and `v4.portcheck.test` to
//! 127.0.0.1 and `v6.portcheck.test` to [::1] (`Options::hosts`). The
//! probe listens on `[::]:PORT` (dual stack), and its origins name PORT. IPv4 and IPv6 loopback are two
//! real address families of one host, so listeners make them differ:
//! 127.0.0.1:445 open (IPv4: critical), [::1]:443 open (IPv6: notice).
//! A second test points the IPv6 origin at a port where nothing listens on
//! [::1]: the IPv6 panel must say there is no IPv6 connection while the IPv4
//! panel still shows its result.
//!
//! Needs root (ports below 1024), `dist/` built by Trunk, the engine's
//! browser and driver: `scripts/test-page` prepares all of it. Without them the
//! tests skip loudly, or fail when `CI` is set. Waits poll DOM conditions
//! with a deadline.
use serde_json::{Value, json};

use crate::support::browser::{
    Options, assert_axe_clean, click, js, port_states, serial, verdict, wait_for_panels, wait_js,
    with_browser,
};
use crate::support::ports::open_for_good;
use crate::support::{ProbeProcess, get_json};

/// Open on IPv4 loopback only: SMB reachable over IPv4.
const V4_OPEN: (&str, u16) = ("127.0.0.1", 445);
/// Open on IPv6 loopback only: HTTPS reachable over IPv6.
const V6_OPEN: (&str, u16) = ("::1", 443);

/// Ready (with IPv6 loopback), one test at a time, with the listeners.
async fn prepare(test: &str) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    let v6 = std::net::TcpListener::bind("[::1]:0")
        .map(drop)
        .map_err(|e| format!("no IPv6 loopback (::1) on this host: {e}"));
    if !super::ready(test) || !crate::support::gate(test, v6) {
        return None;
    }
    let one = serial().await;
    open_for_good(&[V4_OPEN, V6_OPEN]);
    Some(one)
}

/// A running `portcheck serve` with the operator's three origins, on a
/// port picked before it starts (the origins name it). The browser maps
/// each name to the loopback address of its family.
struct Probe {
    process: ProbeProcess,
}

impl Probe {
    /// Starts the probe on `listen_ip`, on a port that is free on both
    /// IPv4 and IPv6 loopback (so that without an IPv6 listener nothing at
    /// all answers there).
    fn start(listen_ip: &str) -> Probe {
        let port = std::net::TcpListener::bind("[::]:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free dual-stack port");
        let listen = if listen_ip.contains(':') {
            format!("[{listen_ip}]:{port}")
        } else {
            format!("{listen_ip}:{port}")
        };
        let www = crate::support::browser::dist();
        let flags = format!(
            "--public-origin http://portcheck.test:{port} --ipv4-origin http://v4.portcheck.test:{port} \
             --ipv6-origin http://v6.portcheck.test:{port} --allow-target 127.0.0.0/8 \
             --allow-target ::1/128 --rate-burst 1000"
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
        format!("http://127.0.0.1:{}{path}", self.process.port())
    }

    fn v6(&self, path: &str) -> String {
        format!("http://[::1]:{}{path}", self.process.port())
    }

    fn page(&self) -> String {
        format!("http://portcheck.test:{}/?lang=de", self.process.port())
    }

    /// The names of the three origins, mapped without DNS.
    fn browser(&self) -> Options {
        let v4 = crate::support::ip("127.0.0.1");
        let v6 = crate::support::ip("::1");
        Options {
            hosts: vec![
                ("portcheck.test".into(), v4),
                ("v4.portcheck.test".into(), v4),
                ("v6.portcheck.test".into(), v6),
            ],
            ..Options::default()
        }
    }
}

/// One two-family test: ready, one at a time, a probe listening on
/// `listen_ip` and a browser that knows its names, both gone afterwards.
async fn dual_test<F, Fut>(test: &str, listen_ip: &str, body: F)
where
    F: FnOnce(fantoccini::Client, Probe) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(_one) = prepare(test).await else {
        return;
    };
    let probe = Probe::start(listen_ip);
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
}

/// The probe's own report for a visitor from `url`'s address family.
async fn api_report(url: &str) -> Value {
    get_json(&reqwest::Client::new(), url).await
}

// ---------------------------------------------------------------- tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn dual_stack_visitor_sees_ipv4_and_ipv6_side_by_side() {
    const TEST: &str = "dual_stack_visitor_sees_ipv4_and_ipv6_side_by_side";
    dual_test(TEST, "::", |c, probe| async move {
        // Both panels appear and fill in; each ends with its own verdict.
        wait_js(&c, "two family panels", "document.querySelectorAll('[data-family]').length === 2").await;
        wait_for_panels(&c, "data-verdict").await;
        let order = js(&c, "return [...document.querySelectorAll('[data-family]')].map(e => e.dataset.family)").await;
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
            list.iter().find(|p| p.0 == port).map(|p| p.1.clone()).unwrap_or_default()
        };
        assert_eq!((state(&v4, 445).as_str(), state(&v4, 443).as_str()), ("open", "closed"));
        assert_eq!((state(&v6, 443).as_str(), state(&v6, 445).as_str()), ("open", "closed"));

        let v4_verdict = verdict(&c, "ipv4").await;
        let v6_verdict = verdict(&c, "ipv6").await;
        assert_eq!(v4_verdict, v4_report["verdict"]["level"]);
        assert_eq!(v6_verdict, v6_report["verdict"]["level"]);
        assert_eq!(v4_verdict, "critical");
        assert_eq!(v6_verdict, "notice");

        // Each panel names the address it checked and its honest limit.
        let v4_text = js(&c, "return document.querySelector('[data-family=ipv4]').innerText").await;
        let v6_text = js(&c, "return document.querySelector('[data-family=ipv6]').innerText").await;
        let (v4_text, v6_text) = (v4_text.as_str().unwrap(), v6_text.as_str().unwrap());
        assert!(v4_text.contains("127.0.0.1") && v4_text.contains("DS-Lite"), "{v4_text}");
        assert!(v6_text.contains("::1") && v6_text.contains("Dateiserver"), "{v6_text}");

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
        let needles = "=== IPv4 ===\nGeprüfte Adresse: 127.0.0.1 (IPv4)\n445   microsoft-ds   offen\n\
                       === IPv6 ===\nGeprüfte Adresse: ::1 (IPv6)\n443   https          offen";
        for needle in needles.lines() {
            assert!(summary.contains(needle), "summary lacks {needle:?}:\n{summary}");
        }

        // English texts for both panels.
        click(&c, "#lang-switch").await;
        wait_js(&c, "English page", "document.documentElement.lang === 'en'").await;
        let v6_text = js(&c, "return document.querySelector('[data-family=ipv6]').innerText").await;
        assert!(v6_text.as_str().unwrap().contains("file server"), "{v6_text}");

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
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn without_ipv6_the_ipv6_side_says_so_and_ipv4_still_works() {
    // The probe listens on IPv4 only; its IPv6 origin gets no answer at all,
    // as for a computer without IPv6.
    const TEST: &str = "without_ipv6_the_ipv6_side_says_so_and_ipv4_still_works";
    dual_test(TEST, "127.0.0.1", |c, probe| async move {
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
    })
    .await;
}
