//! End-to-end test of the two-family check in Debian's Chromium: a
//! dual-stack visitor opens the page, and the page checks IPv4 and IPv6
//! against the operator's IPv4-only and IPv6-only origins and shows both
//! results side by side.
//!
//! No DNS: Chromium maps `portcheck.test` and `v4.portcheck.test` to
//! 127.0.0.1 and `v6.portcheck.test` to [::1] (`--host-resolver-rules`). The
//! probe listens on `[::]:PORT` (dual stack). IPv4 and IPv6 loopback are two
//! real address families of one host, so listeners make them differ:
//! 127.0.0.1:445 open (IPv4: critical), [::1]:443 open (IPv6: notice).
//! A second test points the IPv6 origin at a port where nothing listens on
//! [::1]: the IPv6 panel must say there is no IPv6 connection while the IPv4
//! panel still shows its result.
//!
//! Needs root (ports below 1024), `dist/` built by Trunk, Chromium and
//! chromedriver: `scripts/test-page` prepares all of it. Without them the
//! tests skip loudly, or fail when `CI` is set. Waits poll DOM conditions
//! with a deadline.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const WAIT: Duration = Duration::from_secs(30);
/// Open on IPv4 loopback only: SMB reachable over IPv4.
const V4_OPEN: (&str, u16) = ("127.0.0.1", 445);
/// Open on IPv6 loopback only: HTTPS reachable over IPv6.
const V6_OPEN: (&str, u16) = ("::1", 443);

fn skip_or_fail(why: &str) -> bool {
    if std::env::var_os("CI").is_some() {
        panic!("dual-stack page test cannot run: {why} (CI is set, so this fails)");
    }
    eprintln!("\n************************************************************");
    eprintln!("*** SKIPPED dual-stack page end-to-end test: {why}");
    eprintln!("*** run scripts/test-page (as root) to run it");
    eprintln!("************************************************************\n");
    false
}

fn dist() -> PathBuf {
    Path::new(ROOT).join("dist")
}

fn ready() -> bool {
    if !support::require_root("dual-stack page end-to-end test") {
        return false;
    }
    if !dist().join("index.html").is_file() {
        return skip_or_fail("dist/ is not built (trunk build --release)");
    }
    for bin in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(bin).exists() {
            return skip_or_fail(&format!("{bin} is missing"));
        }
    }
    if TcpListener::bind("[::1]:0").is_err() {
        return skip_or_fail("no IPv6 loopback (::1) on this host");
    }
    true
}

/// One open listener per family for the whole test binary.
fn listeners() {
    static OPENED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    OPENED.get_or_init(|| {
        for (ip, port) in [V4_OPEN, V6_OPEN] {
            let l = TcpListener::bind((ip, port))
                .unwrap_or_else(|e| panic!("cannot listen on {ip} port {port} ({e})"));
            std::thread::spawn(move || {
                for conn in l.incoming() {
                    drop(conn);
                }
            });
        }
    });
}

/// One test at a time: they share the listeners and the two CPU cores.
async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

/// A port free on both loopbacks (`[::]` binds both on Linux by default).
fn free_port() -> u16 {
    TcpListener::bind("[::]:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn wait_http(url: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    let client = reqwest::Client::new();
    loop {
        if let Ok(r) = client.get(url).send().await {
            if r.status().is_success() {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{url} did not answer in {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A running `portcheck serve`, killed on drop.
struct Probe {
    child: Child,
    port: u16,
}

impl Probe {
    /// Starts the probe on `listen_ip` with the two family origins on `port`
    /// (the IPv6 origin on `v6_port`).
    async fn start(listen_ip: &str, v6_port: Option<u16>) -> Probe {
        let port = free_port();
        let listen = if listen_ip.contains(':') {
            format!("[{listen_ip}]:{port}")
        } else {
            format!("{listen_ip}:{port}")
        };
        let v6_port = v6_port.unwrap_or(port);
        let child = Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .arg("serve")
            .args(["--listen", &listen, "--www"])
            .arg(dist())
            .args(["--public-origin", &format!("http://portcheck.test:{port}")])
            .args(["--ipv4-origin", &format!("http://v4.portcheck.test:{port}")])
            .args([
                "--ipv6-origin",
                &format!("http://v6.portcheck.test:{v6_port}"),
            ])
            .args(["--allow-target", "127.0.0.0/8", "--allow-target", "::1/128"])
            .args(["--rate-burst", "1000"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("start portcheck serve");
        let probe = Probe { child, port };
        wait_http(&probe.v4("/healthz"), Duration::from_secs(20)).await;
        probe
    }

    fn v4(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn v6(&self, path: &str) -> String {
        format!("http://[::1]:{}{path}", self.port)
    }

    fn page(&self) -> String {
        format!("http://portcheck.test:{}/?lang=de", self.port)
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Browser {
    driver: Child,
    profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        kill_chromium_with_profile(&self.profile);
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Ends Chromium processes left behind: only those with this test's profile.
fn kill_chromium_with_profile(profile: &Path) {
    let needle = format!("--user-data-dir={}", profile.display());
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline)
            .split('\0')
            .any(|a| a == needle)
        {
            // SAFETY: sending a signal to a pid we just read.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

async fn open_browser() -> (Browser, Client) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let profile = std::env::temp_dir().join(format!(
        "portcheck-dual-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).expect("profile dir");
    let browser = Browser { driver, profile };
    let webdriver = format!("http://127.0.0.1:{port}");
    wait_http(&format!("{webdriver}/status"), Duration::from_secs(20)).await;
    let caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
                "--window-size=1280,900", "--lang=de-DE",
                "--host-resolver-rules=MAP v4.portcheck.test 127.0.0.1,MAP v6.portcheck.test [::1],MAP portcheck.test 127.0.0.1",
                format!("--user-data-dir={}", browser.profile.display()),
            ],
        }
    });
    let caps = caps.as_object().cloned().expect("object");
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&webdriver)
        .await
        .expect("webdriver session");
    (browser, client)
}

async fn with_browser<F, Fut>(body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()>,
{
    let (browser, client) = open_browser().await;
    let result = std::panic::AssertUnwindSafe(body(client.clone()))
        .catch_unwind()
        .await;
    let _ = client.close().await;
    drop(browser);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

async fn wait_js(c: &Client, what: &str, expr: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    let script = format!("return !!({expr});");
    loop {
        if js(c, &script).await == Value::Bool(true) {
            return;
        }
        if Instant::now() > deadline {
            let body = js(c, "return document.body.innerText").await;
            panic!("timed out after {limit:?} waiting for {what}; page text:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

/// Port states inside one family's panel, in page order.
async fn panel_states(c: &Client, family: &str) -> Vec<(u16, String)> {
    let v = js(
        c,
        &format!(
            "return [...document.querySelectorAll('[data-family={family}] [data-port]')]\
             .map(e => [Number(e.dataset.port), e.dataset.state]);"
        ),
    )
    .await;
    serde_json::from_value(v).expect("port list")
}

async fn panel_verdict(c: &Client, family: &str) -> Value {
    js(
        c,
        &format!(
            "return document.querySelector('[data-family={family}] [data-verdict]')?.dataset.verdict ?? null"
        ),
    )
    .await
}

/// The probe's own report for a visitor from `url`'s address family.
async fn api_report(url: &str) -> Value {
    reqwest::get(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .json()
        .await
        .expect("report JSON")
}

fn assert_panel_matches(family: &str, page: &[(u16, String)], report: &Value) {
    assert_eq!(
        page.iter().map(|p| p.0).collect::<Vec<u16>>(),
        (440..=449).collect::<Vec<u16>>(),
        "{family} panel ports"
    );
    for (i, (port, state)) in page.iter().enumerate() {
        assert_eq!(report["ports"][i]["port"], json!(port), "{family}");
        assert_eq!(
            report["ports"][i]["state"],
            json!(state),
            "{family} port {port}"
        );
    }
}

// ---------------------------------------------------------------- tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and chromium: run scripts/test-page"]
async fn dual_stack_visitor_sees_ipv4_and_ipv6_side_by_side() {
    if !ready() {
        return;
    }
    let _one = serial().await;
    listeners();
    let probe = Probe::start("::", None).await;
    with_browser(|c| async move {
        c.goto(&probe.page()).await.unwrap();
        wait_js(&c, "the two-family note (site info loaded)", "document.querySelector('#dual-note')", WAIT).await;
        click(&c, "#consent").await;

        // Both panels appear and fill in; each ends with its own verdict.
        wait_js(&c, "two family panels", "document.querySelectorAll('[data-family]').length === 2", WAIT).await;
        wait_js(
            &c,
            "a verdict in both panels",
            "document.querySelector('[data-family=ipv4] [data-verdict]') && document.querySelector('[data-family=ipv6] [data-verdict]')",
            WAIT,
        )
        .await;
        let order = js(&c, "return [...document.querySelectorAll('[data-family]')].map(e => e.dataset.family)").await;
        assert_eq!(order, json!(["ipv4", "ipv6"]));

        let v4_report = api_report(&probe.v4("/api/v1/scan")).await;
        let v6_report = api_report(&probe.v6("/api/v1/scan")).await;
        assert_eq!(v4_report["target"]["family"], "ipv4", "{v4_report}");
        assert_eq!(v6_report["target"]["family"], "ipv6", "{v6_report}");

        let v4 = panel_states(&c, "ipv4").await;
        let v6 = panel_states(&c, "ipv6").await;
        assert_panel_matches("ipv4", &v4, &v4_report);
        assert_panel_matches("ipv6", &v6, &v6_report);
        let state = |list: &[(u16, String)], port: u16| {
            list.iter().find(|p| p.0 == port).map(|p| p.1.clone()).unwrap_or_default()
        };
        assert_eq!((state(&v4, 445).as_str(), state(&v4, 443).as_str()), ("open", "closed"));
        assert_eq!((state(&v6, 443).as_str(), state(&v6, 445).as_str()), ("open", "closed"));

        let v4_verdict = panel_verdict(&c, "ipv4").await;
        let v6_verdict = panel_verdict(&c, "ipv6").await;
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
        for needle in [
            "=== IPv4 ===",
            "Geprüfte Adresse: 127.0.0.1 (IPv4)",
            "445   microsoft-ds   offen",
            "=== IPv6 ===",
            "Geprüfte Adresse: ::1 (IPv6)",
            "443   https          offen",
        ] {
            assert!(summary.contains(needle), "summary lacks {needle:?}:\n{summary}");
        }

        // English texts for both panels.
        click(&c, "#lang-switch").await;
        wait_js(&c, "English page", "document.documentElement.lang === 'en'", WAIT).await;
        let v6_text = js(&c, "return document.querySelector('[data-family=ipv6]').innerText").await;
        assert!(v6_text.as_str().unwrap().contains("file server"), "{v6_text}");

        // Narrow screens stack the panels.
        c.set_window_size(420, 900).await.unwrap();
        wait_js(
            &c,
            "stacked panels",
            "(() => { const [a, b] = [...document.querySelectorAll('[data-family]')].map(e => e.getBoundingClientRect()); return b.top >= a.bottom - 1; })()",
            WAIT,
        )
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and chromium: run scripts/test-page"]
async fn without_ipv6_the_ipv6_side_says_so_and_ipv4_still_works() {
    if !ready() {
        return;
    }
    let _one = serial().await;
    listeners();
    // The probe listens on IPv4 only; its IPv6 origin gets no answer at all,
    // as for a computer without IPv6.
    let probe = Probe::start("127.0.0.1", None).await;
    with_browser(|c| async move {
        c.goto(&probe.page()).await.unwrap();
        wait_js(&c, "the two-family note", "document.querySelector('#dual-note')", WAIT).await;
        click(&c, "#consent").await;
        wait_js(
            &c,
            "IPv4 verdict and IPv6 failure",
            "document.querySelector('[data-family=ipv4] [data-verdict]') && document.querySelector('[data-family=ipv6] [data-failure]')",
            WAIT,
        )
        .await;
        let failure = js(&c, "return document.querySelector('[data-family=ipv6] [data-failure]').dataset.failure").await;
        assert_eq!(failure, "network");
        let v6_text = js(&c, "return document.querySelector('[data-family=ipv6]').innerText").await;
        assert!(v6_text.as_str().unwrap().contains("Keine IPv6-Verbindung"), "{v6_text}");
        assert_eq!(
            js(&c, "return document.querySelectorAll('[data-family=ipv6] [data-port]').length").await,
            json!(0)
        );
        let v4_report = api_report(&probe.v4("/api/v1/scan")).await;
        assert_panel_matches("ipv4", &panel_states(&c, "ipv4").await, &v4_report);
        assert_eq!(panel_verdict(&c, "ipv4").await, v4_report["verdict"]["level"]);
        let summary = js(&c, "return document.querySelector('#summary-text').value").await;
        assert!(summary.as_str().unwrap().contains("=== IPv6 ===\nKeine IPv6-Verbindung"), "{summary}");
    })
    .await;
}
