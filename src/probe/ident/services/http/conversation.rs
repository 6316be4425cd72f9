//! HTTP over an open connection: one `GET /` and its answer, read until the
//! answer is complete (its title, or the start of its body), its byte cap
//! or the deadline. Runs on plain TCP after the greeting wait and inside
//! the TLS service's handshake.

use std::net::SocketAddr;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use crate::probe::ident::io::Limits;
use crate::probe::ident::io::tcp::{read_until, write_all};
use crate::probe::ident::services::http;

/// Send `GET /` and read the answer into `buf`. Some servers speak first
/// and close (a canned page): whatever arrives is read even when the
/// request could not be sent.
pub(crate) async fn ask_http<S: AsyncRead + AsyncWrite + Unpin>(
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
