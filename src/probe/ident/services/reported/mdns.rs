//! Multicast DNS over UDP 5353: does a device answer mDNS queries from the
//! internet? mDNS belongs on the local link (RFC 6762); a responder that
//! answers off-link askers tells anyone the services and names of the
//! network (printers, file shares, the computers' names) and can be abused
//! for reflection (Shadowserver's "Open mDNS" report).
//!
//! What goes out: one query for the DNS-SD service list, PTR
//! `_services._dns-sd._udp.local` (RFC 6763 9), 46 bytes, with the
//! unicast-response bit (QU, RFC 6762 5.4) set and sent from an ephemeral
//! port: a query from a port other than 5353 is a "legacy unicast" query
//! (RFC 6762 6.7), which a responder answers directly to the asker's
//! address and port, echoing the query's id. A query reads; it cannot
//! change anything.
//!
//! What is read: the service types the answer lists (the targets of PTR
//! records owned by `_services._dns-sd._udp.local`) and, when the
//! responder adds them, host and instance names (owners of A/AAAA records,
//! SRV targets, targets of other PTR records), each through
//! `ident::text` and cut to [`MAX_NAME_TEXT`] characters (service types
//! printable ASCII, names printable UTF-8), both lists capped
//! ([`MAX_SERVICES`], [`MAX_NAMES`]). The message is decoded by
//! `simple-dns` with the same guard as [`super::dns`].

use simple_dns::rdata::RData;
use simple_dns::{CLASS, Name, Packet, PacketFlag, QCLASS, QTYPE, Question, TYPE};

use super::dns::counts_fit;
use crate::api::{MdnsDetails, PortDetails};
use crate::probe::ident::services::UdpQuestion;
use crate::probe::ident::text::{clip, printable};

/// The port mDNS responders listen on.
pub const MDNS_PORT: u16 = 5353;

/// Bytes of one answer the parser reads: mDNS messages over UDP are at
/// most 9000 bytes (RFC 6762 17), but a service list fits in a typical
/// link MTU; the rest of a longer datagram is ignored.
pub const MAX_DATAGRAM: usize = 1500;

/// Service types reported at most.
pub const MAX_SERVICES: usize = 16;

/// Host and instance names reported at most.
pub const MAX_NAMES: usize = 8;

/// Characters kept of a service type or a name. A service type is ASCII
/// and at most 28 characters (`_` and a service name of at most 15,
/// RFC 6335 5.1, then `._tcp.local`); an instance label is at most 63
/// bytes (RFC 6763 4.1.1).
pub const MAX_NAME_TEXT: usize = 64;

/// The DNS-SD meta-query's name (RFC 6763 9).
pub const SERVICE_LIST: &str = "_services._dns-sd._udp.local";

/// The query the probe sends, with transaction id `id`.
pub fn request(id: u16) -> Vec<u8> {
    let mut query = Packet::new_query(id);
    query.questions.push(Question::new(
        Name::new_unchecked(SERVICE_LIST),
        QTYPE::TYPE(TYPE::PTR),
        QCLASS::CLASS(CLASS::IN),
        true,
    ));
    query.build_bytes_vec().unwrap_or_else(|_| {
        let mut q = id.to_be_bytes().to_vec();
        q.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        for label in SERVICE_LIST.split('.') {
            q.push(label.len() as u8);
            q.extend_from_slice(label.as_bytes());
        }
        q.extend_from_slice(&[0, 0, 12, 0x80, 1]);
        q
    })
}

/// A host or instance name as text: printable (instance names may be
/// UTF-8) and at most [`MAX_NAME_TEXT`] characters.
fn text(name: &Name<'_>) -> String {
    clip(&name.to_string(), MAX_NAME_TEXT)
}

/// A service type as text: printable ASCII, at most [`MAX_NAME_TEXT`]
/// characters.
fn service_text(name: &Name<'_>) -> String {
    let mut text = printable(name.to_string().as_bytes());
    text.truncate(MAX_NAME_TEXT);
    text.trim_end().to_owned()
}

/// Adds `value` to `list` unless it is empty, already there, or the list
/// is full.
fn add(list: &mut Vec<String>, value: String, cap: usize) {
    if !value.is_empty() && list.len() < cap && !list.contains(&value) {
        list.push(value);
    }
}

/// The answer to the query with id `id`: a response whose id is `id` (a
/// legacy unicast answer) or 0 (what a responder puts in multicast
/// answers, RFC 6762 18.1), a well-formed message. `None` for anything
/// else. An answer that lists no service is still an answer.
pub fn parse(datagram: &[u8], id: u16) -> Option<MdnsDetails> {
    let datagram = &datagram[..datagram.len().min(MAX_DATAGRAM)];
    if !counts_fit(datagram) {
        return None;
    }
    let answer = Packet::parse(datagram).ok()?;
    if !(answer.has_flags(PacketFlag::RESPONSE) && (answer.id() == id || answer.id() == 0)) {
        return None;
    }
    let mut details = MdnsDetails::default();
    let records = answer
        .answers
        .iter()
        .chain(&answer.name_servers)
        .chain(&answer.additional_records);
    for record in records {
        let owner = text(&record.name);
        match &record.rdata {
            RData::PTR(target) if owner.eq_ignore_ascii_case(SERVICE_LIST) => {
                add(&mut details.services, service_text(&target.0), MAX_SERVICES);
            }
            RData::PTR(target) => add(&mut details.names, text(&target.0), MAX_NAMES),
            RData::SRV(srv) => add(&mut details.names, text(&srv.target), MAX_NAMES),
            RData::A(_) | RData::AAAA(_) => add(&mut details.names, owner, MAX_NAMES),
            _ => {}
        }
    }
    Some(details)
}

/// The question for a UDP entry expecting mDNS.
pub(crate) fn question(id: u32) -> UdpQuestion {
    let id = super::dns::transaction_id(id);
    UdpQuestion {
        datagrams: vec![request(id)],
        read: Box::new(move |datagram: &[u8], details: &mut PortDetails| {
            let Some(mdns) = parse(datagram, id) else {
                return false;
            };
            details.reported.mdns = Some(mdns);
            true
        }),
        any_source_port: false,
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use simple_dns::ResourceRecord;
    use simple_dns::rdata::{A, PTR, SRV};

    use super::*;

    /// A responder's answer: two service types, and in the additional
    /// section an instance, its SRV record and the host's address.
    fn answer(id: u16) -> Vec<u8> {
        let mut p = Packet::new_reply(id);
        p.set_flags(PacketFlag::AUTHORITATIVE_ANSWER);
        let list = Name::new_unchecked(SERVICE_LIST);
        for service in ["_ipp._tcp.local", "_smb._tcp.local"] {
            let ptr = RData::PTR(PTR(Name::new_unchecked(service)));
            p.answers
                .push(ResourceRecord::new(list.clone(), CLASS::IN, 4500, ptr));
        }
        let instance = Name::new_unchecked("Drucker Empfang._ipp._tcp.local");
        p.additional_records.push(ResourceRecord::new(
            Name::new_unchecked("_ipp._tcp.local"),
            CLASS::IN,
            4500,
            RData::PTR(PTR(instance.clone())),
        ));
        let srv = SRV {
            priority: 0,
            weight: 0,
            port: 631,
            target: Name::new_unchecked("drucker.local"),
        };
        p.additional_records.push(
            ResourceRecord::new(instance, CLASS::IN, 120, RData::SRV(srv)).with_cache_flush(true),
        );
        let a = RData::A(A::from(Ipv4Addr::new(198, 51, 100, 20)));
        p.additional_records.push(
            ResourceRecord::new(Name::new_unchecked("drucker.local"), CLASS::IN, 120, a)
                .with_cache_flush(true),
        );
        p.build_bytes_vec_compressed().expect("an answer")
    }

    #[test]
    fn the_query_asks_for_the_service_list_with_qu() {
        let q = request(0x0102);
        assert_eq!(q.len(), 46);
        assert_eq!(&q[..12], &[1, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&q[12..22], b"\x09_services");
        // Type PTR, class IN with the unicast-response bit.
        assert_eq!(&q[q.len() - 4..], &[0, 12, 0x80, 1]);
        let p = Packet::parse(&q).expect("the crate reads its own query");
        assert!(p.questions[0].unicast_response);
    }

    #[test]
    fn services_and_names_are_read() {
        let d = parse(&answer(5), 5).expect("an answer");
        assert_eq!(d.services, ["_ipp._tcp.local", "_smb._tcp.local"]);
        assert_eq!(
            d.names,
            ["Drucker Empfang._ipp._tcp.local", "drucker.local"]
        );
        // A multicast-style id of 0 counts too.
        assert!(parse(&answer(0), 5).is_some());
    }

    #[test]
    fn other_ids_queries_and_garbage_are_no_answer() {
        assert_eq!(parse(&answer(5), 6), None);
        assert_eq!(parse(&request(5), 5), None);
        assert_eq!(parse(b"\x00\x05\x84\x00", 5), None);
        let a = answer(5);
        assert_eq!(parse(&a[..a.len() - 2], 5), None);
    }

    #[test]
    fn lists_are_capped_and_texts_printable() {
        let mut p = Packet::new_reply(5);
        let list = Name::new_unchecked(SERVICE_LIST);
        let mut names: Vec<String> = (0..40).map(|i| format!("_s{i}\n._tcp.local")).collect();
        names[1] = format!("_{}.{}._tcp.local", "x".repeat(40), "y".repeat(40));
        for n in &names {
            let ptr = RData::PTR(PTR(Name::new_unchecked(n)));
            p.answers
                .push(ResourceRecord::new(list.clone(), CLASS::IN, 1, ptr));
        }
        let d = parse(&p.build_bytes_vec_compressed().expect("bytes"), 5).expect("an answer");
        assert_eq!(d.services.len(), MAX_SERVICES);
        assert_eq!(d.services[0], "_s0._tcp.local");
        let cut = format!("_{}.{}", "x".repeat(40), "y".repeat(22));
        assert_eq!(d.services[1], cut);
        assert!(d.services.iter().all(|s| !s.chars().any(char::is_control)));
    }

    #[test]
    fn an_empty_answer_is_an_answer() {
        let empty = Packet::new_reply(5).build_bytes_vec().expect("bytes");
        assert_eq!(parse(&empty, 5), Some(MdnsDetails::default()));
    }

    #[test]
    fn the_question_reads_answers_into_the_details() {
        let q = question(9);
        assert_eq!(q.datagrams, vec![request(9)]);
        let mut details = PortDetails::default();
        assert!(!(q.read)(&answer(8), &mut details));
        assert!((q.read)(&answer(9), &mut details));
        assert_eq!(details.reported.mdns.map(|m| m.services.len()), Some(2));
    }
}
