//! Every way `portcheck check` gets no result ends UNKNOWN (exit 3) in every
//! format, with a sentence that says why: 403, 429 (with the wait), 503,
//! an unreachable probe, a bad URL, port 445 expected.

use std::time::Duration;

use super::*;

/// Settings whose allow list holds the client's own address only.
fn loopback_only() -> portcheck::probe::config::Settings {
    let mut s = default_settings();
    s.allow_targets = vec!["127.0.0.1/32".parse().expect("net")];
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_address_is_unknown_with_the_reason() {
    let mut s = default_settings();
    s.allow_targets = vec!["198.51.100.0/24".parse().expect("net")];
    let server = TestServer::start(s).await;
    let url = server.url("");
    let ran = check(&url, &[]).await;
    let first = ran.first_line();
    assert!(
        first.starts_with("The checking service may not check this address."),
        "{}",
        ran.stdout
    );
    // The probe's reason follows.
    assert!(first.contains("loopback"), "{first}");
    assert_every_format(&url, &[], "UNKNOWN", first).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_is_unknown_with_the_wait() {
    let mut s = loopback_only();
    s.rate.burst = 1;
    s.rate.refill = Duration::from_secs(600);
    let server = TestServer::start(s).await;
    // The one allowed scan of 127.0.0.1 (whatever its ports show).
    let resp = get(&client_from("127.0.0.1"), server.url("/api/v1/scan")).await;
    assert_eq!(resp.status(), reqwest::StatusCode::OK);

    let url = server.url("");
    let ran = check(&url, &["--format", "nagios"]).await;
    assert_eq!(ran.code, 3, "{}", ran.stdout);
    let first = ran.first_line();
    assert!(
        first.starts_with("PORTCHECK UNKNOWN - Too many checks came from your address"),
        "{first}"
    );
    assert!(
        first.contains("You can check again in 10 minutes."),
        "{first}"
    );
    let ran = check(&url, &["--format", "text", "--lang", "de"]).await;
    assert!(
        ran.first_line()
            .contains("Sie können in 10 Minuten wieder prüfen."),
        "{}",
        ran.stdout
    );
    let text = check(&url, &[]).await;
    assert_every_format(&url, &[], "UNKNOWN", text.first_line()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_probe_is_unknown() {
    let mut s = loopback_only();
    s.max_scans = 1;
    let server = TestServer::start(s).await;
    let _held = server.occupy_every_slot();
    let url = server.url("");
    let busy = "The checking service is busy right now. You can check again in 5 seconds.";
    assert_every_format(&url, &[], "UNKNOWN", busy).await;
    let ran = check(&url, &["--format", "checkmk"]).await;
    assert!(
        ran.stdout
            .contains(&format!("\"Portcheck 80-89\" - {busy}")),
        "{}",
        ran.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_probe_and_bad_urls_are_unknown() {
    let gone = format!("http://{}", nothing_listens());
    let no_connection =
        "No connection to the checking service. Check your internet connection and try again.";
    assert_every_format(&gone, &[], "UNKNOWN", no_connection).await;

    for bad in ["ftp://portcheck.example", "portcheck.example", "http://"] {
        let ran = check(bad, &["--format", "nagios"]).await;
        assert_eq!(ran.code, 3, "{bad}: {}", ran.stdout);
        assert!(
            ran.first_line()
                .starts_with("PORTCHECK UNKNOWN - Unusable address of the checking service: "),
            "{bad}: {}",
            ran.stdout
        );
    }
    // A usage error of `check` is UNKNOWN too (clap's message on stderr).
    let ran = check(&gone, &["--format", "nagios", "--no-such-flag"]).await;
    assert_eq!(ran.code, 3);
    assert!(ran.stderr.contains("--no-such-flag"), "{}", ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smb_expected_open_is_refused_clearly() {
    // Refused before any request: no probe needed.
    let url = format!("http://{}", nothing_listens());
    let reason = "--expect-open 445 refused: port 445 (microsoft-ds, Windows file sharing) must never be reachable from the internet, so it cannot be an expected forwarding";
    assert_every_format(
        &url,
        &["--expect-open", "443", "--expect-open", "445"],
        "UNKNOWN",
        reason,
    )
    .await;
    let ran = check(&url, &["--expect-open", "445", "--format", "nagios"]).await;
    assert_eq!(ran.first_line(), format!("PORTCHECK UNKNOWN - {reason}"));
}
