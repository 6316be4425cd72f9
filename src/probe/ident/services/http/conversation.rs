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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncWriteExt;

    use super::*;
    use crate::probe::ident::io::tcp::ReadEnd;
    use crate::probe::ident::progress::tests::endless;
    use crate::probe::ident::services::http::{MAX_RESPONSE, ResponseProgress};

    /// A web server dripping a 16 KB answer one byte at a time: one read
    /// per byte, and the completeness check's work stays linear in the
    /// bytes (it looks only at what is new).
    #[tokio::test(start_paused = true)]
    async fn a_dripped_answer_is_checked_in_linear_work() {
        let (mut ours, mut theirs) = tokio::io::duplex(1);
        let start = b"HTTP/1.1 200 OK\r\n\r\n<html>";
        let answer = endless(start, b"<p>no title here</p>", MAX_RESPONSE);
        tokio::spawn(async move { theirs.write_all(&answer).await });
        let limits = Limits::default();
        let mut buf = Vec::new();
        let mut progress = ResponseProgress::default();
        let mut asked = 0;
        let deadline = Instant::now() + Duration::from_secs(10);
        let end = read_until(&mut ours, &mut buf, MAX_RESPONSE, deadline, &limits, |b| {
            asked += 1;
            progress.complete(b)
        })
        .await;
        assert_eq!((end, buf.len()), (ReadEnd::Cap, MAX_RESPONSE));
        assert!(
            asked > MAX_RESPONSE,
            "one byte per read: asked {asked} times"
        );
        let examined = progress.examined();
        assert!(
            examined <= 8 * MAX_RESPONSE,
            "{examined} for {MAX_RESPONSE} bytes"
        );
    }
}
