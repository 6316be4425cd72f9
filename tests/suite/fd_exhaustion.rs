//! Out of file descriptors, a scan still answers: the ports it could not test
//! are `error` / `local_error`, the verdict says the scan is incomplete, and
//! the probe keeps serving.

use crate::support::*;
use portcheck::api::{FindingId, PortState, Reason, Report};
use reqwest::StatusCode;

fn open_fds(pid: i32) -> u64 {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("/proc/PID/fd")
        .count() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_out_of_sockets_is_a_result_not_a_crash() {
    let mut probe = ProbeProcess::start(&["--rate-burst", "100", "--allow-loopback"]);
    let (addr, pid) = (probe.addr, probe.process.pid());

    // Room for the client connection and a few sockets, not for 14.
    let limit = open_fds(pid) + 6;
    let lim = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: prlimit on our own child with a valid struct.
    let rc = unsafe { libc::prlimit(pid, libc::RLIMIT_NOFILE, &lim, std::ptr::null_mut()) };
    assert_eq!(rc, 0, "prlimit: {}", std::io::Error::last_os_error());

    let client = client_from("127.0.0.6");
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
