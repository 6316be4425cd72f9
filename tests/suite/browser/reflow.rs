//! Reflow (WCAG 2.1 SC 1.4.10) in Debian's Chromium: laid out 320 CSS px
//! wide, no state of the page scrolls sideways; only a port table may, in
//! its own labelled scroll region. States: start, running and the critical
//! result with its findings and a router guide in both languages, and the
//! refusals (403, 429) and the lost connection. The two-family view is
//! checked in `dual_stack`. axe-core stays clean at this width.

use crate::support::browser::{Options, assert_axe_clean, click, wait_js, with_browser};

use super::page::{every_state_is_clean, failure, open_start, page_test, prepare, probe};
use super::{assert_reflows, narrow};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and chromium: run scripts/test-page"]
async fn start_running_and_result_reflow_at_320_px() {
    const TEST: &str = "start_running_and_result_reflow_at_320_px";
    page_test(TEST, &["--rate-burst", "1000"], |c, probe| async move {
        narrow(&c).await;
        every_state_is_clean(&c, &probe, true).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and chromium: run scripts/test-page"]
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
