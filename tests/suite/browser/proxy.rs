//! A visitor behind a proxy, end to end in each browser engine: a small
//! forwarding proxy on loopback passes each request to the real `portcheck
//! serve` with `Via: 1.1 testproxy` added, as an office or provider proxy
//! would. The probe still checks the proxy's address (its peer) and says
//! `via_proxy`; the page warns before consent, in both languages, and keeps
//! the warning beside the result. Opened directly, the page shows no warning.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::browser::{assert_axe_clean, click, inner_text, js, wait_js};

use super::page::{open_start, page_test};

/// The longest request head the proxy reads before giving up.
const MAX_HEAD: usize = 64 * 1024;

/// Where `needle` starts in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The request head with `Via` added and the connection closed after this
/// one request, so that every request of the browser passes the proxy anew.
fn via_head(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let request_line = lines.next()?;
    let mut out = format!("{request_line}\r\nVia: 1.1 testproxy\r\nConnection: close\r\n");
    for line in lines.filter(|l| !l.is_empty()) {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    Some(out.into_bytes())
}

/// One connection: read the request head, pass it on with `Via`, then relay
/// both ways until either side closes.
async fn relay(mut inbound: TcpStream, upstream: SocketAddr) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let end = loop {
        let mut chunk = [0u8; 4096];
        let n = inbound.read(&mut chunk).await?;
        if n == 0 || buf.len() > MAX_HEAD {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
    };
    let Some(head) = via_head(&buf[..end]) else {
        return Ok(());
    };
    let mut outbound = TcpStream::connect(upstream).await?;
    outbound.write_all(&head).await?;
    outbound.write_all(&buf[end..]).await?;
    tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await?;
    Ok(())
}

/// Starts the proxy on a loopback port of the kernel's choosing; returns
/// its base URL. It lives as long as the test's runtime.
async fn start_proxy(upstream: SocketAddr) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("proxy listener");
    let addr = listener.local_addr().expect("proxy address");
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            tokio::spawn(relay(inbound, upstream));
        }
    });
    format!("http://{addr}")
}

const WARNING: &str = "[data-warning=via-proxy]";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn a_visitor_behind_a_proxy_is_warned_before_consent() {
    const TEST: &str = "a_visitor_behind_a_proxy_is_warned_before_consent";
    // Loopback stands in for the visitor's network here, so it is allowed
    // by an allow list: with --allow-loopback and no trusted proxy, the
    // probe would take the proxy for its own undeclared reverse proxy and
    // refuse.
    let args = ["--rate-burst", "1000", "--allow-target", "127.0.0.0/8"];
    page_test(TEST, &args, |c, probe| async move {
        // Directly: no proxy, no warning, before consent or with the result.
        open_start(&c, &probe.url("/?lang=de")).await;
        wait_js(&c, "whoami", "document.querySelector('#whoami')").await;
        assert_eq!(js(&c, &format!("return document.querySelectorAll('{WARNING}').length")).await, 0);
        click(&c, "#consent").await;
        wait_js(&c, "the verdict", "document.querySelector('[data-verdict]')").await;
        assert_eq!(js(&c, "return document.querySelectorAll('[data-warning]').length").await, 0);

        let upstream: SocketAddr = format!("127.0.0.1:{}", probe.port()).parse().expect("address");
        let proxy = start_proxy(upstream).await;
        for (lang, words) in [("de", "gehört deshalb wahrscheinlich zu diesem Proxy"), ("en", "probably belongs to this proxy")] {
            open_start(&c, &format!("{proxy}/?lang={lang}")).await;
            wait_js(&c, "whoami", "document.querySelector('#whoami')").await;
            wait_js(&c, "the proxy warning", &format!("document.querySelector('.start {WARNING}')")).await;
            let text = inner_text(&c, WARNING).await;
            assert!(text.contains(words), "{lang}: {text}");
            // Before consent: the warning comes before the consent button.
            let before = js(&c, &format!(
                "return !!(document.querySelector('{WARNING}').compareDocumentPosition(document.querySelector('#consent')) & Node.DOCUMENT_POSITION_FOLLOWING)"
            )).await;
            assert_eq!(before, true, "{lang}: warning after the consent button");
            assert_axe_clean(&c, &format!("start behind a proxy ({lang})")).await;

            click(&c, "#consent").await;
            wait_js(&c, "the verdict", "document.querySelector('[data-verdict]')").await;
            wait_js(&c, "the warning with the result", &format!("document.querySelector('.result {WARNING}')")).await;
            let summary = js(&c, "return document.querySelector('#summary-text').value").await;
            assert!(summary.as_str().unwrap_or_default().contains(words), "{lang} summary: {summary}");
            assert_axe_clean(&c, &format!("result behind a proxy ({lang})")).await;
        }
    })
    .await;
}
