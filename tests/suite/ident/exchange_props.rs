//! Property tests of Exchange's recognition in HTTP answers: any header
//! values give an answer without panicking; a version header with a build
//! always shows Exchange with that build, and the product follows the
//! build's major and minor number (and, for 15.2, whether it is at least
//! the first Subscription Edition build).

use portcheck::api::ExchangeSupport;
use portcheck::probe::ident::services::http::{self, exchange};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_header_values(v in prop::collection::vec(any::<u8>(), 0..300), l in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = exchange::recognise(Some(&v), Some(&l));
        let _ = exchange::recognise(None, Some(&l));
        if let Ok(s) = std::str::from_utf8(&v) {
            let _ = exchange::product(s);
        }
    }

    #[test]
    fn a_build_names_its_product(major in 13u32..17, minor in 0u32..4, build in 0u32..5000, rev in 0u32..100) {
        let b = format!("{major}.{minor}.{build}.{rev}");
        let answer = format!("HTTP/1.1 200 OK\r\nX-OWA-Version: {b}\r\n\r\n");
        let d = http::parse_response(answer.as_bytes()).and_then(|r| r.exchange).expect("exchange");
        prop_assert_eq!(d.build.as_deref(), Some(b.as_str()));
        let expected = match (major, minor) {
            (15, 2) if build >= exchange::SE_FIRST_BUILD => (Some("Exchange Server Subscription Edition"), ExchangeSupport::Supported),
            (15, 2) => (Some("Exchange Server 2019"), ExchangeSupport::Ended),
            (15, 1) => (Some("Exchange Server 2016"), ExchangeSupport::Ended),
            (15, 0) => (Some("Exchange Server 2013"), ExchangeSupport::Ended),
            (14, _) => (Some("Exchange Server 2010"), ExchangeSupport::Ended),
            _ => (None, ExchangeSupport::Unknown),
        };
        prop_assert_eq!((d.product.as_deref(), d.support), expected);
    }
}
