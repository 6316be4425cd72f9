//! UDP entries end to end over loopback, IPv4 and IPv6: a practice scan
//! through the HTTP API against a visitor address with a real UDP responder
//! on 1900 (an SSDP stand-in that answers), one where 1900 is bound and
//! never answers (`open|filtered`), and one where nothing listens on 1900,
//! so the kernel answers with an ICMP or ICMPv6 port unreachable
//! (`closed`). The report lists the entry among its group's results, with
//! `transport: "udp"`.

use std::net::SocketAddr;

use tokio::net::UdpSocket;

use crate::support::*;
use portcheck::api::{PortResult, PortState, Reason, Report, results_of};
use portcheck::plan::{Plan, Transport};

/// An answer as miniupnpd sends it.
const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:1::upnp:rootdevice\r\nSERVER: Linux UPnP/1.1 MiniUPnPd/2.3\r\nLOCATION: http://10.0.0.1:5000/rootDesc.xml\r\n\r\n";

/// What the visitor's 1900/udp does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visitor {
    Answers,
    Silent,
    NoListener,
}

/// What holds 1900/udp bound: the silent socket, or the responder's task.
enum Bound {
    Nothing,
    Silent(UdpSocket),
    Responder(tokio::task::JoinHandle<()>),
}

impl Bound {
    /// Release the port (the responder's socket is gone once its task is).
    async fn release(self) {
        match self {
            Bound::Nothing => {}
            Bound::Silent(socket) => drop(socket),
            Bound::Responder(task) => {
                task.abort();
                let _ = task.await;
            }
        }
    }
}

/// Set up `what` on `from`'s port 1900.
async fn on_1900(from: &str, what: Visitor) -> Bound {
    if what == Visitor::NoListener {
        return Bound::Nothing;
    }
    let socket = UdpSocket::bind((ip(from), 1900))
        .await
        .expect("bind 1900/udp on the visitor's address");
    if what == Visitor::Silent {
        return Bound::Silent(socket);
    }
    Bound::Responder(tokio::spawn(async move {
        let mut buf = vec![0u8; 2048];
        while let Ok((n, probe)) = socket.recv_from(&mut buf).await {
            if buf[..n].starts_with(b"M-SEARCH * HTTP/1.1\r\n") {
                let _ = socket.send_to(ANSWER, probe).await;
            }
        }
    }))
}

/// A practice scan of `from` by `server`, as JSON text and as a report.
async fn practice(server: &TestServer, from: &str) -> (String, Report) {
    let url = server.url("/api/v1/scan?plan=practice");
    let resp = get(&client_from(from), &url).await;
    assert_eq!(resp.status(), reqwest::StatusCode::OK, "{from}");
    let text = resp.text().await.expect("a body");
    let report = serde_json::from_str(&text).expect("a report");
    (text, report)
}

fn upnp(r: &Report) -> &PortResult {
    r.ports
        .iter()
        .find(|p| (p.port, p.transport) == (1900, Transport::Udp))
        .expect("1900/udp in the report")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_entries_get_nmaps_states_over_ipv4_and_ipv6() {
    let v4 = TestServer::start(settings()).await;
    let mut six = settings();
    six.listen = SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 0)).into();
    let v6 = TestServer::start(six).await;
    let cases = [
        (&v4, "127.84.21.2", Visitor::Answers),
        (&v4, "127.84.21.3", Visitor::Silent),
        (&v4, "127.84.21.4", Visitor::NoListener),
        // One IPv6 loopback address: the three one after the other.
        (&v6, "::1", Visitor::Answers),
        (&v6, "::1", Visitor::Silent),
        (&v6, "::1", Visitor::NoListener),
    ];
    let plan = Plan::practice();
    let reflection = plan
        .groups
        .iter()
        .find(|g| g.name == "reflection")
        .expect("the reflection group");
    for (server, from, what) in cases {
        let bound = on_1900(from, what).await;
        let (text, r) = practice(server, from).await;
        bound.release().await;
        let p = upnp(&r);
        let said = p.details.as_ref().and_then(|d| d.upnp.as_ref());
        let exposed = r
            .verdict
            .findings
            .iter()
            .any(|f| f.id == portcheck::api::FindingId::UpnpExposed);
        match what {
            Visitor::Answers => {
                assert_eq!(
                    (p.state, p.reason),
                    (PortState::Open, Reason::Answered),
                    "{from}"
                );
                assert_eq!(
                    said.and_then(|u| u.server.as_deref()),
                    Some("Linux UPnP/1.1 MiniUPnPd/2.3"),
                    "{from}"
                );
                assert_eq!(p.attempts, 1, "{from}");
                assert!(exposed, "{from}: no upnp-exposed");
            }
            Visitor::Silent => {
                assert_eq!(
                    (p.state, p.reason),
                    (PortState::OpenFiltered, Reason::NoAnswer),
                    "{from}"
                );
                assert_eq!(p.attempts, 2, "{from}: one retransmission");
                assert!(said.is_none() && !exposed, "{from}");
            }
            Visitor::NoListener => {
                assert_eq!(
                    (p.state, p.reason),
                    (PortState::Closed, Reason::PortUnreachable),
                    "{from}"
                );
                assert_eq!(p.attempts, 1, "{from}");
                assert!(!exposed, "{from}");
            }
        }
        assert!(
            text.contains(r#""port":1900,"service":"upnp","transport":"udp""#),
            "{from}: {text}"
        );
        // Among its group's results, told from a TCP entry of the number.
        let keys: Vec<(u16, Transport)> = results_of(reflection, &r.ports)
            .iter()
            .map(|p| (p.port, p.transport))
            .collect();
        assert!(keys.contains(&(1900, Transport::Udp)), "{from}: {keys:?}");
        assert!(keys.iter().all(|(_, t)| *t == Transport::Udp), "{from}");
        for n in [111, 389] {
            let both: Vec<Transport> = r
                .ports
                .iter()
                .filter(|p| p.port == n)
                .map(|p| p.transport)
                .collect();
            assert_eq!(both, [Transport::Tcp, Transport::Udp], "{from} port {n}");
        }
    }
}
