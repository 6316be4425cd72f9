//! A check that waits in the probe's queue says so while it waits (text
//! format, progress on stderr when stdout is no terminal), then runs to its
//! result once a slot is free.

use tokio::io::{AsyncBufReadExt, BufReader};

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_check_says_so_and_then_finishes() {
    let mut s = default_settings();
    s.allow_targets = vec!["127.0.0.1/32".parse().expect("net")];
    s.max_scans = 1;
    let server = TestServer::start(s).await;
    let held = server.occupy_scan_slots();
    assert_eq!(held.len(), 1, "the one slot");

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args(["check", &server.url(""), "--format", "text", "--lang", "en"])
        .env_remove("PORTCHECK_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run portcheck check");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let first = within("the first progress line", lines.next_line())
        .await
        .expect("read stderr")
        .expect("a progress line before the end");
    assert!(
        first.starts_with("Many checks are running. Yours waits at place 1"),
        "{first}"
    );

    // A slot frees: the check starts, reports its ports and ends.
    drop(held);
    let mut ports = 0;
    while let Some(line) = within("progress", lines.next_line())
        .await
        .expect("read stderr")
    {
        ports += usize::from(line.starts_with('['));
    }
    let out = within("the result", child.wait_with_output())
        .await
        .expect("exit");
    assert_eq!(ports, Plan::standard().len(), "one line per port");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains("Many checks are running"),
        "progress stays off stdout: {stdout}"
    );
    assert_ne!(
        out.status.code(),
        Some(3),
        "a result, not UNKNOWN: {stdout}"
    );
}
