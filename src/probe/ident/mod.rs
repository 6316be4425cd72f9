//! Identification: on a port the scan found open, ask the service what it is
//! — SMB (dialects, SMB1, signing, guest and anonymous sessions), TLS
//! (versions, certificate) with the web server behind it, plain HTTP, or the
//! banner a service sends unasked — within a fixed per-port budget.
//!
//! Why a budget: every byte comes from a host the visitor controls. A
//! service that never answers, drips one byte a second or announces a
//! gigabyte must not hold the probe, so each port gets [`Budget::time`] in
//! all, each read loops until its delimiter, its byte cap or the deadline
//! (never a single `read()`), each protocol has its own byte cap, and a
//! length field is checked against the cap before anything is read into
//! memory. Running out of a budget is reported ([`IdentLimit`]), not
//! hidden.
//!
//! The parsers are pure functions in [`smb`], [`ntlm`], [`tls`] and
//! [`http`]; this module is the I/O around them. What is tried on a port
//! depends on the port's plan entry ([`protocols_for`]): SMB first where the
//! plan expects SMB, TLS first where it expects TLS, otherwise a banner or an
//! HTTP answer; when the first guess
//! is wrong, the others follow while the budget lasts. SMB stops after
//! session setup: no tree connect, no share, no file.

pub mod http;
pub mod kerberos;
pub mod ntlm;
pub mod smb;
pub mod tls;

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll, ready};
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::{Instant, timeout_at};

use crate::api::{HttpDetails, IdentLimit, PortDetails, SmbDetails, TlsDetails};

/// How long and how much identification may spend on one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Wall time for everything tried on one port.
    pub time: Duration,
    /// How long a service may stay silent before the probe speaks first
    /// (SSH, FTP and SMTP servers greet; HTTP servers wait).
    pub banner_wait: Duration,
}

impl Budget {
    /// The budget the service uses: 4 s per port, run in parallel with the
    /// rest of the scan, so a full check takes at most this much longer. The
    /// most likely protocol gets half of it; a service that lets that half
    /// run out is not asked again.
    pub const STANDARD: Budget = Budget {
        time: Duration::from_secs(4),
        banner_wait: Duration::from_millis(500),
    };
}

/// Most connections identification holds open to one port at a time: the
/// SMB step's five dialect negotiations, the SMB1 question and two session
/// setups (TLS uses three, plain one).
pub const MAX_CONNECTIONS_PER_PORT: usize = smb::DIALECTS.len() + 3;

pub use crate::plan::Protocol;

/// What to try on a port whose plan entry names `first`, most likely first.
pub fn protocols_for(first: Protocol) -> &'static [Protocol] {
    use Protocol::*;
    match first {
        Smb => &[Smb, Tls, Plain],
        Tls => &[Tls, Plain, Smb],
        Plain => &[Plain, Tls, Smb],
    }
}

/// Which limits were reached during one port's identification.
#[derive(Debug, Default)]
struct Limits(AtomicU8);

impl Limits {
    const TIME: u8 = 1;
    const BYTES: u8 = 2;

    fn hit(&self, what: u8) {
        self.0.fetch_or(what, Ordering::Relaxed);
    }

    fn reported(&self) -> Option<IdentLimit> {
        let v = self.0.load(Ordering::Relaxed);
        if v & Self::BYTES != 0 {
            Some(IdentLimit::Bytes)
        } else if v & Self::TIME != 0 {
            Some(IdentLimit::Time)
        } else {
            None
        }
    }
}

/// Identify the service on `addr`, which the scan found open, trying
/// `first` first (from the port's plan entry).
pub async fn identify(addr: SocketAddr, first: Protocol, budget: Budget) -> PortDetails {
    let limits = Arc::new(Limits::default());
    let deadline = Instant::now() + budget.time;
    let mut details = PortDetails::default();
    let protocols = protocols_for(first);
    let mut tls_hint = false;
    for (i, proto) in protocols.iter().enumerate() {
        let now = Instant::now();
        if now >= deadline {
            limits.hit(Limits::TIME);
            break;
        }
        // The first guess may use half the budget; later ones what is left.
        let step_deadline = if i == 0 {
            now + (deadline - now) / 2
        } else {
            deadline
        };
        match proto {
            Protocol::Smb => {
                if let Some(s) = probe_smb(addr, step_deadline, &limits).await {
                    details.smb = Some(s);
                    break;
                }
            }
            Protocol::Tls => {
                if let Some((t, h)) = probe_tls(addr, step_deadline, &limits).await {
                    details.tls = Some(t);
                    details.http = h;
                    break;
                }
            }
            Protocol::Plain => {
                match probe_plain(addr, step_deadline, budget.banner_wait, &limits).await {
                    Plain::Http(h) => {
                        details.http = Some(h);
                        break;
                    }
                    Plain::Banner(b) => {
                        details.banner = Some(b);
                        break;
                    }
                    Plain::TlsHint => tls_hint = true,
                    Plain::Nothing => {}
                    Plain::Refused => break,
                }
            }
        }
        // A service that let a whole step run out of time is silent or
        // dripping: another protocol would only wait the same way.
        if limits.reported() == Some(IdentLimit::Time) {
            break;
        }
        if tls_hint && details.tls.is_none() && !protocols[i + 1..].contains(&Protocol::Tls) {
            break;
        }
    }
    details.limit = limits.reported();
    details
}

// ------------------------------------------------------------------ I/O

/// A stream that yields at most `left` bytes, then fails, and records that
/// the cap was reached. Writes pass through.
struct Capped<S> {
    inner: S,
    left: usize,
    limits: Arc<Limits>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Capped<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.left == 0 {
            this.limits.hit(Limits::BYTES);
            return Poll::Ready(Err(io::Error::other("identification byte cap reached")));
        }
        let mut tmp = [0u8; 4096];
        let max = this.left.min(tmp.len()).min(buf.remaining());
        let mut rb = ReadBuf::new(&mut tmp[..max]);
        ready!(Pin::new(&mut this.inner).poll_read(cx, &mut rb))?;
        let n = rb.filled().len();
        buf.put_slice(rb.filled());
        this.left -= n;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Capped<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, b: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, b)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Connect within the deadline. The socket closes with a reset (linger 0):
/// the probe leaves no TIME_WAIT behind and the service sees a clear end.
async fn connect(addr: SocketAddr, deadline: Instant) -> Result<TcpStream, Failure> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4(),
        SocketAddr::V6(_) => TcpSocket::new_v6(),
    }
    .map_err(|_| Failure::Other)?;
    let stream = match timeout_at(deadline, socket.connect(addr)).await {
        Err(_) => return Err(Failure::Time),
        Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionRefused => {
            return Err(Failure::Refused);
        }
        Ok(Err(_)) => return Err(Failure::Other),
        Ok(Ok(s)) => s,
    };
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Time,
    Refused,
    Other,
}

/// Why a read loop stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadEnd {
    /// `done` said the buffer holds what was wanted.
    Done,
    /// The peer closed (or reset) the connection.
    Closed,
    /// The byte cap was reached.
    Cap,
    /// The deadline passed.
    Deadline,
}

/// Read into `buf` until `done(buf)`, `cap` bytes, the peer closing, or the
/// deadline. Records a reached limit.
async fn read_until<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    cap: usize,
    deadline: Instant,
    limits: &Limits,
    done: impl Fn(&[u8]) -> bool,
) -> ReadEnd {
    let mut chunk = [0u8; 2048];
    let mut errors = 0;
    loop {
        if done(buf) {
            return ReadEnd::Done;
        }
        if buf.len() >= cap {
            limits.hit(Limits::BYTES);
            return ReadEnd::Cap;
        }
        let want = (cap - buf.len()).min(chunk.len());
        match timeout_at(deadline, stream.read(&mut chunk[..want])).await {
            Err(_) => {
                limits.hit(Limits::TIME);
                return ReadEnd::Deadline;
            }
            Ok(Ok(0)) => return ReadEnd::Closed,
            // A TLS stream reports the peer's reset before it hands out
            // plaintext it already decrypted; the next read returns it.
            Ok(Err(_)) if errors == 0 => errors += 1,
            Ok(Err(_)) => return ReadEnd::Closed,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

async fn write_all<S: AsyncWrite + Unpin>(s: &mut S, data: &[u8], deadline: Instant) -> bool {
    matches!(timeout_at(deadline, s.write_all(data)).await, Ok(Ok(())))
}

/// Random bytes for GUIDs, salts, hello randoms and client challenges, from
/// the system's source. None of them protects a secret (the probe logs on
/// with an empty password), so if the source fails, a clock-derived filler
/// is good enough.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    if getrandom::fill(&mut out).is_err() {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for (i, b) in out.iter_mut().enumerate() {
            *b = (nanos >> ((i % 16) * 8)) as u8 ^ i as u8;
        }
    }
    out
}

// ------------------------------------------------------------------ SMB

/// One SMB message: read the 4-byte frame header, check the announced length
/// against the cap, then read exactly that much.
async fn read_smb_message<S: AsyncRead + Unpin>(
    s: &mut S,
    deadline: Instant,
    limits: &Limits,
) -> Result<Vec<u8>, ReadEnd> {
    let mut buf = Vec::with_capacity(512);
    match read_until(s, &mut buf, 4, deadline, limits, |b| b.len() >= 4).await {
        ReadEnd::Done => {}
        other => return Err(other),
    }
    let len = smb::frame_len([buf[0], buf[1], buf[2], buf[3]]).map_err(|_| ReadEnd::Closed)?;
    if len > smb::MAX_MESSAGE {
        limits.hit(Limits::BYTES);
        return Err(ReadEnd::Cap);
    }
    let total = 4 + len;
    match read_until(s, &mut buf, total, deadline, limits, |b| b.len() >= total).await {
        ReadEnd::Done | ReadEnd::Cap if buf.len() >= total => Ok(buf.split_off(4)),
        ReadEnd::Done | ReadEnd::Cap => Err(ReadEnd::Closed),
        other => Err(other),
    }
}

/// Send one request on a fresh connection and read one SMB answer.
async fn smb_exchange(
    addr: SocketAddr,
    request: &[u8],
    deadline: Instant,
    limits: &Limits,
) -> Result<Vec<u8>, ReadEnd> {
    let mut s = connect(addr, deadline).await.map_err(|f| match f {
        Failure::Time => ReadEnd::Deadline,
        _ => ReadEnd::Closed,
    })?;
    if !write_all(&mut s, request, deadline).await {
        return Err(ReadEnd::Closed);
    }
    read_smb_message(&mut s, deadline, limits).await
}

async fn negotiate_one(
    addr: SocketAddr,
    dialect: u16,
    deadline: Instant,
    limits: &Limits,
) -> Option<smb::NegotiateAnswer> {
    let req = smb::negotiate_request(&[dialect], random_bytes(), random_bytes());
    let msg = smb_exchange(addr, &req, deadline, limits).await.ok()?;
    smb::parse_negotiate_response(&msg).ok()
}

/// What a server said to an SMB1 negotiate offering only `NT LM 0.12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Smb1Question {
    Accepted {
        signing_required: bool,
    },
    /// An SMB answer that is not acceptance.
    Declined,
    /// The connection closed without an answer: "no" from a server that
    /// speaks SMB2, nothing from anything else.
    ClosedWithoutAnswer,
}

/// Ask the SMB1 question; `None` when no answer came in time.
async fn smb1_question(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<Smb1Question> {
    match smb_exchange(addr, &smb::smb1_negotiate_request(), deadline, limits).await {
        Ok(msg) => match smb::parse_smb1_negotiate_response(&msg) {
            Ok(smb::Smb1Answer::Accepted { signing_required }) => {
                Some(Smb1Question::Accepted { signing_required })
            }
            Ok(smb::Smb1Answer::Refused) => Some(Smb1Question::Declined),
            Err(_) => None,
        },
        Err(ReadEnd::Closed) => Some(Smb1Question::ClosedWithoutAnswer),
        Err(_) => None,
    }
}

/// Negotiate and log on without a password: as the unknown
/// [`ntlm::GUEST_PROBE_USER`], or anonymously with `user` = `None`. Stops
/// after session setup.
async fn session(
    addr: SocketAddr,
    user: Option<&str>,
    deadline: Instant,
    limits: &Limits,
) -> Option<smb::SessionOutcome> {
    let mut s = connect(addr, deadline).await.ok()?;
    let neg = smb::negotiate_request(
        &[0x0202, 0x0210, 0x0300, 0x0302],
        random_bytes(),
        random_bytes(),
    );
    if !write_all(&mut s, &neg, deadline).await {
        return None;
    }
    let msg = read_smb_message(&mut s, deadline, limits).await.ok()?;
    if !matches!(
        smb::parse_negotiate_response(&msg).ok()?,
        smb::NegotiateAnswer::Accepted { .. }
    ) {
        return None;
    }
    let init = smb::spnego_init(&ntlm::negotiate_message(user.is_none()));
    if !write_all(&mut s, &smb::session_setup_request(1, 0, &init), deadline).await {
        return None;
    }
    let msg = read_smb_message(&mut s, deadline, limits).await.ok()?;
    let first = smb::parse_session_setup_response(&msg).ok()?;
    if first.status != smb::STATUS_MORE_PROCESSING_REQUIRED {
        return Some(smb::SessionOutcome::Refused {
            status: first.status,
        });
    }
    let challenge = ntlm::parse_challenge(smb::find_ntlmssp(&first.token)?)?;
    // Windows FILETIME: 100 ns since 1601.
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() / 100) as u64;
    let auth = ntlm::authenticate_message(
        &challenge,
        user,
        random_bytes(),
        now + 116_444_736_000_000_000,
    );
    let req = smb::session_setup_request(2, first.session_id, &smb::spnego_response(&auth));
    if !write_all(&mut s, &req, deadline).await {
        return None;
    }
    let msg = read_smb_message(&mut s, deadline, limits).await.ok()?;
    let last = smb::parse_session_setup_response(&msg).ok()?;
    Some(if last.status == smb::STATUS_SUCCESS {
        smb::SessionOutcome::Granted {
            flags: last.session_flags,
        }
    } else {
        smb::SessionOutcome::Refused {
            status: last.status,
        }
    })
}

async fn probe_smb(addr: SocketAddr, deadline: Instant, limits: &Limits) -> Option<SmbDetails> {
    let negotiations = futures_util::future::join_all(
        smb::DIALECTS
            .iter()
            .map(|&d| negotiate_one(addr, d, deadline, limits)),
    );
    let (answers, smb1, guest, anonymous) = tokio::join!(
        negotiations,
        smb1_question(addr, deadline, limits),
        session(addr, Some(ntlm::GUEST_PROBE_USER), deadline, limits),
        session(addr, None, deadline, limits),
    );
    smb_details(&answers, smb1, guest, anonymous)
}

/// Combine the answers of one SMB identification: the per-dialect
/// negotiations (in [`smb::DIALECTS`] order), the SMB1 question and the two
/// session setups. `None` when nothing answered as SMB.
pub fn smb_details(
    answers: &[Option<smb::NegotiateAnswer>],
    smb1: Option<Smb1Question>,
    guest: Option<smb::SessionOutcome>,
    anonymous: Option<smb::SessionOutcome>,
) -> Option<SmbDetails> {
    let mut dialects = Vec::new();
    let mut signing_required = None;
    let mut smb1_only = false;
    let mut spoke_smb2 = false;
    for (offered, answer) in smb::DIALECTS.iter().zip(answers) {
        match answer {
            Some(smb::NegotiateAnswer::Accepted {
                dialect,
                signing_required: s,
            }) if dialect == offered => {
                spoke_smb2 = true;
                if let Some(name) = smb::dialect_name(*dialect) {
                    dialects.push(name.to_owned());
                }
                // The highest accepted dialect's security mode wins.
                signing_required = Some(*s);
            }
            Some(smb::NegotiateAnswer::Smb1Only) => smb1_only = true,
            Some(_) => spoke_smb2 = true,
            None => {}
        }
    }
    let smb1_accepted = matches!(smb1, Some(Smb1Question::Accepted { .. }));
    if !spoke_smb2 && !smb1_only && !smb1_accepted && guest.is_none() {
        return None;
    }
    // An SMB1-only server states its signing policy in the SMB1 answer.
    if let (
        None,
        Some(Smb1Question::Accepted {
            signing_required: s,
        }),
    ) = (signing_required, smb1)
    {
        signing_required = Some(s);
    }
    let smb1 = match smb1 {
        Some(Smb1Question::Accepted { .. }) => Some(true),
        Some(Smb1Question::Declined) => Some(false),
        // A close without an answer is only "no" from a server that speaks SMB2.
        Some(Smb1Question::ClosedWithoutAnswer) if spoke_smb2 => Some(false),
        Some(Smb1Question::ClosedWithoutAnswer) | None => None,
    };
    Some(SmbDetails {
        dialects,
        smb1,
        signing_required,
        guest_access: guest.map(smb::is_guest_grant),
        anonymous_session: anonymous.map(|o| matches!(o, smb::SessionOutcome::Granted { .. })),
    })
}

// ------------------------------------------------------------------ TLS

/// Accepts any certificate: the probe reads certificates, it does not trust
/// them, and sends nothing secret over the connection.
#[derive(Debug)]
struct ReadAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for ReadAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &rustls::pki_types::CertificateDer<'_>,
        _dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &rustls::pki_types::CertificateDer<'_>,
        _dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
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
    // Some servers speak first and close (a canned page): read whatever
    // arrives even when the request could not be sent.
    let _ = write_all(&mut tls, &http::request(&host_header(addr)), deadline).await;
    let mut buf = Vec::new();
    read_until(
        &mut tls,
        &mut buf,
        http::MAX_RESPONSE,
        deadline,
        limits,
        http::response_complete,
    )
    .await;
    let http = http::parse_response(&buf).map(http_details);
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
    read_until(&mut s, &mut buf, tls::MAX_FLIGHT, deadline, limits, |b| {
        tls::parse_legacy_flight(b) != tls::LegacyAnswer::NeedMore
    })
    .await;
    if buf.len() >= tls::MAX_FLIGHT {
        // The certificate did not fit; the ServerHello may still answer.
        limits.hit(Limits::BYTES);
    }
    match tls::parse_legacy_flight(&buf) {
        tls::LegacyAnswer::Hello {
            version: v,
            certificate,
        } if v == version => Some(certificate),
        _ => None,
    }
}

async fn probe_tls(
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
    let summary = cert.as_deref().and_then(tls::summarize_certificate);
    Some((
        TlsDetails {
            version,
            outdated_versions: outdated,
            subject: summary.as_ref().map(|s| s.subject.clone()),
            issuer: summary.as_ref().map(|s| s.issuer.clone()),
            not_before: summary.as_ref().and_then(|s| s.not_before.clone()),
            not_after: summary.as_ref().and_then(|s| s.not_after.clone()),
            self_signed: summary.as_ref().map(|s| s.self_signed),
        },
        http,
    ))
}

// ------------------------------------------------------------------ plain

enum Plain {
    Http(HttpDetails),
    Banner(String),
    /// The answer to `GET /` was a TLS record: a TLS service.
    TlsHint,
    Nothing,
    /// Connection refused: the port closed since the scan.
    Refused,
}

fn host_header(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
    }
}

fn http_details(r: http::Response) -> HttpDetails {
    HttpDetails {
        status: r.status,
        server: r.server,
        title: r.title,
        admin_interface: r.admin_interface,
    }
}

async fn probe_plain(
    addr: SocketAddr,
    deadline: Instant,
    banner_wait: Duration,
    limits: &Limits,
) -> Plain {
    let mut s = match connect(addr, deadline).await {
        Ok(s) => s,
        Err(Failure::Refused) => return Plain::Refused,
        Err(_) => return Plain::Nothing,
    };
    let mut buf = Vec::new();
    // A greeting service speaks first; silence for `banner_wait` is not a
    // limit, just the sign to ask.
    let quiet = Limits::default();
    let greet_until = deadline.min(Instant::now() + banner_wait);
    read_until(
        &mut s,
        &mut buf,
        http::MAX_BANNER,
        greet_until,
        &quiet,
        |b| !b.is_empty(),
    )
    .await;
    if !buf.is_empty() {
        read_until(
            &mut s,
            &mut buf,
            http::MAX_BANNER,
            deadline,
            limits,
            http::line_complete,
        )
        .await;
        return match http::banner_line(&buf) {
            Some(line) => Plain::Banner(line),
            None => Plain::Nothing,
        };
    }
    let _ = write_all(&mut s, &http::request(&host_header(addr)), deadline).await;
    read_until(
        &mut s,
        &mut buf,
        http::MAX_RESPONSE,
        deadline,
        limits,
        http::response_complete,
    )
    .await;
    if matches!(buf.first(), Some(0x15 | 0x16)) {
        return Plain::TlsHint;
    }
    if let Some(r) = http::parse_response(&buf) {
        return Plain::Http(http_details(r));
    }
    match http::banner_line(&buf) {
        Some(line) => Plain::Banner(line),
        None => Plain::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smb::NegotiateAnswer::*;

    #[test]
    fn port_plans() {
        let plan = crate::plan::Plan::standard();
        assert_eq!(protocols_for(plan.protocol(445))[0], Protocol::Smb);
        assert_eq!(protocols_for(plan.protocol(443))[0], Protocol::Tls);
        assert_eq!(protocols_for(plan.protocol(448))[0], Protocol::Tls);
        assert_eq!(protocols_for(plan.protocol(440))[0], Protocol::Plain);
        for (_, _, s) in plan.entries() {
            let tried = protocols_for(s.protocol);
            assert_eq!(tried[0], s.protocol);
            assert_eq!(tried.len(), 3, "every port tries every protocol");
        }
    }

    fn acc(d: u16) -> Option<smb::NegotiateAnswer> {
        Some(Accepted {
            dialect: d,
            signing_required: false,
        })
    }

    #[test]
    fn samba_smb2_only_with_guest() {
        let refused = Some(smb::SessionOutcome::Refused {
            status: 0xC000_006D,
        });
        let d = smb_details(
            &[
                acc(0x0202),
                acc(0x0210),
                acc(0x0300),
                acc(0x0302),
                acc(0x0311),
            ],
            Some(Smb1Question::Declined),
            Some(smb::SessionOutcome::Granted { flags: 1 }),
            refused,
        )
        .unwrap();
        assert_eq!(d.dialects, ["2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"]);
        assert_eq!(d.smb1, Some(false));
        assert_eq!(d.signing_required, Some(false));
        assert_eq!(d.guest_access, Some(true));
        assert_eq!(d.anonymous_session, Some(false));
    }

    #[test]
    fn smb1_only_server_and_signing_from_highest_dialect() {
        let d = smb_details(
            &[Some(Smb1Only); 5],
            Some(Smb1Question::Accepted {
                signing_required: true,
            }),
            None,
            None,
        )
        .unwrap();
        assert!(d.dialects.is_empty());
        assert_eq!(d.smb1, Some(true));
        assert_eq!(d.signing_required, Some(true), "from the SMB1 answer");
        assert_eq!(d.guest_access, None);

        let d = smb_details(
            &[
                acc(0x0202),
                Some(Accepted {
                    dialect: 0x0210,
                    signing_required: true,
                }),
                Some(Refused { status: 1 }),
                None,
                None,
            ],
            None,
            None,
            None,
        )
        .unwrap();
        assert_eq!(d.dialects, ["2.0.2", "2.1"]);
        assert_eq!(d.signing_required, Some(true));
    }

    #[test]
    fn a_server_choosing_another_dialect_than_offered_is_not_credited() {
        let d = smb_details(&[acc(0x0311), None, None, None, None], None, None, None).unwrap();
        assert!(d.dialects.is_empty());
    }

    #[test]
    fn nothing_smb_is_none() {
        assert_eq!(smb_details(&[None; 5], None, None, None), None);
        // A closed connection alone does not make a port SMB.
        assert_eq!(
            smb_details(
                &[None; 5],
                Some(Smb1Question::ClosedWithoutAnswer),
                None,
                None
            ),
            None
        );
        // A server that speaks SMB2 and closes on SMB1 does not speak SMB1.
        let d = smb_details(
            &[acc(0x0210), None, None, None, None],
            Some(Smb1Question::ClosedWithoutAnswer),
            None,
            None,
        )
        .unwrap();
        assert_eq!(d.smb1, Some(false));
    }

    #[test]
    fn limits_report_bytes_over_time() {
        let l = Limits::default();
        assert_eq!(l.reported(), None);
        l.hit(Limits::TIME);
        assert_eq!(l.reported(), Some(IdentLimit::Time));
        l.hit(Limits::BYTES);
        assert_eq!(l.reported(), Some(IdentLimit::Bytes));
    }

    #[test]
    fn random_bytes_differ() {
        assert_ne!(random_bytes::<16>(), random_bytes::<16>());
    }
}
