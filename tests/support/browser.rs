//! A real browser driven over W3C WebDriver (fantoccini) for the page's
//! end-to-end tests, and axe-core run inside the page. Three engines, one
//! per test run (`PORTCHECK_BROWSER`, Chromium when unset): Debian's
//! Chromium with chromedriver, Firefox ESR with geckodriver (from
//! crates.io), and WebKitGTK's MiniBrowser with WebKitWebDriver under a
//! private Xvfb display. The tests are the same in each; what differs is
//! only here: how a driver starts, the capabilities, and the few commands
//! that WebDriver leaves to each engine (a 320 px viewport, clipboard
//! access, names mapped to loopback addresses without DNS).
//!
//! Every wait polls a DOM condition with a deadline; nothing sleeps to
//! synchronise. The browser and its driver start in the calling thread's
//! network namespace, so a test that has entered a lab visitor's namespace
//! gets a browser there. Each driver leads a process group of its own that
//! holds the browser, and the display server too; both groups are killed on
//! every exit path (drop, panic, and the test process dying).

use std::ffi::CString;
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};

use super::{TempDir, gate, repo_path};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const FIREFOX: &str = "/usr/bin/firefox-esr";
/// Not packaged in Debian 12: `cargo install geckodriver` puts it on PATH.
pub const GECKODRIVER: &str = "geckodriver";
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
pub const WEBKITDRIVER: &str = "/usr/bin/WebKitWebDriver";
pub const XVFB: &str = "/usr/bin/Xvfb";
/// The variable that picks the engine of a test run.
pub const ENGINE_VAR: &str = "PORTCHECK_BROWSER";
/// The longest a page condition may take to come true.
pub const WAIT: Duration = Duration::from_secs(60);
/// The window every session starts with: wide enough for the two-family
/// view side by side.
const WINDOW: (u32, u32) = (1280, 900);

/// A browser engine the page is tested in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
    Webkit,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::Webkit];

    /// The name `PORTCHECK_BROWSER` takes.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::Webkit => "webkit",
        }
    }

    pub fn parse(name: &str) -> Result<Engine, String> {
        Engine::ALL
            .into_iter()
            .find(|e| e.name() == name)
            .ok_or_else(|| format!("{ENGINE_VAR}={name:?}: not one of chromium, firefox, webkit"))
    }

    /// The engine of this test run. A misspelt name fails every browser
    /// test rather than quietly testing another engine.
    pub fn current() -> Engine {
        match std::env::var(ENGINE_VAR) {
            Ok(name) if !name.is_empty() => Engine::parse(&name).unwrap_or_else(|e| panic!("{e}")),
            _ => Engine::Chromium,
        }
    }

    /// Whether the engine's browser, driver and helpers are installed.
    fn installed(self) -> Result<(), String> {
        let how = "scripts/test-page installs it (setup_browser)";
        match self {
            Engine::Chromium => {
                gate::file(Path::new(CHROMIUM), "apt-get install chromium")?;
                gate::file(Path::new(CHROMEDRIVER), "apt-get install chromium-driver")
            }
            Engine::Firefox => {
                gate::file(Path::new(FIREFOX), "apt-get install firefox-esr")?;
                gate::tools(&[GECKODRIVER]).map_err(|e| format!("{e} ({how})"))
            }
            Engine::Webkit => {
                gate::file(Path::new(MINIBROWSER), "apt-get install webkit2gtk-driver")?;
                gate::file(Path::new(WEBKITDRIVER), "apt-get install webkit2gtk-driver")?;
                gate::file(Path::new(XVFB), "apt-get install xvfb")?;
                gate::file(&locales().join("de_DE.UTF-8/LC_CTYPE"), how)
            }
        }
    }
}

/// The built page (`trunk build --release`).
pub fn dist() -> PathBuf {
    repo_path("dist")
}

/// The de_DE.UTF-8 locale compiled for WebKitGTK, which takes the page's
/// languages (`navigator.languages`) from the process locale.
fn locales() -> PathBuf {
    repo_path(".tools/locale")
}

/// Whether this run's browser, its driver and the built page are here.
pub fn ready() -> Result<(), String> {
    gate::file(&dist().join("index.html"), "trunk build --release")?;
    Engine::current().installed()
}

/// What of a page's code the browser runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scripts {
    /// JavaScript and WebAssembly, as browsers ship.
    #[default]
    All,
    /// JavaScript without WebAssembly, as under Edge's "JavaScript JIT"
    /// policy: Chromium's `--js-flags=--jitless`, Firefox's
    /// `javascript.options.wasm` off.
    NoWasm,
    /// No JavaScript at all: Chromium's `--blink-settings=scriptEnabled=false`,
    /// Firefox's `javascript.enabled` off.
    None,
}

/// Whether this run's engine can be started with `scripts`: WebKitGTK has
/// no setting for WebAssembly alone (JavaScriptCore's `JSC_useWebAssembly`
/// in the driver's environment does not reach MiniBrowser's pages).
pub fn can_run(scripts: Scripts) -> Result<(), String> {
    if Engine::current() == Engine::Webkit && scripts == Scripts::NoWasm {
        return Err("WebKitGTK cannot switch off WebAssembly alone".to_owned());
    }
    Ok(())
}

/// How to start the browser beyond the common settings.
#[derive(Default)]
pub struct Options {
    /// Whether the browser runs JavaScript and WebAssembly.
    pub scripts: Scripts,
    /// Chromium's `--host-resolver-rules` as given (Chromium only; the
    /// lab's tests use it).
    pub resolver_rules: Option<String>,
    /// Names the browser resolves without DNS, each to one address: in
    /// Chromium as resolver rules, elsewhere from an `/etc/hosts` of the
    /// browser's own (a private mount namespace).
    pub hosts: Vec<(String, IpAddr)>,
    /// Further command-line arguments for the browser.
    pub args: Vec<String>,
    /// The page and its origins are on documentation addresses
    /// (198.51.100.0/24, 2001:db8::/32), which stand for the public
    /// addresses of real visitors and operators: Chromium's local-network
    /// access checks are off, as Chromium classes 2001:db8::/32 as a local
    /// network and would block the page's fetch from a public-looking
    /// origin to it (navigating there works). The other engines have no
    /// such checks on.
    pub documentation_addresses: bool,
}

/// What [`Options::documentation_addresses`] turns off in Chromium.
const CHROMIUM_NO_LOCAL_NETWORK_CHECKS: &str = "--disable-features=LocalNetworkAccessChecks,\
    BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,\
    PrivateNetworkAccessRespectPreflightResults";

/// A child process leading a process group of its own (its children stay
/// in it); the whole group is killed and the leader reaped on drop. The
/// kernel kills the leader too if the test process dies first.
struct Group(Child);

impl Group {
    /// Spawns `cmd` as a group leader; `in_child` runs in the child before
    /// it executes the program.
    fn spawn(
        mut cmd: Command,
        in_child: impl Fn() -> std::io::Result<()> + Send + Sync + 'static,
    ) -> Group {
        cmd.process_group(0);
        // SAFETY: the closure only makes system calls (prctl, and whatever
        // `in_child` makes: unshare and mount), which are allowed after fork.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                in_child()
            });
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("start {:?}: {e}", cmd.get_program()));
        Group(child)
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.0.id()) {
            // SAFETY: a signal to the process group this child leads.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        let _ = self.0.wait();
    }
}

/// A driver with one browser session, its profile and (for WebKit) its
/// display, torn down in that order.
struct Session {
    driver: Group,
    display: Option<Group>,
    profile: TempDir,
}

impl Drop for Session {
    fn drop(&mut self) {
        // Then the fields: the driver's group, the display's, the profile.
        kill_with_profile(self.profile.path());
    }
}

/// Ends browser processes left behind by a failed test that escaped their
/// driver's process group: only those started with an argument inside this
/// session's own profile directory.
fn kill_with_profile(profile: &Path) {
    let needle = profile.display().to_string();
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
            .any(|a| a.contains(&needle))
        {
            // SAFETY: sending a signal to a pid we just read.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

/// Reads `out` line by line until `find` picks a value from a line; then
/// keeps draining it in the background so the writer never blocks.
fn read_until<R, T>(out: R, what: &str, find: impl Fn(&str) -> Option<T>) -> T
where
    R: std::io::Read + Send + 'static,
{
    let mut out = BufReader::new(out);
    let mut seen = String::new();
    let mut line = String::new();
    while out.read_line(&mut line).is_ok_and(|n| n > 0) {
        if let Some(found) = find(&line) {
            std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
            return found;
        }
        seen.push_str(&line);
        line.clear();
    }
    panic!("{what} ended without saying it was ready:\n{seen}");
}

/// A loopback port nobody listens on right now, for drivers that cannot
/// pick one themselves and say it (tests run one at a time).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A private X display for WebKitGTK: `Xvfb -displayfd` picks a free
/// display number and writes it to its standard output.
fn start_display() -> (Group, String) {
    let mut cmd = Command::new(XVFB);
    cmd.args([
        "-displayfd",
        "1",
        "-nolisten",
        "tcp",
        "-screen",
        "0",
        "1280x1024x24",
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut xvfb = Group::spawn(cmd, || Ok(()));
    let out = xvfb.0.stdout.take().expect("Xvfb stdout");
    let number = read_until(out, "Xvfb", |l| l.trim().parse::<u32>().ok());
    (xvfb, format!(":{number}"))
}

/// In the child: a mount namespace of its own with `hosts` over
/// `/etc/hosts`, so the browser resolves the test's names; the system's
/// file is untouched.
fn private_hosts(hosts: CString) -> impl Fn() -> std::io::Result<()> + Send + Sync + 'static {
    move || {
        let target = c"/etc/hosts";
        // SAFETY: plain system calls with valid NUL-terminated strings.
        unsafe {
            if libc::unshare(libc::CLONE_NEWNS) != 0
                || libc::mount(
                    std::ptr::null(),
                    c"/".as_ptr(),
                    std::ptr::null(),
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                ) != 0
                || libc::mount(
                    hosts.as_ptr(),
                    target.as_ptr(),
                    std::ptr::null(),
                    libc::MS_BIND,
                    std::ptr::null(),
                ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

/// The GTK style of MiniBrowser's own toolbar, shrunk so that its window
/// can be as narrow as 320 px (WebKitWebDriver sizes the window, and the
/// toolbar's natural width would keep it at 447 px). The page is not drawn
/// by GTK, so this changes nothing in it.
const NARROW_TOOLBAR_CSS: &str =
    "* { font-size: 1px; min-width: 0; min-height: 0; padding: 0; margin: 0; border-width: 0; }\n";

/// The same for Firefox's window (`userChrome.css`): its toolbars would
/// keep it at least 500 px wide.
const NARROW_FIREFOX_CHROME_CSS: &str = ":root, #main-window, #navigator-toolbox, toolbar, #nav-bar, \
     #urlbar-container, #urlbar, #TabsToolbar, #browser, #tabbrowser-tabbox, #appcontent \
     { min-width: 0 !important; }\n";

/// Starts the engine's driver for a session with `profile`, and reads back
/// the port it listens on.
fn start_driver(engine: Engine, options: &Options, profile: &Path) -> (Group, Option<Group>, u16) {
    let in_child: Box<dyn Fn() -> std::io::Result<()> + Send + Sync> =
        if engine == Engine::Chromium || options.hosts.is_empty() {
            Box::new(|| Ok(()))
        } else {
            let file = profile.join("hosts");
            let lines: String = options
                .hosts
                .iter()
                .map(|(name, ip)| format!("{ip} {name}\n"))
                .collect();
            std::fs::write(
                &file,
                format!("127.0.0.1 localhost\n::1 localhost\n{lines}"),
            )
            .expect("write the browser's hosts file");
            let path = CString::new(file.display().to_string()).expect("path without NUL");
            Box::new(private_hosts(path))
        };
    match engine {
        Engine::Chromium => {
            let mut cmd = Command::new(CHROMEDRIVER);
            cmd.arg("--port=0")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null());
            let mut driver = Group::spawn(cmd, in_child);
            let out = driver.0.stdout.take().expect("chromedriver stdout");
            // "ChromeDriver was started successfully on port N."
            let port = read_until(out, "chromedriver", |l| {
                l.split("started successfully on port ")
                    .nth(1)
                    .and_then(|rest| rest.trim().trim_end_matches('.').parse().ok())
            });
            (driver, None, port)
        }
        Engine::Firefox => {
            let port = free_port();
            let mut cmd = Command::new(GECKODRIVER);
            cmd.args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .arg("--profile-root")
                .arg(profile)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            (Group::spawn(cmd, in_child), None, port)
        }
        Engine::Webkit => {
            let (display, name) = start_display();
            let gtk = profile.join("config/gtk-3.0");
            std::fs::create_dir_all(&gtk).expect("GTK config dir");
            std::fs::write(gtk.join("gtk.css"), NARROW_TOOLBAR_CSS).expect("gtk.css");
            let port = free_port();
            let mut cmd = Command::new(WEBKITDRIVER);
            cmd.arg(format!("--port={port}"))
                .env("DISPLAY", name)
                .env("LOCPATH", locales())
                .env("LANG", "de_DE.UTF-8")
                .env("LC_ALL", "de_DE.UTF-8")
                .env_remove("LANGUAGE")
                .env("XDG_CONFIG_HOME", profile.join("config"))
                .env("XDG_CACHE_HOME", profile.join("cache"))
                .env("XDG_DATA_HOME", profile.join("data"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            (Group::spawn(cmd, in_child), Some(display), port)
        }
    }
}

/// The capabilities of a new session in `engine`.
fn capabilities(
    engine: Engine,
    options: &Options,
    profile: &Path,
) -> serde_json::Map<String, Value> {
    let caps = match engine {
        Engine::Chromium => {
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
            let mut rules: Vec<String> = options
                .hosts
                .iter()
                .map(|(name, ip)| match ip {
                    IpAddr::V4(v4) => format!("MAP {name} {v4}"),
                    IpAddr::V6(v6) => format!("MAP {name} [{v6}]"),
                })
                .collect();
            rules.extend(options.resolver_rules.clone());
            if !rules.is_empty() {
                args.push(format!("--host-resolver-rules={}", rules.join(",")));
            }
            if options.documentation_addresses {
                args.push(CHROMIUM_NO_LOCAL_NETWORK_CHECKS.to_owned());
            }
            match options.scripts {
                Scripts::All => {}
                Scripts::NoWasm => args.push("--js-flags=--jitless".to_owned()),
                Scripts::None => args.push("--blink-settings=scriptEnabled=false".to_owned()),
            }
            args.extend(options.args.iter().cloned());
            args.push(format!("--user-data-dir={}", profile.display()));
            json!({ "goog:chromeOptions": { "binary": CHROMIUM, "args": args } })
        }
        Engine::Firefox => {
            assert!(
                options.resolver_rules.is_none(),
                "resolver rules are Chromium's"
            );
            let firefox_profile = profile.join("firefox");
            let chrome = firefox_profile.join("chrome");
            std::fs::create_dir_all(&chrome).expect("Firefox profile");
            std::fs::write(chrome.join("userChrome.css"), NARROW_FIREFOX_CHROME_CSS)
                .expect("userChrome.css");
            let mut args = vec![
                "-headless".to_owned(),
                "-profile".to_owned(),
                firefox_profile.display().to_string(),
            ];
            args.extend(options.args.iter().cloned());
            let (javascript, wasm) = match options.scripts {
                Scripts::All => (true, true),
                Scripts::NoWasm => (true, false),
                Scripts::None => (false, false),
            };
            json!({ "browserName": "firefox", "moz:firefoxOptions": {
                "binary": FIREFOX,
                "args": args,
                "prefs": {
                    "javascript.enabled": javascript,
                    "javascript.options.wasm": wasm,
                    "intl.accept_languages": "de-DE, de",
                    // Lets the test read the clipboard back without the
                    // paste prompt a visitor would see.
                    "dom.events.testing.asyncClipboard": true,
                    // No DNS over HTTPS: names come from the hosts file.
                    "network.trr.mode": 5,
                    "browser.shell.checkDefaultBrowser": false,
                    // Reads userChrome.css (the narrow window).
                    "toolkit.legacyUserProfileCustomizations.stylesheets": true,
                }
            } })
        }
        Engine::Webkit => {
            assert!(
                options.resolver_rules.is_none(),
                "resolver rules are Chromium's"
            );
            let mut args = vec![
                "--automation".to_owned(),
                // The clipboard readable from the page, without a prompt.
                "--javascript-can-access-clipboard=true".to_owned(),
            ];
            // MiniBrowser takes every WebKitSettings property as an option.
            match options.scripts {
                Scripts::All => {}
                Scripts::NoWasm => panic!("{}", can_run(Scripts::NoWasm).unwrap_err()),
                Scripts::None => args.push("--enable-javascript=false".to_owned()),
            }
            args.extend(options.args.iter().cloned());
            json!({ "webkitgtk:browserOptions": { "binary": MINIBROWSER, "args": args } })
        }
    };
    caps.as_object().cloned().expect("object")
}

async fn open(options: &Options) -> (Session, Client) {
    let engine = Engine::current();
    let profile = TempDir::new(engine.name());
    let (driver, display, port) = start_driver(engine, options, profile.path());
    let session = Session {
        driver,
        display,
        profile,
    };
    let webdriver = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + WAIT;
    while reqwest::get(format!("{webdriver}/status")).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "{} driver did not answer",
            engine.name()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let caps = capabilities(engine, options, session.profile.path());
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&webdriver)
        .await
        .unwrap_or_else(|e| panic!("{} webdriver session: {e}", engine.name()));
    if engine != Engine::Chromium {
        client
            .set_window_size(WINDOW.0, WINDOW.1)
            .await
            .expect("window size");
    }
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

/// A WebDriver command beyond fantoccini's set, for this session: POST with
/// a body, or DELETE without one.
#[derive(Debug)]
pub struct SessionCommand {
    path: &'static str,
    body: Option<Value>,
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base: &reqwest::Url,
        session: Option<&str>,
    ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
        base.join(&format!(
            "session/{}/{}",
            session.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (hyper::Method, Option<String>) {
        match &self.body {
            Some(body) => (hyper::Method::POST, Some(body.to_string())),
            None => (hyper::Method::DELETE, None),
        }
    }
}

/// Lets the page read the clipboard back (the test compares it with what
/// the page copied). Chromium asks for WebDriver's "Set Permission";
/// Firefox and WebKit were started with it allowed (a pref, a setting).
pub async fn allow_clipboard_read(c: &Client) {
    if Engine::current() == Engine::Chromium {
        let grant = SessionCommand {
            path: "permissions",
            body: Some(json!({"descriptor": {"name": "clipboard-read"}, "state": "granted"})),
        };
        c.issue_cmd(grant).await.expect("grant clipboard-read");
    }
}

/// Lays the page out `width` CSS px wide (800 high), as on a small phone.
/// Chromium emulates the viewport (DevTools over chromedriver: its headless
/// window has a minimum width); Firefox and WebKit size their window so
/// that its viewport is that wide. The caller checks `innerWidth`.
pub async fn viewport_width(c: &Client, width: u32) {
    if Engine::current() == Engine::Chromium {
        let emulate = SessionCommand {
            path: "goog/cdp/execute",
            body: Some(
                json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                    "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": false
                }}),
            ),
        };
        c.issue_cmd(emulate).await.expect("emulate the viewport");
        return;
    }
    // The window's frame (if any) is what the window has beyond its viewport.
    let frame = js(c, "return window.outerWidth - window.innerWidth")
        .await
        .as_u64()
        .and_then(|f| u32::try_from(f).ok())
        .unwrap_or(0);
    c.set_window_size(width + frame, 800)
        .await
        .expect("window size");
    let deadline = Instant::now() + WAIT;
    loop {
        let sizes = js(c, "return [window.innerWidth, window.outerWidth]").await;
        if sizes[0] == json!(width) {
            return;
        }
        let rect = c.get_window_rect().await.ok();
        assert!(
            Instant::now() < deadline,
            "no {width} px viewport: inner and outer width {sizes}, window {rect:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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

/// Answers every request on `listener` with the page `html`, on a thread
/// of its own for the rest of the test process (a host page of another
/// origin for the embed tests).
pub fn serve_html(listener: std::net::TcpListener, html: String) {
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for conn in listener.incoming() {
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
