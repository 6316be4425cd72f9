//! Out of file descriptors, a scan still answers: the ports it could not test
//! are `error` / `local_error`, the verdict says the scan is incomplete, and
//! the probe keeps serving.
//!
//! The limit leaves the probe no descriptor to spare, set once it has
//! finished starting and holds the client's connection (an answered
//! `/healthz` on a kept-alive connection, which the scan request reuses).
//! The test used to leave a few: whether the scan then ran out depended on
//! how many of its sockets were open at one time, which is up to the
//! scheduler (a scan task that yields lets early refusals free their sockets
//! for later ports), and on how far the probe's start had got when the
//! descriptors were counted; under load, every port now and then got a
//! socket. With none to spare, every socket fails, whatever the timing.

use crate::support::*;
use portcheck::api::{FindingId, PortState, Reason, Report};
use reqwest::StatusCode;

/// The lowest descriptor number `pid` has free: the next one it would get.
fn lowest_free_fd(pid: i32) -> u64 {
    let open: std::collections::HashSet<u64> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("/proc/PID/fd")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    (0..).find(|n| !open.contains(n)).expect("a free number")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_out_of_sockets_is_a_result_not_a_crash() {
    let mut probe = ProbeProcess::start(&["--rate-burst", "100", "--allow-loopback"]);
    let (addr, pid) = (probe.addr, probe.process.pid());

    // The probe up and serving, the client's connection open and idle in
    // its pool (the body read to the end), so that the scan reuses it.
    let client = client_from("127.0.0.6");
    let ready = get(&client, format!("http://{addr}/healthz")).await;
    assert_eq!(ready.status(), StatusCode::OK);
    ready.text().await.expect("healthz body");

    // No room for a single socket: a new descriptor must be below the
    // limit, and every number below it is taken.
    let limit = lowest_free_fd(pid);
    let lim = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: prlimit on our own child with a valid struct.
    let rc = unsafe { libc::prlimit(pid, libc::RLIMIT_NOFILE, &lim, std::ptr::null_mut()) };
    assert_eq!(rc, 0, "prlimit: {}", std::io::Error::last_os_error());

    let resp = get(&client, format!("http://{addr}/api/v1/scan")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let report: Report = resp.json().await.unwrap();
    let errors: Vec<u16> = report
        .ports
        .iter()
        .chain(&report.control)
        .filter(|p| p.state == PortState::Error)
        .inspect(|p| assert_eq!(p.reason, Reason::LocalError))
        .map(|p| p.port)
        .collect();
    assert!(
        !errors.is_empty(),
        "some ports must have run out of sockets: {report:?}"
    );
    let incomplete = report
        .verdict
        .findings
        .iter()
        .find(|f| f.id == FindingId::ScanIncomplete)
        .expect("scan-incomplete finding");
    assert_eq!(incomplete.ports, errors);

    // Still alive and serving.
    let health = get(&client, format!("http://{addr}/healthz")).await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(probe.process.is_running(), "portcheck is still running");
}
