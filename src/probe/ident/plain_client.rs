//! Plain identification over the wire: wait briefly for a greeting (SSH,
//! FTP, SMTP, VNC, MySQL and Telnet servers speak first; the greeting is
//! followed up in `greeting_client`), else ask `GET /` and read the answer
//! as HTTP, a banner, or the sign of a TLS service, a Kerberos KDC (which
//! answers a request it cannot read with an error of its own) or RDP.
//! Parsing is in [`super::http`] and [`super::greeting`].

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use super::greeting::{self, MAX_GREETING};
use super::greeting_client::follow;
use super::http;
use super::kerberos_client::kdc_answered;
use super::rdp;
use super::wire::{Failure, Limits, ReadEnd, connect, read_until, write_all};
use crate::api::{HttpDetails, ServiceDetails};
use crate::plan::Protocol;

pub(super) enum Plain {
    Http(HttpDetails),
    Banner(String),
    /// A greeting service of the practice check, and its first line for
    /// text protocols.
    Service(Box<ServiceDetails>, Option<String>),
    /// The answer to `GET /` was a TLS record, a Kerberos message or a TPKT
    /// packet: a service of that protocol.
    Hint(Protocol),
    Nothing,
    /// The service closed the connection before it was sent anything: it
    /// takes connections only to end them, and every other protocol would
    /// meet the same.
    Closed,
    /// Connection refused: the port closed since the scan.
    Refused,
}

/// Send `GET /` and read the answer into `buf`. Some servers speak first
/// and close (a canned page): whatever arrives is read even when the
/// request could not be sent.
pub(super) async fn ask_http<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    addr: SocketAddr,
    buf: &mut Vec<u8>,
    deadline: Instant,
    limits: &Limits,
) {
    let _ = write_all(s, &http::request(&http::host_header(addr)), deadline).await;
    let mut answer = http::ResponseProgress::default();
    let complete = |b: &[u8]| answer.complete(b);
    read_until(s, buf, http::MAX_RESPONSE, deadline, limits, complete).await;
}

/// `expected` is the protocol the port's plan entry names first.
pub(super) async fn probe_plain(
    addr: SocketAddr,
    expected: Protocol,
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
    let waited = read_until(
        &mut s,
        &mut buf,
        http::MAX_BANNER,
        greet_until,
        &quiet,
        |b| !b.is_empty(),
    )
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
        return Plain::Hint(Protocol::Tls);
    }
    if kdc_answered(&buf) {
        return Plain::Hint(Protocol::Kerberos);
    }
    if buf
        .first_chunk::<4>()
        .is_some_and(|h| rdp::tpkt_len(*h).is_some())
    {
        return Plain::Hint(Protocol::Rdp);
    }
    if let Some(r) = http::parse_response(&buf) {
        return Plain::Http(r.into());
    }
    match http::banner_line(&buf) {
        Some(line) => Plain::Banner(line),
        None => Plain::Nothing,
    }
}
