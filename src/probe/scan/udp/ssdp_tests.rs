//! The UPnP entry's conversation over loopback, against stand-in devices
//! (`ident::services::ssdp::tests`): one that answers, one that stays
//! silent, one whose answer comes from another address, one that floods,
//! and a third party that sprays the probe's socket.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::{Conversation, MAX_DATAGRAMS, ROUNDS, converse};
use crate::api::{PortState, Reason};
use crate::probe::ident::services::ssdp::tests::{ANSWER, device};
use crate::probe::ident::services::ssdp::{SSDP_PORT, m_search, question};

/// Long enough for loopback under load; only the silent cases wait it out.
const WAIT: Duration = Duration::from_secs(5);

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
