//! Benchmark (ignored; needs root, a browser and the built page): the
//! page's first visit and a warm one, in the browser `PORTCHECK_BROWSER`
//! names (Chromium when unset) inside the lab's 80 ms WAN visitor
//! (`wan80`), so every request pays a real round trip and TCP's slow start.
//! Each round starts a fresh probe (the debug binary, serving the built
//! page with the variants Trunk's post-build hook wrote), opens a fresh
//! browser (an empty cache), visits once (the first visit), visits again
//! in the same browser (a warm cache: the hashed assets come from it), and
//! stops the probe. Each visit gives the consent to the check. Times are
//! `performance.now()` in the page when the consent button is there, when
//! the verdict is shown (after the click) and when the router guides can
//! be picked (they are fetched once a result shows them), read by
//! WebDriver polls every 50 ms, so each is up to about 50 ms late.
//!
//! With `PORTCHECK_BENCH_REFERENCE_WWW=DIR` every round measures that
//! build of the page (for instance the one before a change) too, in turns
//! with `dist/`, and the summary gives each median as a ratio of the
//! reference's in the same run. Prints the medians; asserts nothing about
//! time.
//!
//! ```sh
//! PORTCHECK_BROWSER=firefox PORTCHECK_BENCH_REFERENCE_WWW=/tmp/dist-before \
//!   cargo test --test suite -- --ignored --nocapture lab::first_visit   # root
//! ```

use std::process::{Command, Stdio};

use crate::support::browser::{self, Options, Scripts, click, js, wait_js, with_browser};
use crate::support::gate;
use crate::support::lab::{Lab, in_namespace, in_ns};

const PORT: &str = "9090";

#[test]
#[ignore = "benchmark: cargo test --test suite -- --ignored --nocapture lab::first_visit"]
fn bench_first_visit_after_start_vs_warm() {
    let Some(Bench {
        lab,
        visitor_ns,
        rounds,
        base,
        dist,
    }) = Bench::set_up("bench_first_visit_after_start_vs_warm")
    else {
        return;
    };
    let reference = std::env::var("PORTCHECK_BENCH_REFERENCE_WWW").ok();
    let builds: Vec<(&str, String)> = std::iter::once(("dist", dist))
        .chain(reference.map(|r| ("reference", r)))
        .collect();
    // Per build: each round's (first visit, warm visit).
    let mut times: Vec<Vec<(Visit, Visit)>> = vec![Vec::new(); builds.len()];
    for round in 0..rounds {
        for (b, (name, www)) in builds.iter().enumerate() {
            let probe = Probe::start(&lab, www, &base);
            let (first, warm) = visit_twice(&visitor_ns, &format!("{base}/?lang=de"));
            drop(probe);
            println!("round {round}, {name}: first visit {first}; warm visit {warm}");
            times[b].push((first, warm));
        }
    }
    let engine = browser::Engine::current().name();
    let names: Vec<&str> = builds.iter().map(|(name, _)| *name).collect();
    print_summary(
        &format!("FIRST VISIT SUMMARY ({engine}, wan80, {rounds} rounds, medians"),
        &names,
        &times,
    );
}

/// Benchmark (ignored; needs root and a browser): a check without
/// JavaScript (the consent form in `/`, then the result page the probe
/// writes) against the app's check, in the same browser, build and lab
/// (`wan80`, 80 ms), in turns every round. Both are timed from outside the
/// page, as a page without scripts cannot time itself: WebDriver's clock
/// from the navigation to the consent button found, to the verdict found
/// after the click, and to the router guides (in the result page without
/// JavaScript; fetched by the app). A first visit with an empty cache, then
/// a warm one in the same browser. Prints medians and the form's as ratios
/// of the app's; asserts nothing about time.
///
/// ```sh
/// PORTCHECK_BROWSER=firefox cargo test --test suite -- --ignored --nocapture \
///   lab::first_visit::bench_form   # root
/// ```
#[test]
#[ignore = "benchmark: cargo test --test suite -- --ignored --nocapture lab::first_visit::bench_form"]
fn bench_form_without_javascript_against_the_app() {
    let Some(Bench {
        lab,
        visitor_ns,
        rounds,
        base,
        dist,
    }) = Bench::set_up("bench_form_without_javascript_against_the_app")
    else {
        return;
    };
    let ways = [
        Way {
            name: "form without JavaScript",
            scripts: Scripts::None,
            consent: "#static-consent",
            guides: "details.router-guide",
        },
        Way {
            name: "app",
            scripts: Scripts::All,
            consent: "#consent",
            guides: "input[name=router]",
        },
    ];
    let mut times: Vec<Vec<(Visit, Visit)>> = vec![Vec::new(); ways.len()];
    for round in 0..rounds {
        for (w, way) in ways.iter().enumerate() {
            let probe = Probe::start(&lab, &dist, &base);
            let (first, warm) =
                visit_twice_from_outside(&visitor_ns, &format!("{base}/?lang=de"), way);
            drop(probe);
            println!(
                "round {round}, {}: first visit {first}; warm visit {warm}",
                way.name
            );
            times[w].push((first, warm));
        }
    }
    let engine = browser::Engine::current().name();
    let names: Vec<&str> = ways.iter().map(|w| w.name).collect();
    print_summary(
        &format!("FORM SUMMARY ({engine}, wan80, {rounds} rounds, medians, timed over WebDriver"),
        &names,
        &times,
    );
}

/// One way to check: how the browser runs and what marks its steps.
struct Way {
    name: &'static str,
    scripts: Scripts,
    /// The consent button.
    consent: &'static str,
    /// The router guides, ready to pick.
    guides: &'static str,
}

/// Two visits of `url` in one fresh browser inside namespace `ns` that runs
/// scripts as `way` says, timed over WebDriver.
fn visit_twice_from_outside(ns: &str, url: &str, way: &Way) -> (Visit, Visit) {
    let url = url.to_owned();
    let options = Options {
        scripts: way.scripts,
        documentation_addresses: true,
        ..Options::default()
    };
    let marks = (way.consent, way.guides);
    in_namespace(ns, async move || {
        with_browser(options, async |c| {
            let mut visits = Vec::new();
            for _ in 0..2 {
                visits.push(visit_from_outside(&c, &url, marks).await);
            }
            (visits[0], visits[1])
        })
        .await
    })
}

/// One visit timed by WebDriver's side: `marks` are the consent button's
/// and the guides' selectors. A navigation that shows Chromium's
/// `ERR_NETWORK_CHANGED` page (see [`open`]) is made again and timed anew.
async fn visit_from_outside(c: &fantoccini::Client, url: &str, marks: (&str, &str)) -> Visit {
    use fantoccini::Locator;
    use std::time::{Duration, Instant};
    let (consent_css, guides_css) = marks;
    let found = async |css: &str| {
        let waited = c
            .wait()
            .at_most(Duration::from_secs(60))
            .every(Duration::from_millis(20))
            .for_element(Locator::Css(css))
            .await;
        if let Err(e) = waited {
            let page = c.source().await.unwrap_or_default();
            panic!("no {css}: {e}; the page: {page}");
        }
    };
    for attempt in 0..3 {
        let started = Instant::now();
        let ms = || started.elapsed().as_secs_f64() * 1000.0;
        c.goto(url).await.expect("open the page");
        let button = loop {
            if let Ok(button) = c.find(Locator::Css(consent_css)).await {
                break Some(button);
            }
            if c.source()
                .await
                .is_ok_and(|s| s.contains("ERR_NETWORK_CHANGED"))
            {
                println!("attempt {attempt}: the browser saw a network change; opening again");
                break None;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no consent button after 60 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let Some(button) = button else { continue };
        let consent = ms();
        button.click().await.expect("click the consent button");
        found("[data-verdict]").await;
        let verdict = ms();
        found(guides_css).await;
        return Visit {
            consent,
            verdict,
            guides: ms(),
        };
    }
    panic!("the browser kept seeing network changes");
}

/// Prints each line's medians of first and warm visits; the first line's
/// also as ratios of the second's, when there is one.
fn print_summary(title: &str, names: &[&str], times: &[Vec<(Visit, Visit)>]) {
    let median = |xs: &[(Visit, Visit)], pick: &Pick| {
        let mut v: Vec<f64> = xs.iter().map(pick).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let picks: [(&str, &Pick); 6] = [
        ("consent first", &|t| t.0.consent),
        ("consent warm", &|t| t.1.consent),
        ("verdict first", &|t| t.0.verdict),
        ("verdict warm", &|t| t.1.verdict),
        ("guides first", &|t| t.0.guides),
        ("guides warm", &|t| t.1.guides),
    ];
    for (b, name) in names.iter().enumerate() {
        let line: Vec<String> = picks
            .iter()
            .map(|(what, pick)| {
                let m = median(&times[b], pick);
                match times.get(1).filter(|_| b == 0) {
                    Some(reference) => {
                        format!("{what} {m:.0} ms ({:.2})", m / median(reference, pick))
                    }
                    None => format!("{what} {m:.0} ms"),
                }
            })
            .collect();
        let ratio = match names.get(1) {
            Some(reference) if b == 0 => format!("; ratio to {reference}"),
            _ => String::new(),
        };
        println!("{title}, {name}{ratio}): {}", line.join(", "));
    }
}

/// What each benchmark sets up: the lab with its `wan80` visitor, the
/// rounds (`PORTCHECK_BENCH_ROUNDS`, 5 by default), the probe's URL and the
/// built page.
struct Bench {
    lab: Lab,
    visitor_ns: String,
    rounds: usize,
    base: String,
    dist: String,
}

impl Bench {
    /// `None` (said loudly, or a failure under `CI`) when the browser or
    /// the lab cannot run here.
    fn set_up(test: &str) -> Option<Bench> {
        if !gate::gate(test, browser::ready()) {
            return None;
        }
        let lab = Lab::for_test(test, &["wan80"], &[])?;
        let visitor_ns = lab.visitor("wan80").ns.clone();
        let rounds = std::env::var("PORTCHECK_BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5);
        let base = format!("http://{}:{PORT}", lab.get("PROBE_IPV4"));
        let dist = browser::dist().display().to_string();
        Some(Bench {
            lab,
            visitor_ns,
            rounds,
            base,
            dist,
        })
    }
}

/// A fresh probe in the lab's probe namespace serving `www` on [`PORT`],
/// healthy; stopped on drop.
struct Probe(std::process::Child);

impl Probe {
    fn start(lab: &Lab, www: &str, base: &str) -> Probe {
        let child = Command::new("ip")
            .args([
                "netns",
                "exec",
                lab.probe_ns(),
                env!("CARGO_BIN_EXE_portcheck"),
            ])
            .args(["serve", "--listen", &format!("[::]:{PORT}"), "--www", www])
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
        let probe = Probe(child);
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
        probe
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads one time from a round's (first visit, warm visit).
type Pick = dyn Fn(&(Visit, Visit)) -> f64;

/// Milliseconds from navigation to a usable consent button, to the shown
/// verdict (after the click) and to the router guides.
#[derive(Debug, Clone, Copy)]
struct Visit {
    consent: f64,
    verdict: f64,
    guides: f64,
}

impl std::fmt::Display for Visit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "consent {:.0} ms, verdict {:.0} ms, guides {:.0} ms",
            self.consent, self.verdict, self.guides
        )
    }
}

/// Two visits of `url` in one fresh browser inside namespace `ns`: the
/// first with an empty cache, the second with what the first left in it.
fn visit_twice(ns: &str, url: &str) -> (Visit, Visit) {
    let url = url.to_owned();
    let args = if browser::Engine::current() == browser::Engine::Chromium {
        // As in page.rs: the lab's documentation addresses are not public to
        // Chromium's local-network checks.
        vec![
            "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults".into(),
        ]
    } else {
        Vec::new()
    };
    let options = Options {
        resolver_rules: None,
        args,
        ..Options::default()
    };
    in_namespace(ns, async move || {
        with_browser(options, async |c| {
            let mut visits = Vec::new();
            for _ in 0..2 {
                open(&c, &url).await;
                visits.push(visit(&c).await);
            }
            (visits[0], visits[1])
        })
        .await
    })
}

/// Navigates to `url` and waits for the consent button. Chromium in a lab
/// namespace sometimes reports a network change while the lab's links
/// settle and shows its error page (`ERR_NETWORK_CHANGED`) instead; then
/// the navigation is made again, which fetched nothing the first time, so
/// the visit's times count from the navigation that loaded the page.
async fn open(c: &fantoccini::Client, url: &str) {
    for attempt in 0..3 {
        c.goto(url).await.expect("open the page");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let state = js(
                c,
                "return document.querySelector('#consent') ? 'ready' \
                 : (document.body && document.body.innerText.includes('ERR_NETWORK_CHANGED') ? 'changed' : 'waiting')",
            )
            .await;
            match state.as_str() {
                Some("ready") => return,
                Some("changed") => {
                    println!("attempt {attempt}: the browser saw a network change; opening again");
                    break;
                }
                _ if std::time::Instant::now() > deadline => {
                    panic!("no consent button after 60 s")
                }
                _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
    }
    panic!("the browser kept seeing network changes");
}

/// The times of one visit the browser has just started.
async fn visit(c: &fantoccini::Client) -> Visit {
    let now = async || {
        js(c, "return performance.now()")
            .await
            .as_f64()
            .unwrap_or(f64::NAN)
    };
    wait_js(
        c,
        "the consent button",
        "document.querySelector('#consent')",
    )
    .await;
    let consent = now().await;
    click(c, "#consent").await;
    wait_js(c, "a verdict", "document.querySelector('[data-verdict]')").await;
    let verdict = now().await;
    wait_js(
        c,
        "the router guides",
        "document.querySelector('input[name=router]')",
    )
    .await;
    let guides = now().await;
    Visit {
        consent,
        verdict,
        guides,
    }
}
