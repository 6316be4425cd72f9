//! The UPnP check inside a scan, driven in-process: a practice scan from a
//! loopback address with a stand-in device on that address's UDP port
//! 1900 that answers, stays silent, or answers from another address; the
//! standard plan sends no search at all. Each test uses its own loopback
//! address, so they can run side by side.

use std::sync::Arc;

use axum::http::{Method, StatusCode};

use super::{ask, state};
use crate::api::{FindingId, Report, Severity, UpnpAnswer};
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
    assert_eq!(standard.upnp, None);
    assert!(searches.try_recv().is_err(), "the standard plan searched");

    let r = report(&st, from, "practice").await;
    let upnp = r.upnp.clone().expect("the UPnP result");
    assert_eq!(upnp.answer, UpnpAnswer::Answered);
    assert_eq!(upnp.port, SSDP_PORT);
    assert_eq!(upnp.server.as_deref(), Some("Linux UPnP/1.1 MiniUPnPd/2.3"));
    assert_eq!(
        upnp.location.as_deref(),
        Some("http://10.0.0.1:5000/rootDesc.xml")
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
    let upnp = r.upnp.clone().expect("the UPnP result");
    assert_eq!(upnp.answer, UpnpAnswer::NoAnswer);
    assert_eq!((upnp.server, upnp.location), (None, None));
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
