//! The client asks only the probe's own origin: a redirect to another
//! origin ends the check without a request there, a redirect within the
//! origin is followed, and a family origin that `/api/v1/site` names on
//! another site is refused unless `--site-domain` admits it. Two fake
//! probes on loopback, on different ports: different origins.

use portcheck::plan::Plan;

use super::fake::{FakeProbe, Reply};
use super::*;

const STREAM: &str = "/api/v1/scan/stream";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_origin_is_refused() {
    let other = FakeProbe::start(|_| Reply::scan(&Plan::standard(), &[])).await;
    let to = format!("{}{STREAM}", other.url());
    let probe = FakeProbe::start(move |_| Reply::redirect(&to)).await;
    let ran = check(&probe.url(), &["--format", "nagios"]).await;
    assert_eq!(ran.code, 3, "{}", ran.stdout);
    assert_eq!(
        ran.first_line(),
        format!(
            "PORTCHECK UNKNOWN - The checking service redirected the request to another address ({}); only the checking service itself is asked.",
            other.url()
        )
    );
    assert!(other.asked().is_empty(), "{:?}", other.asked());
    assert_eq!(probe.asked(), vec![STREAM.to_owned()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_within_the_origin_is_followed() {
    let probe = FakeProbe::start(|path| match path {
        STREAM => Reply::redirect("/moved/api/v1/scan/stream"),
        "/moved/api/v1/scan/stream" => Reply::scan(&Plan::standard(), &[]),
        _ => Reply::not_found(),
    })
    .await;
    let ran = check(&probe.url(), &["--format", "nagios"]).await;
    assert!(
        ran.first_line().starts_with("PORTCHECK WARNING - "),
        "{}",
        ran.stdout
    );
    assert_eq!(
        probe.asked(),
        vec![STREAM.to_owned(), "/moved/api/v1/scan/stream".to_owned()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_family_origin_of_another_site_is_refused_unless_admitted() {
    // `localhost` is this machine, but not the URL's host (127.0.0.1).
    let other = FakeProbe::start(|path| match path.starts_with(STREAM) {
        true => Reply::scan(&Plan::standard(), &[]),
        false => Reply::not_found(),
    })
    .await;
    let named = format!("http://localhost:{}", other.addr.port());
    let site = format!("{{\"ipv4_origin\":\"{named}\"}}");
    let probe = FakeProbe::start(move |path| match path {
        "/api/v1/site" => Reply::answer("200 OK", "application/json", &site),
        _ => Reply::not_found(),
    })
    .await;
    let url = probe.url();
    let ran = check(&url, &["--family", "4", "--format", "nagios"]).await;
    assert_eq!(ran.code, 3, "{}", ran.stdout);
    assert_eq!(
        ran.first_line(),
        format!(
            "PORTCHECK UNKNOWN - IPv4: The checking service names {named} for this address family, which is not part of its site ({url}); not asked (see --site-domain)."
        )
    );
    assert!(other.asked().is_empty(), "{:?}", other.asked());

    let ran = check(
        &url,
        &[
            "--family",
            "4",
            "--site-domain",
            "localhost",
            "--format",
            "nagios",
        ],
    )
    .await;
    assert!(
        ran.first_line().starts_with("PORTCHECK WARNING - IPv4: "),
        "{}",
        ran.stdout
    );
    assert_eq!(other.asked(), vec![STREAM.to_owned()]);
}
