//! The HTTP API's data types, shared by the probe (native) and the page (wasm32).
//!
//! Both sides compile this one module, so a field renamed here is renamed for
//! both, and the JSON the page parses is exactly the JSON the probe writes.
//! `docs/openapi.yaml` documents the same shapes for people using curl.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// Server-Sent Event names of `GET /api/v1/scan/stream`.
pub mod event {
    /// Data: [`super::Started`].
    pub const STARTED: &str = "started";
    /// Data: [`super::PortEvent`], once per port as soon as its state is known.
    pub const PORT: &str = "port";
    /// Data: [`super::Report`]; the last event of a successful scan.
    pub const FINISHED: &str = "finished";
    /// Data: [`super::ErrorBody`]; the last event of a failed scan.
    pub const ERROR: &str = "error";
}

use crate::plan::Plan;
pub use crate::plan::service_name;

/// Address family of a checked address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Family::Ipv4,
            IpAddr::V6(_) => Family::Ipv6,
        }
    }
}

/// The address that is checked: always the address the request came from.
/// Also the body of `GET /api/v1/whoami`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub ip: IpAddr,
    pub family: Family,
}

impl Target {
    pub fn new(ip: IpAddr) -> Self {
        Target {
            ip,
            family: Family::of(ip),
        }
    }
}

/// What a port looked like from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortState {
    /// A service accepted the connection: reachable from the internet.
    Open,
    /// The address answered with a reset (or ICMP port unreachable): reachable,
    /// but nothing listens. Inside a planned range this usually means
    /// "forwarded to a live host".
    Closed,
    /// No answer, or an ICMP "prohibited"/"unreachable": something drops it.
    Filtered,
    /// The probe itself could not test the port (for example out of sockets).
    Error,
}

impl PortState {
    /// Whether the address answered for this port (open or closed).
    pub fn answered(self) -> bool {
        matches!(self, PortState::Open | PortState::Closed)
    }
}

/// Why a port got its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// TCP handshake completed (state open).
    Connected,
    /// Connection refused: TCP reset or ICMP port unreachable (state closed).
    Refused,
    /// No answer within the timeout, on every attempt (state filtered).
    Timeout,
    /// ICMP host/network unreachable; on IPv4 also "administratively
    /// prohibited", which Linux reports the same way (state filtered).
    Unreachable,
    /// ICMPv6 "administratively prohibited" or a local policy refusal
    /// (state filtered).
    Prohibited,
    /// The probe ran out of sockets or memory for this port (state error).
    LocalError,
}

/// One port's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortResult {
    pub port: u16,
    /// IANA service name (see [`service_name`]).
    pub service: String,
    pub state: PortState,
    pub reason: Reason,
    /// Time from sending the connection request to the answer, in
    /// milliseconds; absent when there was no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<f64>,
    /// Connection attempts made (a port without answer is tried twice, four
    /// times once the scan has seen packet loss).
    pub attempts: u8,
    /// What the service on an open port said of itself (identification);
    /// absent for ports that are not open and in `port` events, which are
    /// sent at connect time, before identification ends.
    /// Boxed: most ports have none, and a port event stays small.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Box<PortDetails>>,
}

/// What identification learnt about the service on an open port. Every
/// field is optional: a service shows what it shows within the probe's
/// per-port budget, and a field is absent when nothing was learnt.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smb: Option<SmbDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpDetails>,
    /// The first line a service sent unasked (SSH, FTP, SMTP, …), printable
    /// ASCII only, at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<String>,
    /// Set when a budget ended identification before it was complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<IdentLimit>,
}

impl PortDetails {
    /// Nothing learnt and no limit reached: not worth a `details` field.
    pub fn is_empty(&self) -> bool {
        *self == PortDetails::default()
    }
}

/// Which budget cut identification short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentLimit {
    /// The per-port time budget ran out (a silent or dripping service).
    Time,
    /// A reply exceeded the per-connection byte cap.
    Bytes,
}

/// An SMB server's answers to negotiate and to a session setup without
/// credentials (the probe stops there: no share is ever opened).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmbDetails {
    /// SMB2/3 dialects the server accepted, each offered alone, ascending:
    /// `2.0.2`, `2.1`, `3.0`, `3.0.2`, `3.1.1`.
    pub dialects: Vec<String>,
    /// Whether the server accepts SMB1 (`NT LM 0.12`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smb1: Option<bool>,
    /// Whether the server requires signed messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_required: Option<bool>,
    /// Whether a session setup as an unknown user with an empty password
    /// was granted as guest ("map to guest", the "Everyone" share case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_access: Option<bool>,
    /// Whether an anonymous (null) session was granted. Common and by
    /// itself no access to files; reported for completeness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_session: Option<bool>,
}

/// A TLS service: the best version it negotiated, the legacy versions it
/// still accepts and its certificate (not validated: read as offered).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsDetails {
    /// `TLSv1.3`, `TLSv1.2`, `TLSv1.1` or `TLSv1.0`.
    pub version: String,
    /// Versions older than TLS 1.2 that the server accepted when offered alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outdated_versions: Vec<String>,
    /// Certificate subject, RFC 4514 style (`CN=…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Validity start, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// Validity end, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// Issuer equals subject and the signature verifies with the
    /// certificate's own key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_signed: Option<bool>,
}

/// What a web server said of itself in answer to `GET /`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpDetails {
    pub status: u16,
    /// The `Server` header, printable ASCII, at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The page's `<title>`, at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A router, NAS or server administration interface recognised from the
    /// title, `Server` header or page (for example `FRITZ!Box`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_interface: Option<String>,
}

/// Whether a port belongs to the checked range or to the control ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortGroup {
    Range,
    Control,
}

/// Data of the `port` event: a [`PortResult`] and the group it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortEvent {
    pub group: PortGroup,
    #[serde(flatten)]
    pub result: PortResult,
}

/// Data of the `started` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Started {
    pub target: Target,
    /// The plan this scan runs: its groups, ports and service names.
    pub plan: Plan,
    /// Every range port of the plan, ascending.
    pub ports: Vec<u16>,
    /// Every control port of the plan, ascending.
    pub control: Vec<u16>,
}

/// Severity of a finding, lowest first (so `Ord` gives "most severe" = max).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Notice,
    Warning,
    Critical,
}

/// Overall level of a report: the most severe finding, `ok` when there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ok,
    Notice,
    Warning,
    Critical,
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Notice => Level::Notice,
            Severity::Warning => Level::Warning,
            Severity::Critical => Level::Critical,
        }
    }
}

/// Stable identifiers of findings; the page keys its explanations on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingId {
    /// 445 (SMB) answers with a connection: file sharing reachable from the internet.
    SmbExposed,
    /// A port of the range other than 443/445 is open.
    UnexpectedOpen,
    /// 443 is open: intended or not, the service behind it is public.
    HttpsExposed,
    /// Several ports of the range answer while the control ports stay silent:
    /// the signature of a forwarded port range.
    RangeReachable,
    /// Some ports could not be tested; the result is incomplete.
    ScanIncomplete,
    /// An SMB server granted a session to an unknown user without a
    /// password (guest): its guest-readable shares are open to anyone.
    SmbGuestAccess,
    /// An SMB server still accepts SMB1, the protocol of EternalBlue/WannaCry.
    Smb1Enabled,
    /// An SMB server does not require signing.
    SmbSigningNotRequired,
    /// A TLS service accepts TLS 1.0 or 1.1 (or offers nothing newer).
    TlsOutdated,
    /// A router, NAS or server administration login page is reachable.
    AdminInterfaceExposed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: FindingId,
    pub severity: Severity,
    /// The ports the finding is about.
    pub ports: Vec<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub level: Level,
    /// Most severe first.
    pub findings: Vec<Finding>,
}

/// Body of `GET /api/v1/scan` and data of the `finished` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub target: Target,
    /// The plan's range ports in ascending order.
    pub ports: Vec<PortResult>,
    /// The plan's control ports in ascending order.
    pub control: Vec<PortResult>,
    pub verdict: Verdict,
    /// Start of the scan, RFC 3339 in UTC.
    pub started_at: String,
    /// Wall time of the scan in milliseconds.
    pub duration_ms: u64,
    /// The per-attempt connect timeout the scan ended with, in milliseconds
    /// (adapted to the visitor's round-trip time).
    pub timeout_ms: u64,
}

/// Machine-readable error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 429: this address has used up its scans for now; see `retry_after_s`.
    RateLimited,
    /// 503: the probe is at its concurrent-scan limit; see `retry_after_s`.
    Busy,
    /// 503: the probe is shutting down.
    ShuttingDown,
    /// 403: the request's address may not be checked (private, loopback, …).
    TargetNotAllowed,
    /// 400: a trusted proxy sent a forwarding header that cannot be read.
    BadRequest,
    /// 404: no such endpoint.
    NotFound,
    /// 405: the endpoint exists but not for this method.
    MethodNotAllowed,
    /// 500: an unexpected fault in the probe.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// A sentence for humans (English).
    pub message: String,
    /// Seconds to wait before trying again (429 and 503).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
}

/// Every non-2xx JSON response, and the data of the `error` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// Body of `GET /api/v1/site`: what the operator configured for the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Name of the organisation offering the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// Where practices get help (phone, e-mail or web address), as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_contact: Option<String>,
    /// Origin of the IPv4-only hostname (`https://v4.example`); with
    /// `ipv6_origin`, the page checks both address families.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4_origin: Option<String>,
    /// Origin of the IPv6-only hostname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_origin: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_result_json_shape() {
        let r = PortResult {
            port: 445,
            service: service_name(445).into(),
            state: PortState::Open,
            reason: Reason::Connected,
            rtt_ms: Some(1.3),
            attempts: 1,
            details: None,
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"port":445,"service":"microsoft-ds","state":"open","reason":"connected","rtt_ms":1.3,"attempts":1})
        );
        let filtered = PortResult {
            rtt_ms: None,
            state: PortState::Filtered,
            reason: Reason::Timeout,
            attempts: 2,
            ..r
        };
        let v = serde_json::to_value(&filtered).unwrap();
        assert!(v.get("rtt_ms").is_none());
    }

    #[test]
    fn port_event_is_flat() {
        let e = PortEvent {
            group: PortGroup::Control,
            result: PortResult {
                port: 450,
                service: service_name(450).into(),
                state: PortState::Filtered,
                reason: Reason::Timeout,
                rtt_ms: None,
                attempts: 2,
                details: None,
            },
        };
        let s = serde_json::to_string(&e).unwrap();
        assert_eq!(
            s,
            r#"{"group":"control","port":450,"service":"tserver","state":"filtered","reason":"timeout","attempts":2}"#
        );
        let back: PortEvent = serde_json::from_str(&s).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn target_and_error_shapes() {
        let t = Target::new("::1".parse().unwrap());
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"ip":"::1","family":"ipv6"}"#
        );
        let e = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::RateLimited,
                message: "slow down".into(),
                retry_after_s: Some(42),
            },
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"error":{"code":"rate_limited","message":"slow down","retry_after_s":42}}"#
        );
        assert_eq!(
            serde_json::to_string(&FindingId::RangeReachable).unwrap(),
            r#""range-reachable""#
        );
    }

    #[test]
    fn details_shape_and_old_json_still_reads() {
        let r = PortResult {
            port: 445,
            service: service_name(445).into(),
            state: PortState::Open,
            reason: Reason::Connected,
            rtt_ms: None,
            attempts: 1,
            details: Some(Box::new(PortDetails {
                smb: Some(SmbDetails {
                    dialects: vec!["2.0.2".into(), "3.1.1".into()],
                    smb1: Some(true),
                    signing_required: Some(false),
                    guest_access: Some(true),
                    anonymous_session: None,
                }),
                ..PortDetails::default()
            })),
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(
            v["details"],
            serde_json::json!({"smb":{"dialects":["2.0.2","3.1.1"],"smb1":true,"signing_required":false,"guest_access":true}})
        );
        // A result without details, as older probes wrote it, still reads.
        let old = r#"{"port":445,"service":"microsoft-ds","state":"open","reason":"connected","attempts":1}"#;
        let back: PortResult = serde_json::from_str(old).unwrap();
        assert_eq!(back.details, None);
        assert!(PortDetails::default().is_empty());
        assert_eq!(
            serde_json::to_string(&FindingId::Smb1Enabled).unwrap(),
            r#""smb1-enabled""#
        );
        assert_eq!(
            serde_json::to_string(&IdentLimit::Time).unwrap(),
            r#""time""#
        );
    }
}
