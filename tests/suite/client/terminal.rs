//! `portcheck check` on a terminal: one progress line rewritten in place
//! (carriage return and "erase line"), port by port, cleared before the
//! result. The terminal is a pseudo-terminal the test opens.

use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};

use super::*;

/// A pseudo-terminal: the side the test reads, the side the child writes.
fn pty() -> (File, OwnedFd) {
    let (mut master, mut slave) = (-1, -1);
    // SAFETY: openpty writes two descriptors into the given ints; the name,
    // termios and window size are not asked for (null).
    let rc = unsafe {
        libc::openpty(
            &raw mut master,
            &raw mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors are fresh and owned by nothing else.
    unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_on_a_terminal_is_one_line_cleared_before_the_result() {
    let mut s = default_settings();
    s.allow_targets = vec!["127.0.0.1/32".parse().expect("net")];
    let server = TestServer::start(s).await;
    let (mut master, slave) = pty();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args(["check", &server.url(""), "--lang", "en"])
        .env_remove("PORTCHECK_CONFIG")
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave))
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run portcheck check");
    // The child holds the only other end: reading ends (EIO) when it exits.
    let read = tokio::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = master.read(&mut buf) {
            seen.extend_from_slice(&buf[..n]);
        }
        seen
    });
    let out = within("portcheck check", child.wait_with_output())
        .await
        .expect("exit");
    let seen = within("the terminal's output", read).await.expect("reader");
    let text = String::from_utf8(seen).expect("UTF-8");
    assert_ne!(out.status.code(), Some(3), "{text}");
    assert!(
        out.stderr.is_empty(),
        "progress went to the terminal, not stderr"
    );

    let erase = "\r\x1b[2K";
    let total = Plan::standard().len();
    // Every port's line, each rewriting the one before.
    for done in 1..=total {
        let line = format!("{erase}[{done:>2}/{total}] ");
        assert!(text.contains(&line), "no {line:?} in {text:?}");
    }
    // Then the line is cleared and the result starts on a clean line.
    let last = text.rfind(erase).expect("a cleared line");
    let result = &text[last + erase.len()..];
    assert!(
        result.starts_with(REPORT_FIRST_LINE),
        "the result after the progress: {result:?}"
    );
    assert!(!result.contains(&format!("[{total}/{total}]")));
}
