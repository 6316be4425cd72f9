//! The scan's own connection to an open port: identification watches it,
//! and a service that closes it at once without a word is not asked again on
//! fresh connections. A service that merely stays silent, or that speaks
//! before it closes, is identified as before.
//!
//! Each service here treats its first connection (the scan's: identification
//! connects only after it) differently from the later ones, which all answer
//! HTTP; whether the report shows that HTTP answer tells whether
//! identification went on.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use portcheck::api::{PortDetails, PortState};
use portcheck::plan::{Group, Plan, PlannedPort, Service};
use portcheck::probe::ident::Budget;
use portcheck::probe::scan::{Timing, scan_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const BUDGET: Budget = Budget {
    time: Duration::from_millis(1600),
    banner_wait: Duration::from_millis(200),
};

/// What the service does with its first connection.
#[derive(Clone, Copy)]
enum First {
    /// Close it at once, unasked.
    Close,
    /// Keep it open and say nothing until the client goes.
    Silent,
    /// Send a line, then close.
    SpeakThenClose,
}

async fn answer_http(mut s: TcpStream) {
    let mut buf = [0u8; 2048];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    let _ = s
        .write_all(b"HTTP/1.1 200 OK\r\nServer: later-connections\r\nContent-Length: 0\r\n\r\n")
        .await;
}

/// A service on a loopback port; returns its address and a count of the
/// connections it accepted.
async fn service(first: First) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let n = count.fetch_add(1, Ordering::SeqCst);
            if n > 0 {
                tokio::spawn(answer_http(s));
                continue;
            }
            match first {
                First::Close => drop(s),
                First::Silent => {
                    tokio::spawn(async move {
                        let mut buf = [0u8; 64];
                        while let Ok(n) = s.read(&mut buf).await {
                            if n == 0 {
                                break;
                            }
                        }
                    });
                }
                First::SpeakThenClose => {
                    let _ = s.write_all(b"busy, try again\r\n").await;
                }
            }
        }
    });
    (addr, accepted)
}

/// Scan the one port of `addr` (plain protocols first) and return its state
/// and details.
async fn scan_one(addr: SocketAddr) -> (PortState, Option<PortDetails>) {
    let plan = Plan {
        name: "one".into(),
        title: Default::default(),
        groups: vec![Group {
            name: "one".into(),
            ports: vec![PlannedPort::new(addr.port(), Service::Http)],
            control: vec![],
        }],
    };
    let timing = Timing {
        floor: Duration::from_millis(150),
        ceiling: Duration::from_millis(1500),
    };
    let report = scan_with(addr.ip(), &plan, timing, None, Some(BUDGET), |_| {}).await;
    let port = report.ports.into_iter().next().expect("the port's result");
    (port.state, port.details.map(|d| *d))
}

fn server_name(details: &Option<PortDetails>) -> Option<String> {
    details.as_ref()?.http.as_ref()?.server.clone()
}

#[tokio::test]
async fn a_service_that_closes_the_scans_connection_unasked_is_not_asked_again() {
    let (addr, accepted) = service(First::Close).await;
    let (state, details) = scan_one(addr).await;
    assert_eq!(state, PortState::Open);
    assert_eq!(details, None, "identification went on: {details:?}");
    // The scan's connection, and at most the one identification had opened
    // meanwhile: no protocol after it.
    assert!(accepted.load(Ordering::SeqCst) <= 2);
}

#[tokio::test]
async fn a_silent_first_connection_does_not_end_identification() {
    let (addr, _) = service(First::Silent).await;
    let (state, details) = scan_one(addr).await;
    assert_eq!(state, PortState::Open);
    assert_eq!(server_name(&details).as_deref(), Some("later-connections"));
}

#[tokio::test]
async fn a_service_that_speaks_before_it_closes_is_still_identified() {
    let (addr, _) = service(First::SpeakThenClose).await;
    let (state, details) = scan_one(addr).await;
    assert_eq!(state, PortState::Open);
    assert_eq!(server_name(&details).as_deref(), Some("later-connections"));
}
