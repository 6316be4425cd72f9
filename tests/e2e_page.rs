//! End-to-end tests of the page in Debian's Chromium against the real
//! `portcheck serve`, which scans loopback listeners the test opens on ports
//! 443 and 445 (the Celle pattern: file sharing and HTTPS reachable).
//!
//! Needs: root (ports below 1024), `dist/` built by Trunk, `/usr/bin/chromium`
//! and `/usr/bin/chromedriver`, and for the accessibility checks axe-core in
//! `tests/a11y/node_modules` (`npm ci` there). `scripts/test-page` prepares
//! all of it and runs these tests; plain `cargo test` lists them as ignored.
//! Without a prerequisite they print a loud SKIPPED banner, or fail when `CI`
//! is set. Every wait polls a DOM condition with a deadline; nothing sleeps to
//! synchronise.
#![cfg(not(target_arch = "wasm32"))]

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const OPEN_PORTS: [u16; 2] = [443, 445];
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

// ---------------------------------------------------------------- harness

fn skip_or_fail(why: &str) -> bool {
    if std::env::var_os("CI").is_some() {
        panic!(
            "page end-to-end test cannot run: {why} (CI is set, so this fails instead of skipping)"
        );
    }
    eprintln!("\n************************************************************");
    eprintln!("*** SKIPPED page end-to-end test: {why}");
    eprintln!("*** run scripts/test-page (as root) to run it");
    eprintln!("************************************************************\n");
    false
}

fn dist() -> PathBuf {
    Path::new(ROOT).join("dist")
}

/// Whether everything the tests need is here; otherwise a loud skip.
fn ready() -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return skip_or_fail("needs root to listen on ports 443 and 445");
    }
    if !dist().join("index.html").is_file() {
        return skip_or_fail("dist/ is not built (trunk build --release)");
    }
    for bin in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(bin).exists() {
            return skip_or_fail(&format!(
                "{bin} is missing (apt-get install chromium chromium-driver)"
            ));
        }
    }
    true
}

/// Loopback listeners on 443 and 445 for the whole test binary, accepting and
/// closing every connection (an "open" port for the probe).
fn listeners() {
    static OPENED: OnceLock<()> = OnceLock::new();
    OPENED.get_or_init(|| {
        for port in OPEN_PORTS {
            let l = TcpListener::bind(("127.0.0.1", port)).unwrap_or_else(|e| {
                panic!("cannot listen on 127.0.0.1:{port} ({e}); is another test using it?")
            });
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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Polls `url` until it answers 200, for at most `limit`.
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
            "{url} did not answer within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A running `portcheck serve`, killed on drop.
struct Probe {
    child: Child,
    base: String,
}

impl Probe {
    async fn start(extra: &[&str]) -> Probe {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let www = dist();
        let child = Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .arg("serve")
            .args(["--listen", &listen, "--www"])
            .arg(&www)
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("start portcheck serve");
        let probe = Probe {
            child,
            base: format!("http://{listen}"),
        };
        wait_http(&format!("{}/healthz", probe.base), Duration::from_secs(20)).await;
        probe
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver with one Chromium session on a fresh profile.
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

/// Ends Chromium processes left behind by a failed test: only those started
/// with this test's own profile directory.
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
        let cmdline = String::from_utf8_lossy(&cmdline);
        if cmdline.split('\0').any(|a| a == needle) {
            // SAFETY: sending a signal to a pid we just read.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

async fn open_browser() -> (Browser, Client) {
    let port = free_port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let profile = std::env::temp_dir().join(format!(
        "portcheck-e2e-{}-{}",
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

/// Runs `body` with a browser and closes the session even when it panics.
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

/// Polls a JavaScript condition (an expression) until it is true.
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

const WAIT: Duration = Duration::from_secs(20);

async fn port_states(c: &Client) -> Vec<(u16, String)> {
    let v = js(
        c,
        "return [...document.querySelectorAll('[data-port]')].map(e => [Number(e.dataset.port), e.dataset.state]);",
    )
    .await;
    serde_json::from_value(v).expect("port list")
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

/// Runs axe-core on the current document; returns the violations.
async fn axe(c: &Client) -> Vec<Value> {
    let src_path = Path::new(ROOT).join("tests/a11y/node_modules/axe-core/axe.min.js");
    let src = std::fs::read_to_string(&src_path).unwrap_or_else(|e| {
        panic!(
            "{} missing ({e}): run `npm ci` in tests/a11y",
            src_path.display()
        )
    });
    let loaded = js(c, "return typeof window.axe !== 'undefined';").await;
    if loaded != Value::Bool(true) {
        c.execute(&format!("{src}\nreturn true;"), vec![])
            .await
            .expect("inject axe-core");
    }
    let out = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document).then(r => done({passes: r.passes.length, violations: r.violations.map(v => ({
                 id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)
             }))})).catch(e => done({passes: 0, violations: [{id: 'axe-error', help: String(e)}]}));",
            vec![],
        )
        .await
        .expect("axe.run");
    // A run that checked nothing would also report no violations.
    let passes = out["passes"].as_u64().unwrap_or(0);
    assert!(
        passes >= 10,
        "axe-core checked too little ({passes} rules passed): {out}"
    );
    out["violations"].as_array().cloned().unwrap_or_default()
}

async fn assert_axe_clean(c: &Client, state: &str) {
    let v = axe(c).await;
    assert!(
        v.is_empty(),
        "axe-core found violations in the {state} state:\n{}",
        serde_json::to_string_pretty(&v).unwrap_or_default()
    );
}

/// Chromedriver's network emulation: slows the scan stream down so that the
/// running state stays on screen long enough to be checked.
#[derive(Debug)]
struct NetworkConditions(Option<u64>);

impl WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base: &reqwest::Url,
        session: Option<&str>,
    ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
        base.join(&format!(
            "session/{}/chromium/network_conditions",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (hyper::Method, Option<String>) {
        match self.0 {
            Some(bytes_per_s) => (
                hyper::Method::POST,
                Some(
                    json!({"network_conditions": {
                        "offline": false, "latency": 0,
                        "download_throughput": bytes_per_s, "upload_throughput": 1_000_000
                    }})
                    .to_string(),
                ),
            ),
            None => (hyper::Method::DELETE, None),
        }
    }
}

/// WebDriver "Set Permission": lets the test read the clipboard back.
#[derive(Debug)]
struct GrantPermission(&'static str);

impl WebDriverCompatibleCommand for GrantPermission {
    fn endpoint(
        &self,
        base: &reqwest::Url,
        session: Option<&str>,
    ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
        base.join(&format!(
            "session/{}/permissions",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (hyper::Method, Option<String>) {
        (
            hyper::Method::POST,
            Some(json!({"descriptor": {"name": self.0}, "state": "granted"}).to_string()),
        )
    }
}

fn expected_state(port: u16) -> &'static str {
    if OPEN_PORTS.contains(&port) {
        "open"
    } else {
        "closed"
    }
}

// ---------------------------------------------------------------- tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and chromium: run scripts/test-page"]
async fn consent_scan_verdict_guide_copy_and_language() {
    if !ready() {
        return;
    }
    let _one = serial().await;
    listeners();
    let probe = Probe::start(&["--rate-burst", "1000"]).await;
    with_browser(|c| async move {
        c.goto(&probe.url("/?lang=de")).await.unwrap();
        wait_js(&c, "consent button", "document.querySelector('button#consent')", WAIT).await;
        wait_js(
            &c,
            "the address from whoami",
            "document.querySelector('#whoami')?.textContent === '127.0.0.1'",
            WAIT,
        )
        .await;
        assert_eq!(js(&c, "return document.documentElement.lang").await, "de");

        click(&c, "#consent").await;
        wait_js(&c, "the verdict", "document.querySelector('[data-verdict]')", WAIT).await;

        // The page shows what the probe reports: compare with the API's own report.
        let page = port_states(&c).await;
        let ports: Vec<u16> = page.iter().map(|p| p.0).collect();
        assert_eq!(ports, (440..=449).collect::<Vec<u16>>());
        let report: Value = reqwest::get(probe.url("/api/v1/scan"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for (i, (port, state)) in page.iter().enumerate() {
            assert_eq!(report["ports"][i]["port"], json!(port));
            assert_eq!(report["ports"][i]["state"], json!(state), "port {port}");
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
        assert_eq!(findings, json!(["smb-exposed", "https-exposed"]));
        let verdict_text = js(&c, "return document.querySelector('[data-verdict]').innerText").await;
        assert!(verdict_text.as_str().unwrap().contains("Kritisch"), "{verdict_text}");

        // Pick a router, see its steps.
        click(&c, "label[for=router-digibox-premium]").await;
        wait_js(&c, "the router guide", "document.querySelector('#router-guide[data-router=digibox-premium]')", WAIT).await;
        let steps = js(&c, "return [...document.querySelectorAll('#router-guide ol.steps > li')].map(e => e.innerText)").await;
        let steps = steps.as_array().unwrap();
        assert!(steps.len() >= 4, "{steps:?}");
        assert!(steps.iter().any(|s| s.as_str().unwrap().contains("Netzwerk → NAT → NAT-Konfiguration")));
        assert!(steps[0].as_str().unwrap().contains("11.1.2.102"));

        // Copy the summary; read the clipboard back where the browser lets us.
        click(&c, "#copy-summary").await;
        wait_js(&c, "copy status", "document.querySelector('#copy-status').dataset.copy !== 'idle'", WAIT).await;
        let summary = js(&c, "return document.querySelector('#summary-text').value").await;
        let summary = summary.as_str().unwrap().to_string();
        for needle in ["Prüfbericht", "Geprüfte Adresse: 127.0.0.1 (IPv4)", "Ergebnis: Kritisch", "445   microsoft-ds   offen", "Datum: "] {
            assert!(summary.contains(needle), "summary lacks {needle:?}:\n{summary}");
        }
        let status = js(&c, "return document.querySelector('#copy-status').dataset.copy").await;
        assert_eq!(status, "copied", "clipboard write refused");
        c.issue_cmd(GrantPermission("clipboard-read"))
            .await
            .expect("grant clipboard-read");
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
        wait_js(&c, "English page", "document.documentElement.lang === 'en'", WAIT).await;
        let verdict_text = js(&c, "return document.querySelector('[data-verdict]').innerText").await;
        assert!(verdict_text.as_str().unwrap().contains("Critical"), "{verdict_text}");
        let url = c.current_url().await.unwrap();
        assert!(url.as_str().contains("lang=en"), "{url}");
        let guide = js(&c, "return document.querySelector('#router-guide').innerText").await;
        assert!(guide.as_str().unwrap().contains("Update the firmware"), "{guide}");

        // Check again runs a fresh check.
        click(&c, "#check-again").await;
        wait_js(&c, "a new verdict", "document.querySelector('[data-verdict]')", WAIT).await;
        assert_eq!(port_states(&c).await, page);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and chromium: run scripts/test-page"]
async fn axe_finds_nothing_in_start_running_and_result_in_both_languages() {
    if !ready() {
        return;
    }
    let _one = serial().await;
    listeners();
    let probe = Probe::start(&["--rate-burst", "1000"]).await;
    with_browser(|c| async move {
        for lang in ["de", "en"] {
            c.goto(&probe.url(&format!("/?lang={lang}"))).await.unwrap();
            wait_js(
                &c,
                "consent button",
                "document.querySelector('#consent')",
                WAIT,
            )
            .await;
            wait_js(&c, "whoami", "document.querySelector('#whoami')", WAIT).await;
            assert_axe_clean(&c, &format!("start ({lang})")).await;

            // Throttle the network so the stream trickles in and the running
            // state stays up while axe looks at it.
            c.issue_cmd(NetworkConditions(Some(400)))
                .await
                .expect("network conditions");
            click(&c, "#consent").await;
            wait_js(
                &c,
                "running state",
                "document.querySelector('progress')",
                WAIT,
            )
            .await;
            assert_axe_clean(&c, &format!("running ({lang})")).await;
            let running = js(&c, "return !!document.querySelector('progress')").await;
            c.issue_cmd(NetworkConditions(None))
                .await
                .expect("network conditions off");
            wait_js(
                &c,
                "the verdict",
                "document.querySelector('[data-verdict]')",
                Duration::from_secs(60),
            )
            .await;
            assert_eq!(
                running,
                Value::Bool(true),
                "the running state ended before axe finished"
            );
            click(&c, "label[for=router-fritzbox]").await;
            wait_js(
                &c,
                "router guide",
                "document.querySelector('#router-guide')",
                WAIT,
            )
            .await;
            assert_axe_clean(&c, &format!("result ({lang})")).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and chromium: run scripts/test-page"]
async fn keyboard_only_walkthrough() {
    if !ready() {
        return;
    }
    let _one = serial().await;
    listeners();
    let probe = Probe::start(&["--rate-burst", "1000"]).await;
    with_browser(|c| async move {
        c.goto(&probe.url("/?lang=en")).await.unwrap();
        wait_js(&c, "consent button", "document.querySelector('#consent')", WAIT).await;

        // Tab to the consent button and press Enter: no mouse anywhere.
        let mut reached = false;
        for _ in 0..15 {
            c.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
            if js(&c, "return document.activeElement?.id").await == "consent" {
                reached = true;
                break;
            }
        }
        assert!(reached, "Tab never reached the consent button");
        let ring = js(&c, "return getComputedStyle(document.activeElement).outlineStyle").await;
        assert_ne!(ring, "none", "no visible focus on the consent button");
        c.active_element().await.unwrap().send_keys(&Key::Enter.to_string()).await.unwrap();
        wait_js(&c, "the verdict", "document.querySelector('[data-verdict]')", WAIT).await;
        // Focus moved to the result heading.
        wait_js(&c, "focus on the result heading", "document.activeElement?.id === 'phase-heading'", WAIT).await;

        // Tab on to the router choice and pick one with the keyboard.
        let mut on_radio = false;
        for _ in 0..40 {
            c.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
            if js(&c, "return document.activeElement?.name").await == "router" {
                on_radio = true;
                break;
            }
        }
        assert!(on_radio, "Tab never reached the router choice");
        c.active_element().await.unwrap().send_keys(" ").await.unwrap();
        wait_js(&c, "a router guide", "document.querySelector('#router-guide')", WAIT).await;
        c.active_element().await.unwrap().send_keys(&Key::Down.to_string()).await.unwrap();
        wait_js(
            &c,
            "the next router's guide",
            "document.querySelector('#router-guide')?.dataset.router === 'digibox-standard'",
            WAIT,
        )
        .await;
        // Shift+Tab back up to "Check again" and run it with Space.
        let mut on_again = false;
        for _ in 0..40 {
            c.active_element()
                .await
                .unwrap()
                .send_keys(&format!("{}{}", Key::Shift, Key::Tab))
                .await
                .unwrap();
            if js(&c, "return document.activeElement?.id").await == "check-again" {
                on_again = true;
                break;
            }
        }
        assert!(on_again, "Shift+Tab never reached Check again");
        c.active_element().await.unwrap().send_keys(" ").await.unwrap();
        wait_js(&c, "focus on the new result", "document.activeElement?.id === 'phase-heading' && document.querySelector('[data-verdict]')", WAIT).await;
    })
    .await;
}

/// A host page on another origin (another loopback port) that embeds the
/// check with the README's one-line snippet.
fn serve_host_page(l: TcpListener, probe_base: &str) {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Host</title></head>\
         <body><h1>Association</h1>\
         <script src=\"{probe_base}/embed.js\" data-lang=\"en\" async></script>\
         <p id=\"after\">after</p></body></html>"
    );
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for conn in l.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{html}",
                html.len()
            );
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and chromium: run scripts/test-page"]
async fn embed_view_posts_its_height_to_the_host_page() {
    if !ready() {
        return;
    }
    let _one = serial().await;
    listeners();
    let host_listener = TcpListener::bind("127.0.0.1:0").expect("host page listener");
    let host = host_listener.local_addr().unwrap().port();
    let host_origin = format!("http://127.0.0.1:{host}");
    let probe = Probe::start(&["--rate-burst", "1000", "--embed-origin", &host_origin]).await;
    serve_host_page(host_listener, &probe.base);
    with_browser(|c| async move {
        c.goto(&format!("http://127.0.0.1:{host}/")).await.unwrap();
        wait_js(&c, "the iframe", "document.querySelector('iframe.portcheck-embed')", WAIT).await;
        let src = js(&c, "return document.querySelector('iframe.portcheck-embed').src").await;
        let src = src.as_str().unwrap();
        assert!(src.starts_with(&format!("{}/embed?", probe.base)), "{src}");
        assert!(src.contains(&format!("origin=http%3A%2F%2F127.0.0.1%3A{host}")), "{src}");
        // The host script applies the first height message.
        wait_js(&c, "a height from the frame", "document.querySelector('iframe.portcheck-embed').height !== '600'", WAIT).await;
        let h1: u32 = js(&c, "return document.querySelector('iframe.portcheck-embed').height").await
            .as_str().unwrap().parse().unwrap();

        c.enter_frame(0).await.unwrap();
        wait_js(&c, "consent in the frame", "document.querySelector('#consent')", WAIT).await;
        assert!(js(&c, "return document.querySelector('.masthead') === null && document.querySelector('footer') === null").await == Value::Bool(true), "page chrome in embed view");
        let content = js(&c, "return Math.ceil(document.querySelector('.page').getBoundingClientRect().height)").await;
        assert_eq!(content, json!(h1), "posted height differs from the content height");
        click(&c, "#consent").await;
        wait_js(&c, "verdict in the frame", "document.querySelector('[data-verdict]')", WAIT).await;
        let content = js(&c, "return Math.ceil(document.querySelector('.page').getBoundingClientRect().height)").await;
        c.enter_parent_frame().await.unwrap();
        // The result is taller: the host resizes the frame to match.
        let expr = format!("document.querySelector('iframe.portcheck-embed').height === '{}'", content);
        wait_js(&c, "the frame resized to the result", &expr, WAIT).await;
        assert!(content.as_u64().unwrap() > u64::from(h1), "result not taller than start view");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and chromium: run scripts/test-page"]
async fn refusals_show_the_reason_and_the_wait_time() {
    if !ready() {
        return;
    }
    let _one = serial().await;
    listeners();
    // A probe that may check only a documentation range: loopback is refused (403).
    let strict = Probe::start(&["--allow-target", "192.0.2.0/24"]).await;
    // A probe that allows one check, then makes the address wait (429).
    let stingy = Probe::start(&["--rate-burst", "1", "--rate-refill-secs", "300"]).await;
    // A probe that goes away after the page has loaded.
    let gone = Probe::start(&[]).await;
    with_browser(|c| async move {
        c.goto(&strict.url("/?lang=en")).await.unwrap();
        wait_js(
            &c,
            "consent button",
            "document.querySelector('#consent')",
            WAIT,
        )
        .await;
        click(&c, "#consent").await;
        wait_js(
            &c,
            "a failure",
            "document.querySelector('[data-failure]')",
            WAIT,
        )
        .await;
        assert_eq!(
            js(
                &c,
                "return document.querySelector('[data-failure]').dataset.failure"
            )
            .await,
            "target_not_allowed"
        );
        let reason = js(
            &c,
            "return document.querySelector('#failure-reason').textContent",
        )
        .await;
        assert!(!reason.as_str().unwrap().is_empty());
        assert_axe_clean(&c, "403 failure (en)").await;

        c.goto(&stingy.url("/?lang=de")).await.unwrap();
        wait_js(
            &c,
            "consent button",
            "document.querySelector('#consent')",
            WAIT,
        )
        .await;
        click(&c, "#consent").await;
        wait_js(
            &c,
            "the first verdict",
            "document.querySelector('[data-verdict]')",
            WAIT,
        )
        .await;
        click(&c, "#check-again").await;
        wait_js(
            &c,
            "a failure",
            "document.querySelector('[data-failure]')",
            WAIT,
        )
        .await;
        assert_eq!(
            js(
                &c,
                "return document.querySelector('[data-failure]').dataset.failure"
            )
            .await,
            "rate_limited"
        );
        let wait = js(&c, "return document.querySelector('#retry-wait').innerText").await;
        let wait = wait.as_str().unwrap();
        assert!(
            wait.contains("Minute") || wait.contains("Sekunde"),
            "{wait}"
        );
        assert_eq!(
            js(&c, "return document.querySelector('#try-again').disabled").await,
            Value::Bool(true)
        );
        assert_axe_clean(&c, "429 failure (de)").await;

        c.goto(&gone.url("/?lang=en")).await.unwrap();
        wait_js(
            &c,
            "consent button",
            "document.querySelector('#consent')",
            WAIT,
        )
        .await;
        drop(gone);
        click(&c, "#consent").await;
        wait_js(
            &c,
            "a failure",
            "document.querySelector('[data-failure]')",
            WAIT,
        )
        .await;
        assert_eq!(
            js(
                &c,
                "return document.querySelector('[data-failure]').dataset.failure"
            )
            .await,
            "network"
        );
        assert_eq!(
            js(&c, "return document.querySelector('#try-again').disabled").await,
            Value::Bool(false)
        );
    })
    .await;
}
