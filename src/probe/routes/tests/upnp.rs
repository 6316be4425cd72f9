//! The UPnP entry inside a scan (the practice plan's 1900/udp), driven
//! in-process: a practice scan from a loopback address with a stand-in
//! device on that address's UDP port 1900 that answers, stays silent, or
//! answers from another address; the standard plan sends no search at all. Each test uses its own loopback
//! address, so they can run side by side.

use std::sync::Arc;

use axum::http::{Method, StatusCode};

use super::{ask, state};
use crate::api::{FindingId, PortResult, PortState, Reason, Report, Severity};
use crate::plan::Transport;
use crate::probe::ident::services::ssdp::SSDP_PORT;
use crate::probe::ident::services::ssdp::tests::{ANSWER, Reply, device};
use crate::probe::state::ProbeState;

fn probe() -> Arc<ProbeState> {
    Arc::new(state(|s| {
        s.allow_targets = vec!["127.0.0.0/8".parse().expect("net")];
    }))
}

/// The report of a scan of `plan` from `from`.
async fn report(st: &Arc<ProbeState>, from: &str, plan: &str) -> Report {
    let uri = format!("/api/v1/scan?plan={plan}");
    let answer = ask(st, from, Method::GET, &uri, &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_str(&answer.body).expect("a report")
}

/// The report's 1900/udp result.
fn upnp(r: &Report) -> &PortResult {
    r.ports
        .iter()
        .find(|p| (p.port, p.transport) == (SSDP_PORT, Transport::Udp))
        .expect("the UPnP result")
}

/// What the device said, as the report's details of 1900/udp have it.
fn said(p: &PortResult) -> (Option<&str>, Option<&str>) {
    let u = p.details.as_ref().and_then(|d| d.upnp.as_ref());
    (
        u.and_then(|u| u.server.as_deref()),
        u.and_then(|u| u.location.as_deref()),
    )
}

fn upnp_finding(r: &Report) -> Option<(Severity, Vec<u16>)> {
    r.verdict
        .findings
        .iter()
        .find(|f| f.id == FindingId::UpnpExposed)
        .map(|f| (f.severity, f.ports.clone()))
}

#[tokio::test]
async fn an_answering_device_makes_upnp_exposed_with_its_details() {
    let from = "127.84.11.2";
    let (_, mut searches) = device((from, SSDP_PORT), |_| vec![(None, ANSWER)]).await;
    let st = probe();

    let standard = report(&st, from, "standard").await;
    assert!(standard.ports.iter().all(|p| p.transport == Transport::Tcp));
    assert!(searches.try_recv().is_err(), "the standard plan searched");

    let r = report(&st, from, "practice").await;
    let upnp = upnp(&r);
    assert_eq!(
        (upnp.state, upnp.reason),
        (PortState::Open, Reason::Answered)
    );
    assert_eq!(upnp.service, "upnp");
    assert_eq!(
        said(upnp),
        (
            Some("Linux UPnP/1.1 MiniUPnPd/2.3"),
            Some("http://10.0.0.1:5000/rootDesc.xml")
        )
    );
    assert_eq!(
        upnp_finding(&r),
        Some((Severity::Critical, vec![SSDP_PORT]))
    );
    assert_eq!(r.verdict.level, crate::api::Level::Critical);
    assert!(searches.recv().await.is_some(), "no search arrived");
}

/// A practice scan from `from` against a device there that does `reply`:
/// no answer, no finding, after exactly two searches.
async fn no_answer_from(from: &'static str, reply: Reply) {
    let (_, mut searches) = device((from, SSDP_PORT), reply).await;
    let r = report(&probe(), from, "practice").await;
    let upnp = upnp(&r);
    assert_eq!(
        (upnp.state, upnp.reason),
        (PortState::OpenFiltered, Reason::NoAnswer)
    );
    assert_eq!(upnp.attempts, 2);
    assert_eq!(said(upnp), (None, None));
    assert_eq!(upnp_finding(&r), None);
    for _ in 0..2 {
        assert!(searches.recv().await.is_some(), "a search missing");
    }
    assert!(searches.try_recv().is_err(), "more than two searches");
}

#[tokio::test]
async fn a_silent_device_is_no_answer_without_a_finding() {
    no_answer_from("127.84.11.3", |_| Vec::new()).await;
}

#[tokio::test]
async fn an_answer_from_another_address_is_ignored() {
    no_answer_from("127.84.11.4", |_| vec![(Some("127.84.11.5"), ANSWER)]).await;
}
