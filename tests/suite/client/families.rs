//! `--family`: each address family checked over its own origin, as the
//! probe's `/api/v1/site` names them, and the connection bound to that
//! family. A dual-stack probe plays both origins; a second probe, the one
//! the client is pointed at, names them.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_family_over_the_origin_the_site_names() {
    let mut s = default_settings();
    s.allow_targets = vec![
        "127.0.0.1/32".parse().expect("net"),
        "::1/128".parse().expect("net"),
    ];
    s.listen = "[::]:0".parse().expect("addr");
    let both = TestServer::start(s).await;
    let port = both.addr.port();

    let mut s = settings();
    s.site.ipv4_origin = Some(format!("http://127.0.0.1:{port}"));
    s.site.ipv6_origin = Some(format!("http://[::1]:{port}"));
    let front = TestServer::start(s).await;
    let url = front.url("");

    // The IPv6 origin is another host than the URL's: admitted by
    // `--site-domain` (without it, refused: `origins.rs`).
    let admit = ["--site-domain", "::1"];
    let ran = check(
        &url,
        &[&admit[..], &["--family", "both", "--format", "json"]].concat(),
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
    let checks = v["checks"].as_array().expect("checks");
    let seen: Vec<(&str, &str)> = checks
        .iter()
        .map(|c| {
            let target = &c["report"]["target"];
            (
                c["family"].as_str().expect("family"),
                target["ip"]
                    .as_str()
                    .unwrap_or_else(|| panic!("no report: {c}")),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![("ipv4", "127.0.0.1"), ("ipv6", "::1")],
        "{}",
        ran.stdout
    );

    let ran = check(
        &url,
        &[&admit[..], &["--family", "6", "--format", "nagios"]].concat(),
    )
    .await;
    let out = plugin_format::parse(&ran.stdout, ran.code).expect("plugin output");
    assert!(out.text.starts_with("IPv6: "), "{}", out.text);
    assert!(
        out.perfdata.iter().all(|p| p.label.ends_with("_ipv6")),
        "{:?}",
        out.perfdata
    );

    // Without origins in the site, the URL itself over the asked family:
    // the front probe listens on IPv4 only, so IPv6 gets no connection.
    let plain = TestServer::start(settings()).await;
    let ran = check(&plain.url(""), &["--family", "6", "--format", "nagios"]).await;
    assert_eq!(ran.code, 3, "{}", ran.stdout);
    assert!(
        ran.first_line()
            .starts_with("PORTCHECK UNKNOWN - IPv6: No connection"),
        "{}",
        ran.stdout
    );
}
