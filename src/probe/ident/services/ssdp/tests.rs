//! The SSDP module's tests: its parser alone, and the stand-in devices the
//! tests of the UPnP entry's conversation use (`scan::udp`'s SSDP tests,
//! and the routes' UPnP tests).

use std::net::SocketAddr;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// A device's answer, as miniupnpd sends it.
pub(crate) const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:1::upnp:rootdevice\r\nSERVER: Linux UPnP/1.1 MiniUPnPd/2.3\r\nLOCATION: http://10.0.0.1:5000/rootDesc.xml\r\n\r\n";

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
