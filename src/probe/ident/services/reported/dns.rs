//! DNS over UDP 53: does the visitor's address offer recursion to anyone?
//! An open resolver answers any asker's queries and is abused to reflect
//! and amplify floods at a spoofed victim (Shadowserver's "Open DNS
//! Resolvers" report).
//!
//! What goes out: one standard query with recursion desired (RD) for the
//! root zone's name servers (`. NS`), 17 bytes, no EDNS. Why that name:
//! every recursive resolver keeps the root's NS set in its cache (it
//! primes it at start, RFC 8109) or in its built-in hints, so answering
//! takes no lookup in anyone's zone beyond what the resolver does anyway;
//! the root zone is nobody's private data; and without EDNS the answer is
//! at most 512 bytes (RFC 1035 4.2.1), so the question amplifies nothing.
//! Not `ANY`, no name under a third party's domain, no update, no zone
//! transfer: a query cannot change anything on the server.
//!
//! What is read: the answer's header (the RA flag, the response code) and
//! how many records the answer section holds, into [`DnsDetails`]. The
//! parser reports what the server said and nothing more: an open resolver
//! is one that answers with RA set and `NOERROR` and at least one answer
//! record; a server that says `REFUSED`, or answers without RA (an
//! authoritative-only server handing out a referral), is not. The finding
//! rule decides from these three fields.
//!
//! The message is decoded by `simple-dns` (docs/dependencies.md says why
//! that crate), after a check that the header's record counts fit in the
//! datagram at all (the crate reserves room for every counted record
//! before it reads one); names in it follow compression pointers only
//! backwards, so a datagram of at most [`MAX_DATAGRAM`] bytes is read in
//! bounded time.

use simple_dns::{CLASS, Name, OPCODE, Packet, PacketFlag, QCLASS, QTYPE, Question, RCODE, TYPE};

use crate::api::{DnsDetails, PortDetails};
use crate::probe::ident::services::UdpQuestion;

/// The port DNS servers answer on.
pub const DNS_PORT: u16 = 53;

/// Bytes of one answer the parser reads: a classic DNS message over UDP
/// is at most 512 bytes; the rest of a longer datagram is ignored.
pub const MAX_DATAGRAM: usize = 512;

/// Length of a DNS message header.
const HEADER: usize = 12;

/// The query's transaction id, from the check's random id.
pub fn transaction_id(id: u32) -> u16 {
    (id & 0xffff) as u16
}

/// The query the probe sends: `. NS`, class IN, RD set, no EDNS.
pub fn request(id: u16) -> Vec<u8> {
    let mut query = Packet::new_query(id);
    query.set_flags(PacketFlag::RECURSION_DESIRED);
    query.questions.push(Question::new(
        Name::new_unchecked(""),
        QTYPE::TYPE(TYPE::NS),
        QCLASS::CLASS(CLASS::IN),
        false,
    ));
    // Building a one-question query from fixed parts cannot fail; the
    // fixed bytes are the fallback all the same.
    query.build_bytes_vec().unwrap_or_else(|_| {
        let mut q = id.to_be_bytes().to_vec();
        q.extend_from_slice(&[1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1]);
        q
    })
}

/// Whether the header's record counts can be met by the datagram: every
/// question takes at least 5 bytes (a root name and type and class), every
/// record at least 11. Rejects a header that announces thousands of
/// records in a few bytes before a decoder reserves room for them.
pub(crate) fn counts_fit(datagram: &[u8]) -> bool {
    let Some(header) = datagram.first_chunk::<HEADER>() else {
        return false;
    };
    let count = |at: usize| usize::from(u16::from_be_bytes([header[at], header[at + 1]]));
    let needed = count(4) * 5 + (count(6) + count(8) + count(10)) * 11;
    needed <= datagram.len() - HEADER
}

/// The response code's mnemonic, as RFC 1035 and RFC 2136 name it.
pub(crate) fn rcode_name(rcode: RCODE) -> &'static str {
    match rcode {
        RCODE::NoError => "NOERROR",
        RCODE::FormatError => "FORMERR",
        RCODE::ServerFailure => "SERVFAIL",
        RCODE::NameError => "NXDOMAIN",
        RCODE::NotImplemented => "NOTIMP",
        RCODE::Refused => "REFUSED",
        RCODE::YXDOMAIN => "YXDOMAIN",
        RCODE::YXRRSET => "YXRRSET",
        RCODE::NXRRSET => "NXRRSET",
        RCODE::NOTAUTH => "NOTAUTH",
        RCODE::NOTZONE => "NOTZONE",
        RCODE::BADVERS => "BADVERS",
        RCODE::Reserved => "RESERVED",
    }
}

/// The answer to the query with transaction id `id`: a response (QR set)
/// to a standard query with that id, a well-formed message. `None` for
/// anything else (another id, a query, bytes of another protocol).
pub fn parse(datagram: &[u8], id: u16) -> Option<DnsDetails> {
    let datagram = &datagram[..datagram.len().min(MAX_DATAGRAM)];
    if !counts_fit(datagram) {
        return None;
    }
    let answer = Packet::parse(datagram).ok()?;
    let is_answer = answer.id() == id
        && answer.has_flags(PacketFlag::RESPONSE)
        && answer.opcode() == OPCODE::StandardQuery;
    is_answer.then(|| DnsDetails {
        recursion_available: answer.has_flags(PacketFlag::RECURSION_AVAILABLE),
        rcode: rcode_name(answer.rcode()).to_owned(),
        answers: u16::try_from(answer.answers.len()).unwrap_or(u16::MAX),
    })
}

/// The question for a UDP entry expecting DNS.
pub(crate) fn question(id: u32) -> UdpQuestion {
    let id = transaction_id(id);
    UdpQuestion {
        datagrams: vec![request(id)],
        read: Box::new(move |datagram: &[u8], details: &mut PortDetails| {
            let Some(dns) = parse(datagram, id) else {
                return false;
            };
            details.reported.dns = Some(dns);
            true
        }),
        any_source_port: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answer header of `id` with the given flags and counts.
    fn header(id: u16, flags: u16, counts: [u16; 4]) -> Vec<u8> {
        let mut h = id.to_be_bytes().to_vec();
        h.extend_from_slice(&flags.to_be_bytes());
        for c in counts {
            h.extend_from_slice(&c.to_be_bytes());
        }
        h
    }

    /// An open resolver's answer: the question and two root NS records,
    /// the second name compressed.
    fn open_answer(id: u16) -> Vec<u8> {
        let mut a = header(id, 0x8180, [1, 2, 0, 0]);
        a.extend_from_slice(&[0, 0, 2, 0, 1]);
        // . NS IN 518400 a.root-servers.net.
        a.extend_from_slice(&[0, 0, 2, 0, 1, 0, 7, 0xe9, 0, 0, 20]);
        a.extend_from_slice(b"\x01a\x0croot-servers\x03net\x00");
        // . NS IN 518400 b.<pointer to root-servers.net at 30>
        a.extend_from_slice(&[0, 0, 2, 0, 1, 0, 7, 0xe9, 0, 0, 4]);
        a.extend_from_slice(&[1, b'b', 0xc0, 30]);
        a
    }

    #[test]
    fn the_query_is_root_ns_with_recursion_desired() {
        let q = request(0x1234);
        assert_eq!(q, [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1]);
        assert_eq!(q.len(), 17);
        let p = Packet::parse(&q).expect("the crate reads its own query");
        assert!(p.has_flags(PacketFlag::RECURSION_DESIRED));
        assert!(!p.has_flags(PacketFlag::RESPONSE));
        assert_eq!(p.questions.len(), 1);
        assert_eq!(transaction_id(0xabcd_1234), 0x1234);
    }

    #[test]
    fn an_open_resolver_answers_with_ra_and_records() {
        let d = parse(&open_answer(7), 7).expect("an answer");
        assert_eq!(
            d,
            DnsDetails {
                recursion_available: true,
                rcode: "NOERROR".into(),
                answers: 2
            }
        );
    }

    #[test]
    fn refusals_and_referrals_are_reported_as_said() {
        // REFUSED with RA clear and the question echoed.
        let mut refused = header(9, 0x8105, [1, 0, 0, 0]);
        refused.extend_from_slice(&[0, 0, 2, 0, 1]);
        let d = parse(&refused, 9).expect("an answer");
        assert!(!d.recursion_available);
        assert_eq!((d.rcode.as_str(), d.answers), ("REFUSED", 0));
        // Some servers refuse without echoing the question.
        let bare = header(9, 0x8185, [0, 0, 0, 0]);
        assert_eq!(parse(&bare, 9).map(|d| d.rcode), Some("REFUSED".into()));
        let nx = header(9, 0x8183, [0, 0, 0, 0]);
        assert_eq!(parse(&nx, 9).map(|d| d.rcode), Some("NXDOMAIN".into()));
    }

    #[test]
    fn other_ids_queries_and_garbage_are_no_answer() {
        assert_eq!(parse(&open_answer(7), 8), None);
        // Our own query reflected back: QR clear.
        assert_eq!(parse(&request(7), 7), None);
        // A NOTIFY (opcode 4) with the right id.
        assert_eq!(parse(&header(7, 0xa000, [0, 0, 0, 0]), 7), None);
        assert_eq!(parse(b"", 7), None);
        assert_eq!(parse(b"HTTP/1.1 200 OK\r\n\r\n", 7), None);
        // A record cut short.
        let a = open_answer(7);
        assert_eq!(parse(&a[..a.len() - 3], 7), None);
    }

    #[test]
    fn counts_the_datagram_cannot_hold_are_rejected_before_decoding() {
        let huge = header(7, 0x8180, [0xffff, 0xffff, 0xffff, 0xffff]);
        assert!(!counts_fit(&huge));
        assert_eq!(parse(&huge, 7), None);
        assert!(counts_fit(&open_answer(7)));
        assert!(!counts_fit(&[0; 11]));
    }

    #[test]
    fn a_compression_loop_ends() {
        // The answer's name points at itself.
        let mut a = header(7, 0x8180, [0, 1, 0, 0]);
        a.extend_from_slice(&[0xc0, 12, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(parse(&a, 7), None);
    }

    #[test]
    fn the_question_reads_answers_into_the_details() {
        let q = question(0x0001_0007);
        assert_eq!(q.datagrams, vec![request(7)]);
        assert!(!q.any_source_port);
        let mut details = PortDetails::default();
        assert!(!(q.read)(b"noise", &mut details));
        assert_eq!(details.reported.dns, None);
        assert!((q.read)(&open_answer(7), &mut details));
        assert_eq!(details.reported.dns.map(|d| d.answers), Some(2));
    }
}
