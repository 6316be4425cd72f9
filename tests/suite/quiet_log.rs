//! Refusals do not flood the log: at the default level, answering 503
//! (busy) or a `CONNECT` writes no ERROR line; refusals are counted in the
//! metrics and told in one INFO line a minute at most. The probe runs in
//! this test's single thread. The log is captured for the whole test binary,
//! since tracing decides once per call site, for every thread, whether
//! anyone listens; only this thread's lines are read.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::support::*;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Everything logged, as text.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    /// The lines this thread logged (the subscriber writes its id
    /// zero-padded: `ThreadId(02)`).
    fn ours(&self) -> String {
        let id = |s: &str| -> Option<u64> {
            let digits = s.split("ThreadId(").nth(1)?.split(')').next()?;
            digits.parse().ok()
        };
        let thread = id(&format!("{:?}", std::thread::current().id()));
        let all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&all)
            .lines()
            .filter(|l| thread.is_some() && id(l) == thread)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[tokio::test(flavor = "current_thread")]
async fn busy_answers_and_connect_write_no_error_lines() {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_thread_ids(true)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let mut s = settings();
    s.max_scans = 1;
    let server = TestServer::start(s).await;
    let held = server.occupy_every_slot();
    let client = client_from("127.0.0.74");
    for path in ["/api/v1/scan", "/api/v1/scan/stream", "/api/v1/scan"] {
        let resp = get(&client, server.url(path)).await;
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    for target in ["/", "/index.html", "example.com:443"] {
        let mut c = TcpStream::connect(server.addr).await.expect("connect");
        let head = format!("CONNECT {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        c.write_all(head.as_bytes()).await.expect("write");
        let mut answer = Vec::new();
        within("CONNECT answer", c.read_to_end(&mut answer))
            .await
            .expect("read");
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.starts_with("HTTP/1.1 405"),
            "CONNECT {target}: {answer}"
        );
    }
    drop(held);
    // A scan that runs logs at INFO: the capture works.
    let resp = get(&client, server.url("/api/v1/scan")).await;
    assert_eq!(resp.status(), StatusCode::OK);

    let metrics = server.state.metrics.render();
    assert!(
        metrics.contains(r#"portcheck_refused_total{code="busy"} 3"#),
        "{metrics}"
    );
    let text = log.ours();
    assert!(text.contains("scan finished"), "{text}");
    // The three refusals: the first told at once, the others counted for
    // the next line a minute later.
    let refusal_lines: Vec<&str> = text.lines().filter(|l| l.contains("refused")).collect();
    assert_eq!(refusal_lines.len(), 1, "{text}");
    assert!(
        refusal_lines[0].contains("refused 1 request(s): busy 1"),
        "{text}"
    );
    assert!(
        !text.contains("ERROR"),
        "ERROR lines at the default level:\n{text}"
    );
}
