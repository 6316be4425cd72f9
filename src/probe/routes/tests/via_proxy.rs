//! `via_proxy` in-process: a request carrying proxy headers still checks its
//! peer, and `whoami`, the `started` event and the report say a proxy seems
//! to stand in for the visitor; a trusted proxy's own forwarding does not.
//! The stream and the report also say which group each port belongs to.

use std::sync::Arc;

use axum::http::{Method, StatusCode};

use super::{ask, ip, state};
use crate::api::{Report, Started, Target, event};
use crate::plan::Plan;
use crate::probe::state::ProbeState;

async fn whoami(st: &Arc<ProbeState>, from: &str, headers: &[(&str, &str)]) -> Target {
    let answer = ask(st, from, Method::GET, "/api/v1/whoami", headers).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_str(&answer.body).expect("a target")
}

fn trusting_10_8() -> Arc<ProbeState> {
    Arc::new(state(|s| {
        s.trusted_proxies = vec!["10.0.0.0/8".parse().expect("net")]
    }))
}

#[tokio::test]
async fn via_from_an_untrusted_peer_flags_the_peer() {
    let st = trusting_10_8();
    let peer = "198.51.100.7";
    let plain = whoami(&st, peer, &[]).await;
    assert_eq!((plain.ip, plain.via_proxy), (ip(peer), false));
    for (name, value) in [
        ("via", "1.1 proxy.praxis.example (squid/6.10)"),
        ("x-forwarded-for", "192.168.1.5"),
        ("forwarded", "for=192.168.1.5"),
        ("x-real-ip", "192.168.1.5"),
    ] {
        let t = whoami(&st, peer, &[(name, value)]).await;
        assert_eq!(t.ip, ip(peer), "{name}: the peer is still the target");
        assert!(t.via_proxy, "{name}");
    }
    let answer = ask(
        &st,
        peer,
        Method::GET,
        "/api/v1/whoami",
        &[("via", "1.1 x")],
    )
    .await;
    assert!(
        answer.body.contains(r#""via_proxy":true"#),
        "{}",
        answer.body
    );
    let answer = ask(&st, peer, Method::GET, "/api/v1/whoami", &[]).await;
    assert!(!answer.body.contains("via_proxy"), "{}", answer.body);
}

#[tokio::test]
async fn a_trusted_proxys_own_forwarding_is_no_sign_but_what_it_passes_on_is() {
    let st = trusting_10_8();
    let client = "198.51.100.7";
    let own = whoami(&st, "10.0.0.1", &[("x-forwarded-for", client)]).await;
    assert_eq!((own.ip, own.via_proxy), (ip(client), false));
    // The trusted proxy adds a Via entry of its own: expected.
    let headers = [("x-forwarded-for", client), ("via", "1.1 Caddy")];
    assert!(!whoami(&st, "10.0.0.1", &headers).await.via_proxy);

    // A proxy before the trusted one: its Via entry, or the client address
    // it wrote, reaches the probe through the trusted proxy.
    let headers = [("x-forwarded-for", client), ("via", "1.1 squid, 1.1 Caddy")];
    let upstream_via = whoami(&st, "10.0.0.1", &headers).await;
    assert_eq!(
        (upstream_via.ip, upstream_via.via_proxy),
        (ip(client), true)
    );
    let headers = [("x-forwarded-for", "192.168.1.5, 198.51.100.7")];
    let upstream_xff = whoami(&st, "10.0.0.1", &headers).await;
    assert_eq!(
        (upstream_xff.ip, upstream_xff.via_proxy),
        (ip(client), true)
    );
}

/// The data of every `name` event in a Server-Sent Events body.
pub(super) fn events<'a>(body: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    body.split("\n\n").filter_map(move |block| {
        let mut lines = block.lines();
        let is_it = lines.any(|l| l == format!("event: {name}"));
        let data = block.lines().find_map(|l| l.strip_prefix("data: "));
        is_it.then_some(data).flatten()
    })
}

#[tokio::test]
async fn the_stream_and_the_report_carry_the_flag_and_the_groups() {
    let mut st = state(|s| {
        s.allow_targets = vec!["127.0.0.0/8".parse().expect("net")];
    });
    st.plans = vec![Plan::standard()];
    let st = Arc::new(st);
    let headers = [("via", "1.1 proxy.praxis.example")];
    let from = "127.0.0.1";
    let stream = ask(&st, from, Method::GET, "/api/v1/scan/stream", &headers).await;
    assert_eq!(stream.status, StatusCode::OK, "{}", stream.body);
    let started: Started = events(&stream.body, event::STARTED)
        .next()
        .and_then(|d| serde_json::from_str(d).ok())
        .expect("a started event");
    assert_eq!(
        (started.target.ip, started.target.via_proxy),
        (ip(from), true)
    );
    assert_eq!(started.groups.len(), started.plan.groups.len());
    assert_eq!(
        started.groups[0].ports,
        started.plan.groups[0].port_numbers()
    );
    let ports: Vec<serde_json::Value> = events(&stream.body, event::PORT)
        .map(|d| serde_json::from_str(d).expect("a port event"))
        .collect();
    assert_eq!(ports.len(), started.plan.len());
    for p in &ports {
        let port = p["port"].as_u64().and_then(|n| u16::try_from(n).ok());
        let transport = match p["transport"].as_str() {
            Some("udp") => crate::plan::Transport::Udp,
            _ => crate::plan::Transport::Tcp,
        };
        let group = port.and_then(|n| started.plan.group_of(n, transport));
        assert_eq!(p["group_name"].as_str(), group.map(|g| g.name.as_str()));
    }
    let report: Report = events(&stream.body, event::FINISHED)
        .next()
        .and_then(|d| serde_json::from_str(d).ok())
        .expect("a finished event");
    assert_eq!(report.target, started.target);
    assert_eq!(report.groups, started.groups);
    let names: Vec<&str> = report.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["440-449", "80-89"]);
    assert_eq!((report.ports.len(), report.control.len()), (20, 8));

    let json = ask(&st, from, Method::GET, "/api/v1/scan", &[]).await;
    let report: Report = serde_json::from_str(&json.body).expect("a report");
    assert_eq!(
        (report.target.ip, report.target.via_proxy),
        (ip(from), false)
    );
}
