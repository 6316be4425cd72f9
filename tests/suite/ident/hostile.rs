//! Hostile services on loopback: identification must end within its budget
//! with a sensible result whatever the service does — send garbage, announce
//! huge or lying lengths, drip a byte a second, never answer, or close in
//! the middle of a message — and a flood of bytes must not grow the probe's
//! memory beyond the per-connection caps.
//!
//! The services run on unprivileged loopback ports; `identify` is given the
//! first protocol of the plan entry of the port each pretends to be (445: SMB first, 443: TLS
//! first, 440: banner/HTTP first). The full-scan test at the end listens on
//! 440–449 itself and needs root.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::*;
use portcheck::api::{IdentLimit, PortDetails, PortState};
use portcheck::plan::Plan;
use portcheck::probe::ident::{Budget, identify};
use portcheck::probe::scan::{Timing, scan_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A short budget keeps the suite fast; the rules are the same.
const BUDGET: Budget = Budget {
    time: Duration::from_millis(1600),
    banner_wait: Duration::from_millis(200),
};
/// Scheduling slack on a loaded two-core machine.
const SLACK: Duration = Duration::from_millis(1200);

/// What a hostile service does with each connection.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Accept and never send or read.
    Tarpit,
    /// Send 64 KiB of bytes that are no protocol, then keep the connection.
    Garbage,
    /// Send one byte a second of an HTTP answer.
    Drip,
    /// Answer whatever arrives with a NetBIOS header announcing 16 MiB, then
    /// bytes that never reach it.
    HugeSmbLength,
    /// Answer with a TLS handshake record whose certificate message claims
    /// 16 MiB.
    LyingTls,
    /// Send an HTTP head that never ends, as fast as it can.
    EndlessHeaders,
    /// Answer with the first half of an SMB2 negotiate response and close.
    CloseMidMessage,
}

async fn serve(b: Behaviour, mut s: TcpStream, written: Arc<AtomicUsize>) {
    let mut inbuf = [0u8; 4096];
    let send = |n: usize| {
        written.fetch_add(n, Ordering::Relaxed);
    };
    match b {
        Behaviour::Tarpit => {
            // Hold the connection until the client goes away.
            while let Ok(n) = s.read(&mut inbuf).await {
                if n == 0 {
                    break;
                }
            }
        }
        Behaviour::Garbage => {
            let junk: Vec<u8> = (0..65536u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect();
            if s.write_all(&junk).await.is_ok() {
                send(junk.len());
            }
            while let Ok(n) = s.read(&mut inbuf).await {
                if n == 0 {
                    break;
                }
            }
        }
        Behaviour::Drip => {
            for &byte in b"HTTP/1.1 200 OK\r\nServer: drip\r\n\r\n<title>x</title>" {
                if s.write_all(&[byte]).await.is_err() {
                    return;
                }
                send(1);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        Behaviour::HugeSmbLength => {
            let _ = s.read(&mut inbuf).await;
            let mut msg = vec![0x00, 0xff, 0xff, 0xff, 0xfe, b'S', b'M', b'B'];
            msg.extend(std::iter::repeat_n(0u8, 60000));
            if s.write_all(&msg).await.is_ok() {
                send(msg.len());
            }
            let _ = s.read(&mut inbuf).await;
        }
        Behaviour::LyingTls => {
            let _ = s.read(&mut inbuf).await;
            // ServerHello (TLS 1.0) then a Certificate message of "16 MiB".
            let mut hs = vec![2, 0, 0, 38, 3, 1];
            hs.extend_from_slice(&[0; 32]);
            hs.extend_from_slice(&[0, 0xc0, 0x13, 0]);
            hs.extend_from_slice(&[11, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc]);
            let mut out = Vec::new();
            loop {
                let mut rec = vec![22, 3, 1];
                rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
                rec.extend_from_slice(&hs);
                out.extend_from_slice(&rec);
                hs = vec![0x41; 16000];
                if out.len() > 200_000 {
                    break;
                }
            }
            if s.write_all(&out).await.is_ok() {
                send(out.len());
            }
            let _ = s.read(&mut inbuf).await;
        }
        Behaviour::EndlessHeaders => {
            let _ = s.read(&mut inbuf).await;
            if s.write_all(b"HTTP/1.1 200 OK\r\n").await.is_err() {
                return;
            }
            let line =
                b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
            // Until the client stops reading and the write fails.
            while s.write_all(line).await.is_ok() {
                send(line.len());
            }
        }
        Behaviour::CloseMidMessage => {
            let _ = s.read(&mut inbuf).await;
            let mut msg = vec![0x00, 0x00, 0x00, 0x81, 0xfe, b'S', b'M', b'B', 64, 0];
            msg.extend_from_slice(&[0; 30]);
            if s.write_all(&msg).await.is_ok() {
                send(msg.len());
            }
            // Dropping the stream closes it mid-message.
        }
    }
}

/// A hostile service on 127.0.0.1 (or `ip`), serving every connection.
struct Hostile {
    addr: SocketAddr,
    written: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn hostile_on(ip: &str, port: u16, b: Behaviour) -> Hostile {
    let listener = TcpListener::bind((crate::support::ip(ip), port))
        .await
        .unwrap_or_else(|e| panic!("bind {ip}:{port}: {e}"));
    let addr = listener.local_addr().expect("addr");
    let written = Arc::new(AtomicUsize::new(0));
    let w = written.clone();
    let task = tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(serve(b, s, w.clone()));
        }
    });
    Hostile {
        addr,
        written,
        task,
    }
}

async fn hostile(b: Behaviour) -> Hostile {
    hostile_on("127.0.0.1", 0, b).await
}

/// Identify `h` as port `as_port`; assert the budget held. The tests that
/// call it run on tokio's paused clock: every wait of the hostile services
/// and of identification is virtual time, so the bound holds exactly however
/// busy the machine is.
async fn check(h: &Hostile, as_port: u16) -> PortDetails {
    let started = tokio::time::Instant::now();
    let d = identify(
        h.addr,
        Plan::standard().expects(as_port, portcheck::plan::Transport::Tcp),
        BUDGET,
    )
    .await;
    let took = started.elapsed();
    assert!(
        took <= BUDGET.time + SLACK,
        "identification as port {as_port} took {took:?}, budget {:?}",
        BUDGET.time
    );
    d
}

const ROLES: [u16; 3] = [445, 443, 440];

#[tokio::test(start_paused = true)]
async fn tarpit_ends_on_time_and_says_so() {
    let h = hostile(Behaviour::Tarpit).await;
    for port in ROLES {
        let d = check(&h, port).await;
        assert_eq!(d.limit, Some(IdentLimit::Time), "as {port}: {d:?}");
        assert!(d.smb.is_none() && d.tls.is_none() && d.http.is_none());
        assert!(d.banner.is_none());
    }
}

#[tokio::test(start_paused = true)]
async fn garbage_is_no_protocol() {
    let h = hostile(Behaviour::Garbage).await;
    for port in ROLES {
        let d = check(&h, port).await;
        assert!(d.smb.is_none(), "as {port}: {d:?}");
        assert!(d.tls.is_none(), "as {port}: {d:?}");
        assert!(d.http.is_none(), "as {port}: {d:?}");
        if let Some(b) = &d.banner {
            assert!(b.len() <= 200 && b.bytes().all(|c| (0x20..0x7f).contains(&c)));
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_byte_a_second_is_cut_at_the_deadline() {
    let h = hostile(Behaviour::Drip).await;
    let d = check(&h, 440).await;
    // It started to speak first, so what arrived is its banner line so far.
    assert_eq!(d.limit, Some(IdentLimit::Time), "{d:?}");
    assert!(d.http.is_none());
    assert!(
        h.written.load(Ordering::Relaxed) <= 3,
        "read only a few bytes"
    );
}

#[tokio::test(start_paused = true)]
async fn huge_smb_length_is_refused_before_reading() {
    let h = hostile(Behaviour::HugeSmbLength).await;
    let d = check(&h, 445).await;
    assert!(d.smb.is_none(), "{d:?}");
    assert_eq!(d.limit, Some(IdentLimit::Bytes), "{d:?}");
}

#[tokio::test(start_paused = true)]
async fn lying_tls_lengths_end_at_the_cap() {
    let h = hostile(Behaviour::LyingTls).await;
    let d = check(&h, 443).await;
    // The ServerHello itself is well formed: the service does accept TLS
    // 1.0. The certificate message never fits, so there is no certificate,
    // and the report says a cap was reached.
    let tls = d.tls.clone().expect("the ServerHello was read");
    assert_eq!(tls.version, "TLSv1.0");
    assert_eq!(tls.outdated_versions, ["TLSv1.0"]);
    assert_eq!(tls.subject, None);
    assert_eq!(d.limit, Some(IdentLimit::Bytes), "{d:?}");
}

#[tokio::test(start_paused = true)]
async fn endless_headers_end_at_the_cap_with_what_was_learnt() {
    let h = hostile(Behaviour::EndlessHeaders).await;
    let d = check(&h, 440).await;
    assert_eq!(d.limit, Some(IdentLimit::Bytes), "{d:?}");
    let http = d.http.expect("an HTTP status line arrived");
    assert_eq!(http.status, 200);
}

#[tokio::test(start_paused = true)]
async fn closing_mid_message_is_quick_and_not_smb() {
    let h = hostile(Behaviour::CloseMidMessage).await;
    let started = tokio::time::Instant::now();
    let d = check(&h, 445).await;
    assert!(d.smb.is_none(), "{d:?}");
    assert!(d.tls.is_none(), "{d:?}");
    // Nothing waited for the deadline: every connection was closed.
    assert!(started.elapsed() < BUDGET.time, "{:?}", started.elapsed());
    assert_eq!(d.limit, None, "{d:?}");
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_under_floods() {
    let flood = hostile(Behaviour::EndlessHeaders).await;
    let lies = hostile(Behaviour::LyingTls).await;
    let garbage = hostile(Behaviour::Garbage).await;
    // Warm up (lazy statics, TLS config) before measuring.
    let _ = identify(
        flood.addr,
        Plan::standard().expects(440, portcheck::plan::Transport::Tcp),
        BUDGET,
    )
    .await;
    let before = rss_kib();
    let mut all = Vec::new();
    for _ in 0..20 {
        all.push(identify(
            flood.addr,
            Plan::standard().expects(440, portcheck::plan::Transport::Tcp),
            BUDGET,
        ));
        all.push(identify(
            lies.addr,
            Plan::standard().expects(443, portcheck::plan::Transport::Tcp),
            BUDGET,
        ));
        all.push(identify(
            garbage.addr,
            Plan::standard().expects(445, portcheck::plan::Transport::Tcp),
            BUDGET,
        ));
    }
    let results = futures_util::future::join_all(all).await;
    let grown = rss_kib().saturating_sub(before);
    assert_eq!(results.len(), 60);
    // 60 identifications at once; caps of at most 32 KiB per connection and
    // a few connections each: far below 64 MiB even counting allocator slack.
    assert!(grown < 64 * 1024, "RSS grew by {grown} KiB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_scan_of_hostile_range_finishes_within_budget() {
    if !require_root("full_scan_of_hostile_range_finishes_within_budget") {
        return;
    }
    let ip = "127.0.0.9";
    let _s = [
        hostile_on(ip, 440, Behaviour::Tarpit).await,
        hostile_on(ip, 441, Behaviour::Drip).await,
        hostile_on(ip, 442, Behaviour::Garbage).await,
        hostile_on(ip, 443, Behaviour::LyingTls).await,
        hostile_on(ip, 444, Behaviour::EndlessHeaders).await,
        hostile_on(ip, 445, Behaviour::HugeSmbLength).await,
        hostile_on(ip, 446, Behaviour::CloseMidMessage).await,
    ];
    let timing = Timing {
        floor: Duration::from_millis(150),
        ceiling: Duration::from_millis(1500),
    };
    let started = Instant::now();
    let (target, plan) = (crate::support::ip(ip), Plan::standard());
    let report = scan_with(target, &plan, timing, None, Some(BUDGET), |_| {}).await;
    let took = started.elapsed();
    // Closed ports answer at once, so the connect scan is quick; the
    // identifications run in parallel, each within its budget.
    assert!(
        took <= BUDGET.time + SLACK + Duration::from_millis(300),
        "scan took {took:?}"
    );
    let port = |p: u16| report.ports.iter().find(|r| r.port == p).expect("port");
    for p in 440..=446 {
        assert_eq!(port(p).state, PortState::Open, "{p}");
    }
    let limit = |p: u16| port(p).details.as_ref().and_then(|d| d.limit);
    assert_eq!(limit(440), Some(IdentLimit::Time));
    assert_eq!(limit(441), Some(IdentLimit::Time));
    assert_eq!(limit(444), Some(IdentLimit::Bytes));
    assert_eq!(limit(445), Some(IdentLimit::Bytes));
    // Nothing hostile was mistaken for SMB; only the lying TLS service on
    // 443 shows TLS (its ServerHello was real).
    for r in &report.ports {
        let d = r.details.as_deref();
        assert!(d.is_none_or(|d| d.smb.is_none()), "{}: {d:?}", r.port);
        assert_eq!(
            d.is_some_and(|d| d.tls.is_some()),
            r.port == 443,
            "{}: {d:?}",
            r.port
        );
    }
    for p in [447, 448, 449] {
        assert_eq!(port(p).state, PortState::Closed, "{p}");
    }
}

/// A service that takes each connection only to end it at once (nothing is
/// read, nothing written): identification stops at the plain attempt that
/// sees it close unasked, instead of trying every other protocol on a fresh
/// connection. As 440 that is the first attempt; as 443 the TLS attempts
/// come first (TLS 1.2/1.3, then TLS 1.1 and 1.0 on their own connections).
#[tokio::test]
async fn a_port_that_closes_at_once_is_not_tried_again_and_again() {
    for (as_port, connections) in [(440, 1), (443, 4)] {
        let listener = TcpListener::bind((crate::support::ip("127.0.0.1"), 0))
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        let task = tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                drop(s);
            }
        });
        let d = identify(
            addr,
            Plan::standard().expects(as_port, portcheck::plan::Transport::Tcp),
            BUDGET,
        )
        .await;
        task.abort();
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            connections,
            "as port {as_port}: {d:?}"
        );
        assert_eq!(d.limit, None, "as port {as_port}");
    }
}
