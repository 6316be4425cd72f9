//! Budgeted I/O over TCP: connect within the deadline, read until a
//! delimiter, a byte cap or the deadline (never a single `read()`), write
//! within the deadline, and record which limit ran out in [`Limits`] so the
//! report can say so. Every socket closes with a reset.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::{Instant, timeout_at};

use super::Limits;

/// A stream that yields at most `left` bytes, then fails, and records that
/// the cap was reached. Writes pass through.
pub(crate) struct Capped<S> {
    pub(crate) inner: S,
    pub(crate) left: usize,
    pub(crate) limits: Arc<Limits>,
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
pub(crate) async fn connect(addr: SocketAddr, deadline: Instant) -> Result<TcpStream, Failure> {
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
pub(crate) enum Failure {
    Time,
    Refused,
    Other,
}

/// Why a read loop stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadEnd {
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
/// deadline. Records a reached limit. `done` is asked after every read with
/// the grown buffer: it should look only at what is new (see
/// `progress.rs`), or a dripping service makes the reading quadratic.
pub(crate) async fn read_until<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    cap: usize,
    deadline: Instant,
    limits: &Limits,
    mut done: impl FnMut(&[u8]) -> bool,
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

/// How a protocol frames its messages on TCP: a 4-byte header announcing
/// the length of what follows (SMB's NetBIOS header, Kerberos' record
/// marker), and the longest message the probe reads.
pub(crate) struct Framing {
    /// The announced length; `None` for a header that is not this protocol's.
    pub(crate) len: fn([u8; 4]) -> Option<usize>,
    pub(crate) max: usize,
}

/// One framed message: read the header, check the announced length against
/// the cap before reading anything more, then read exactly that much.
pub(crate) async fn read_framed<S: AsyncRead + Unpin>(
    s: &mut S,
    framing: &Framing,
    deadline: Instant,
    limits: &Limits,
) -> Result<Vec<u8>, ReadEnd> {
    let mut buf = Vec::with_capacity(512);
    match read_until(s, &mut buf, 4, deadline, limits, |b| b.len() >= 4).await {
        ReadEnd::Done => {}
        other => return Err(other),
    }
    let len = (framing.len)([buf[0], buf[1], buf[2], buf[3]]).ok_or(ReadEnd::Closed)?;
    if len > framing.max {
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

/// Send one request on a fresh connection and read one framed answer.
pub(crate) async fn exchange(
    addr: SocketAddr,
    request: &[u8],
    framing: &Framing,
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
    read_framed(&mut s, framing, deadline, limits).await
}

/// Send `request` on a fresh connection and read until `done`, `cap`
/// bytes, the peer closing or the deadline: for answers without a length
/// header of their own.
pub(crate) async fn ask(
    addr: SocketAddr,
    request: &[u8],
    cap: usize,
    deadline: Instant,
    limits: &Limits,
    done: impl Fn(&[u8]) -> bool,
) -> Option<Vec<u8>> {
    let mut s = connect(addr, deadline).await.ok()?;
    if !write_all(&mut s, request, deadline).await {
        return None;
    }
    let mut buf = Vec::new();
    read_until(&mut s, &mut buf, cap, deadline, limits, done).await;
    Some(buf)
}

pub(crate) async fn write_all<S: AsyncWrite + Unpin>(
    s: &mut S,
    data: &[u8],
    deadline: Instant,
) -> bool {
    matches!(timeout_at(deadline, s.write_all(data)).await, Ok(Ok(())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::IdentLimit;

    /// Reads from an in-memory service until the line ends, the cap or `after`.
    async fn read_line(
        stream: &mut tokio::io::DuplexStream,
        cap: usize,
        after: Duration,
    ) -> (ReadEnd, Vec<u8>, Option<IdentLimit>) {
        let limits = Limits::default();
        let mut buf = Vec::new();
        let deadline = Instant::now() + after;
        let end = read_until(stream, &mut buf, cap, deadline, &limits, |b| {
            b.ends_with(b"\n")
        })
        .await;
        (end, buf, limits.reported())
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_service_costs_exactly_the_deadline() {
        let (mut ours, _theirs) = tokio::io::duplex(64);
        let started = Instant::now();
        let (end, buf, limit) = read_line(&mut ours, 100, Duration::from_secs(2)).await;
        assert_eq!(
            (end, buf.len(), limit),
            (ReadEnd::Deadline, 0, Some(IdentLimit::Time))
        );
        assert_eq!(started.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_dripping_service_is_cut_at_the_deadline() {
        let (mut ours, mut theirs) = tokio::io::duplex(64);
        tokio::spawn(async move {
            while theirs.write_all(b"a").await.is_ok() {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        let (end, buf, limit) = read_line(&mut ours, 100, Duration::from_millis(4500)).await;
        assert_eq!((end, limit), (ReadEnd::Deadline, Some(IdentLimit::Time)));
        assert_eq!(buf, b"aaaaa", "one byte a second for 4.5 s");
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_stops_at_the_byte_cap() {
        let (mut ours, mut theirs) = tokio::io::duplex(4096);
        theirs.write_all(&[b'x'; 1000]).await.unwrap();
        let (end, buf, limit) = read_line(&mut ours, 100, Duration::from_secs(2)).await;
        assert_eq!(
            (end, buf.len(), limit),
            (ReadEnd::Cap, 100, Some(IdentLimit::Bytes))
        );
        // Below the cap, the rest of the line is read to its end.
        theirs.write_all(b"\n").await.unwrap();
        drop(theirs);
        let (end, _, limit) = read_line(&mut ours, 2000, Duration::from_secs(2)).await;
        assert_eq!((end, limit), (ReadEnd::Done, None));
    }

    #[tokio::test(start_paused = true)]
    async fn a_capped_stream_fails_past_its_cap() {
        let (ours, mut theirs) = tokio::io::duplex(64);
        theirs.write_all(b"0123456789").await.unwrap();
        let limits = Arc::new(Limits::default());
        let mut capped = Capped {
            inner: ours,
            left: 4,
            limits: limits.clone(),
        };
        let mut got = [0u8; 10];
        assert_eq!(capped.read(&mut got).await.unwrap(), 4);
        assert!(capped.read(&mut got).await.is_err());
        assert_eq!(limits.reported(), Some(IdentLimit::Bytes));
    }
}
