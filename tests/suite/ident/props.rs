//! Property tests of the identification parsers: whatever bytes a service
//! sends, the parsers return a value (never panic), never report more than
//! the bytes contain, and read well-formed messages back as they were built.
//! The same functions are fuzzed with cargo-fuzz (fuzz/).

use portcheck::probe::ident::services::smb::{self, ntlm};
use portcheck::probe::ident::services::{http, tls};
use portcheck::probe::ident::text;
use proptest::prelude::*;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

/// Bytes that start like an SMB2 response, so the parser gets past the magic.
fn smb2ish() -> impl Strategy<Value = Vec<u8>> {
    (bytes(200), any::<u16>(), any::<u32>()).prop_map(|(mut tail, size, status)| {
        let mut m = vec![0xfe, b'S', b'M', b'B', 64, 0, 0, 0];
        m.extend_from_slice(&status.to_le_bytes());
        m.extend_from_slice(&[0, 0, 1, 0, 1, 0, 0, 0]);
        m.resize(64, 0);
        m.extend_from_slice(&size.to_le_bytes());
        m.append(&mut tail);
        m
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn smb_parsers_never_panic(b in bytes(600)) {
        let _ = smb::parse_negotiate_response(&b);
        let _ = smb::parse_smb1_negotiate_response(&b);
        let _ = smb::parse_session_setup_response(&b);
        let _ = smb::find_ntlmssp(&b);
    }

    #[test]
    fn smb2_shaped_input_never_panics(b in smb2ish()) {
        let _ = smb::parse_negotiate_response(&b);
        if let Ok(a) = smb::parse_session_setup_response(&b) {
            prop_assert!(a.token.len() <= b.len());
        }
    }

    #[test]
    fn frame_length_is_at_most_24_bits(h in any::<[u8; 4]>()) {
        if let Ok(n) = smb::frame_len(h) {
            prop_assert!(n < 1 << 24);
            prop_assert_eq!(h[0], 0);
        }
    }

    #[test]
    fn ntlm_challenge_never_panics_and_stays_in_bounds(mut b in bytes(400), info_len in any::<u16>(), info_off in any::<u32>()) {
        if b.len() >= 48 {
            b[..8].copy_from_slice(ntlm::SIGNATURE);
            b[8..12].copy_from_slice(&2u32.to_le_bytes());
            b[40..42].copy_from_slice(&info_len.to_le_bytes());
            b[44..48].copy_from_slice(&info_off.to_le_bytes());
        }
        if let Some(c) = ntlm::parse_challenge(&b) {
            prop_assert!(c.target_info.len() <= b.len());
            // The answer to any challenge is well formed and bounded.
            let m = ntlm::authenticate_message(&c, Some(ntlm::GUEST_PROBE_USER), [1; 8], 1);
            prop_assert!(m.len() < 200 + c.target_info.len() + 100);
        }
    }

    #[test]
    fn tls_flight_never_panics(b in bytes(3000)) {
        let _ = tls::parse_legacy_flight(&b);
        let _ = tls::summarize_certificate(&b);
    }

    #[test]
    fn tls_records_of_any_split_read_the_same(version in prop::sample::select(vec![tls::TLS1_0, tls::TLS1_1]), cert in bytes(300), cut in 1usize..50) {
        // ServerHello + Certificate in handshake messages, split into records
        // of `cut` bytes: the answer does not depend on the split.
        let mut hello = version.to_be_bytes().to_vec();
        hello.extend_from_slice(&[0; 32]);
        hello.extend_from_slice(&[0, 0x00, 0x2f, 0]);
        let mut hs = vec![2, 0, 0, hello.len() as u8];
        hs.extend_from_slice(&hello);
        let n = cert.len();
        let total = n + 3;
        hs.extend_from_slice(&[11, 0, ((total + 3) >> 8) as u8, (total + 3) as u8]);
        hs.extend_from_slice(&[0, (total >> 8) as u8, total as u8]);
        hs.extend_from_slice(&[0, (n >> 8) as u8, n as u8]);
        hs.extend_from_slice(&cert);
        let mut wire = Vec::new();
        for chunk in hs.chunks(cut) {
            wire.extend_from_slice(&[22, 3, 1, 0, chunk.len() as u8]);
            wire.extend_from_slice(chunk);
        }
        prop_assert_eq!(
            tls::parse_legacy_flight(&wire),
            tls::LegacyAnswer::Hello { version, certificate: Some(cert) }
        );
    }

    #[test]
    fn http_parser_never_panics_and_clips(b in bytes(3000)) {
        if let Some(r) = http::parse_response(&b) {
            prop_assert!((100..=599).contains(&r.status));
            prop_assert!(r.server.as_ref().is_none_or(|s| s.chars().count() <= text::MAX_TEXT));
            prop_assert!(r.title.as_ref().is_none_or(|s| s.chars().count() <= text::MAX_TEXT));
        }
        if let Some(l) = text::banner_line(&b) {
            prop_assert!(l.len() <= text::MAX_TEXT);
            prop_assert!(l.bytes().all(|c| (0x20..0x7f).contains(&c)));
        }
        let _ = http::response_complete(&b);
    }

    #[test]
    fn reading_as_bytes_arrive_agrees_with_reading_at_once(b in bytes(1500), cuts in prop::collection::vec(1usize..40, 1..200)) {
        // However a service splits its answer, the incremental checks say
        // after each piece what the whole-buffer ones say of that prefix.
        let mut answer = http::ResponseProgress::default();
        let mut line = text::LineProgress::default();
        let mut flight = tls::FlightReader::default();
        let mut n = 0;
        for cut in cuts.iter().cycle() {
            n = (n + cut).min(b.len());
            let prefix = &b[..n];
            prop_assert_eq!(answer.complete(prefix), http::response_complete(prefix), "{}", n);
            prop_assert_eq!(line.complete(prefix), text::line_complete(prefix));
            prop_assert_eq!(flight.read(prefix), tls::parse_legacy_flight(prefix));
            if n == b.len() {
                break;
            }
        }
    }

    #[test]
    fn http_answers_split_anywhere_are_complete_at_their_end(title in "[a-z]{0,20}", cut in 1usize..30) {
        let raw = format!("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n<html><TITLE>{title}</Title");
        let raw = raw.as_bytes();
        let mut answer = http::ResponseProgress::default();
        let mut n = 0;
        while n < raw.len() {
            n = (n + cut).min(raw.len());
            prop_assert_eq!(answer.complete(&raw[..n]), n == raw.len());
        }
    }

    #[test]
    fn http_status_line_round_trips(status in 100u16..600, server in "[ -~]{0,50}", title in "[a-zA-Z0-9 ]{0,50}") {
        let raw = format!("HTTP/1.1 {status} X\r\nServer: {server}\r\n\r\n<html><title>{title}</title>");
        let r = http::parse_response(raw.as_bytes()).expect("HTTP");
        prop_assert_eq!(r.status, status);
        let server = server.trim();
        prop_assert_eq!(r.server.as_deref(), (!server.is_empty()).then_some(server));
        let words: Vec<&str> = title.split_whitespace().collect();
        let t = words.join(" ");
        prop_assert_eq!(r.title, (!t.is_empty()).then_some(t));
    }

    #[test]
    fn rfc3339_never_panics(t in any::<i64>()) {
        if let Some(s) = tls::rfc3339(t) {
            prop_assert_eq!(s.len(), 20);
        }
    }
}
