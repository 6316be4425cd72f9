//! The client against hostile servers on loopback: an endless `data:`
//! line, one endless event, an endless stream of small valid events, an
//! endless error body and an endless `/api/v1/site`. Each run ends quickly,
//! UNKNOWN, with the sentence that names the bound passed
//! (`api::bounds`), and the client's peak memory stays small: the real
//! binary's maximum resident set size is read from the kernel (`wait4`).

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::fake::{FakeProbe, Reply};
use super::*;

/// The longest a bounded run may take here: far below the `--timeout`
/// the runs are given, so that the bound, not the timeout, ends them.
const QUICK: Duration = Duration::from_secs(20);

/// The client's `--timeout` in these runs.
const TIMEOUT: &str = "60s";

/// The highest peak memory a bounded run may reach: the client's own
/// (about 19 MiB for a debug build) and the few MiB of its bounds. Without
/// bounds, the runs reached 83–220 MiB against these answers (cut at
/// 64 MiB) and ran until the timeout.
const PEAK_RSS_KIB: i64 = 40 << 10;

/// A run of the real binary with its peak resident memory.
struct Measured {
    ran: Ran,
    peak_rss_kib: i64,
    took: Duration,
}

/// `portcheck check URL ARGS --timeout 60s`, waited for with `wait4` for
/// the child's own resource usage.
#[allow(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which reports its resource usage"
)]
async fn measured(url: String, args: &'static [&'static str]) -> Measured {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .arg("check")
            .arg(&url)
            .args(args)
            .args(["--timeout", TIMEOUT])
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "en_US.UTF-8")
            .env_remove("PORTCHECK_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run portcheck check");
        let read_all = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut s = String::new();
                pipe.read_to_string(&mut s).expect("UTF-8 output");
                s
            })
        };
        let out = read_all(Box::new(child.stdout.take().expect("stdout")));
        let err = read_all(Box::new(child.stderr.take().expect("stderr")));
        let pid = i32::try_from(child.id()).expect("pid");
        let mut status = 0;
        // SAFETY: a zeroed rusage is a valid value; wait4 fills it in for
        // our own child, which nothing else waits for.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
        assert!(libc::WIFEXITED(status), "ended by a signal: {status}");
        Measured {
            ran: Ran {
                code: libc::WEXITSTATUS(status),
                stdout: out.join().expect("stdout reader"),
                stderr: err.join().expect("stderr reader"),
            },
            peak_rss_kib: usage.ru_maxrss,
            took: started.elapsed(),
        }
    })
    .await
    .expect("measured run")
}

/// Runs the client (nagios format) against `probe` and asserts a quick
/// UNKNOWN whose status line says `sentence`, within the memory bound.
async fn assert_bounded(probe: &FakeProbe, args: &'static [&'static str], sentence: &str) {
    let m = measured(probe.url(), args).await;
    eprintln!(
        "{sentence:?}: peak RSS {} KiB in {:?}",
        m.peak_rss_kib, m.took
    );
    let first = m.ran.first_line();
    assert_eq!(m.ran.code, 3, "{}\n{}", m.ran.stdout, m.ran.stderr);
    assert!(first.starts_with("PORTCHECK UNKNOWN - "), "{first}");
    assert!(first.contains(sentence), "{first}");
    assert!(m.took < QUICK, "took {:?}: {first}", m.took);
    assert!(
        m.peak_rss_kib < PEAK_RSS_KIB,
        "peak RSS {} KiB: {first}",
        m.peak_rss_kib
    );
}

const STREAM: &str = "/api/v1/scan/stream";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_data_line_ends_unknown_at_the_line_bound() {
    let probe = FakeProbe::start(|path| match path.starts_with(STREAM) {
        true => Reply::endless("200 OK", "text/event-stream", "event: port\ndata: ", "x"),
        false => Reply::not_found(),
    })
    .await;
    assert_bounded(
        &probe,
        &["--format", "nagios"],
        "The checking service's answer passed 2 MiB: one line of the event stream. It was not read further.",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_event_ends_unknown_at_the_event_bound() {
    let probe = FakeProbe::start(|path| match path.starts_with(STREAM) {
        true => Reply::endless(
            "200 OK",
            "text/event-stream",
            "event: finished\n",
            "data: {\"position\":1,\"wait_s\":1}\n",
        ),
        false => Reply::not_found(),
    })
    .await;
    assert_bounded(
        &probe,
        &["--format", "nagios"],
        "passed 2 MiB: one event of the event stream.",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_small_events_end_unknown_at_the_stream_bound() {
    let probe = FakeProbe::start(|path| match path.starts_with(STREAM) {
        true => Reply::endless(
            "200 OK",
            "text/event-stream",
            ": hello\n\n",
            "event: queued\ndata: {\"position\":1,\"wait_s\":1}\n\n",
        ),
        false => Reply::not_found(),
    })
    .await;
    assert_bounded(
        &probe,
        &["--format", "nagios"],
        "passed 4 MiB: the event stream of the check.",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_error_body_ends_unknown_at_the_body_bound() {
    let probe = FakeProbe::start(|_| {
        Reply::endless(
            "500 Internal Server Error",
            "application/json",
            "{\"error\":{\"code\":\"internal\",\"message\":\"",
            "boom ",
        )
    })
    .await;
    assert_bounded(
        &probe,
        &["--format", "nagios"],
        "passed 64 KiB: an error answer (HTTP 500).",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_site_answer_ends_unknown_at_the_body_bound() {
    let probe = FakeProbe::start(|path| match path.starts_with("/api/v1/site") {
        true => Reply::endless("200 OK", "application/json", "{\"org_name\":\"", "a"),
        false => Reply::not_found(),
    })
    .await;
    assert_bounded(
        &probe,
        &["--format", "nagios", "--family", "4"],
        "IPv4: The checking service's answer passed 64 KiB: the answer of /api/v1/site.",
    )
    .await;
    assert_eq!(probe.asked(), vec!["/api/v1/site".to_owned()]);
}
