//! Property tests: whatever bytes a KDC sends, the parser returns a value
//! (never panics) and never reports more than the bytes contain; a
//! KRB-ERROR built from any fields reads back as built. Here rather than in
//! tests/ because they build messages with the module's private encoder.

use super::tests::krb_error;
use super::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(Answer::Error(e)) = parse_answer(&b) {
            for s in [&e.realm, &e.crealm, &e.text, &e.server_time].into_iter().flatten() {
                prop_assert!(s.len() <= 200 && s.len() <= b.len());
            }
        }
    }

    #[test]
    fn krb_error_shaped_bytes_never_panic(code in any::<i32>(), realm in "[ -~]{0,300}", cut in 0usize..400, flip in any::<(usize, u8)>()) {
        let mut msg = krb_error(i64::from(code), &realm, Some("x"));
        let (at, byte) = flip;
        let at = at % msg.len();
        msg[at] ^= byte;
        msg.truncate(cut.min(msg.len()));
        let _ = parse_answer(&msg);
    }

    #[test]
    fn krb_error_round_trips(code in any::<i32>(), realm in "[A-Z0-9.]{1,200}", text in proptest::option::of("[ -~]{0,200}")) {
        let msg = krb_error(i64::from(code), &realm, text.as_deref());
        let Ok(Answer::Error(e)) = parse_answer(&msg) else {
            return Err(TestCaseError::fail("not read back"));
        };
        prop_assert_eq!(e.code, code);
        prop_assert_eq!(e.realm.as_deref(), Some(realm.as_str()));
        prop_assert_eq!(e.text, text);
    }

    #[test]
    fn record_marker_never_has_the_reserved_bit(h in any::<[u8; 4]>()) {
        if let Ok(n) = frame_len(h) {
            prop_assert!(n < 1 << 31);
        }
    }

    #[test]
    fn as_req_frames_itself(user in "[a-z0-9-]{1,40}", realm in "[A-Z.]{1,60}", nonce in any::<u32>()) {
        let framed = as_req(&user, &realm, nonce);
        let n = frame_len([framed[0], framed[1], framed[2], framed[3]]).unwrap();
        prop_assert_eq!(n, framed.len() - 4);
        prop_assert!(parse_answer(&framed[4..]).is_err(), "a request is not an answer");
    }
}
