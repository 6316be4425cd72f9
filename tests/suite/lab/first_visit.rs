//! Benchmark (ignored; needs root, Chromium and the built page): the page's
//! first visit right after a probe starts against a warm visit, in Chromium
//! inside the lab's 80 ms WAN visitor (`wan80`), so every request pays a real
//! round trip and TCP's slow start. Each round starts a fresh probe (the
//! debug binary, serving `dist/` as built, with the variants Trunk's
//! post-build hook wrote), visits once, visits again with a fresh browser
//! (a cold browser cache, a warm probe), and stops the probe. Times are
//! `performance.now()` in the page when the consent button is there and when
//! the verdict is shown (read by WebDriver polls every 50 ms, so each is up
//! to about 50 ms late). Prints the medians; asserts nothing about time.
//!
//! ```sh
//! cargo test --test suite -- --ignored --nocapture lab::first_visit   # root
//! ```

use std::process::{Command, Stdio};

use crate::support::browser::{self, Options, click, js, wait_js, with_browser};
use crate::support::gate;
use crate::support::lab::{Lab, in_namespace, in_ns};

const PORT: &str = "9090";

#[test]
#[ignore = "benchmark: cargo test --test suite -- --ignored --nocapture lab::first_visit"]
fn bench_first_visit_after_start_vs_warm() {
    const TEST: &str = "bench_first_visit_after_start_vs_warm";
    if !gate::gate(TEST, browser::ready()) {
        return;
    }
    let Some(lab) = Lab::for_test(TEST, &["wan80"], &[]) else {
        return;
    };
    let visitor = lab.visitor("wan80");
    let rounds: usize = std::env::var("PORTCHECK_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let base = format!("http://{}:{PORT}", lab.get("PROBE_IPV4"));
    let (mut first, mut warm) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut probe = Command::new("ip")
            .args([
                "netns",
                "exec",
                lab.probe_ns(),
                env!("CARGO_BIN_EXE_portcheck"),
            ])
            .args(["serve", "--listen", &format!("[::]:{PORT}")])
            .args([
                "--allow-target",
                "198.51.100.0/24",
                "--allow-target",
                "2001:db8::/32",
            ])
            .args(["--rate-burst", "100000", "--rate-refill-secs", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a probe");
        let healthy = (0..400).any(|_| {
            let out = in_ns(
                lab.probe_ns(),
                "curl",
                &[
                    "-sf",
                    "-o",
                    "/dev/null",
                    "--max-time",
                    "1",
                    &format!("{base}/healthz"),
                ],
            );
            out.status.success() || {
                std::thread::sleep(std::time::Duration::from_millis(25));
                false
            }
        });
        assert!(healthy, "the fresh probe did not become healthy");
        let url = format!("{base}/?lang=de");
        let f = visit(&visitor.ns, &url);
        let w = visit(&visitor.ns, &url);
        let _ = probe.kill();
        let _ = probe.wait();
        println!(
            "round {round}: first visit consent {:.0} ms, verdict {:.0} ms; warm visit consent {:.0} ms, verdict {:.0} ms",
            f.0, f.1, w.0, w.1
        );
        first.push(f);
        warm.push(w);
    }
    let median = |xs: &[(f64, f64)], pick: fn(&(f64, f64)) -> f64| {
        let mut v: Vec<f64> = xs.iter().map(pick).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "FIRST VISIT SUMMARY (wan80, {rounds} rounds, medians): consent first {:.0} ms / warm {:.0} ms; \
         verdict first {:.0} ms / warm {:.0} ms",
        median(&first, |t| t.0),
        median(&warm, |t| t.0),
        median(&first, |t| t.1),
        median(&warm, |t| t.1),
    );
}

/// One visit with a fresh browser inside namespace `ns`: milliseconds from
/// navigation to the consent button and to the shown verdict.
fn visit(ns: &str, url: &str) -> (f64, f64) {
    let url = url.to_owned();
    let options = Options {
        resolver_rules: None,
        // As in page.rs: the lab's documentation addresses are not public to
        // Chromium's local-network checks.
        args: vec![
            "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults".into(),
        ],
        ..Options::default()
    };
    in_namespace(ns, async move || {
        with_browser(options, async |c| {
            c.goto(&url).await.expect("open the page");
            wait_js(
                &c,
                "the consent button",
                "document.querySelector('#consent')",
            )
            .await;
            let consent = js(&c, "return performance.now()")
                .await
                .as_f64()
                .unwrap_or(f64::NAN);
            click(&c, "#consent").await;
            wait_js(&c, "a verdict", "document.querySelector('[data-verdict]')").await;
            let verdict = js(&c, "return performance.now()")
                .await
                .as_f64()
                .unwrap_or(f64::NAN);
            (consent, verdict)
        })
        .await
    })
}
