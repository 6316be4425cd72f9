//! Property tests of the WS-Discovery answer parser: whatever a host
//! sends it returns without panicking and within its caps, with printable
//! and short texts; a `ProbeMatches` built from parts reads back; every
//! Probe is well-formed and carries a version 4 UUID. Fuzzed too (fuzz
//! target `ws_discovery`).

use portcheck::probe::ident::services::reported::ws_discovery::{
    self as wsd, MAX_MATCHES, MAX_XADDRS,
};
use portcheck::probe::ident::text::MAX_TEXT;
use proptest::prelude::*;

fn answer(relates_to: &str, matches: &[(String, Vec<String>)]) -> String {
    let body: String = matches
        .iter()
        .map(|(types, xaddrs)| {
            format!(
                "<d:ProbeMatch><d:Types>{types}</d:Types><d:XAddrs>{}</d:XAddrs></d:ProbeMatch>",
                xaddrs.join(" ")
            )
        })
        .collect();
    format!(
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" \
         xmlns:a=\"http://www.w3.org/2005/08/addressing\" \
         xmlns:d=\"http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01\">\
         <s:Header><a:RelatesTo>{relates_to}</a:RelatesTo></s:Header>\
         <s:Body><d:ProbeMatches>{body}</d:ProbeMatches></s:Body></s:Envelope>"
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn any_bytes(b in prop::collection::vec(any::<u8>(), 0..3000), s in "[<>/a-z: =\"&;!\\[\\]-]{0,800}") {
        for input in [&b[..], s.as_bytes()] {
            if let Some(m) = wsd::parse(input) {
                prop_assert!(m.details.types.len() <= MAX_MATCHES);
                prop_assert!(m.details.xaddrs.len() <= MAX_XADDRS);
                for t in m.details.types.iter().chain(&m.details.xaddrs).chain(&m.relates_to) {
                    prop_assert!(t.chars().count() <= MAX_TEXT);
                }
            }
        }
    }

    #[test]
    fn probe_matches_read_back(
        random in any::<[u8; 16]>(),
        matches in prop::collection::vec(("[a-z]{1,8}:[A-Za-z]{1,12}( [a-z]{1,8}:[A-Za-z]{1,12}){0,2}", prop::collection::vec("http://[a-z0-9.]{1,20}:5357/[a-z0-9]{1,10}", 0..3)), 0..12),
    ) {
        let id = wsd::message_id(random);
        let m = wsd::parse(answer(&id, &matches).as_bytes()).expect("ProbeMatches");
        prop_assert_eq!(m.relates_to.as_deref(), Some(id.as_str()));
        let types: Vec<String> = matches.iter().map(|(t, _)| t.clone()).take(MAX_MATCHES).collect();
        prop_assert_eq!(m.details.types, types);
        let xaddrs: Vec<String> = matches.iter().flat_map(|(_, x)| x.clone()).take(MAX_XADDRS).collect();
        prop_assert_eq!(m.details.xaddrs, xaddrs);
    }

    #[test]
    fn every_probe_is_well_formed(random in any::<[u8; 16]>()) {
        let id = wsd::message_id(random);
        prop_assert_eq!(id.len(), 45);
        prop_assert_eq!(&id[23..24], "4");
        let probe = wsd::request(&id);
        prop_assert_eq!(probe.len(), 624);
        // A Probe is not mistaken for an answer.
        prop_assert_eq!(wsd::parse(&probe), None);
    }
}
