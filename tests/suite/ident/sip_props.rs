//! Property tests of the SIP answer parser and request: whatever a host
//! sends the parser returns without panicking, with printable and short
//! values, and reads a status line and headers back as they were built;
//! the request always carries the visitor's address and the id. The
//! parser is fuzzed too (fuzz target `sip`).

use std::net::SocketAddr;

use portcheck::probe::ident::services::reported::sip;
use portcheck::probe::ident::text::MAX_TEXT;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes(b in prop::collection::vec(any::<u8>(), 0..6000)) {
        if let Some(d) = sip::parse(&b) {
            prop_assert!((100..=699).contains(&d.status));
            for t in [d.server, d.user_agent].into_iter().flatten() {
                prop_assert!(!t.is_empty() && t.len() <= MAX_TEXT);
            }
        }
    }

    #[test]
    fn an_answer_reads_back(
        status in 100u16..700,
        server in "[ -~]{1,150}",
        agent in "[ -~]{1,150}",
        other in prop::collection::vec("[A-Za-z-]{1,12}: [ -~]{0,40}", 0..10),
        crlf in any::<bool>(),
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut m = format!("SIP/2.0 {status} Whatever{nl}");
        for o in &other {
            if !o.to_ascii_lowercase().starts_with("server:") && !o.to_ascii_lowercase().starts_with("user-agent:") {
                m.push_str(o);
                m.push_str(nl);
            }
        }
        m.push_str(&format!("Server: {server}{nl}User-Agent: {agent}{nl}{nl}"));
        let d = sip::parse(m.as_bytes()).expect("sip");
        prop_assert_eq!(d.status, status);
        let trimmed = |s: &str| Some(s.trim().to_owned()).filter(|t| !t.is_empty());
        prop_assert_eq!(d.server, trimmed(&server));
        prop_assert_eq!(d.user_agent, trimmed(&agent));
    }

    #[test]
    fn the_request_names_the_visitor(ip in any::<[u8; 16]>(), v4 in any::<bool>(), port in 1u16.., id in any::<u32>()) {
        let to: SocketAddr = if v4 {
            SocketAddr::from(([ip[0], ip[1], ip[2], ip[3]], port))
        } else {
            SocketAddr::from((ip, port))
        };
        let r = String::from_utf8(sip::request(to, id)).expect("text");
        let host = match to {
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        };
        let line = format!("OPTIONS sip:{host}:{port} SIP/2.0\r\n");
        prop_assert!(r.starts_with(&line));
        let branch = format!("branch=z9hG4bK{id:08x}");
        prop_assert!(r.contains(&branch));
        prop_assert!(r.ends_with("Content-Length: 0\r\n\r\n"));
        prop_assert!((342..=418).contains(&r.len()), "{}", r.len());
        prop_assert_eq!(sip::parse(r.as_bytes()), None);
    }
}
