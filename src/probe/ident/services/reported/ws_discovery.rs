//! WS-Discovery on UDP 3702 (SOAP-over-UDP): Windows computers, printers
//! and scanners announce themselves with it on the local network. One
//! that answers a Probe from the internet says what kind of device it is
//! (its `Types`) and where its metadata is (its `XAddrs`), and floods
//! others when asked with a forged source address.
//!
//! What goes out: one `Probe` for `wsdp:Device` (WS-Discovery 2005/04 over
//! SOAP 1.2, as Windows and `wsdd` speak it), 624 bytes, with a
//! random `urn:uuid` MessageID; a Probe only asks who is there. What comes
//! back: `ProbeMatches` whose `RelatesTo` names that MessageID; any other
//! datagram is not taken for an answer. Devices may answer from another
//! source port than 3702 (SOAP-over-UDP lets them; `wsdd` answers from
//! 3702, from the socket bound to it), so the question accepts any source
//! port of the visitor's address and relies on the MessageID.
//!
//! The XML is read with `roxmltree` (docs/dependencies.md): documents with
//! a DTD are refused (no entity expansion), the node count is capped, and
//! at most [`MAX_ANSWER`] bytes are parsed; at most [`MAX_MATCHES`] types
//! and [`MAX_XADDRS`] addresses are kept, each printable and short.

use std::fmt::Write as _;

use roxmltree::{Document, Node, ParsingOptions};

use crate::api::{PortDetails, WsDiscoveryDetails};
use crate::probe::ident::io::random_bytes;
use crate::probe::ident::services::UdpQuestion;
use crate::probe::ident::text::{MAX_TEXT, clip};

/// Longest answer parsed (SOAP-over-UDP allows up to 32 KiB; answers to a
/// Probe are a few KiB).
pub const MAX_ANSWER: usize = 16 * 1024;
/// Nodes an answer may have (elements, texts, attributes and namespaces).
const MAX_NODES: u32 = 2048;
/// `Types` kept at most (one per ProbeMatch; a device answers with one).
pub const MAX_MATCHES: usize = 4;
/// `XAddrs` kept at most (a device has one or two).
pub const MAX_XADDRS: usize = 4;

const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// WS-Discovery's namespaces: the 2005/04 draft that Windows uses, and
/// the OASIS standard 1.1.
const DISCOVERY: [&str; 2] = [
    "http://schemas.xmlsoap.org/ws/2005/04/discovery",
    "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01",
];
/// WS-Addressing's namespaces (2004/08 with the draft, 1.0 with 1.1).
const ADDRESSING: [&str; 2] = [
    "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "http://www.w3.org/2005/08/addressing",
];

/// A MessageID from 16 random bytes: a version 4 UUID URN.
pub fn message_id(random: [u8; 16]) -> String {
    let mut b = random;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::from("urn:uuid:");
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    s
}

/// The Probe with `message_id`.
pub fn request(message_id: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
         <soap:Envelope xmlns:soap=\"{SOAP12}\" xmlns:wsa=\"{wsa}\" xmlns:wsd=\"{wsd}\" \
         xmlns:wsdp=\"http://schemas.xmlsoap.org/ws/2006/02/devprof\">\
         <soap:Header>\
         <wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>\
         <wsa:Action>{wsd}/Probe</wsa:Action>\
         <wsa:MessageID>{message_id}</wsa:MessageID>\
         </soap:Header>\
         <soap:Body><wsd:Probe><wsd:Types>wsdp:Device</wsd:Types></wsd:Probe></soap:Body>\
         </soap:Envelope>",
        wsa = ADDRESSING[0],
        wsd = DISCOVERY[0],
    )
    .into_bytes()
}

/// What a `ProbeMatches` answer said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matches {
    /// The `RelatesTo` header: the MessageID of the Probe answered.
    pub relates_to: Option<String>,
    /// The device types and addresses.
    pub details: WsDiscoveryDetails,
}

fn is(node: &Node<'_, '_>, namespaces: &[&str], name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node
            .tag_name()
            .namespace()
            .is_some_and(|ns| namespaces.contains(&ns))
}

fn child<'a, 'i>(node: Node<'a, 'i>, namespaces: &[&str], name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(c, namespaces, name))
}

/// Read a datagram as a SOAP envelope whose body holds `ProbeMatches`.
/// `None` for anything else: not UTF-8, not well-formed XML, a DTD, more
/// than [`MAX_ANSWER`] bytes, another message.
pub fn parse(datagram: &[u8]) -> Option<Matches> {
    if datagram.len() > MAX_ANSWER {
        return None;
    }
    let text = std::str::from_utf8(datagram).ok()?;
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).ok()?;
    let envelope = doc.root_element();
    if !is(&envelope, &[SOAP12], "Envelope") {
        return None;
    }
    let body = child(envelope, &[SOAP12], "Body")?;
    let matches = child(body, &DISCOVERY, "ProbeMatches")?;
    let relates_to = child(envelope, &[SOAP12], "Header")
        .and_then(|h| child(h, &ADDRESSING, "RelatesTo"))
        .and_then(|r| r.text())
        .map(|t| clip(t, MAX_TEXT));
    let mut details = WsDiscoveryDetails::default();
    for m in matches
        .children()
        .filter(|c| is(c, &DISCOVERY, "ProbeMatch"))
    {
        if let Some(types) = child(m, &DISCOVERY, "Types").and_then(|t| t.text()) {
            let types = clip(
                &types.split_whitespace().collect::<Vec<_>>().join(" "),
                MAX_TEXT,
            );
            if !types.is_empty() && details.types.len() < MAX_MATCHES {
                details.types.push(types);
            }
        }
        if let Some(xaddrs) = child(m, &DISCOVERY, "XAddrs").and_then(|t| t.text()) {
            for a in xaddrs.split_whitespace() {
                if details.xaddrs.len() < MAX_XADDRS {
                    details.xaddrs.push(clip(a, MAX_TEXT));
                }
            }
        }
    }
    Some(Matches {
        relates_to,
        details,
    })
}

/// The question for a UDP 3702 entry: a Probe with a random MessageID,
/// and the `ProbeMatches` that relate to it read into `ws_discovery`
/// (from any source port of the visitor's address).
pub(crate) fn question(_id: u32) -> UdpQuestion {
    let id = message_id(random_bytes::<16>());
    UdpQuestion {
        datagrams: vec![request(&id)],
        read: Box::new(
            move |datagram: &[u8], details: &mut PortDetails| match parse(datagram) {
                Some(m) if m.relates_to.as_deref() == Some(id.as_str()) => {
                    let found = details.reported.ws_discovery.get_or_insert_default();
                    for t in m.details.types {
                        if found.types.len() < MAX_MATCHES && !found.types.contains(&t) {
                            found.types.push(t);
                        }
                    }
                    for a in m.details.xaddrs {
                        if found.xaddrs.len() < MAX_XADDRS && !found.xaddrs.contains(&a) {
                            found.xaddrs.push(a);
                        }
                    }
                    true
                }
                _ => false,
            },
        ),
        any_source_port: true,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An answer as `wsdd` writes it, relating to `id`.
    pub(crate) fn wsdd_answer(id: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
             <soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" \
             xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" \
             xmlns:wsd=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" \
             xmlns:wsdp=\"http://schemas.xmlsoap.org/ws/2006/02/devprof\" \
             xmlns:pub=\"http://schemas.microsoft.com/windows/pub/2005/07\">\
             <soap:Header><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>\
             <wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>\
             <wsa:MessageID>urn:uuid:0d5c4bd6-0000-11ee-8000-0242ac110002</wsa:MessageID>\
             <wsa:RelatesTo>{id}</wsa:RelatesTo>\
             <wsd:AppSequence InstanceId=\"1700000000\" SequenceId=\"urn:uuid:1\" MessageNumber=\"2\"/>\
             </soap:Header><soap:Body><wsd:ProbeMatches><wsd:ProbeMatch>\
             <wsa:EndpointReference><wsa:Address>urn:uuid:6b9a2c52-0000-5000-8000-000000000001</wsa:Address></wsa:EndpointReference>\
             <wsd:Types>wsdp:Device\n pub:Computer</wsd:Types>\
             <wsd:XAddrs>http://192.0.2.5:5357/6b9a2c52 http://[2001:db8::5]:5357/6b9a2c52</wsd:XAddrs>\
             <wsd:MetadataVersion>1</wsd:MetadataVersion>\
             </wsd:ProbeMatch></wsd:ProbeMatches></soap:Body></soap:Envelope>"
        )
    }

    #[test]
    fn the_probe_is_small_and_well_formed() {
        let id = message_id([0xab; 16]);
        assert_eq!(id, "urn:uuid:abababab-abab-4bab-abab-abababababab");
        let r = request(&id);
        assert_eq!(r.len(), 624);
        let text = std::str::from_utf8(&r).unwrap();
        let doc = Document::parse(text).expect("well-formed");
        let probe = doc
            .descendants()
            .find(|n| is(n, &DISCOVERY, "Probe"))
            .expect("a Probe");
        assert_eq!(
            child(probe, &DISCOVERY, "Types").and_then(|t| t.text()),
            Some("wsdp:Device")
        );
        // Not an answer to itself.
        assert_eq!(parse(&r), None);
        let q = question(0);
        assert!(q.any_source_port);
        assert_eq!(q.datagrams.len(), 1);
    }

    #[test]
    fn a_windows_computer_answers() {
        let id = message_id([1; 16]);
        let a = wsdd_answer(&id);
        let m = parse(a.as_bytes()).expect("ProbeMatches");
        assert_eq!(m.relates_to.as_deref(), Some(id.as_str()));
        assert_eq!(m.details.types, ["wsdp:Device pub:Computer"]);
        assert_eq!(
            m.details.xaddrs,
            [
                "http://192.0.2.5:5357/6b9a2c52",
                "http://[2001:db8::5]:5357/6b9a2c52"
            ]
        );
    }

    #[test]
    fn only_answers_to_the_probe_count() {
        let q = question(0);
        let text = String::from_utf8(q.datagrams[0].clone()).unwrap();
        let start = text.find("urn:uuid:").unwrap();
        let id = &text[start..start + 45];
        let mut details = PortDetails::default();
        assert!(!(q.read)(
            wsdd_answer("urn:uuid:other").as_bytes(),
            &mut details
        ));
        assert_eq!(details, PortDetails::default());
        assert!((q.read)(wsdd_answer(id).as_bytes(), &mut details));
        // The same answer again (SOAP-over-UDP repeats datagrams): no doubles.
        assert!((q.read)(wsdd_answer(id).as_bytes(), &mut details));
        let found = details.reported.ws_discovery.expect("found");
        assert_eq!(found.types, ["wsdp:Device pub:Computer"]);
        assert_eq!(found.xaddrs.len(), 2);
    }

    #[test]
    fn hostile_and_foreign_xml() {
        let dtd = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>";
        assert_eq!(parse(dtd.as_bytes()), None);
        assert_eq!(parse(b"<soap:Envelope"), None);
        assert_eq!(parse(b"\xff\xfe<"), None);
        assert_eq!(parse(b"<Envelope/>"), None);
        let mut big = wsdd_answer("x").into_bytes();
        big.resize(MAX_ANSWER + 1, b' ');
        assert_eq!(parse(&big), None);
        // Many matches and addresses: capped.
        let one = "<wsd:ProbeMatch><wsd:Types>a:B</wsd:Types><wsd:XAddrs>http://x/ http://y/</wsd:XAddrs></wsd:ProbeMatch>";
        let many = wsdd_answer("x").replacen(
            "<wsd:ProbeMatches>",
            &format!("<wsd:ProbeMatches>{}", one.repeat(20)),
            1,
        );
        let m = parse(many.as_bytes()).expect("ProbeMatches");
        assert_eq!(m.details.types.len(), MAX_MATCHES);
        assert_eq!(m.details.xaddrs.len(), MAX_XADDRS);
        // Too many nodes.
        let nodes = wsdd_answer("x").replacen(
            "<wsd:ProbeMatches>",
            &format!("<wsd:ProbeMatches>{}", "<a/>".repeat(3000)),
            1,
        );
        assert_eq!(parse(nodes.as_bytes()), None);
    }
}
