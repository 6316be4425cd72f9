//! Property tests of the practice check's parsers (RDP, VNC, SSH/FTP,
//! Telnet, MySQL, MS SQL, PostgreSQL, NetBIOS): whatever bytes a service
//! sends they return a value without panicking, never report more than the
//! bytes hold, and read well-formed answers back as they were built. The
//! same functions are fuzzed with cargo-fuzz (fuzz/).

use portcheck::api::{MssqlEncryption, RdpSecurity};
use portcheck::plan::Service;
use portcheck::probe::ident::read_in_pieces;
use portcheck::probe::ident::services::greeting::{self, mysql, telnet};
use portcheck::probe::ident::services::{mssql, netbios, postgres, rdp, vnc};
use proptest::prelude::*;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn greeting_parsers_never_panic(b in bytes(1200)) {
        let _ = greeting::complete(&b);
        let _ = greeting::classify(&b, Service::Http);
        let _ = greeting::classify(&b, Service::Ftp);
        if let Some(t) = telnet::parse(&b) {
            prop_assert!(t.refusal.len() <= 3 * b.len());
            prop_assert!(t.details.greeting.is_none_or(|g| g.len() <= 200));
        }
        if let Some(m) = mysql::parse_greeting(&b) {
            prop_assert!(m.version.is_none_or(|v| v.len() < b.len()));
        }
        for lists in [true, false] {
            if let Some(types) = vnc::parse_offer(&b, lists) {
                prop_assert!(types.len() < b.len().max(1));
            }
        }
    }

    #[test]
    fn request_answer_parsers_never_panic(b in bytes(600)) {
        let _ = rdp::parse_confirm(&b);
        let _ = mssql::parse_prelogin(&b);
        let _ = postgres::parse_answer(&b);
        let _ = netbios::parse_answer(&b);
        if let Some(h) = b.first_chunk::<4>() {
            let _ = rdp::tpkt_len(*h);
            let _ = mssql::frame_len(*h);
        }
    }

    #[test]
    fn an_rdp_confirm_reads_back(kind in 2u8..=3, value in any::<u32>(), refs in any::<[u8; 4]>()) {
        let mut tpdu = vec![0x0e, 0xd0, refs[0], refs[1], refs[2], refs[3], 0x00];
        tpdu.extend_from_slice(&[kind, 0, 8, 0]);
        tpdu.extend_from_slice(&value.to_le_bytes());
        let d = rdp::parse_confirm(&tpdu).expect("a confirm");
        if kind == 2 {
            let known = [RdpSecurity::Rdp, RdpSecurity::Tls, RdpSecurity::Credssp];
            let expected = match value {
                0..=2 => known[value as usize],
                8 => RdpSecurity::CredsspEarlyUserAuth,
                _ => RdpSecurity::Other,
            };
            prop_assert_eq!(d.security, Some(expected));
        } else {
            prop_assert_eq!(d.failure_code, Some(value));
        }
    }

    #[test]
    fn a_vnc_offer_reads_back(types in prop::collection::vec(1u8..=255, 1..40), extra in bytes(8)) {
        let mut offer = vec![types.len() as u8];
        offer.extend_from_slice(&types);
        prop_assert!(vnc::offer_complete(&offer, true));
        prop_assert!(!vnc::offer_complete(&offer[..types.len()], true));
        offer.extend_from_slice(&extra);
        prop_assert_eq!(vnc::parse_offer(&offer, true), Some(types.clone()));
        prop_assert_eq!(vnc::no_password(&types), Some(types.contains(&1)));
    }

    #[test]
    fn a_mysql_handshake_reads_back(version in "[0-9][0-9a-zA-Z.+-]{0,60}", tail in bytes(80)) {
        let mut payload = vec![0x0a];
        payload.extend_from_slice(version.as_bytes());
        payload.push(0);
        payload.extend_from_slice(&tail);
        let mut packet = (payload.len() as u32).to_le_bytes()[..3].to_vec();
        packet.push(0);
        packet.extend_from_slice(&payload);
        // Complete only once the whole packet is there.
        prop_assert!(greeting::complete(&packet));
        prop_assert!(!greeting::complete(&packet[..packet.len() - 1]));
        let d = mysql::parse_greeting(&packet).expect("a handshake");
        prop_assert_eq!(d.version, Some(version));
    }

    #[test]
    fn a_prelogin_answer_reads_back(major in any::<u8>(), minor in any::<u8>(), build in any::<u16>(), enc in 0u8..=3, pad in 0usize..40) {
        // The options' data after `pad` unused bytes: offsets are honoured.
        let data_at = 11 + pad;
        let mut payload = vec![0x00, 0, data_at as u8, 0, 6, 0x01, 0, data_at as u8 + 6, 0, 1, 0xff];
        payload.resize(data_at, 0xee);
        payload.extend_from_slice(&[major, minor]);
        payload.extend_from_slice(&build.to_be_bytes());
        payload.extend_from_slice(&[0, 0, enc]);
        let d = mssql::parse_prelogin(&payload).expect("a pre-login answer");
        prop_assert_eq!(d.version, Some(format!("{major}.{minor}.{build}")));
        let known = [MssqlEncryption::Off, MssqlEncryption::On, MssqlEncryption::NotSupported, MssqlEncryption::Required];
        prop_assert_eq!(d.encryption, Some(known[usize::from(enc)]));
    }

    #[test]
    fn telnet_refuses_every_request(opts in prop::collection::vec((251u8..=254, any::<u8>()), 1..20), text in "[a-z]{1,20}") {
        let mut b = Vec::new();
        for (cmd, opt) in &opts {
            b.extend_from_slice(&[telnet::IAC, *cmd, *opt]);
        }
        b.extend_from_slice(text.as_bytes());
        let n = telnet::parse(&b).expect("telnet");
        let requests = opts.iter().filter(|(c, _)| matches!(c, 251 | 253)).count();
        prop_assert_eq!(n.refusal.len(), 3 * requests);
        prop_assert_eq!(n.details.greeting, Some(text));
    }

    /// Read as it arrives, in pieces of any size, a Telnet opening says
    /// what it says read at once, and greeting completeness agrees; the work
    /// stays linear in the bytes.
    #[test]
    fn telnet_and_greetings_read_in_pieces_as_at_once(
        tail in bytes(1200),
        step in 1usize..64,
        telnet_first in any::<bool>(),
    ) {
        let mut b = if telnet_first { vec![telnet::IAC, 253, 24] } else { Vec::new() };
        b.extend_from_slice(&tail);
        let mut reader = telnet::Reader::default();
        let pieces = read_in_pieces(&b, step, |part| reader.read(part).then(|| reader.negotiation()));
        prop_assert_eq!(pieces, telnet::parse(&b));
        prop_assert!(reader.examined() <= 2 * b.len() + b.len() / step + 2);
        let mut progress = greeting::GreetingProgress::default();
        let mut at_once = Vec::new();
        let mut piecewise = Vec::new();
        read_in_pieces(&b, step, |part| {
            at_once.push(greeting::complete(part));
            piecewise.push(progress.complete(part));
        });
        prop_assert_eq!(piecewise, at_once);
    }
}
