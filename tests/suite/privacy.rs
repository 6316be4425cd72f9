//! The running binary, at its most verbose log level, never writes a visitor's
//! address: not for a scan, a stream, the consent form's post, a
//! rate-limited request, a refused target, nor during shutdown.

use crate::support::*;
use reqwest::StatusCode;

const VISITOR: &str = "127.0.0.4";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_never_contain_the_visitor_address() {
    let root = is_root();
    let _open = if root {
        Some(open_ports(VISITOR, &[443, 445]).await)
    } else {
        eprintln!("(not root: scanning {VISITOR} with every port closed)");
        None
    };
    let probe = ProbeProcess::start_logging(&["--rate-burst", "3", "--allow-loopback"], "trace");
    let addr = probe.addr;

    let client = client_from(VISITOR);
    let url = |p: &str| format!("http://{addr}{p}");
    let who = get(&client, url("/api/v1/whoami")).await;
    assert_eq!(who.status(), StatusCode::OK);
    assert!(
        who.text().await.unwrap().contains(VISITOR),
        "whoami answers the visitor"
    );
    // Forwarding headers from loopback while loopback is allowed by default:
    // an undeclared reverse proxy, refused and logged once, without addresses.
    for _ in 0..2 {
        let forwarded = client
            .get(url("/api/v1/scan"))
            .header("X-Forwarded-For", "198.51.100.7")
            .send()
            .await
            .unwrap();
        assert_eq!(forwarded.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            forwarded
                .text()
                .await
                .unwrap()
                .contains("proxy_not_trusted")
        );
    }
    let scan = get(&client, url("/api/v1/scan")).await;
    assert_eq!(scan.status(), StatusCode::OK);
    assert!(scan.text().await.unwrap().contains(VISITOR));
    let stream = get(&client, url("/api/v1/scan/stream")).await;
    assert_eq!(stream.status(), StatusCode::OK);
    let events = read_events(stream).await;
    assert_eq!(events.last().unwrap().name, "finished");
    // The consent form's check (the page without WebAssembly), and another
    // site's form, refused.
    let form = |headers: &[(&'static str, &'static str)]| {
        let mut req = client
            .post(url("/"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("consent=yes&lang=en");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send()
    };
    let foreign = form(&[("sec-fetch-site", "cross-site")]).await.unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let page = form(&[("sec-fetch-site", "same-origin")]).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains(VISITOR));
    let limited = get(&client, url("/api/v1/scan")).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let _ = get(&client, url("/no/such/page.js")).await;

    // SIGTERM: graceful shutdown, exit status 0.
    let (status, log) = probe.process.signal_and_wait(libc::SIGTERM);
    assert!(status.success(), "exit status {status}:\n{log}");
    // The first lines name the listening address (not a visitor's).
    assert!(
        log.contains(&format!("listening on http://{addr}")),
        "{log}"
    );

    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "verbose logging is on:\n{log}"
    );
    assert!(log.contains("scan finished"), "{log}");
    assert_eq!(
        log.matches("no --trusted-proxy is set").count(),
        1,
        "the undeclared proxy is logged once:\n{log}"
    );
    assert!(log.contains("status=429"), "{log}");
    assert!(
        !log.contains(VISITOR),
        "the visitor address appears in the log:\n{log}"
    );
    assert!(
        !log.contains("198.51.100.7"),
        "forwarded header content logged:\n{log}"
    );
}
