//! The Kerberos builder and parser against messages built from parts,
//! and malformed answers.

use super::*;

/// A KRB-ERROR as a KDC writes it, built from parts.
pub(crate) fn krb_error(code: i64, realm: &str, text: Option<&str>) -> Vec<u8> {
    let mut fields = vec![
        tlv(ctx(0), &integer(5)),
        tlv(ctx(1), &integer(30)),
        tlv(ctx(4), &tlv(GENERALIZED_TIME, b"20261202080000Z")),
        tlv(ctx(5), &integer(12345)),
        tlv(ctx(6), &integer(code)),
        tlv(ctx(9), &string(realm)),
        tlv(ctx(10), &principal(2, &["krbtgt", realm])),
    ];
    if let Some(t) = text {
        fields.push(tlv(ctx(11), &string(t)));
    }
    tlv(KRB_ERROR, &tlv(SEQUENCE, &fields.concat()))
}

#[test]
fn reads_a_principal_unknown_error() {
    let msg = krb_error(6, "LAB.TEST", Some("CLIENT_NOT_FOUND"));
    let Answer::Error(e) = parse_answer(&msg).unwrap() else {
        panic!("not an error")
    };
    assert_eq!(e.code, 6);
    assert_eq!(error_name(e.code), Some("KDC_ERR_C_PRINCIPAL_UNKNOWN"));
    assert_eq!(e.realm.as_deref(), Some("LAB.TEST"));
    assert_eq!(e.own_realm(), Some("LAB.TEST"));
    assert_eq!(e.server_time.as_deref(), Some("20261202080000Z"));
    assert_eq!(e.text.as_deref(), Some("CLIENT_NOT_FOUND"));
}

#[test]
fn an_echo_of_the_probe_realm_is_no_realm() {
    let msg = krb_error(68, PROBE_REALM, None);
    let Answer::Error(e) = parse_answer(&msg).unwrap() else {
        panic!("not an error")
    };
    assert_eq!(e.code, 68);
    assert_eq!(e.own_realm(), None);
}

#[test]
fn as_req_is_well_formed_der() {
    let framed = as_req("pc-ab12cd", PROBE_REALM, 0xdead_beef);
    let len = frame_len(framed[..4].try_into().unwrap()).unwrap();
    assert_eq!(len, framed.len() - 4);
    let mut outer = Der::new(&framed[4..]);
    let seq = outer.expect(AS_REQ).unwrap();
    assert!(outer.is_empty());
    let mut fields = Der::new(Der::new(seq).expect(SEQUENCE).unwrap());
    let (t, pvno) = fields.next().unwrap();
    assert_eq!((t, read_integer(pvno).unwrap()), (ctx(1), 5));
    let (t, kind) = fields.next().unwrap();
    assert_eq!((t, read_integer(kind).unwrap()), (ctx(2), 10));
    let (t, _) = fields.next().unwrap();
    assert_eq!(t, ctx(4));
    assert!(fields.is_empty());
    // Principal and realm are in the request as sent.
    let hay = &framed[..];
    assert!(hay.windows(9).any(|w| w == b"pc-ab12cd"));
    assert!(
        hay.windows(PROBE_REALM.len())
            .any(|w| w == PROBE_REALM.as_bytes())
    );
}

#[test]
fn integers_are_minimal_twos_complement() {
    assert_eq!(integer(5), vec![2, 1, 5]);
    assert_eq!(integer(128), vec![2, 2, 0, 128]);
    assert_eq!(integer(-1), vec![2, 1, 0xff]);
    assert_eq!(integer(0x7fff_ffff), vec![2, 4, 0x7f, 0xff, 0xff, 0xff]);
    for v in [
        0,
        1,
        127,
        128,
        255,
        256,
        -128,
        -129,
        0x7fff_ffff,
        -0x8000_0000,
    ] {
        assert_eq!(read_integer(&integer(v)).unwrap(), v, "{v}");
    }
}

#[test]
fn long_lengths_round_trip() {
    let big = vec![b'x'; 300];
    let el = tlv(GENERAL_STRING, &big);
    assert_eq!(&el[..4], &[GENERAL_STRING, 0x82, 0x01, 0x2c]);
    let (tag, content) = Der::new(&el).next().unwrap();
    assert_eq!((tag, content.len()), (GENERAL_STRING, 300));
}

#[test]
fn malformed_answers_are_errors() {
    assert!(parse_answer(&[]).is_err());
    assert!(parse_answer(b"HTTP/1.1 400 Bad Request\r\n").is_err());
    // A length that claims more than there is.
    assert!(parse_answer(&[KRB_ERROR, 0x84, 0x7f, 0xff, 0xff, 0xff]).is_err());
    // A KRB-ERROR without an error code.
    let msg = tlv(
        KRB_ERROR,
        &tlv(
            SEQUENCE,
            &[tlv(ctx(0), &integer(5)), tlv(ctx(1), &integer(30))].concat(),
        ),
    );
    assert_eq!(parse_answer(&msg), Err(Malformed("no error code")));
    // Kerberos 4 or another message type.
    let mut v4 = krb_error(6, "X", None);
    let pos = v4.windows(3).position(|w| w == [2, 1, 5]).unwrap();
    v4[pos + 2] = 4;
    assert!(parse_answer(&v4).is_err());
    assert_eq!(
        frame_len([0x80, 0, 0, 1]),
        Err(Malformed("reserved bit set in the record marker"))
    );
    assert_eq!(parse_answer(&tlv(AS_REP, &[])), Ok(Answer::Reply));
}
