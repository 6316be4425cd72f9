//! Nobody takes the check away from everybody else: one network cannot use
//! up the connections, the scan slots or the rate limiter's table, and a
//! visitor from elsewhere is still served.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::support::sse::SseEvent;
use crate::support::*;
use portcheck::api::{Queued, Report, event};
use portcheck::probe::admission::queue::Entry;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A keep-alive connection from `from` that got an answer, or `None` when
/// the probe closed it instead.
async fn held_connection(server: SocketAddr, from: IpAddr) -> Option<TcpStream> {
    let socket = match from {
        IpAddr::V4(_) => TcpSocket::new_v4(),
        IpAddr::V6(_) => TcpSocket::new_v6(),
    }
    .expect("socket");
    socket.bind(SocketAddr::new(from, 0)).expect("bind client");
    let mut stream = socket.connect(server).await.expect("connect");
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {server}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut buf = [0u8; 12];
    match within("an answer or a close", stream.read_exact(&mut buf)).await {
        Ok(_) if &buf == b"HTTP/1.1 200" => Some(stream),
        _ => None,
    }
}

/// Whether the probe closes `stream` (it reads to the end).
async fn closed_by_probe(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    within("the close", stream.read_to_end(&mut rest))
        .await
        .is_ok()
}

async fn healthy_from(server: &TestServer, from: &str) -> bool {
    let client = client_from(from);
    matches!(
        client.get(server.url("/healthz")).send().await,
        Ok(r) if r.status() == StatusCode::OK
    )
}

/// Settings with room for eight connections, two per host network.
fn few_connections() -> portcheck::probe::config::Settings {
    let mut s = settings();
    s.max_connections = 8;
    s.max_connections_per_address = 2;
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_24_filling_the_connections_does_not_keep_a_newcomer_out() {
    let server = TestServer::start(few_connections()).await;
    let mut held = Vec::new();
    for host in 1..=16u8 {
        let from = IpAddr::from([127, 0, 14, host]);
        for _ in 0..2 {
            held.extend(held_connection(server.addr, from).await);
        }
    }
    assert_eq!(held.len(), 8, "the global cap");
    assert!(
        held_connection(server.addr, ip("127.0.14.99"))
            .await
            .is_none(),
        "the full network gets no more"
    );
    assert!(
        healthy_from(&server, "127.0.15.1").await,
        "a visitor from a network holding no connection is served"
    );
    assert!(
        closed_by_probe(&mut held[0]).await,
        "the oldest connection of the heaviest network was shed"
    );
}

/// Many addresses of one IPv6 /64 against a visitor from another network.
#[test]
fn one_ipv6_64_cannot_take_the_connections() {
    if !require_root("fairness::one_ipv6_64_cannot_take_the_connections") {
        return;
    }
    let mut addresses: Vec<String> = (1..=8).map(|h| format!("2001:db8:14a:1::{h}/64")).collect();
    addresses.push("2001:db8:14b::1/64".into());
    in_own_netns(&addresses, || async {
        let mut s = few_connections();
        s.listen = "[2001:db8:14b::1]:0".parse().unwrap();
        let server = TestServer::start(s).await;
        let mut held = Vec::new();
        for host in 1..=8 {
            let from = ip(&format!("2001:db8:14a:1::{host}"));
            for _ in 0..2 {
                held.extend(held_connection(server.addr, from).await);
            }
        }
        assert_eq!(held.len(), 2, "one /64 is one host network");
        assert!(healthy_from(&server, "2001:db8:14b::1").await);
    });
}

/// A probe in this process with `max_scans` scan slots.
async fn with_slots(max_scans: usize) -> TestServer {
    let mut s = settings();
    s.max_scans = max_scans;
    TestServer::start(s).await
}

/// The first event of a stream; `text` keeps what was read.
async fn first_event(resp: &mut reqwest::Response, text: &mut String) -> SseEvent {
    while !text.contains("\n\n") {
        let chunk = within("an event", resp.chunk()).await.expect("body");
        text.push_str(&String::from_utf8_lossy(&chunk.expect("more")));
    }
    parse_events(text).remove(0)
}

/// Two hosts of one /24 start 16 scans of ports that answer nothing (each
/// scan runs into every timeout); a visitor from elsewhere still gets its
/// result. Ports below 1024: in a namespace of its own (root).
#[test]
fn slow_targets_cannot_hog_the_slots() {
    if !require_root("fairness::slow_targets_cannot_hog_the_slots") {
        return;
    }
    in_own_netns(&[] as &[&str], || async {
        // Every attempt at a silent port waits 15 s, so the hogs' scans are
        // still running when the last of the 16 streams opens, however slow
        // a loaded machine is to open them (at the default 150 ms floor a
        // scan could end first and free its slot).
        let mut s = settings();
        s.max_scans = 16;
        s.timing.floor = Duration::from_secs(15);
        s.timing.ceiling = Duration::from_secs(15);
        let server = TestServer::start(s).await;
        let plan = server.state.plans[0].clone();
        let hogs = ["127.0.14.1", "127.0.14.2"];
        let mut silent = Vec::new();
        for hog in hogs {
            for port in plan.range_ports().into_iter().chain(plan.control_ports()) {
                silent.push(filtered_port(hog, port).await);
            }
        }
        let mut first = Vec::new();
        let mut streams = Vec::new();
        for n in 0..16 {
            let mut resp = get(&client_from(hogs[n % 2]), server.url("/api/v1/scan/stream")).await;
            if resp.status() != StatusCode::OK {
                first.push(resp.status().to_string());
                continue;
            }
            let mut text = String::new();
            first.push(first_event(&mut resp, &mut text).await.name);
            streams.push(resp);
        }
        let started = first.iter().filter(|n| *n == event::STARTED).count();
        assert_eq!(started, 2, "one /24 holds 1/8 of 16 slots: {first:?}");
        let report: Report =
            get_json(&client_from("127.0.0.30"), &server.url("/api/v1/scan")).await;
        assert_eq!(report.target.ip, ip("127.0.0.30"));
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hogged_slots_leave_a_share_for_a_visitor() {
    let server = with_slots(16).await;
    let slots = &server.state.slots;
    // Scans held by 64 /64s of one /48 and by 64 addresses of one /24.
    let mut hogs = Vec::new();
    for n in 0..64u16 {
        hogs.extend(slots.enter(ip(&format!("2001:db8:14a:{n:x}::1"))).ok());
        hogs.extend(slots.enter(IpAddr::from([127, 0, 14, n as u8 + 1])).ok());
    }
    let running = hogs
        .iter()
        .filter(|e| matches!(e, Entry::Running(_)))
        .count();
    assert_eq!(running, 4, "each network holds 1/8 of the slots");
    let report: Report = get_json(&client_from("127.0.0.21"), &server.url("/api/v1/scan")).await;
    assert_eq!(report.target.ip, ip("127.0.0.21"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_waits_in_the_queue_with_its_place_on_the_stream() {
    let server = with_slots(1).await;
    let held = server
        .state
        .slots
        .enter(ip("192.0.2.1"))
        .expect("the only slot");
    let mut resp = get(
        &client_from("127.0.0.22"),
        server.url("/api/v1/scan/stream"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK, "queued, not refused");
    let mut text = String::new();
    let first = first_event(&mut resp, &mut text).await;
    assert_eq!(first.name, event::QUEUED);
    let queued: Queued = serde_json::from_str(&first.data).unwrap();
    assert_eq!(queued.position, 1);
    assert!(queued.wait_s >= 1);
    drop(held);
    while let Some(chunk) = within("the rest", resp.chunk()).await.expect("body") {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let names: Vec<String> = parse_events(&text).into_iter().map(|e| e.name).collect();
    assert_eq!(names.first().map(String::as_str), Some(event::QUEUED));
    assert_eq!(names.last().map(String::as_str), Some(event::FINISHED));
    assert!(names.iter().any(|n| n == event::STARTED));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_limiter_table_still_serves_a_known_visitor() {
    let mut s = settings();
    s.rate.burst = 2;
    s.rate.table_size = 16;
    let server = TestServer::start(s).await;
    let client = client_from("127.0.0.23");
    let _: Report = get_json(&client, &server.url("/api/v1/scan")).await;
    // A flood from 10,000 networks fills the table.
    for n in 0..10_000u32 {
        let [_, a, b, c] = n.to_be_bytes();
        let _ = server
            .state
            .limiter
            .check(IpAddr::from([100, a ^ 64, b, c]));
    }
    assert!(server.state.limiter.len() <= 16);
    let report: Report = get_json(&client, &server.url("/api/v1/scan")).await;
    assert_eq!(report.target.ip, ip("127.0.0.23"));
}
