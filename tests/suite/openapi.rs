//! docs/openapi.yaml documents every value the API can send: each enum
//! variant's JSON name must appear in it. The `match`es have no wildcard, so
//! adding a variant without naming it here does not compile.

use portcheck::api::{ErrorCode, FindingId, IdentLimit, PortState, Reason};

fn json_name(v: impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

fn all_error_codes() -> Vec<ErrorCode> {
    use ErrorCode::*;
    let v = [
        RateLimited,
        Busy,
        ShuttingDown,
        TargetNotAllowed,
        BadRequest,
        NotFound,
        MethodNotAllowed,
        Internal,
    ];
    for c in v {
        match c {
            RateLimited | Busy | ShuttingDown | TargetNotAllowed | BadRequest | NotFound
            | MethodNotAllowed | Internal => {}
        }
    }
    v.to_vec()
}

fn all_findings() -> Vec<FindingId> {
    use FindingId::*;
    let v = [
        SmbExposed,
        UnexpectedOpen,
        HttpsExposed,
        RangeReachable,
        ScanIncomplete,
        SmbGuestAccess,
        Smb1Enabled,
        SmbSigningNotRequired,
        TlsOutdated,
        AdminInterfaceExposed,
    ];
    for f in v {
        match f {
            SmbExposed
            | UnexpectedOpen
            | HttpsExposed
            | RangeReachable
            | ScanIncomplete
            | SmbGuestAccess
            | Smb1Enabled
            | SmbSigningNotRequired
            | TlsOutdated
            | AdminInterfaceExposed => {}
        }
    }
    v.to_vec()
}

fn all_reasons() -> Vec<Reason> {
    use Reason::*;
    let v = [
        Connected,
        Refused,
        Timeout,
        Unreachable,
        Prohibited,
        LocalError,
    ];
    for r in v {
        match r {
            Connected | Refused | Timeout | Unreachable | Prohibited | LocalError => {}
        }
    }
    v.to_vec()
}

fn all_limits() -> Vec<IdentLimit> {
    use IdentLimit::*;
    let v = [Time, Bytes];
    for l in v {
        match l {
            Time | Bytes => {}
        }
    }
    v.to_vec()
}

fn all_states() -> Vec<PortState> {
    use PortState::*;
    let v = [Open, Closed, Filtered, Error];
    for s in v {
        match s {
            Open | Closed | Filtered | Error => {}
        }
    }
    v.to_vec()
}

#[test]
fn openapi_names_every_value() {
    let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.yaml"))
        .expect("docs/openapi.yaml");
    let names: Vec<String> = all_error_codes()
        .into_iter()
        .map(json_name)
        .chain(all_findings().into_iter().map(json_name))
        .chain(all_reasons().into_iter().map(json_name))
        .chain(all_states().into_iter().map(json_name))
        .chain(all_limits().into_iter().map(json_name))
        .collect();
    for name in names {
        assert!(
            spec.contains(&name),
            "docs/openapi.yaml does not mention `{name}`"
        );
    }
    // Every field of the identification details is documented.
    for field in [
        "details:",
        "PortDetails:",
        "dialects:",
        "smb1:",
        "signing_required:",
        "guest_access:",
        "anonymous_session:",
        "outdated_versions:",
        "subject:",
        "issuer:",
        "not_before:",
        "not_after:",
        "self_signed:",
        "status:",
        "server:",
        "title:",
        "admin_interface:",
        "banner:",
        "limit:",
    ] {
        assert!(spec.contains(field), "docs/openapi.yaml lacks {field}");
    }
    for path in [
        "/api/v1/scan:",
        "/api/v1/scan/stream:",
        "/api/v1/whoami:",
        "/healthz:",
    ] {
        assert!(spec.contains(path), "{path}");
    }
}
