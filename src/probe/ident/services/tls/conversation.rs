//! TLS identification over the wire: a TLS 1.2/1.3 handshake (rustls) with
//! one `GET /` over it, and hand-made TLS 1.0/1.1 hellos to learn whether the
//! service still accepts outdated versions. The certificate is read, never
//! trusted; the hellos and flights are built and parsed in [`super`].

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};

use tokio::time::{Instant, timeout_at};

use rustls::DigitallySignedStruct as Dss;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer as Cert, ServerName, UnixTime};

use crate::api::{HttpDetails, TlsDetails};
use crate::probe::ident::io::tcp::{Capped, connect, read_until, write_all};
use crate::probe::ident::io::{Limits, random_bytes};
use crate::probe::ident::services::http::{self, conversation::ask_http};
use crate::probe::ident::services::tls;

type SignatureCheck = Result<HandshakeSignatureValid, rustls::Error>;

/// Accepts any certificate: the probe reads certificates, it does not trust
/// them, and sends nothing secret over the connection.
#[derive(Debug)]
struct ReadAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for ReadAnyCertificate {
    fn verify_server_cert(
        &self,
        _: &Cert<'_>,
        _: &[Cert<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(&self, _: &[u8], _: &Cert<'_>, _: &Dss) -> SignatureCheck {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(&self, m: &[u8], c: &Cert<'_>, d: &Dss) -> SignatureCheck {
        self.verify_tls12_signature(m, c, d)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

static TLS_CONFIG: LazyLock<Option<Arc<rustls::ClientConfig>>> = LazyLock::new(|| {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .ok()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(ReadAnyCertificate(provider)))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config.resumption = rustls::client::Resumption::disabled();
    Some(Arc::new(config))
});

/// A TLS 1.2/1.3 handshake, then one `GET /` over it.
async fn modern_tls(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Arc<Limits>,
) -> Option<(&'static str, Option<Vec<u8>>, Option<HttpDetails>)> {
    let config = TLS_CONFIG.clone()?;
    let stream = connect(addr, deadline).await.ok()?;
    let capped = Capped {
        inner: stream,
        left: tls::MAX_FLIGHT + http::MAX_RESPONSE + 4096,
        limits: limits.clone(),
    };
    let connector = tokio_rustls::TlsConnector::from(config);
    let name = rustls::pki_types::ServerName::IpAddress(addr.ip().into());
    let mut tls = match timeout_at(deadline, connector.connect(name, capped)).await {
        Err(_) => {
            limits.hit(Limits::TIME);
            return None;
        }
        Ok(Err(_)) => return None,
        Ok(Ok(t)) => t,
    };
    let (_, conn) = tls.get_ref();
    let version = match conn.protocol_version()? {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3",
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2",
        _ => return None,
    };
    let cert = conn
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.as_ref().to_vec());
    let mut buf = Vec::new();
    ask_http(&mut tls, addr, &mut buf, deadline, limits).await;
    let http = http::parse_response(&buf).map(HttpDetails::from);
    Some((version, cert, http))
}

/// A hand-made TLS 1.0/1.1 ClientHello; `Some` with the certificate when the
/// server accepted exactly that version.
async fn legacy_tls(
    addr: SocketAddr,
    version: u16,
    deadline: Instant,
    limits: &Limits,
) -> Option<Option<Vec<u8>>> {
    let mut s = connect(addr, deadline).await.ok()?;
    if !write_all(
        &mut s,
        &tls::legacy_client_hello(version, random_bytes()),
        deadline,
    )
    .await
    {
        return None;
    }
    let mut buf = Vec::new();
    let mut flight = tls::FlightReader::default();
    read_until(&mut s, &mut buf, tls::MAX_FLIGHT, deadline, limits, |b| {
        flight.read(b) != tls::LegacyAnswer::NeedMore
    })
    .await;
    if buf.len() >= tls::MAX_FLIGHT {
        // The certificate did not fit; the ServerHello may still answer.
        limits.hit(Limits::BYTES);
    }
    match flight.read(&buf) {
        tls::LegacyAnswer::Hello {
            version: v,
            certificate,
        } if v == version => Some(certificate),
        _ => None,
    }
}

pub(crate) async fn probe_tls(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Arc<Limits>,
) -> Option<(TlsDetails, Option<HttpDetails>)> {
    let (modern, v10, v11) = tokio::join!(
        modern_tls(addr, deadline, limits),
        legacy_tls(addr, tls::TLS1_0, deadline, limits),
        legacy_tls(addr, tls::TLS1_1, deadline, limits),
    );
    let mut outdated = Vec::new();
    let mut legacy_cert = None;
    for (v, answer) in [(tls::TLS1_0, v10), (tls::TLS1_1, v11)] {
        if let Some(cert) = answer {
            outdated.push(tls::version_name(v)?.to_owned());
            legacy_cert = legacy_cert.or(cert);
        }
    }
    let (version, cert, http) = match modern {
        Some((v, cert, http)) => (v.to_owned(), cert.or(legacy_cert), http),
        None => (outdated.last()?.clone(), legacy_cert, None),
    };
    let certificate = cert.as_deref().and_then(tls::summarize_certificate);
    Some((
        TlsDetails {
            version,
            outdated_versions: outdated,
            ..certificate.unwrap_or_default()
        },
        http,
    ))
}
