//! Reflow (WCAG 2.1 SC 1.4.10) in each browser engine: laid out 320 CSS px
//! wide, no state of the page scrolls sideways; only a port table may, in
//! its own labelled scroll region. States: start, running and the critical
//! result with its findings and a router guide in both languages, and the
//! refusals (403, 429), the lost connection, a busy probe (503) and a stream
//! that breaks off mid-check. The two-family view is checked in
//! `dual_stack`. axe-core stays clean at this width.

use crate::support::browser::{Options, assert_axe_clean, click, wait_js, with_browser};
use crate::support::{client_from, filtered_port, get, within};

use super::page::{every_state_is_clean, failure, open_start, page_test, prepare, probe};
use super::{assert_reflows, narrow};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn start_running_and_result_reflow_at_320_px() {
    const TEST: &str = "start_running_and_result_reflow_at_320_px";
    page_test(TEST, &["--rate-burst", "1000"], |c, probe| async move {
        narrow(&c).await;
        every_state_is_clean(&c, &probe, true).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn failures_reflow_at_320_px() {
    let Some(_one) = prepare("failures_reflow_at_320_px").await else {
        return;
    };
    let strict = probe(&["--allow-target", "192.0.2.0/24"]);
    let stingy = probe(&["--rate-burst", "1", "--rate-refill-secs", "300"]);
    let gone = probe(&[]);
    with_browser(Options::default(), |c| async move {
        narrow(&c).await;
        open_start(&c, &strict.url("/?lang=de")).await;
        click(&c, "#consent").await;
        assert_eq!(failure(&c).await, "target_not_allowed");
        assert_reflows(&c, "403 failure (de)").await;

        open_start(&c, &stingy.url("/?lang=en")).await;
        click(&c, "#consent").await;
        wait_js(
            &c,
            "the first verdict",
            "document.querySelector('[data-verdict]')",
        )
        .await;
        click(&c, "#check-again").await;
        assert_eq!(failure(&c).await, "rate_limited");
        assert_reflows(&c, "429 failure (en)").await;
        assert_axe_clean(&c, "429 failure at 320 px (en)").await;

        open_start(&c, &gone.url("/?lang=de")).await;
        drop(gone);
        click(&c, "#consent").await;
        assert_eq!(failure(&c).await, "network");
        assert_reflows(&c, "network failure (de)").await;
    })
    .await;
}

/// A probe whose checks take long: one silent port (447, a full accept
/// queue) and a timeout floor of 30 s keep a scan running for at least one
/// whole timeout, however long the browser takes to load the page; its
/// metrics tell when the scan has started.
const SLOW: [&str; 8] = [
    "--timeout-floor-ms",
    "30000",
    "--timeout-ceiling-ms",
    "30000",
    "--max-scans",
    "1",
    "--metrics",
    "on",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn busy_and_broken_off_reflow_at_320_px() {
    let Some(_one) = prepare("busy_and_broken_off_reflow_at_320_px").await else {
        return;
    };
    let _silent = filtered_port("127.0.0.1", 447).await;
    let busy = probe(&SLOW);
    let breaking = probe(&SLOW);
    with_browser(Options::default(), |c| async move {
        narrow(&c).await;

        // Another visitor's check holds the probe's one scan slot.
        let scan_url = busy.url("/api/v1/scan");
        let other =
            tokio::spawn(async move { client_from("127.0.0.1").get(scan_url).send().await });
        let metrics = busy.url("/metrics");
        wait_until_running(&metrics).await;
        // A third holds the one place in the queue: the stream says so.
        let mut queued = get(&client_from("127.0.0.1"), busy.url("/api/v1/scan/stream")).await;
        let first = within("the queued event", queued.chunk()).await;
        let first = String::from_utf8_lossy(&first.expect("body").expect("an event")).into_owned();
        assert!(first.starts_with("event: queued"), "{first}");
        open_start(&c, &busy.url("/?lang=de")).await;
        click(&c, "#consent").await;
        assert_eq!(failure(&c).await, "busy");
        assert_reflows(&c, "busy failure (de)").await;
        assert_axe_clean(&c, "busy failure at 320 px (de)").await;
        other.abort();
        drop(queued);

        // The probe disappears while the check's stream is open.
        open_start(&c, &breaking.url("/?lang=en")).await;
        click(&c, "#consent").await;
        wait_js(
            &c,
            "a port answered",
            "document.querySelector('[data-port=\"445\"][data-state=\"open\"]')",
        )
        .await;
        let _ = breaking.process.signal_and_wait(libc::SIGKILL);
        assert_eq!(failure(&c).await, "interrupted");
        assert_reflows(&c, "interrupted check (en)").await;
        assert_axe_clean(&c, "interrupted check at 320 px (en)").await;
    })
    .await;
}

/// Wait until the probe's metrics count one running scan.
async fn wait_until_running(metrics: &str) {
    let client = client_from("127.0.0.1");
    for _ in 0..200 {
        if let Ok(r) = client.get(metrics).send().await {
            if let Ok(text) = r.text().await {
                if text.lines().any(|l| l == "portcheck_scans_running 1") {
                    return;
                }
            }
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the other visitor's scan never started");
}
