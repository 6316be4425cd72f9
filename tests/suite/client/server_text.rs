//! A fake probe whose strings carry a forged Checkmk line and terminal
//! escape sequences (window title, clear screen, colour) in its plan's
//! group names, service names, title and error messages: no output format
//! prints a control character of theirs, and every Checkmk line starts with
//! a state the client computed.

use portcheck::api::{ErrorBody, ErrorCode, ErrorDetail};
use portcheck::plan::Plan;

use super::fake::{FakeProbe, Reply};
use super::*;

/// A group name that would be a Checkmk line of its own.
const INJECTED: &str = "x\n0 \"Injected service\" - all good";
const TITLE: &str = "\u{1b}]0;owned\u{07}";
const CLEAR: &str = "\u{1b}[2J";
const RED: &str = "\u{1b}[31m";

/// The stream of a scan of the standard plan with hostile strings, 445
/// open (critical).
fn hostile_stream() -> Reply {
    let mut plan = Plan::standard();
    plan.groups[0].name = INJECTED.into();
    plan.title.en = format!("{TITLE}{CLEAR}Port ranges\u{202E}");
    // The HTTP range's: the client judges 445 by its service name.
    for s in plan.groups[1].ports.iter_mut() {
        s.service = format!("{RED}{}{CLEAR}", s.service);
    }
    Reply::scan(&plan, &[445])
}

/// Nothing a terminal would act on, other than the line ends.
fn assert_inert(what: &str, out: &str) {
    let bad: Vec<char> = out
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || portcheck::client::fetch::clean::is_format(c))
        .collect();
    assert!(bad.is_empty(), "{what}: {bad:?} in\n{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_strings_cannot_forge_lines_or_drive_the_terminal() {
    let probe = FakeProbe::start(|path| match path.starts_with("/api/v1/scan/stream") {
        true => hostile_stream(),
        false => Reply::not_found(),
    })
    .await;
    let url = probe.url();

    let ran = check(&url, &["--format", "checkmk"]).await;
    assert_eq!(ran.code, 2, "{}\n{}", ran.stdout, ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "one line per group:\n{}", ran.stdout);
    assert!(
        lines[0].starts_with("2 \"Portcheck x 0 'Injected service' - all good\" open=1;;;0;14|"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("1 \"Portcheck 80-89\" "),
        "{}",
        lines[1]
    );
    assert_inert("checkmk", &ran.stdout);

    for format in ["text", "nagios", "json"] {
        let ran = check(&url, &["--format", format, "--lang", "en"]).await;
        assert_eq!(ran.code, 2, "{format}: {}\n{}", ran.stdout, ran.stderr);
        assert_inert(format, &ran.stdout);
        // Text mode's progress lines (stderr) name the services too.
        assert_inert(format, &ran.stderr);
        assert!(!ran.stdout.contains("\\u001b"), "{format}: {}", ran.stdout);
    }
    let text = check(&url, &["--format", "text"]).await;
    assert!(text.stderr.contains("[31mhttp[2J"), "{}", text.stderr);
    let nagios = check(&url, &["--format", "nagios"]).await;
    assert_eq!(
        nagios.first_line().matches('|').count(),
        1,
        "{}",
        nagios.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusals_reason_is_printed_clean() {
    let body = ErrorBody {
        error: ErrorDetail {
            code: ErrorCode::TargetNotAllowed,
            message: format!("{TITLE}loopback{CLEAR}\n2 \"Forged\" - bad\u{2028}| x"),
            retry_after_s: None,
        },
    };
    let body = serde_json::to_string(&body).expect("json");
    let probe =
        FakeProbe::start(move |_| Reply::answer("403 Forbidden", "application/json", &body)).await;
    let url = probe.url();
    for format in FORMATS {
        let ran = check(&url, &["--format", format]).await;
        assert_eq!(ran.code, 3, "{format}: {}", ran.stdout);
        assert_inert(format, &ran.stdout);
        assert!(ran.stdout.contains("loopback"), "{format}: {}", ran.stdout);
    }
    let ran = check(&url, &["--format", "nagios"]).await;
    assert_eq!(ran.stdout.lines().count(), 1, "{}", ran.stdout);
    assert!(!ran.stdout.contains('|'), "{}", ran.stdout);
    let ran = check(&url, &["--format", "checkmk"]).await;
    assert!(
        ran.stdout.lines().all(|l| l.starts_with("3 \"Portcheck ")),
        "{}",
        ran.stdout
    );
}
