//! Only the declared proxy can hand the probe a forwarded address. The
//! recommended set-up: the probe listens on a Unix socket (mode 0660, so
//! only its user and the proxy's group can connect) and believes the
//! forwarding header on that socket only (`--trusted-proxy unix`). A local
//! process that connects over TCP is checked at its own address (and, being
//! loopback, refused), whatever it writes into `X-Forwarded-For`.

use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;

use crate::support::relay::{forwarded_whoami, unix_get};
use crate::support::*;
use portcheck::api::{ErrorCode, Report, Target};
use portcheck::probe::config::{Listen, TrustedProxy};
use portcheck::probe::server;
use portcheck::probe::state::ProbeState;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_on_the_unix_socket_names_the_visitor() {
    let dir = TempDir::new("unix-socket");
    let socket = dir.path().join("http.sock");
    let mut s = default_settings();
    s.listen = Listen::Unix(socket.clone());
    s.trusted_proxies = vec![TrustedProxy::Unix];
    // The forwarded visitor of the scan below is a loopback address.
    s.allow_loopback = true;
    let listener = server::bind(&s.listen).await.expect("bind");
    let mode = std::fs::metadata(&socket)
        .expect("socket")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o660, "only user and group may connect");
    let state = Arc::new(ProbeState::new(&s).expect("state"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let settings = s.clone();
    let task = tokio::spawn(async move {
        server::serve(listener, &settings, state, async {
            let _ = stopped.await;
        })
        .await
    });

    let who = forwarded_whoami(&socket).await;
    assert_eq!(who, Target::new(ip("198.51.100.7")));

    let (status, body) = within(
        "scan",
        unix_get(
            &socket,
            "/api/v1/scan",
            &[("X-Forwarded-For", "127.0.0.61")],
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let report: Report = serde_json::from_str(&body).expect("report");
    assert_eq!(report.target.ip, ip("127.0.0.61"));

    let _ = stop.send(());
    within("shutdown", task)
        .await
        .expect("task")
        .expect("serve");
    assert!(!socket.exists(), "the socket is removed at shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_process_over_tcp_cannot_name_the_visitor() {
    let mut s = default_settings();
    s.trusted_proxies = vec![TrustedProxy::Unix];
    let server = TestServer::start(s).await;
    let (who, status, code) = forged_forwarding(|p| server.url(p), "127.0.0.62").await;
    assert_eq!(who, Target::new(ip("127.0.0.62")).via_proxy(true));
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(code, ErrorCode::TargetNotAllowed);
    assert!(server.state.limiter.is_empty());
}
