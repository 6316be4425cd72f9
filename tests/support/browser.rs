//! Debian's Chromium driven over WebDriver (chromedriver + fantoccini) for
//! the page's end-to-end tests, and axe-core run inside the page. Every wait
//! polls a DOM condition with a deadline; nothing sleeps to synchronise.
//!
//! The browser and its driver start in the calling thread's network
//! namespace, so a test that has entered a lab visitor's namespace gets a
//! browser there.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};

use super::{TempDir, gate, repo_path};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The longest a page condition may take to come true.
pub const WAIT: Duration = Duration::from_secs(60);

/// The built page (`trunk build --release`).
pub fn dist() -> PathBuf {
    repo_path("dist")
}

/// Whether the browser, its driver and the built page are here.
pub fn ready() -> Result<(), String> {
    gate::file(&dist().join("index.html"), "trunk build --release")?;
    gate::file(Path::new(CHROMIUM), "apt-get install chromium")?;
    gate::file(Path::new(CHROMEDRIVER), "apt-get install chromium-driver")
}

/// How to start Chromium beyond the common flags.
#[derive(Default)]
pub struct Options {
    /// `--host-resolver-rules`: names the test maps without DNS.
    pub resolver_rules: Option<String>,
    /// Further command-line flags.
    pub args: Vec<String>,
}

/// chromedriver with one Chromium session on a fresh profile.
struct Session {
    driver: Child,
    profile: TempDir,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        kill_chromium_with_profile(self.profile.path());
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

/// Start chromedriver on a port of its choosing and read it back from its
/// line "ChromeDriver was started successfully on port N.".
fn start_driver() -> (Child, u16) {
    use std::io::{BufRead, BufReader};
    let mut driver = Command::new(CHROMEDRIVER)
        .arg("--port=0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let mut out = BufReader::new(driver.stdout.take().expect("stdout"));
    let mut port = None;
    let mut seen = String::new();
    let mut line = String::new();
    while port.is_none() && out.read_line(&mut line).is_ok_and(|n| n > 0) {
        port = line
            .split("started successfully on port ")
            .nth(1)
            .and_then(|rest| rest.trim().trim_end_matches('.').parse().ok());
        seen.push_str(&line);
        line.clear();
    }
    let Some(port) = port else {
        let _ = driver.kill();
        let _ = driver.wait();
        panic!("chromedriver did not say its port:\n{seen}");
    };
    // Keep draining its output so it never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (driver, port)
}

async fn open(options: &Options) -> (Session, Client) {
    let (driver, port) = start_driver();
    let session = Session {
        driver,
        profile: TempDir::new("chromium"),
    };
    let webdriver = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + WAIT;
    while reqwest::get(format!("{webdriver}/status")).await.is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not answer");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut args: Vec<String> = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1280,900",
        "--lang=de-DE",
    ]
    .map(String::from)
    .to_vec();
    if let Some(rules) = &options.resolver_rules {
        args.push(format!("--host-resolver-rules={rules}"));
    }
    args.extend(options.args.iter().cloned());
    args.push(format!(
        "--user-data-dir={}",
        session.profile.path().display()
    ));
    let caps = json!({ "goog:chromeOptions": { "binary": CHROMIUM, "args": args } });
    let caps = caps.as_object().cloned().expect("object");
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&webdriver)
        .await
        .expect("webdriver session");
    (session, client)
}

/// Runs `body` with a browser and closes the session even when it panics.
pub async fn with_browser<F, Fut, T>(options: Options, body: F) -> T
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = T>,
{
    let (session, client) = open(&options).await;
    let result = std::panic::AssertUnwindSafe(body(client.clone()))
        .catch_unwind()
        .await;
    let _ = client.close().await;
    drop(session);
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// One test at a time: page tests share listeners and the two CPU cores.
pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

pub async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// A script's result as text.
pub async fn js_text(c: &Client, script: &str) -> String {
    let v = js(c, script).await;
    v.as_str()
        .unwrap_or_else(|| panic!("not text: {v}\n{script}"))
        .to_owned()
}

/// Polls a JavaScript condition (an expression) until it is true.
pub async fn wait_js(c: &Client, what: &str, expr: &str) {
    let deadline = Instant::now() + WAIT;
    let script = format!("return !!({expr});");
    while js(c, &script).await != Value::Bool(true) {
        if Instant::now() > deadline {
            let body = js(c, "return document.body.innerText").await;
            panic!("timed out after {WAIT:?} waiting for {what}; page text:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

/// The CSS scope of one family's panel (`ipv4`, `ipv6`), or of the whole
/// page for `""`.
fn scope(family: &str) -> String {
    if family.is_empty() {
        String::new()
    } else {
        format!("[data-family={family}] ")
    }
}

/// Port states shown in `family`'s panel (or the page), in page order.
pub async fn port_states(c: &Client, family: &str) -> Vec<(u16, String)> {
    let v = js(
        c,
        &format!(
            "return [...document.querySelectorAll('{}[data-port]')]\
             .map(e => [Number(e.dataset.port), e.dataset.state]);",
            scope(family)
        ),
    )
    .await;
    serde_json::from_value(v).expect("port list")
}

/// The verdict level shown in `family`'s panel (or the page), or null.
pub async fn verdict(c: &Client, family: &str) -> Value {
    js(
        c,
        &format!(
            "return document.querySelector('{}[data-verdict]')?.dataset.verdict ?? null",
            scope(family)
        ),
    )
    .await
}

/// The text of the element `css`.
pub async fn inner_text(c: &Client, css: &str) -> String {
    js_text(
        c,
        &format!("return document.querySelector('{css}').innerText"),
    )
    .await
}

/// Waits until the IPv4 panel shows its verdict and the IPv6 panel an
/// element with attribute `ipv6` (`data-verdict`, or `data-failure`).
pub async fn wait_for_panels(c: &Client, ipv6: &str) {
    let expr = format!(
        "document.querySelector('[data-family=ipv4] [data-verdict]') \
         && document.querySelector('[data-family=ipv6] [{ipv6}]')"
    );
    wait_js(c, &format!("an IPv4 verdict and IPv6 {ipv6}"), &expr).await;
}

/// What one family's panel (or the page) shows: the port states in order
/// and the verdict level.
#[derive(Debug)]
pub struct Shown {
    pub states: Vec<(u16, String)>,
    pub verdict: Value,
}

pub async fn shown(c: &Client, family: &str) -> Shown {
    Shown {
        states: port_states(c, family).await,
        verdict: verdict(c, family).await,
    }
}

impl Shown {
    /// Asserts that the panel showed exactly the probe's report: every range
    /// port with its state, in order, and the verdict level.
    pub fn assert_matches(&self, family: &str, report: &portcheck::api::Report) {
        let want: Vec<(u16, String)> = report
            .ports
            .iter()
            .map(|p| (p.port, wire_name(p.state)))
            .collect();
        assert_eq!(
            self.states, want,
            "{family} panel against the probe's report"
        );
        assert_eq!(
            self.verdict,
            Value::String(wire_name(report.verdict.level)),
            "{family} verdict"
        );
    }
}

/// A value's JSON name (`"open"`, `"critical"`).
pub fn wire_name(v: impl serde::Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        other => panic!("not a JSON name: {other:?}"),
    }
}

/// Runs axe-core (from tests/a11y, `npm ci`) on the current document and
/// fails on any violation; `state` names the page state for the message.
pub async fn assert_axe_clean(c: &Client, state: &str) {
    let src_path = repo_path("tests/a11y/node_modules/axe-core/axe.min.js");
    let src = std::fs::read_to_string(&src_path).unwrap_or_else(|e| {
        panic!(
            "{} missing ({e}): run `npm ci` in tests/a11y",
            src_path.display()
        )
    });
    if js(c, "return typeof window.axe !== 'undefined';").await != Value::Bool(true) {
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
    let violations = out["violations"].as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "axe-core found violations in the {state} state:\n{}",
        serde_json::to_string_pretty(&violations).unwrap_or_default()
    );
}
