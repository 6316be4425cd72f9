//! Reflow (WCAG 2.1 SC 1.4.10) in Debian's Chromium: laid out 320 CSS px
//! wide, no state of the page scrolls sideways; only a port table may, in
//! its own labelled scroll region. States: start, running and the critical
//! result with its findings and a router guide in both languages, and the
//! refusals (403, 429) and the lost connection. The two-family view is
//! checked in `dual_stack`. axe-core stays clean at this width.

use crate::support::browser::{Options, assert_axe_clean, click, js, wait_js, with_browser};
use serde_json::Value;

use super::page::{failure, open_start, page_test, prepare, probe};
use super::{assert_reflows, narrow, network_conditions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and chromium: run scripts/test-page"]
async fn start_running_and_result_reflow_at_320_px() {
    const TEST: &str = "start_running_and_result_reflow_at_320_px";
    page_test(TEST, &["--rate-burst", "1000"], |c, probe| async move {
        narrow(&c).await;
        for lang in ["de", "en"] {
            open_start(&c, &probe.url(&format!("/?lang={lang}"))).await;
            wait_js(&c, "whoami", "document.querySelector('#whoami')").await;
            assert_reflows(&c, &format!("start ({lang})")).await;

            c.issue_cmd(network_conditions(Some(400)))
                .await
                .expect("network conditions");
            click(&c, "#consent").await;
            wait_js(&c, "running state", "document.querySelector('progress')").await;
            assert_reflows(&c, &format!("running ({lang})")).await;
            let running = js(&c, "return !!document.querySelector('progress')").await;
            c.issue_cmd(network_conditions(None))
                .await
                .expect("network conditions off");
            assert_eq!(
                running,
                Value::Bool(true),
                "the running state ended too early"
            );

            wait_js(
                &c,
                "the verdict",
                "document.querySelector('[data-verdict=critical]')",
            )
            .await;
            wait_js(
                &c,
                "findings",
                "document.querySelector('[data-finding=smb-exposed]')",
            )
            .await;
            click(&c, "label[for=router-digibox-premium]").await;
            wait_js(
                &c,
                "router guide",
                "document.querySelector('#router-guide')",
            )
            .await;
            let regions = js(
                &c,
                "return document.querySelectorAll('.table-scroll').length",
            )
            .await;
            assert!(regions.as_u64() >= Some(2), "a table per range: {regions}");
            assert_reflows(&c, &format!("result ({lang})")).await;
            assert_axe_clean(&c, &format!("result at 320 px ({lang})")).await;
        }
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
