//! Property tests of the RPC portmapper's reply parser: whatever a host
//! sends it returns without panicking and within its cap, never more
//! entries than the bytes hold, only for the transaction asked, and reads
//! a well-formed `DUMP` reply back as it was built. Fuzzed too (fuzz
//! target `portmapper`).

use portcheck::probe::ident::services::reported::portmapper::{self, MAX_PROGRAMS};
use proptest::prelude::*;

fn reply(xid: u32, verifier: &[u8], entries: &[(u32, u32, u32, u32)]) -> Vec<u8> {
    let mut m: Vec<u8> = [xid, 1, 0, 0, verifier.len() as u32]
        .iter()
        .flat_map(|w| w.to_be_bytes())
        .collect();
    m.extend_from_slice(verifier);
    m.resize(m.len().next_multiple_of(4), 0);
    m.extend_from_slice(&0u32.to_be_bytes());
    for &(p, v, t, port) in entries {
        for w in [1, p, v, t, port] {
            m.extend_from_slice(&w.to_be_bytes());
        }
    }
    m.extend_from_slice(&0u32.to_be_bytes());
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes(b in prop::collection::vec(any::<u8>(), 0..3000), xid in any::<u32>()) {
        for xid in [xid, b.first_chunk::<4>().map_or(0, |w| u32::from_be_bytes(*w))] {
            if let Some(d) = portmapper::parse(&b, xid) {
                prop_assert!(d.programs.len() <= MAX_PROGRAMS);
                prop_assert!(b.len() >= 24 + 20 * d.programs.len());
            }
        }
    }

    #[test]
    fn a_dump_reads_back(
        xid in any::<u32>(),
        verifier in prop::collection::vec(any::<u8>(), 0..40),
        entries in prop::collection::vec((any::<u32>(), any::<u32>(), prop::sample::select(vec![6u32, 17]), any::<u32>()), 0..100),
        cut in any::<prop::sample::Index>(),
    ) {
        let m = reply(xid, &verifier, &entries);
        let d = portmapper::parse(&m, xid).expect("a reply");
        prop_assert_eq!(d.programs.len(), entries.len().min(MAX_PROGRAMS));
        for (got, &(p, v, t, port)) in d.programs.iter().zip(&entries) {
            prop_assert_eq!((got.program, got.version, got.port), (p, v, port));
            prop_assert_eq!(got.protocol.as_str(), if t == 6 { "tcp" } else { "udp" });
        }
        prop_assert_eq!(portmapper::parse(&m, xid.wrapping_add(1)), None);
        // Any prefix parses or not, without panicking, never to more.
        let prefix = &m[..cut.index(m.len() + 1)];
        if let Some(p) = portmapper::parse(prefix, xid) {
            prop_assert!(p.programs.len() <= d.programs.len());
        }
    }
}
