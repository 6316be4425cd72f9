//! SNMP over UDP 161: does an agent answer the default community `public`
//! from the internet? Such an agent tells anyone what the device is (and,
//! asked further, its interfaces, addresses and often more), and amplifies
//! reflection floods (Shadowserver's "Accessible SNMP" report; Shadowserver
//! asks the same question).
//!
//! What goes out: one SNMPv2c GetRequest for `sysDescr.0`
//! (1.3.6.1.2.1.1.1.0) with the community `public`, 43 bytes, hand-built
//! from fixed BER bytes around the request id ([`request`]; its test
//! checks that `snmp-parser` reads it as that request). No other
//! community is tried, nothing is written (no SetRequest), nothing walked
//! (no GetNext, no GetBulk): a Get of one object reads.
//!
//! What is read: the agent's Response with the same request id, parsed by
//! Rusticata's `snmp-parser` (BER via `asn1-rs`, shared with
//! `x509-parser`), into [`SnmpDetails`]: the version (`v1`, `v2c`),
//! `sysDescr.0` when the agent returned it as an octet string (printable,
//! capped), and the error-status when not 0. An answer with an error or
//! `noSuchObject` is still an answer: the community was accepted.

use snmp_parser::asn1_rs::FromBer;
use snmp_parser::{ErrorStatus, ObjectSyntax, PduType, SnmpMessage, SnmpPdu, VarBindValue};

use crate::api::{PortDetails, SnmpDetails};
use crate::probe::ident::services::UdpQuestion;
use crate::probe::ident::text::printable;

/// The port SNMP agents answer on.
pub const SNMP_PORT: u16 = 161;

/// Bytes of one answer the parser reads; the rest of a longer datagram
/// is ignored.
pub const MAX_DATAGRAM: usize = 1500;

/// The object asked for, `sysDescr.0`, as BER content octets.
pub const SYS_DESCR: [u8; 8] = [0x2b, 6, 1, 2, 1, 1, 1, 0];

/// The community asked with.
pub const COMMUNITY: &[u8; 6] = b"public";

/// The request id for the check's `id`: four content octets whose first is
/// 0x40–0x7f, so the INTEGER is positive and minimally encoded in exactly
/// four octets.
pub fn request_id(id: u32) -> u32 {
    (id & 0x3fff_ffff) | 0x4000_0000
}

/// The GetRequest the probe sends, for request id `request_id` (see
/// [`request_id`]).
pub fn request(request_id: u32) -> Vec<u8> {
    let mut m = vec![0x30, 41, 0x02, 1, 1, 0x04, 6];
    m.extend_from_slice(COMMUNITY);
    // GetRequest-PDU: request-id, error-status 0, error-index 0.
    m.extend_from_slice(&[0xa0, 28, 0x02, 4]);
    m.extend_from_slice(&request_id.to_be_bytes());
    m.extend_from_slice(&[0x02, 1, 0, 0x02, 1, 0]);
    // One variable binding: sysDescr.0, NULL.
    m.extend_from_slice(&[0x30, 14, 0x30, 12, 0x06, 8]);
    m.extend_from_slice(&SYS_DESCR);
    m.extend_from_slice(&[0x05, 0]);
    m
}

/// The agent's Response to the request with `request_id`. `None` for
/// anything else (another request id, a request, a trap, bytes that are
/// no SNMPv1/v2c message).
pub fn parse(datagram: &[u8], request_id: u32) -> Option<SnmpDetails> {
    let datagram = &datagram[..datagram.len().min(MAX_DATAGRAM)];
    let (_, message) = SnmpMessage::from_ber(datagram).ok()?;
    let SnmpPdu::Generic(pdu) = &message.pdu else {
        return None;
    };
    if pdu.pdu_type != PduType::Response || pdu.req_id != request_id {
        return None;
    }
    let version = match message.version {
        0 => "v1",
        _ => "v2c",
    };
    let sys_descr = pdu
        .var
        .iter()
        .find(|v| v.oid.as_bytes() == SYS_DESCR)
        .and_then(|v| match &v.val {
            VarBindValue::Value(ObjectSyntax::String(s)) => Some(printable(s)),
            _ => None,
        })
        .filter(|s| !s.is_empty());
    let ErrorStatus(status) = pdu.err;
    Some(SnmpDetails {
        version: version.to_owned(),
        sys_descr,
        error_status: (status != 0).then_some(status),
    })
}

/// The question for a UDP entry expecting SNMP.
pub(crate) fn question(id: u32) -> UdpQuestion {
    let request_id = request_id(id);
    UdpQuestion {
        datagrams: vec![request(request_id)],
        read: Box::new(move |datagram: &[u8], details: &mut PortDetails| {
            let Some(snmp) = parse(datagram, request_id) else {
                return false;
            };
            details.reported.snmp = Some(snmp);
            true
        }),
        any_source_port: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BER TLV, with a long-form length where needed.
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        match u8::try_from(content.len()) {
            Ok(n) if n < 0x80 => v.push(n),
            Ok(n) => v.extend_from_slice(&[0x81, n]),
            Err(_) => v.extend_from_slice(&[0x82, (content.len() >> 8) as u8, content.len() as u8]),
        }
        v.extend_from_slice(content);
        v
    }

    /// An agent's Response: `version` 0 or 1, `error` status, and the
    /// value's BER (tag, length, content).
    fn response(version: u8, id: u32, error: u8, value: &[u8]) -> Vec<u8> {
        let mut varbind = tlv(0x06, &SYS_DESCR);
        varbind.extend_from_slice(value);
        let bindings = tlv(0x30, &tlv(0x30, &varbind));
        let mut pdu = tlv(0x02, &id.to_be_bytes());
        pdu.extend_from_slice(&[0x02, 1, error, 0x02, 1, u8::from(error != 0)]);
        pdu.extend_from_slice(&bindings);
        let mut body = vec![0x02, 1, version];
        body.extend_from_slice(&tlv(0x04, COMMUNITY));
        body.extend_from_slice(&tlv(0xa2, &pdu));
        tlv(0x30, &body)
    }

    fn octets(s: &[u8]) -> Vec<u8> {
        tlv(0x04, s)
    }

    #[test]
    fn the_request_is_one_get_of_sys_descr_with_public() {
        let id = request_id(0xffff_ffff);
        assert_eq!(id, 0x7fff_ffff);
        assert_eq!(request_id(0), 0x4000_0000);
        let r = request(id);
        assert_eq!(r.len(), 43);
        let (rest, m) = SnmpMessage::from_ber(&r).expect("snmp-parser reads the request");
        assert!(rest.is_empty());
        assert_eq!((m.version, m.community.as_str()), (1, "public"));
        let SnmpPdu::Generic(pdu) = &m.pdu else {
            panic!("a generic PDU");
        };
        assert_eq!((pdu.pdu_type, pdu.req_id), (PduType::GetRequest, id));
        assert_eq!((pdu.err, pdu.err_index), (ErrorStatus(0), 0));
        assert_eq!(pdu.var.len(), 1);
        assert_eq!(pdu.var[0].oid.to_id_string(), "1.3.6.1.2.1.1.1.0");
        assert_eq!(pdu.var[0].val, VarBindValue::Unspecified);
    }

    #[test]
    fn an_agent_answer_gives_the_description() {
        let id = request_id(5);
        let a = response(1, id, 0, &octets(b"Linux gw 6.1.0 #1 SMP x86_64\n"));
        assert_eq!(
            parse(&a, id),
            Some(SnmpDetails {
                version: "v2c".into(),
                sys_descr: Some("Linux gw 6.1.0 #1 SMP x86_64".into()),
                error_status: None,
            })
        );
        let v1 = response(0, id, 0, &octets(b"RouterOS"));
        assert_eq!(parse(&v1, id).map(|d| d.version), Some("v1".into()));
    }

    #[test]
    fn errors_and_exceptions_are_answers_without_a_description() {
        let id = request_id(5);
        let no_such_name = parse(&response(1, id, 2, &[0x05, 0]), id).expect("an answer");
        assert_eq!(
            (no_such_name.sys_descr, no_such_name.error_status),
            (None, Some(2))
        );
        // noSuchObject, [0] IMPLICIT NULL.
        let no_object = parse(&response(1, id, 0, &[0x80, 0]), id).expect("an answer");
        assert_eq!((no_object.sys_descr, no_object.error_status), (None, None));
        // A number where the text should be.
        let number = parse(&response(1, id, 0, &[0x02, 1, 7]), id).expect("an answer");
        assert_eq!(number.sys_descr, None);
    }

    #[test]
    fn the_description_is_printable_and_capped() {
        let id = request_id(5);
        let mut long = vec![b'x'; 120];
        long.extend_from_slice(b"\x1b[31m");
        long.extend_from_slice(&[b'y'; 120]);
        let d = parse(&response(1, id, 0, &octets(&long)), id).expect("an answer");
        let s = d.sys_descr.expect("a description");
        assert_eq!(s.len(), crate::probe::ident::text::MAX_TEXT);
        assert!(s.bytes().all(|b| (0x20..0x7f).contains(&b)));
    }

    #[test]
    fn other_ids_requests_and_garbage_are_no_answer() {
        let id = request_id(5);
        let a = response(1, id, 0, &octets(b"x"));
        assert_eq!(parse(&a, id + 1), None);
        assert_eq!(parse(&request(id), id), None);
        assert_eq!(parse(&a[..a.len() - 1], id), None);
        assert_eq!(parse(b"", id), None);
        assert_eq!(parse(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff], id), None);
    }

    #[test]
    fn the_question_reads_answers_into_the_details() {
        let q = question(5);
        let id = request_id(5);
        assert_eq!(q.datagrams, vec![request(id)]);
        let mut details = PortDetails::default();
        assert!(!(q.read)(&request(id), &mut details));
        assert!((q.read)(
            &response(1, id, 0, &octets(b"printer")),
            &mut details
        ));
        assert_eq!(
            details.reported.snmp.and_then(|s| s.sys_descr),
            Some("printer".into())
        );
    }
}
