//! LDAP's root DSE (RFC 4512 5.1) on port 389: over TCP the directory of a
//! Windows domain controller (or an OpenLDAP server) that anyone on the
//! internet can reach; over UDP (connectionless LDAP, CLDAP, which Active
//! Directory answers) the same question, whose answer is dozens of times
//! larger than the request: a reflection amplifier.
//!
//! What goes out: one anonymous search (no bind, no credentials; a search
//! reads only) of the root DSE: base `""`, scope base, filter
//! `(objectClass=*)`, attributes `namingContexts`, `defaultNamingContext`,
//! `dnsHostName`, `supportedLDAPVersion`: [`request`], 112–115 bytes; over
//! UDP as one datagram, over TCP on a fresh connection that is reset
//! after the answer. What comes back: a `SearchResultEntry` and a
//! `SearchResultDone`, read with Rusticata's `ldap-parser` (the parser
//! Suricata uses) into [`LdapDetails`]: at most [`MAX_CONTEXTS`] naming
//! contexts, texts printable and short.
//!
//! The request is written by hand (a fixed message of a few BER
//! elements; `ldap-parser` reads, it does not write), and a test reads it
//! back with `ldap-parser`. Before a message reaches the parser, its
//! protocol operation is checked to be one a server answers a search
//! with: a search request's nested filters are never parsed.

use std::net::SocketAddr;

use ldap_parser::FromBer;
use ldap_parser::ldap::{LdapMessage, ProtocolOp, SearchResultEntry};
use tokio::time::Instant;

use crate::api::{LdapDetails, PortDetails};
use crate::probe::ident::io::Limits;
use crate::probe::ident::io::tcp::ask;
use crate::probe::ident::services::UdpQuestion;
use crate::probe::ident::text::{MAX_TEXT, clip};

/// The attributes asked for.
pub const ATTRIBUTES: [&str; 4] = [
    "namingContexts",
    "defaultNamingContext",
    "dnsHostName",
    "supportedLDAPVersion",
];

/// Naming contexts reported at most (a domain controller has five).
pub const MAX_CONTEXTS: usize = 6;
/// LDAP versions reported at most.
pub const MAX_VERSIONS: usize = 4;

/// Most bytes of an answer the probe reads over TCP (a root DSE with these
/// four attributes is well under 1 KiB).
pub const MAX_ANSWER: usize = 16 * 1024;

/// BER tags of the answers to a search (RFC 4511 4.5.2): entry, done,
/// reference.
const SEARCH_RESULT_ENTRY: u8 = 0x64;
const SEARCH_RESULT_DONE: u8 = 0x65;
const SEARCH_RESULT_REFERENCE: u8 = 0x73;

/// One BER element: tag, then a definite length (short form, or long form
/// of 1–4 bytes; lengths here are < 128 when the probe writes).
fn element(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut e = vec![tag];
    let len = content.len();
    if len < 0x80 {
        e.push(len as u8);
    } else {
        let bytes = (len as u32).to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        e.push(0x80 | (4 - skip) as u8);
        e.extend_from_slice(&bytes[skip..]);
    }
    e.extend_from_slice(content);
    e
}

/// The search with message id `id` (1 to 2^31-1; 0 is reserved for the
/// server's notices, so 0 becomes 1).
pub fn request(id: u32) -> Vec<u8> {
    let id = (id & 0x7fff_ffff).max(1);
    let bytes = id.to_be_bytes();
    // The shortest two's complement form of a positive number.
    let skip = bytes
        .windows(2)
        .take_while(|w| w[0] == 0 && w[1] < 0x80)
        .count();
    let attributes: Vec<u8> = ATTRIBUTES
        .iter()
        .flat_map(|a| element(0x04, a.as_bytes()))
        .collect();
    let search = [
        element(0x04, b""),            // baseObject ""
        element(0x0a, &[0]),           // scope baseObject
        element(0x0a, &[0]),           // derefAliases never
        element(0x02, &[0]),           // sizeLimit 0
        element(0x02, &[0]),           // timeLimit 0
        element(0x01, &[0]),           // typesOnly FALSE
        element(0x87, b"objectClass"), // filter: present
        element(0x30, &attributes),
    ]
    .concat();
    let message = [element(0x02, &bytes[skip..]), element(0x63, &search)].concat();
    element(0x30, &message)
}

/// The header of the BER element at the front of `buf`: its tag, the
/// header's length and the content's; `None` when it is incomplete, has a
/// multi-byte tag or an indefinite or over-long length.
fn header(buf: &[u8]) -> Option<(u8, usize, usize)> {
    let (&tag, rest) = buf.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    if first < 0x80 {
        return Some((tag, 2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let len = rest
        .get(..n)?
        .iter()
        .fold(0usize, |l, &b| (l << 8) | usize::from(b));
    Some((tag, 2 + n, len))
}

/// What the front of `buf` holds.
enum Front<'a> {
    /// A whole LDAP message: its protocol operation's tag, the message,
    /// and what follows it.
    Message(u8, &'a [u8], &'a [u8]),
    /// The start of a message, the rest still to come.
    Incomplete,
    /// Not an LDAP message.
    Other,
}

fn front(buf: &[u8]) -> Front<'_> {
    let Some((tag, hl, cl)) = header(buf) else {
        return match buf.len() < 6 && buf.first().is_none_or(|&t| t == 0x30) {
            true => Front::Incomplete,
            false => Front::Other,
        };
    };
    if tag != 0x30 {
        return Front::Other;
    }
    let Some(total) = hl.checked_add(cl) else {
        return Front::Other;
    };
    let Some(message) = buf.get(..total) else {
        return Front::Incomplete;
    };
    // messageID INTEGER, then the operation.
    let content = &message[hl..];
    let Some((0x02, ihl, icl)) = header(content) else {
        return Front::Other;
    };
    match content.get(ihl + icl) {
        Some(&op) => Front::Message(op, message, &buf[total..]),
        None => Front::Other,
    }
}

/// Whether an answer read so far over TCP is complete: a message other
/// than an entry or reference (the search's end, `SearchResultDone`, or
/// anything else) has arrived, or the bytes are no LDAP.
pub fn answer_complete(buf: &[u8]) -> bool {
    let mut rest = buf;
    loop {
        match front(rest) {
            Front::Message(SEARCH_RESULT_ENTRY | SEARCH_RESULT_REFERENCE, _, tail) => rest = tail,
            Front::Message(..) | Front::Other => return true,
            Front::Incomplete => return false,
        }
    }
}

/// Read the answer to the root DSE search: the messages at the front of
/// `buf` (over UDP one datagram, over TCP what was read), up to the
/// `SearchResultDone`. `None` unless at least one entry or the done
/// message parsed.
pub fn parse(buf: &[u8]) -> Option<LdapDetails> {
    let mut details = LdapDetails::default();
    let mut seen = false;
    let mut rest = buf;
    while let Front::Message(op, message, tail) = front(rest) {
        rest = tail;
        if !matches!(
            op,
            SEARCH_RESULT_ENTRY | SEARCH_RESULT_DONE | SEARCH_RESULT_REFERENCE
        ) {
            break;
        }
        let Ok((_, m)) = LdapMessage::from_ber(message) else {
            break;
        };
        match m.protocol_op {
            ProtocolOp::SearchResultEntry(entry) => {
                read_entry(&entry, &mut details);
                seen = true;
            }
            ProtocolOp::SearchResultDone(done) => {
                details.result_code = (done.result_code.0 != 0).then_some(done.result_code.0);
                seen = true;
                break;
            }
            _ => {}
        }
    }
    seen.then_some(details)
}

/// Fold the root DSE's attributes into `details`.
fn read_entry(entry: &SearchResultEntry<'_>, details: &mut LdapDetails) {
    let text =
        |v: &[u8]| Some(clip(&String::from_utf8_lossy(v), MAX_TEXT)).filter(|t| !t.is_empty());
    for attribute in &entry.attributes {
        let name = attribute.attr_type.0.as_ref();
        let values = attribute.attr_vals.iter().map(|v| v.0.as_ref());
        if name.eq_ignore_ascii_case("namingContexts") {
            for v in values.filter_map(text) {
                if details.naming_contexts.len() < MAX_CONTEXTS {
                    details.naming_contexts.push(v);
                }
            }
        } else if name.eq_ignore_ascii_case("defaultNamingContext") {
            details.default_naming_context = values.filter_map(text).next();
        } else if name.eq_ignore_ascii_case("dnsHostName") {
            details.dns_host_name = values.filter_map(text).next();
        } else if name.eq_ignore_ascii_case("supportedLDAPVersion") {
            for v in values {
                let version = std::str::from_utf8(v)
                    .ok()
                    .and_then(|s| s.trim().parse().ok());
                match version {
                    Some(v) if details.supported_ldap_versions.len() < MAX_VERSIONS => {
                        details.supported_ldap_versions.push(v);
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The question for a UDP 389 entry (CLDAP): the search with `id` as one
/// datagram, and the answer read into `ldap`.
pub(crate) fn question(id: u32) -> UdpQuestion {
    UdpQuestion {
        datagrams: vec![request(id)],
        read: Box::new(
            |datagram: &[u8], details: &mut PortDetails| match parse(datagram) {
                Some(d) => {
                    details.reported.ldap = Some(d);
                    true
                }
                None => false,
            },
        ),
        any_source_port: false,
    }
}

// The TCP conversation: the search on a fresh connection, the answer read
// until the search is done, the byte cap or the deadline, then the
// connection is reset. Never a bind.

pub(crate) async fn probe_ldap(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<LdapDetails> {
    let id = u32::from_be_bytes(crate::probe::ident::io::random_bytes::<4>());
    let answer = ask(
        addr,
        &request(id),
        MAX_ANSWER,
        deadline,
        limits,
        answer_complete,
    )
    .await?;
    parse(&answer)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A server's answer to message `id`: one entry with `attributes`,
    /// then done with `code`.
    pub(crate) fn answer(id: u8, attributes: &[(&str, &[&str])], code: u8) -> Vec<u8> {
        let attrs: Vec<u8> = attributes
            .iter()
            .flat_map(|(name, values)| {
                let vals: Vec<u8> = values
                    .iter()
                    .flat_map(|v| element(0x04, v.as_bytes()))
                    .collect();
                element(
                    0x30,
                    &[element(0x04, name.as_bytes()), element(0x31, &vals)].concat(),
                )
            })
            .collect();
        let entry = element(0x64, &[element(0x04, b""), element(0x30, &attrs)].concat());
        let done = element(
            0x65,
            &[
                element(0x0a, &[code]),
                element(0x04, b""),
                element(0x04, b""),
            ]
            .concat(),
        );
        [
            element(0x30, &[element(0x02, &[id]), entry].concat()),
            element(0x30, &[element(0x02, &[id]), done].concat()),
        ]
        .concat()
    }

    #[test]
    fn ldap_parser_reads_the_request() {
        for id in [0, 1, 0x7f, 0x80, 0xffff_ffff] {
            let r = request(id);
            let (rest, m) = LdapMessage::from_ber(&r).expect("an LDAP message");
            assert!(rest.is_empty());
            assert_eq!(m.message_id.0, (id & 0x7fff_ffff).max(1));
            let ProtocolOp::SearchRequest(s) = m.protocol_op else {
                panic!("not a search: {:?}", m.protocol_op);
            };
            assert_eq!(s.base_object.0, "");
            assert_eq!(s.scope.0, 0);
            assert!(!s.types_only);
            assert_eq!(
                s.filter,
                ldap_parser::filter::Filter::Present(ldap_parser::ldap::LdapString(
                    "objectClass".into()
                ))
            );
            let attributes: Vec<&str> = s.attributes.iter().map(|a| a.0.as_ref()).collect();
            assert_eq!(attributes, ATTRIBUTES);
        }
        assert_eq!(request(1).len(), 112);
        assert_eq!(request(0x7fff_ffff).len(), 115);
        assert!(!question(1).any_source_port);
    }

    #[test]
    fn a_domain_controller() {
        let m = answer(
            1,
            &[
                (
                    "namingContexts",
                    &["DC=praxis,DC=local", "CN=Configuration,DC=praxis,DC=local"],
                ),
                ("defaultNamingContext", &["DC=praxis,DC=local"]),
                ("dnsHostName", &["dc1.praxis.local"]),
                ("supportedLDAPVersion", &["3", "2"]),
            ],
            0,
        );
        assert!(answer_complete(&m));
        assert!(!answer_complete(&m[..m.len() - 1]));
        assert!(!answer_complete(&m[..3]));
        let d = parse(&m).expect("ldap");
        assert_eq!(
            d,
            LdapDetails {
                naming_contexts: vec![
                    "DC=praxis,DC=local".into(),
                    "CN=Configuration,DC=praxis,DC=local".into()
                ],
                dns_host_name: Some("dc1.praxis.local".into()),
                default_naming_context: Some("DC=praxis,DC=local".into()),
                result_code: None,
                supported_ldap_versions: vec![3, 2],
            }
        );
        let mut details = PortDetails::default();
        assert!((question(1).read)(&m, &mut details));
        assert_eq!(details.reported.ldap, Some(d));
    }

    #[test]
    fn refusals_caps_and_long_lengths() {
        // Done alone, with insufficientAccessRights (50).
        let m = answer(1, &[], 50);
        let d = parse(&m).expect("ldap");
        assert_eq!(d.result_code, Some(50));
        let many: Vec<String> = (0..40).map(|i| format!("DC=d{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let d = parse(&answer(2, &[("namingcontexts", &many)], 0)).unwrap();
        assert_eq!(d.naming_contexts.len(), MAX_CONTEXTS);
        // A long-form length (as Active Directory writes them).
        let mut long = vec![0x30, 0x84, 0, 0, 0, m[1]];
        long.extend_from_slice(&m[2..]);
        assert!(parse(&long).is_some());
        assert_eq!(parse(&long), parse(&m));
    }

    #[test]
    fn other_bytes_are_no_answer() {
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"HTTP/1.1 400 Bad Request\r\n\r\n"), None);
        // The probe's own request (a search, not its answer).
        assert_eq!(parse(&request(1)), None);
        assert!(answer_complete(b"HTTP/1.1 400"));
        assert!(answer_complete(&request(1)));
        assert!(!answer_complete(b""));
        // An indefinite length, a tag of several bytes.
        assert_eq!(parse(&[0x30, 0x80, 0x02, 0x01, 0x01, 0x65, 0x00]), None);
        assert_eq!(parse(&[0x3f, 0x01, 0x00]), None);
    }
}
