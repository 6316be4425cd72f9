//! The plain step over TCP: wait briefly for a greeting (SSH, FTP, SMTP,
//! VNC, MySQL and Telnet servers speak first) and follow it up on the same
//! connection (VNC is told the version the probe speaks and offers its
//! security types, the probe picks none; Telnet's options are refused so
//! that its greeting follows; everything else is judged on the greeting
//! alone), else ask `GET /` and read the answer as HTTP, a banner, or the
//! sign of a TLS service, a Kerberos KDC (which answers a request it
//! cannot read with an error of its own) or RDP. Parsing is in
//! [`super`], [`super::telnet`], [`crate::probe::ident::services::vnc`] and
//! [`crate::probe::ident::services::http`].

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use super::{Greeting, telnet};
use crate::api::{HttpDetails, ServiceDetails};
use crate::plan::Service;
use crate::probe::ident::io::Limits;
use crate::probe::ident::io::tcp::{Failure, ReadEnd, connect, read_until, write_all};
use crate::probe::ident::services::greeting;
use crate::probe::ident::services::http::{self, conversation::ask_http};
use crate::probe::ident::services::kerberos::kdc_answered;
use crate::probe::ident::services::{rdp, vnc};
use crate::probe::ident::text::{MAX_BANNER, MAX_GREETING, banner_line};

pub(crate) enum Plain {
    Http(HttpDetails),
    Banner(String),
    /// A greeting service of the practice check, and its first line for
    /// text protocols.
    Service(Box<ServiceDetails>, Option<String>),
    /// The answer to `GET /` was a TLS record, a Kerberos message or a TPKT
    /// packet: a service of that protocol.
    Hint(Hint),
    Nothing,
    /// The service closed the connection before it was sent anything: it
    /// takes connections only to end them, and every other protocol would
    /// meet the same.
    Closed,
    /// Connection refused: the port closed since the scan.
    Refused,
}

/// Another protocol's sign in the answer to `GET /`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hint {
    /// A TLS record.
    Tls,
    /// A Kerberos error.
    Kerberos,
    /// A TPKT packet (RDP).
    Rdp,
}

/// `expected` is the service the port's plan entry names.
pub(crate) async fn probe_plain(
    addr: SocketAddr,
    expected: Service,
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
    let waited = read_until(&mut s, &mut buf, MAX_BANNER, greet_until, &quiet, |b| {
        !b.is_empty()
    })
    .await;
    if buf.is_empty() && waited == ReadEnd::Closed {
        return Plain::Closed;
    }
    if !buf.is_empty() {
        let mut greeting = greeting::GreetingProgress::default();
        let complete = |b: &[u8]| greeting.complete(b);
        read_until(&mut s, &mut buf, MAX_GREETING, deadline, limits, complete).await;
        return follow(&mut s, buf, expected, deadline, banner_wait, limits).await;
    }
    ask_http(&mut s, addr, &mut buf, deadline, limits).await;
    if matches!(buf.first(), Some(0x15 | 0x16)) {
        return Plain::Hint(Hint::Tls);
    }
    if kdc_answered(&buf) {
        return Plain::Hint(Hint::Kerberos);
    }
    if buf
        .first_chunk::<4>()
        .is_some_and(|h| rdp::tpkt_len(*h).is_some())
    {
        return Plain::Hint(Hint::Rdp);
    }
    if let Some(r) = http::parse_response(&buf) {
        return Plain::Http(r.into());
    }
    match banner_line(&buf) {
        Some(line) => Plain::Banner(line),
        None => Plain::Nothing,
    }
}

/// Judge the greeting in `buf` (read to [`greeting::complete`]) and, for
/// VNC and Telnet, ask what comes next. `wait` bounds Telnet's pause for a
/// greeting after its options.
async fn follow<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    mut buf: Vec<u8>,
    expected: Service,
    deadline: Instant,
    wait: Duration,
    limits: &Limits,
) -> Plain {
    let mut found = ServiceDetails::default();
    match greeting::classify(&buf, expected) {
        Greeting::Ssh(d) => found.ssh = Some(d),
        Greeting::Ftp(d) => found.ftp = Some(d),
        Greeting::Mysql(d) => found.mysql = Some(d),
        Greeting::Vnc(v) => found.vnc = Some(vnc::offer(s, v, deadline, limits).await),
        Greeting::Telnet(_) => {
            telnet_greeting(s, &mut buf, deadline.min(Instant::now() + wait)).await;
            found.telnet = telnet::parse(&buf).map(|n| n.details);
        }
        Greeting::Other(line) => return Plain::Banner(line),
        Greeting::Nothing => return Plain::Nothing,
    }
    let text = found.ssh.is_some() || found.ftp.is_some();
    Plain::Service(Box::new(found), text.then(|| banner_line(&buf)).flatten())
}

/// Refuse the options a Telnet server asked about and read on until a
/// printable line arrives or `until`. Silence here is not a limit: the
/// options alone already named the service.
async fn telnet_greeting<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    buf: &mut Vec<u8>,
    until: Instant,
) {
    let Some(n) = telnet::parse(buf) else { return };
    if n.details.greeting.is_some() {
        return;
    }
    if !n.refusal.is_empty() && !write_all(s, &n.refusal, until).await {
        return;
    }
    let quiet = Limits::default();
    let mut reader = telnet::Reader::default();
    let greeted = |b: &[u8]| reader.read(b) && reader.greeted();
    read_until(s, buf, MAX_GREETING, until, &quiet, greeted).await;
}
