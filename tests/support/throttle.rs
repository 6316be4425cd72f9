//! A loopback relay in front of the probe whose answers can be slowed down
//! while a test looks at a passing state (the running check): the same slow
//! stream in every browser engine, where only Chromium's driver could
//! emulate a slow network. The relay adds nothing to the requests, so the
//! probe still sees a visitor from 127.0.0.1 without a proxy header.
//!
//! Slowing down is rate limiting (a budget of bytes per tenth of a second),
//! not synchronisation: the tests still wait for DOM conditions.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How often a slowed answer gets its next bytes.
const TICK: Duration = Duration::from_millis(100);

/// The relay: its base URL and the current limit (bytes per second from
/// the probe to the browser; 0 means no limit).
pub struct Throttle {
    base: String,
    rate: Arc<AtomicU64>,
}

impl Throttle {
    /// Starts the relay on a loopback port of the kernel's choosing, in
    /// front of `upstream`. It lives as long as the test's runtime.
    pub async fn start(upstream: SocketAddr) -> Throttle {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("throttle listener");
        let addr = listener.local_addr().expect("throttle address");
        let rate = Arc::new(AtomicU64::new(0));
        let shared = rate.clone();
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                tokio::spawn(relay(inbound, upstream, shared.clone()));
            }
        });
        Throttle {
            base: format!("http://{addr}"),
            rate,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Limits answers to `bytes_per_s` from now on, on open connections too
    /// (`None`: no limit).
    pub fn limit(&self, bytes_per_s: Option<u64>) {
        self.rate.store(bytes_per_s.unwrap_or(0), Ordering::Relaxed);
    }
}

/// One connection: requests pass unchanged, answers within the limit.
async fn relay(inbound: TcpStream, upstream: SocketAddr, rate: Arc<AtomicU64>) {
    let Ok(outbound) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut from_browser, mut to_browser) = inbound.into_split();
    let (mut from_probe, mut to_probe) = outbound.into_split();
    let requests = async {
        let _ = tokio::io::copy(&mut from_browser, &mut to_probe).await;
        let _ = to_probe.shutdown().await;
    };
    let answers = async {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let limit = rate.load(Ordering::Relaxed);
            // A tenth of the rate per tick, at least one byte.
            let take = if limit == 0 {
                buf.len()
            } else {
                usize::try_from(limit / 10).unwrap_or(1).clamp(1, buf.len())
            };
            let n = match from_probe.read(&mut buf[..take]).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if to_browser.write_all(&buf[..n]).await.is_err() {
                break;
            }
            if limit != 0 {
                tokio::time::sleep(TICK).await;
            }
        }
        let _ = to_browser.shutdown().await;
    };
    tokio::join!(requests, answers);
}
