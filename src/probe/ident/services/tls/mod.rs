//! TLS, as far as the probe looks: which versions a server accepts and what
//! its certificate says. Pure functions over bytes.
//!
//! TLS 1.2 and 1.3 handshakes are done by rustls (see the driver); rustls
//! rightly refuses TLS 1.0 and 1.1, so to learn whether a server still
//! accepts those, the probe sends a hand-made ClientHello that offers only
//! the old version and reads the server's first flight: a ServerHello with
//! that version means "accepted", and in these versions the certificate
//! follows in clear text. The certificate's fields are read with
//! x509-parser.

use crate::probe::ident::text::clip;

mod conversation;
use crate::api::TlsDetails;
pub(crate) use conversation::probe_tls;
use x509_parser::prelude::{FromDer, X509Certificate};

/// Largest first flight the probe reads (ServerHello plus a certificate
/// chain; real ones are a few KiB).
pub const MAX_FLIGHT: usize = 32 * 1024;

/// The record version of TLS 1.0.
pub const TLS1_0: u16 = 0x0301;
/// The record version of TLS 1.1.
pub const TLS1_1: u16 = 0x0302;
pub(crate) const TLS1_2: u16 = 0x0303;
pub(crate) const TLS1_3: u16 = 0x0304;

/// Name of a protocol version as the API reports it.
pub(crate) fn version_name(v: u16) -> Option<&'static str> {
    Some(match v {
        TLS1_0 => "TLSv1.0",
        TLS1_1 => "TLSv1.1",
        TLS1_2 => "TLSv1.2",
        TLS1_3 => "TLSv1.3",
        _ => return None,
    })
}

/// Whether a version is older than TLS 1.2.
#[cfg(test)]
pub(crate) fn is_outdated(name: &str) -> bool {
    matches!(name, "TLSv1.0" | "TLSv1.1")
}

fn u16be(v: u16) -> [u8; 2] {
    v.to_be_bytes()
}

/// A ClientHello offering exactly `version` (TLS 1.0 or 1.1) with the
/// cipher suites servers of that era accept, in one handshake record.
pub fn legacy_client_hello(version: u16, random: [u8; 32]) -> Vec<u8> {
    const SUITES: [u16; 8] = [
        0xc013, 0xc014, 0xc009, 0xc00a, // ECDHE-RSA/ECDSA with AES-CBC-SHA
        0x002f, 0x0035, 0x0033, 0x000a, // RSA AES, DHE-RSA AES, RSA 3DES
    ];
    let mut ext = Vec::new();
    // supported_groups: x25519, secp256r1, secp384r1
    ext.extend_from_slice(&[
        0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
    ]);
    // ec_point_formats: uncompressed
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    // renegotiation_info (empty)
    ext.extend_from_slice(&[0xff, 0x01, 0x00, 0x01, 0x00]);

    let mut body = Vec::new();
    body.extend_from_slice(&u16be(version));
    body.extend_from_slice(&random);
    body.push(0); // session id
    body.extend_from_slice(&u16be((SUITES.len() * 2) as u16));
    for s in SUITES {
        body.extend_from_slice(&u16be(s));
    }
    body.extend_from_slice(&[1, 0]); // compression: null
    body.extend_from_slice(&u16be(ext.len() as u16));
    body.extend_from_slice(&ext);

    let mut hs = vec![1u8]; // client_hello
    let n = body.len();
    hs.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    hs.extend_from_slice(&body);

    let mut rec = vec![22u8];
    rec.extend_from_slice(&u16be(TLS1_0)); // record version, as clients send
    rec.extend_from_slice(&u16be(hs.len() as u16));
    rec.extend_from_slice(&hs);
    rec
}

/// What a server's first flight says about a legacy ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegacyAnswer {
    /// Not enough bytes yet to tell.
    NeedMore,
    /// A ServerHello with `version`; `certificate` is the end-entity
    /// certificate (DER) when the Certificate message came with it.
    Hello {
        /// The version the server chose.
        version: u16,
        /// The end-entity certificate (DER), when it came along.
        certificate: Option<Vec<u8>>,
    },
    /// An alert: the server refused (usually protocol_version).
    Alert,
    /// Not TLS at all.
    NotTls,
}

/// Read as much of a server's first flight as has arrived. Handshake
/// messages may span records and records may hold several messages; the
/// reassembly buffer is bounded by the input, which the caller caps.
pub fn parse_legacy_flight(buf: &[u8]) -> LegacyAnswer {
    FlightReader::default().read(buf)
}

/// Reads a server's first flight as it arrives: records and handshake
/// messages already walked are not walked again, so reading n bytes costs
/// O(n) in all however the server splits them. Call [`read`](Self::read)
/// with the same buffer as it grows.
#[derive(Debug, Clone, Default)]
pub struct FlightReader {
    /// Handshake bytes of the complete records so far.
    hs: Vec<u8>,
    /// Start of the next record not yet taken.
    at: usize,
    /// Start of the next handshake message not yet walked.
    p: usize,
    hello: Option<u16>,
    examined: usize,
}

impl FlightReader {
    /// What the flight so far (`buf`, which only ever grows) says.
    pub fn read(&mut self, buf: &[u8]) -> LegacyAnswer {
        loop {
            if let Some(answer) = self.walk_messages() {
                return answer;
            }
            if let Err(answer) = self.take_record(buf) {
                return answer;
            }
        }
    }

    /// Walk the complete handshake messages gathered so far: the answer
    /// once they give one.
    fn walk_messages(&mut self) -> Option<LegacyAnswer> {
        while let Some(h) = self.hs.get(self.p..self.p + 4) {
            self.examined += 4;
            let len = usize::from(h[1]) << 16 | usize::from(h[2]) << 8 | usize::from(h[3]);
            let Some(msg) = self.hs.get(self.p + 4..self.p + 4 + len) else {
                break;
            };
            match h[0] {
                2 => {
                    let Some(v) = msg.get(..2) else {
                        return Some(LegacyAnswer::NotTls);
                    };
                    self.hello = Some(u16::from_be_bytes([v[0], v[1]]));
                }
                11 => {
                    let Some(version) = self.hello else {
                        return Some(LegacyAnswer::NotTls);
                    };
                    return Some(LegacyAnswer::Hello {
                        version,
                        certificate: first_certificate(msg),
                    });
                }
                14 => {
                    // ServerHelloDone without a certificate (anonymous suites).
                    if let Some(version) = self.hello {
                        return Some(LegacyAnswer::Hello {
                            version,
                            certificate: None,
                        });
                    }
                }
                _ => {}
            }
            self.p += 4 + len;
        }
        None
    }

    /// Take the next complete record of `buf`, its handshake bytes kept;
    /// the answer when there is no such record (yet).
    fn take_record(&mut self, buf: &[u8]) -> Result<(), LegacyAnswer> {
        let at = self.at;
        let Some(rec) = buf.get(at..at + 5) else {
            return Err(LegacyAnswer::NeedMore);
        };
        self.examined += 5;
        let (ctype, major) = (rec[0], rec[1]);
        if major != 3 || !(20..=23).contains(&ctype) {
            return Err(if at == 0 {
                LegacyAnswer::NotTls
            } else {
                LegacyAnswer::NeedMore
            });
        }
        let len = usize::from(u16::from_be_bytes([rec[3], rec[4]]));
        if len > 18 * 1024 {
            return Err(LegacyAnswer::NotTls);
        }
        if ctype == 21 {
            return Err(LegacyAnswer::Alert);
        }
        let Some(frag) = buf.get(at + 5..at + 5 + len) else {
            // A ServerHello alone already answers the version question.
            return Err(match self.hello {
                Some(version) if buf.len() >= MAX_FLIGHT => LegacyAnswer::Hello {
                    version,
                    certificate: None,
                },
                _ => LegacyAnswer::NeedMore,
            });
        };
        if ctype == 22 {
            self.examined += frag.len();
            self.hs.extend_from_slice(frag);
        }
        self.at = at + 5 + len;
        Ok(())
    }

    /// Bytes looked at or copied so far.
    pub fn examined(&self) -> usize {
        self.examined
    }
}

fn first_certificate(msg: &[u8]) -> Option<Vec<u8>> {
    let l = msg.get(3..6)?;
    let len = usize::from(l[0]) << 16 | usize::from(l[1]) << 8 | usize::from(l[2]);
    Some(msg.get(6..6 + len)?.to_vec())
}

/// Read a DER certificate into the certificate fields of a TLS report
/// (version and outdated versions stay empty); `None` when it does not parse.
pub fn summarize_certificate(der: &[u8]) -> Option<TlsDetails> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let validity = cert.validity();
    let self_signed =
        cert.subject().as_raw() == cert.issuer().as_raw() && cert.verify_signature(None).is_ok();
    Some(TlsDetails {
        subject: Some(clip(&cert.subject().to_string(), 300)),
        issuer: Some(clip(&cert.issuer().to_string(), 300)),
        not_before: rfc3339(validity.not_before.timestamp()),
        not_after: rfc3339(validity.not_after.timestamp()),
        self_signed: Some(self_signed),
        ..TlsDetails::default()
    })
}

/// Seconds since 1970 as RFC 3339 UTC (`2026-11-29T10:00:00Z`), years 0–9999.
pub fn rfc3339(unix: i64) -> Option<String> {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
        let n = body.len();
        let mut v = vec![kind, (n >> 16) as u8, (n >> 8) as u8, n as u8];
        v.extend_from_slice(body);
        v
    }

    fn record(ctype: u8, frag: &[u8]) -> Vec<u8> {
        let mut v = vec![ctype, 3, 1];
        v.extend_from_slice(&(frag.len() as u16).to_be_bytes());
        v.extend_from_slice(frag);
        v
    }

    fn server_hello(version: u16) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend_from_slice(&[0; 32]);
        b.extend_from_slice(&[0, 0xc0, 0x13, 0]);
        handshake(2, &b)
    }

    fn certificate(der: &[u8]) -> Vec<u8> {
        let n = der.len();
        let mut inner = vec![(n >> 16) as u8, (n >> 8) as u8, n as u8];
        inner.extend_from_slice(der);
        let m = inner.len();
        let mut b = vec![(m >> 16) as u8, (m >> 8) as u8, m as u8];
        b.extend_from_slice(&inner);
        handshake(11, &b)
    }

    /// A flight of 16 KB (a certificate in many small records) dripped one
    /// byte at a time: NeedMore until the last byte, then the answer, for
    /// work linear in the bytes.
    #[test]
    fn a_dripped_flight_costs_linear_work() {
        let der = vec![0x30; 16 * 1024];
        let flight = [server_hello(TLS1_1), certificate(&der)].concat();
        let bytes: Vec<u8> = flight.chunks(100).flat_map(|c| record(22, c)).collect();
        assert!(bytes.len() >= 16 * 1024);
        let mut reader = FlightReader::default();
        for n in 1..bytes.len() {
            assert_eq!(reader.read(&bytes[..n]), LegacyAnswer::NeedMore, "{n}");
        }
        let answer = reader.read(&bytes);
        assert_eq!(
            answer,
            LegacyAnswer::Hello {
                version: TLS1_1,
                certificate: Some(der)
            }
        );
        assert_eq!(answer, parse_legacy_flight(&bytes), "same as all at once");
        // Each call looks again at one record header and one message header
        // at most; every byte is copied once.
        let n = bytes.len();
        assert!(
            reader.examined() <= 2 * n + 9 * n,
            "{} for {n}",
            reader.examined()
        );
    }

    #[test]
    fn client_hello_is_one_well_formed_record() {
        let r = legacy_client_hello(TLS1_1, [7; 32]);
        assert_eq!(r[0], 22);
        assert_eq!(usize::from(u16::from_be_bytes([r[3], r[4]])), r.len() - 5);
        assert_eq!(r[5], 1);
        assert_eq!(&r[9..11], &TLS1_1.to_be_bytes());
    }

    #[test]
    fn reads_hello_and_certificate_across_records() {
        let flight = [server_hello(TLS1_0), certificate(b"CERT")].concat();
        // Split the handshake bytes over two records.
        let bytes = [record(22, &flight[..10]), record(22, &flight[10..])].concat();
        assert_eq!(
            parse_legacy_flight(&bytes),
            LegacyAnswer::Hello {
                version: TLS1_0,
                certificate: Some(b"CERT".to_vec())
            }
        );
        // Every prefix is NeedMore or the final answer, never a wrong one.
        for cut in 0..bytes.len() {
            let a = parse_legacy_flight(&bytes[..cut]);
            assert_eq!(a, LegacyAnswer::NeedMore, "cut {cut}");
        }
    }

    #[test]
    fn alerts_garbage_and_lies() {
        assert_eq!(
            parse_legacy_flight(&record(21, &[2, 70])),
            LegacyAnswer::Alert
        );
        assert_eq!(
            parse_legacy_flight(b"HTTP/1.1 400 Bad"),
            LegacyAnswer::NotTls
        );
        assert_eq!(parse_legacy_flight(b""), LegacyAnswer::NeedMore);
        // A record announcing 60 KiB is not TLS (records are at most 16 KiB + slack).
        assert_eq!(
            parse_legacy_flight(&[22, 3, 1, 0xf0, 0x00, 1, 2]),
            LegacyAnswer::NotTls
        );
        // A handshake message announcing 16 MiB just waits for more.
        let lie = record(22, &[2, 0xff, 0xff, 0xff, 3, 1]);
        assert_eq!(parse_legacy_flight(&lie), LegacyAnswer::NeedMore);
        // Certificate before ServerHello is not a server's flight.
        assert_eq!(
            parse_legacy_flight(&record(22, &certificate(b"X"))),
            LegacyAnswer::NotTls
        );
        // ServerHelloDone with no certificate.
        let done = record(22, &[server_hello(TLS1_1), handshake(14, &[])].concat());
        assert_eq!(
            parse_legacy_flight(&done),
            LegacyAnswer::Hello {
                version: TLS1_1,
                certificate: None
            }
        );
    }

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000).unwrap(), "2026-11-18T11:06:40Z");
        assert_eq!(rfc3339(253_402_300_799).unwrap(), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(-86_400).unwrap(), "1969-12-31T00:00:00Z");
        assert_eq!(rfc3339(i64::MAX), None);
        assert_eq!(rfc3339(i64::MIN), None);
        assert_eq!(rfc3339(253_402_300_800), None);
    }

    #[test]
    fn versions() {
        assert_eq!(version_name(TLS1_3), Some("TLSv1.3"));
        assert_eq!(version_name(0x0300), None);
        assert!(is_outdated("TLSv1.0") && is_outdated("TLSv1.1"));
        assert!(!is_outdated("TLSv1.2"));
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        assert_eq!(summarize_certificate(b"\x30\x82\xff\xff"), None);
        assert_eq!(summarize_certificate(&[]), None);
        assert_eq!(clip("a\u{0}b\r\nc", 10), "abc");
    }
}
