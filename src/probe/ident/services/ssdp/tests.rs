//! The SSDP check's tests: its parser alone, and the search over loopback
//! against stand-in devices: one that answers, one that stays silent, one
//! whose answer comes from another address, one that floods, and a third
//! party that sprays the probe's socket.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::*;
use crate::api::{PortState, Reason};
use crate::probe::scan::udp::{Conversation, MAX_DATAGRAMS, ROUNDS, converse};

/// The SSDP question asked of `to` as a scan asks it, waiting `wait`.
async fn search(to: SocketAddr, wait: Duration) -> Conversation {
    converse(to, question(to), wait).await
}

fn answered(c: &Conversation) -> bool {
    (c.state, c.reason) == (PortState::Open, Reason::Answered)
}

fn server(c: &Conversation) -> Option<&str> {
    c.details.upnp.as_ref().and_then(|u| u.server.as_deref())
}

pub(crate) const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:1::upnp:rootdevice\r\nSERVER: Linux UPnP/1.1 MiniUPnPd/2.3\r\nLOCATION: http://10.0.0.1:5000/rootDesc.xml\r\n\r\n";

/// Long enough for loopback under load; only the silent cases wait it out.
const WAIT: Duration = Duration::from_secs(5);

/// What a stand-in device does with the n-th search (from 0): datagrams to
/// send back, each from the device's own socket (`None`) or from a socket
/// bound to another address.
pub(crate) type Reply = fn(usize) -> Vec<(Option<&'static str>, &'static [u8])>;

/// A device on `ip` and `port` (0: chosen by the system), answering per
/// `reply`; every search it receives is passed on to the returned channel.
pub(crate) async fn device(
    (ip, port): (&str, u16),
    reply: Reply,
) -> (SocketAddr, mpsc::UnboundedReceiver<Vec<u8>>) {
    let socket = UdpSocket::bind((ip, port)).await.expect("bind the device");
    let addr = socket.local_addr().expect("device address");
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        for n in 0.. {
            let Ok((len, from)) = socket.recv_from(&mut buf).await else {
                return;
            };
            let _ = tx.send(buf[..len].to_vec());
            for (source, bytes) in reply(n) {
                match source {
                    None => socket.send_to(bytes, from).await.expect("answer"),
                    Some(other) => {
                        let s = UdpSocket::bind((other, 0)).await.expect("bind other");
                        s.send_to(bytes, from).await.expect("answer from other")
                    }
                };
            }
        }
    });
    (addr, rx)
}

#[tokio::test]
async fn an_answering_device_is_reported_with_what_it_says() {
    let (addr, mut searches) = device(("127.0.0.1", 0), |_| vec![(None, ANSWER)]).await;
    let r = search(addr, WAIT).await;
    assert!(answered(&r), "{r:?}");
    assert_eq!(r.attempts, 1);
    assert_eq!(server(&r), Some("Linux UPnP/1.1 MiniUPnPd/2.3"));
    let upnp = r.details.upnp.clone().expect("the device's headers");
    assert_eq!(
        upnp.location.as_deref(),
        Some("http://10.0.0.1:5000/rootDesc.xml")
    );
    assert_eq!(upnp.st.as_deref(), Some("upnp:rootdevice"));
    let sent = searches.recv().await.expect("the search arrived");
    assert_eq!(sent, m_search(addr));
}

#[tokio::test(start_paused = true)]
async fn a_silent_device_is_no_answer_after_two_searches() {
    let (addr, mut searches) = device(("127.0.0.1", 0), |_| Vec::new()).await;
    let r = search(addr, Duration::from_millis(300)).await;
    assert_eq!(
        (r.state, r.reason),
        (PortState::OpenFiltered, Reason::NoAnswer)
    );
    assert_eq!(r.attempts, ROUNDS);
    assert_eq!(r.details.upnp, None);
    for _ in 0..ROUNDS {
        searches.recv().await.expect("a search arrived");
    }
    assert!(searches.try_recv().is_err(), "more than two searches");
}

#[tokio::test]
async fn an_answer_from_another_address_is_ignored() {
    // The first search is answered from 127.0.0.2, the second from the
    // device itself: only that second answer may count.
    let (addr, _searches) = device(("127.0.0.1", 0), |n| match n {
        0 => vec![(
            Some("127.0.0.2"),
            &b"HTTP/1.1 200 OK\r\nSERVER: foreign\r\n\r\n"[..],
        )],
        _ => vec![(None, ANSWER)],
    })
    .await;
    let r = search(addr, Duration::from_millis(1500)).await;
    assert!(answered(&r), "{r:?}");
    assert_eq!(r.attempts, 2, "the foreign answer was taken");
    assert_eq!(server(&r), Some("Linux UPnP/1.1 MiniUPnPd/2.3"));
}

#[tokio::test]
async fn a_flood_is_read_only_up_to_the_cap() {
    let (addr, _searches) = device(("127.0.0.1", 0), |_| {
        let mut flood = vec![(None, &b"not ssdp"[..]); MAX_DATAGRAMS];
        flood.push((None, ANSWER));
        flood
    })
    .await;
    let r = search(addr, WAIT).await;
    assert!(!answered(&r), "read past the cap");
    // The junk came from the asked port: something listens (nmap: open).
    assert_eq!(
        (r.state, r.reason),
        (PortState::Open, Reason::UnparsedAnswer)
    );
    assert_eq!(r.details.limit, Some(crate::api::IdentLimit::Bytes));
    assert_eq!(r.attempts, 1, "searched again after the cap");
}

/// Issue 23, point 4: datagrams from another address neither count against
/// the cap nor end the wait. A third party on 127.0.0.3 learns the probe's
/// port (here from the device, which sees the search arrive) and sprays it
/// with junk before the visitor's device on 127.0.0.2 answers.
#[tokio::test]
async fn junk_from_another_address_does_not_hide_the_answer() {
    let device = UdpSocket::bind(("127.0.0.2", 0))
        .await
        .expect("bind the device");
    let addr = device.local_addr().expect("device address");
    let sprayer = UdpSocket::bind(("127.0.0.3", 0))
        .await
        .expect("bind the sprayer");
    let (port_tx, mut port_rx) = mpsc::unbounded_channel::<SocketAddr>();
    let (sprayed_tx, mut sprayed_rx) = mpsc::unbounded_channel::<()>();
    tokio::spawn(async move {
        while let Some(probe) = port_rx.recv().await {
            for _ in 0..3 * MAX_DATAGRAMS {
                let junk = &b"HTTP/1.1 200 OK\r\nSERVER: junk\r\n\r\n"[..];
                sprayer.send_to(junk, probe).await.expect("spray");
            }
            let _ = sprayed_tx.send(());
        }
    });
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        let Ok((_, probe)) = device.recv_from(&mut buf).await else {
            return;
        };
        // Answer only once the junk is in the probe's queue, ahead of it.
        let _ = port_tx.send(probe);
        if sprayed_rx.recv().await.is_some() {
            device.send_to(ANSWER, probe).await.expect("answer");
        }
    });
    let r = search(addr, WAIT).await;
    assert!(answered(&r), "the junk hid the answer: {r:?}");
    assert_eq!(server(&r), Some("Linux UPnP/1.1 MiniUPnPd/2.3"));
    assert_eq!(r.attempts, 1);
    let plan = crate::plan::Plan::practice();
    let ip = "198.51.100.7".parse().expect("ip");
    let mut report = plan.sample_report(ip, |_, _| PortState::Filtered);
    for p in &mut report.ports {
        if p.port == SSDP_PORT && p.transport == crate::plan::Transport::Udp {
            (p.state, p.reason) = (r.state, r.reason);
        }
    }
    let verdict = crate::verdict::evaluate(&plan, &report.ports, &report.control);
    let ids: Vec<_> = verdict.findings.iter().map(|f| f.id).collect();
    assert_eq!(ids, [crate::api::FindingId::UpnpExposed]);
}

/// The parser alone, without a socket.
mod parser {
    use super::super::*;
    use crate::probe::ident::text::MAX_TEXT;
    use proptest::prelude::*;

    /// An answer as miniupnpd writes it.
    const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: upnp:rootdevice\r\nUSN: uuid:3a6f2c1e-0000-4000-8000-000000000001::upnp:rootdevice\r\nEXT:\r\nSERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3.3\r\nLOCATION: http://192.168.1.1:5000/rootDesc.xml\r\nOPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n\r\n";

    #[test]
    fn reads_what_the_device_says_of_itself() {
        let a = parse_answer(ANSWER).expect("an answer");
        assert_eq!(
            a.server.as_deref(),
            Some("Debian/12 UPnP/1.1 MiniUPnPd/2.3.3")
        );
        assert_eq!(
            a.location.as_deref(),
            Some("http://192.168.1.1:5000/rootDesc.xml")
        );
        assert_eq!(a.st.as_deref(), Some("upnp:rootdevice"));
        assert!(a.usn.is_some_and(|u| u.starts_with("uuid:3a6f2c1e")));
    }

    #[test]
    fn header_names_are_case_insensitive_and_bare_newlines_work() {
        let a = parse_answer(b"http/1.0 200\nServer: x\nlocation:  y \n\nSERVER: later")
            .expect("an answer");
        assert_eq!(a.server.as_deref(), Some("x"));
        assert_eq!(a.location.as_deref(), Some("y"));
        assert_eq!(a.st, None);
    }

    #[test]
    fn only_a_200_answer_counts() {
        for not in [
            &b"NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\n\r\n"[..],
            b"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\n\r\n",
            b"HTTP/1.1 2000 OK\r\n\r\n",
            b"HTTP/2 200\r\n\r\n",
            b"",
            b"\x00\x01\x02",
        ] {
            assert_eq!(parse_answer(not), None, "{not:?}");
        }
    }

    #[test]
    fn values_are_printable_and_capped() {
        let mut d = b"HTTP/1.1 200 OK\r\nSERVER: \x1b[31mred\x07\r\nLOCATION: ".to_vec();
        d.extend(std::iter::repeat_n(b'a', 1000));
        let a = parse_answer(&d).expect("an answer");
        assert_eq!(a.server.as_deref(), Some("[31mred"));
        assert_eq!(a.location.map(|l| l.len()), Some(MAX_TEXT));
    }

    #[test]
    fn the_search_names_the_target_and_asks_root_devices() {
        let to: SocketAddr = "[2001:db8::7]:1900".parse().expect("address");
        let text = String::from_utf8(m_search(to)).expect("ascii");
        assert!(text.starts_with("M-SEARCH * HTTP/1.1\r\nHOST: [2001:db8::7]:1900\r\n"));
        assert!(text.contains("MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: upnp:rootdevice\r\n"));
        assert!(text.ends_with("\r\n\r\n"));
        assert_eq!(parse_answer(text.as_bytes()), None, "a search is no answer");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_bytes_give_short_printable_values(b in prop::collection::vec(any::<u8>(), 0..3000)) {
            if let Some(a) = parse_answer(&b) {
                for v in [a.server, a.location, a.st, a.usn].into_iter().flatten() {
                    prop_assert!(!v.is_empty() && v.len() <= MAX_TEXT && v.len() <= b.len());
                    prop_assert!(v.bytes().all(|c| (0x20..0x7f).contains(&c)));
                }
            }
        }

        #[test]
        fn built_answers_read_back(server in "[!-~][ -~]{0,150}[!-~]", location in "[!-~]{1,150}", cut in 0usize..400) {
            let d = format!("HTTP/1.1 200 OK\r\nLOCATION: {location}\r\nSERVER: {server}\r\n\r\n");
            let a = parse_answer(d.as_bytes()).expect("an answer");
            prop_assert_eq!(a.server.as_deref(), Some(server.as_str()));
            prop_assert_eq!(a.location.as_deref(), Some(location.as_str()));
            // Cut anywhere: still no panic, and a cut value is a prefix.
            let cut = &d.as_bytes()[..cut.min(d.len())];
            if let Some(a) = parse_answer(cut) {
                prop_assert!(a.server.is_none_or(|s| server.starts_with(&s)));
            }
        }

        #[test]
        fn only_the_first_datagram_bytes_are_read(tail in prop::collection::vec(any::<u8>(), 0..100)) {
            let mut d = b"HTTP/1.1 200 OK\r\n".to_vec();
            d.resize(MAX_DATAGRAM, b'x');
            d.extend(b"\r\nSERVER: late\r\n");
            d.extend(tail);
            prop_assert_eq!(parse_answer(&d).and_then(|a| a.server), None);
        }
    }
}
