//! The SSDP search over loopback against stand-in devices: one that
//! answers, one that stays silent, one whose answer comes from another
//! address, one that floods.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::*;

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
    assert_eq!(r.answer, UpnpAnswer::Answered);
    assert_eq!(r.sent, 1);
    assert_eq!(r.port, addr.port());
    assert_eq!(r.server.as_deref(), Some("Linux UPnP/1.1 MiniUPnPd/2.3"));
    assert_eq!(
        r.location.as_deref(),
        Some("http://10.0.0.1:5000/rootDesc.xml")
    );
    assert_eq!(r.st.as_deref(), Some("upnp:rootdevice"));
    let sent = searches.recv().await.expect("the search arrived");
    assert_eq!(sent, ssdp::m_search(addr));
}

#[tokio::test(start_paused = true)]
async fn a_silent_device_is_no_answer_after_two_searches() {
    let (addr, mut searches) = device(("127.0.0.1", 0), |_| Vec::new()).await;
    let r = search(addr, Duration::from_millis(300)).await;
    assert_eq!(r.answer, UpnpAnswer::NoAnswer);
    assert_eq!(r.sent, MAX_SEARCHES);
    assert_eq!((r.server, r.location), (None, None));
    for _ in 0..MAX_SEARCHES {
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
    assert_eq!(r.answer, UpnpAnswer::Answered);
    assert_eq!(r.sent, 2, "the foreign answer was taken");
    assert_eq!(r.server.as_deref(), Some("Linux UPnP/1.1 MiniUPnPd/2.3"));
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
    assert_eq!(r.answer, UpnpAnswer::NoAnswer, "read past the cap");
    assert_eq!(r.sent, 1, "searched again after the cap");
}

#[test]
fn the_wait_adapts_within_its_bounds() {
    assert_eq!(wait_for(None), Duration::from_millis(1500));
    assert_eq!(
        wait_for(Some(Duration::from_millis(1))),
        Duration::from_millis(1100)
    );
    assert_eq!(
        wait_for(Some(Duration::from_millis(80))),
        Duration::from_millis(1320)
    );
    assert_eq!(
        wait_for(Some(Duration::from_secs(2))),
        Duration::from_millis(1500)
    );
}
