//! Out of file descriptors, a scan still answers: the ports it could not test
//! are `error` / `local_error`, the verdict says the scan is incomplete, and
//! the probe keeps serving.
//!
//! The limit leaves the probe no descriptor to spare, set once it has
//! finished starting and holds the test's one connection (opened and
//! answered before the limit; every request goes over it, so the probe never
//! needs to accept another). The test used to leave a few: whether the scan
//! then ran out depended on how many of its sockets were open at one time,
//! which is up to the scheduler (a scan task that yields lets early refusals
//! free their sockets for later ports), and on how far the probe's start
//! had got when the descriptors were counted; under load, every port now and
//! then got a socket. With none to spare, every socket fails, whatever the
//! timing.

use crate::support::*;
use portcheck::api::{FindingId, PortState, Reason, Report};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};

/// One kept-alive HTTP/1.1 connection: requests one after the other, each
/// answer read to its end by its `Content-Length` or chunks.
struct Connection(BufReader<TcpStream>);

impl Connection {
    async fn open(from: &str, to: std::net::SocketAddr) -> Connection {
        let socket = TcpSocket::new_v4().expect("socket");
        socket.bind((ip(from), 0).into()).expect("bind");
        let stream = socket.connect(to).await.expect("connect");
        Connection(BufReader::new(stream))
    }

    /// GET `path`: the status and the body.
    async fn get(&mut self, path: &str) -> (u16, String) {
        let head = format!("GET {path} HTTP/1.1\r\nHost: probe\r\n\r\n");
        self.0
            .get_mut()
            .write_all(head.as_bytes())
            .await
            .expect("write");
        let mut line = String::new();
        self.0.read_line(&mut line).await.expect("status line");
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("status line: {line:?}"));
        let (mut length, mut chunked) = (None, false);
        loop {
            line.clear();
            self.0.read_line(&mut line).await.expect("header");
            let header = line.trim_end().to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            if let Some(n) = header.strip_prefix("content-length:") {
                length = Some(n.trim().parse::<usize>().expect("content-length"));
            }
            chunked |= header.starts_with("transfer-encoding:") && header.contains("chunked");
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.0.read_line(&mut line).await.expect("chunk size");
                let size = usize::from_str_radix(line.trim(), 16).expect("chunk size");
                let mut chunk = vec![0; size + 2];
                self.0.read_exact(&mut chunk).await.expect("chunk");
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            body.resize(length.expect("a length or chunks"), 0);
            self.0.read_exact(&mut body).await.expect("body");
        }
        (status, String::from_utf8(body).expect("UTF-8 body"))
    }
}

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

    // The probe up and serving, and the connection every request below
    // goes over accepted.
    let mut connection = Connection::open("127.0.0.6", addr).await;
    assert_eq!(connection.get("/healthz").await.0, 200);

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

    let (status, body) = connection.get("/api/v1/scan").await;
    assert_eq!(status, 200, "{body}");
    let report: Report = serde_json::from_str(&body).unwrap();
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
    assert_eq!(connection.get("/healthz").await.0, 200);
    assert!(probe.process.is_running(), "portcheck is still running");
}
