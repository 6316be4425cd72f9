//! A server's first TLS flight (legacy probe) and the certificate in it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck::probe::ident::tls;

fuzz_target!(|data: &[u8]| {
    if let tls::LegacyAnswer::Hello {
        certificate: Some(c),
        ..
    } = tls::parse_legacy_flight(data)
    {
        assert!(c.len() <= data.len());
        let _ = tls::summarize_certificate(&c);
    }
    let _ = tls::summarize_certificate(data);
});
