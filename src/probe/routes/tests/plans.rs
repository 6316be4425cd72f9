//! Named plans: what `GET /api/v1/plans` offers, how `?plan=` picks one,
//! and that nothing else in a query can.

use std::sync::Arc;

use axum::http::{Method, StatusCode};

use super::via_proxy::events;
use super::{ask, state};
use crate::api::{ErrorBody, ErrorCode, Plans, Started, event};
use crate::plan::Plan;

#[tokio::test]
async fn the_probe_lists_its_plans_default_first() {
    let st = Arc::new(state(|_| {}));
    let answer = ask(&st, "198.51.100.7", Method::GET, "/api/v1/plans", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    let listed: Plans = serde_json::from_str(&answer.body).expect("the plans");
    assert_eq!(listed.plans, Plan::catalogue());
    let names: Vec<&str> = listed.plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["standard", "practice"]);
}

#[tokio::test]
async fn an_unknown_plan_is_refused_before_anything_is_counted() {
    let st = Arc::new(state(|s| {
        s.allow_targets = vec!["198.51.100.0/24".parse().expect("net")];
        s.rate.burst = 1;
    }));
    for path in ["/api/v1/scan", "/api/v1/scan/stream"] {
        for query in [
            "plan=all",
            "plan=",
            "plan=Practice",
            "plan=standard&plan=practice",
            "plan=practice%00",
            "plan=standard,practice",
        ] {
            let uri = format!("{path}?{query}");
            let answer = ask(&st, "198.51.100.7", Method::GET, &uri, &[]).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
            let body: ErrorBody = serde_json::from_str(&answer.body).expect("an error body");
            assert_eq!(body.error.code, ErrorCode::UnknownPlan, "{uri}");
            assert!(
                body.error.message.contains("standard, practice"),
                "{}",
                body.error.message
            );
        }
    }
    assert!(st.limiter.is_empty(), "a refused plan used up an allowance");
}

#[tokio::test]
async fn plan_picks_the_ports_and_other_parameters_change_nothing() {
    let st = Arc::new(state(|s| {
        s.allow_targets = vec!["127.0.0.0/8".parse().expect("net")];
    }));
    let started = |uri: &'static str| {
        let st = st.clone();
        async move {
            let answer = ask(&st, "127.0.0.1", Method::GET, uri, &[]).await;
            assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
            events(&answer.body, event::STARTED)
                .next()
                .and_then(|d| serde_json::from_str::<Started>(d).ok())
                .expect("a started event")
        }
    };
    let practice = started("/api/v1/scan/stream?plan=practice").await;
    assert_eq!(practice.plan, Plan::practice());
    assert_eq!(practice.ports, Plan::practice().range_ports());
    assert!(practice.control.is_empty());
    let standard = started("/api/v1/scan/stream?ports=22&target=10.0.0.1&x=1").await;
    assert_eq!(standard.plan, Plan::standard());
    assert_eq!(standard.target.ip.to_string(), "127.0.0.1");
}
