//! `portcheck check` end to end: the real binary against the real probe on
//! loopback. The client's requests come from 127.0.0.1, so the probe checks
//! 127.0.0.1's ports; tests that open ports there (root: they are below
//! 1024) take turns through one lock. Also the probe's `text/plain` answer.

mod bounds;
mod failures;
mod fake;
mod families;
mod levels;
mod origins;
mod plugin_format;
mod queued;
mod server_text;
mod terminal;
mod text_answer;

use std::net::SocketAddr;
use std::process::Stdio;

use crate::support::*;
use portcheck::plan::Plan;

/// What a run of `portcheck check` printed and its exit code.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn first_line(&self) -> &str {
        self.stdout.lines().next().unwrap_or("")
    }
}

/// The output formats with what the first line of each must start with
/// for a `state` (`OK`, …) and, for checkmk, its code.
pub const FORMATS: [&str; 4] = ["text", "json", "nagios", "checkmk"];

/// `portcheck check URL ARGS` with English texts and no locale from the
/// environment.
pub async fn check(url: &str, args: &[&str]) -> Ran {
    let out = within(
        "portcheck check",
        tokio::process::Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .arg("check")
            .arg(url)
            .args(args)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "en_US.UTF-8")
            .env_remove("PORTCHECK_CONFIG")
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("run portcheck check");
    Ran {
        code: out.status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// Asserts the first line of each format for a run that ends in `state`
/// (`OK`, `WARNING`, `CRITICAL`, `UNKNOWN`), and the exit code in each.
/// `text_first` is the first line the text format must print.
pub async fn assert_every_format(url: &str, args: &[&str], state: &str, text_first: &str) {
    let code = plugin_format::exit_code_of(state);
    for format in FORMATS {
        let mut all = args.to_vec();
        all.extend(["--format", format]);
        let ran = check(url, &all).await;
        let first = ran.first_line();
        assert_eq!(
            ran.code, code,
            "{format} {args:?}: exit code\n{}\n{}",
            ran.stdout, ran.stderr
        );
        match format {
            "text" => assert_eq!(first, text_first, "{args:?}\n{}", ran.stdout),
            "json" => {
                let v: serde_json::Value = serde_json::from_str(first).expect("one JSON line");
                assert_eq!(v["state"], state.to_ascii_lowercase(), "{first}");
            }
            "nagios" => {
                let parsed = plugin_format::parse(&ran.stdout, ran.code)
                    .unwrap_or_else(|e| panic!("not plugin output ({e}):\n{}", ran.stdout));
                assert_eq!(parsed.state, state, "{first}");
            }
            _ => {
                let expected = format!("{code} \"Portcheck 440-449\" ");
                assert!(first.starts_with(&expected), "{first}");
                let groups = Plan::standard().groups.len();
                assert_eq!(ran.stdout.lines().count(), groups, "{}", ran.stdout);
            }
        }
    }
}

/// The text format's first line for a finished check of the standard plan.
pub const REPORT_FIRST_LINE: &str = "Portcheck 440–449, 80–89: check report";

/// A loopback address where nothing listens: a port that was bound and let go.
pub fn nothing_listens() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr")
}

/// Only one test at a time sets up 127.0.0.1's ports.
pub async fn loopback_turn() -> tokio::sync::MutexGuard<'static, ()> {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    TURN.lock().await
}
