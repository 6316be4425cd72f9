//! Plain identification over the wire: wait briefly for a greeting (SSH,
//! FTP and SMTP servers speak first), else ask `GET /` and read the answer
//! as HTTP, a banner, or the sign of a TLS service or a Kerberos KDC (which
//! answers a request it cannot read with an error of its own). Parsing is
//! in [`super::http`].

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use super::http;
use super::kerberos_client::kdc_answered;
use super::wire::{Failure, Limits, connect, read_until, write_all};
use crate::api::HttpDetails;
use crate::plan::Protocol;

pub(super) enum Plain {
    Http(HttpDetails),
    Banner(String),
    /// The answer to `GET /` was a TLS record or a Kerberos message: a
    /// service of that protocol.
    Hint(Protocol),
    Nothing,
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

pub(super) async fn probe_plain(
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
        let mut line = http::LineProgress::default();
        read_until(&mut s, &mut buf, http::MAX_BANNER, deadline, limits, |b| {
            line.complete(b)
        })
        .await;
        return match http::banner_line(&buf) {
            Some(line) => Plain::Banner(line),
            None => Plain::Nothing,
        };
    }
    ask_http(&mut s, addr, &mut buf, deadline, limits).await;
    if matches!(buf.first(), Some(0x15 | 0x16)) {
        return Plain::Hint(Protocol::Tls);
    }
    if kdc_answered(&buf) {
        return Plain::Hint(Protocol::Kerberos);
    }
    if let Some(r) = http::parse_response(&buf) {
        return Plain::Http(r.into());
    }
    match http::banner_line(&buf) {
        Some(line) => Plain::Banner(line),
        None => Plain::Nothing,
    }
}
