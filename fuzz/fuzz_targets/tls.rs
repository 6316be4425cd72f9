//! A server's first TLS flight (legacy probe) and the certificate in it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck::probe::ident::tls;

fuzz_target!(|data: &[u8]| {
    let whole = tls::parse_legacy_flight(data);
    // Read in pieces, the last answer is the same as at once.
    let step = usize::from(data.first().copied().unwrap_or(1).max(1));
    let mut reader = tls::FlightReader::default();
    let mut n = 0;
    while n < data.len() {
        n = (n + step).min(data.len());
        reader.read(&data[..n]);
    }
    assert_eq!(reader.read(data), whole);
    if let tls::LegacyAnswer::Hello {
        certificate: Some(c),
        ..
    } = whole
    {
        assert!(c.len() <= data.len());
        let _ = tls::summarize_certificate(&c);
    }
    let _ = tls::summarize_certificate(data);
});
