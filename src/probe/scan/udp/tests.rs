//! The UDP conversation's tests: [`classify`] alone, and conversations
//! over loopback (IPv4 and IPv6) with a responder that answers, a bound
//! port that never answers, and a port without a listener, for which the
//! kernel sends an ICMP port unreachable.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::net::UdpSocket;

use super::*;

/// A question for tests: `ping`, answered by `pong`.
fn ping() -> UdpQuestion {
    UdpQuestion {
        datagrams: vec![b"ping".to_vec()],
        read: Box::new(|d, details| {
            let ok = d == b"pong";
            if ok {
                details.banner = Some("pong".into());
            }
            ok
        }),
        any_source_port: false,
    }
}

/// Long enough for loopback under load; only the silent cases wait it out.
const WAIT: Duration = Duration::from_secs(2);

#[test]
fn what_was_heard_gives_nmaps_states() {
    let sent = Heard {
        sent: true,
        ..Heard::default()
    };
    let cases = [
        (Heard::default(), (PortState::Error, Reason::LocalError)),
        (sent, (PortState::OpenFiltered, Reason::NoAnswer)),
        (
            Heard {
                answered: true,
                ..sent
            },
            (PortState::Open, Reason::Answered),
        ),
        (
            Heard {
                unparsed: true,
                ..sent
            },
            (PortState::Open, Reason::UnparsedAnswer),
        ),
        (
            Heard {
                icmp: Some(Unreachable::Port),
                ..sent
            },
            (PortState::Closed, Reason::PortUnreachable),
        ),
        (
            Heard {
                icmp: Some(Unreachable::Prohibited),
                ..sent
            },
            (PortState::Filtered, Reason::Prohibited),
        ),
        (
            Heard {
                icmp: Some(Unreachable::Other),
                ..sent
            },
            (PortState::Filtered, Reason::Unreachable),
        ),
        (
            Heard {
                failed: true,
                ..sent
            },
            (PortState::Error, Reason::LocalError),
        ),
        // An answer wins over what came before or after it.
        (
            Heard {
                answered: true,
                unparsed: true,
                icmp: Some(Unreachable::Port),
                failed: true,
                ..sent
            },
            (PortState::Open, Reason::Answered),
        ),
        (
            Heard {
                unparsed: true,
                icmp: Some(Unreachable::Prohibited),
                ..sent
            },
            (PortState::Open, Reason::UnparsedAnswer),
        ),
        (
            Heard {
                icmp: Some(Unreachable::Port),
                failed: true,
                ..sent
            },
            (PortState::Closed, Reason::PortUnreachable),
        ),
    ];
    for (heard, want) in cases {
        assert_eq!(classify(&heard), want, "{heard:?}");
    }
}

#[test]
fn the_wait_adapts_within_its_bounds() {
    let ms = Duration::from_millis;
    assert_eq!(wait_for(Service::Dns, None), ms(500));
    assert_eq!(wait_for(Service::Dns, Some(ms(1))), ms(100));
    assert_eq!(wait_for(Service::Dns, Some(ms(80))), ms(320));
    assert_eq!(wait_for(Service::Ssdp, None), ms(1500));
    assert_eq!(wait_for(Service::Ssdp, Some(ms(1))), ms(1100));
    assert_eq!(wait_for(Service::Ssdp, Some(ms(80))), ms(1320));
    assert_eq!(
        wait_for(Service::Ssdp, Some(Duration::from_secs(2))),
        ms(1500)
    );
    assert_eq!(worst_case(), ms(1875));
}

/// A responder on `ip` answering `pong` to every `ping`.
async fn responder(ip: IpAddr) -> SocketAddr {
    let socket = UdpSocket::bind((ip, 0)).await.expect("bind the responder");
    let addr = socket.local_addr().expect("address");
    tokio::spawn(async move {
        let mut buf = [0u8; 64];
        while let Ok((n, from)) = socket.recv_from(&mut buf).await {
            if &buf[..n] == b"ping" {
                let _ = socket.send_to(b"pong", from).await;
            } else {
                let _ = socket.send_to(b"what?", from).await;
            }
        }
    });
    addr
}

/// A port on `ip` that is bound (so no ICMP error) and never answers; the
/// socket lives as long as the returned value.
async fn silent(ip: IpAddr) -> (SocketAddr, UdpSocket) {
    let socket = UdpSocket::bind((ip, 0)).await.expect("bind");
    (socket.local_addr().expect("address"), socket)
}

/// A port on `ip` with no listener: bound once, then released.
async fn unbound(ip: IpAddr) -> SocketAddr {
    let (addr, socket) = silent(ip).await;
    drop(socket);
    addr
}

fn loopbacks() -> [IpAddr; 2] {
    ["127.0.0.1".parse().expect("ip"), "::1".parse().expect("ip")]
}

#[tokio::test]
async fn an_answer_is_open_with_its_details() {
    for ip in loopbacks() {
        let to = responder(ip).await;
        let c = converse(to, ping(), WAIT).await;
        assert_eq!(
            (c.state, c.reason),
            (PortState::Open, Reason::Answered),
            "{ip}"
        );
        assert_eq!(c.attempts, 1, "{ip}");
        assert!(c.rtt.is_some_and(|r| r < WAIT), "{ip}");
        assert_eq!(c.details.banner.as_deref(), Some("pong"), "{ip}");
    }
}

#[tokio::test]
async fn another_answer_from_the_asked_port_is_open_unparsed() {
    for ip in loopbacks() {
        let to = responder(ip).await;
        let mut q = ping();
        q.datagrams = vec![b"hello".to_vec()];
        let c = converse(to, q, Duration::from_millis(300)).await;
        assert_eq!(
            (c.state, c.reason),
            (PortState::Open, Reason::UnparsedAnswer),
            "{ip}"
        );
        assert_eq!(c.attempts, 1, "asked again after an answer: {ip}");
        assert!(c.details.is_empty(), "{ip}");
    }
}

#[tokio::test]
async fn silence_is_open_filtered_after_one_retransmission() {
    for ip in loopbacks() {
        let (to, socket) = silent(ip).await;
        let c = converse(to, ping(), Duration::from_millis(200)).await;
        assert_eq!(
            (c.state, c.reason),
            (PortState::OpenFiltered, Reason::NoAnswer),
            "{ip}"
        );
        assert_eq!(c.attempts, ROUNDS, "{ip}");
        let mut buf = [0u8; 16];
        for _ in 0..ROUNDS {
            let (n, _) = socket.recv_from(&mut buf).await.expect("a question");
            assert_eq!(&buf[..n], b"ping");
        }
    }
}

#[tokio::test]
async fn no_listener_is_closed_by_the_port_unreachable() {
    for ip in loopbacks() {
        let to = unbound(ip).await;
        let c = converse(to, ping(), WAIT).await;
        assert_eq!(
            (c.state, c.reason),
            (PortState::Closed, Reason::PortUnreachable),
            "{ip}"
        );
        assert_eq!(c.attempts, 1, "{ip}");
    }
}

/// The unconnected socket of an any-source-port question reads the ICMP
/// error from its error queue just as well.
#[tokio::test]
async fn no_listener_is_closed_for_any_source_port_questions_too() {
    for ip in loopbacks() {
        let to = unbound(ip).await;
        let mut q = ping();
        q.any_source_port = true;
        let c = converse(to, q, WAIT).await;
        assert_eq!(
            (c.state, c.reason),
            (PortState::Closed, Reason::PortUnreachable),
            "{ip}"
        );
    }
}
