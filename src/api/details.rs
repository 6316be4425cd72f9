//! What identification learnt about an open port, as the API reports it:
//! one optional part per protocol, each with what the service showed
//! within the probe's per-port budget.

use serde::{Deserialize, Serialize};

/// What identification learnt about the service on an open port. Every
/// field is optional: a service shows what it shows within the probe's
/// per-port budget, and a field is absent when nothing was learnt.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortDetails {
    /// What the SMB negotiation showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smb: Option<SmbDetails>,
    /// What the TLS handshake showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsDetails>,
    /// What the answer to `GET /` showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpDetails>,
    /// What the Kerberos AS exchange showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kerberos: Option<KerberosDetails>,
    /// The first line a service sent unasked (SSH, FTP, SMTP, …), printable
    /// ASCII only, at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<String>,
    /// The practice check's services (RDP, VNC, SSH, FTP, Telnet,
    /// databases, IPP, NetBIOS), each a field of its own.
    #[serde(flatten)]
    pub service: super::ServiceDetails,
    /// The services network operators report (most over UDP), each a
    /// field of its own.
    #[serde(flatten)]
    pub reported: super::ReportedServiceDetails,
    /// What a UPnP device said in its answer to the SSDP search (1900/udp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upnp: Option<super::UpnpDetails>,
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
    /// Certificate issuer, RFC 4514 style.
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
    /// The HTTP status code of the answer.
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
    /// An Exchange server's web access recognised in the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<super::ExchangeDetails>,
}

/// A Kerberos KDC's answer to an AS-REQ for a made-up principal in a
/// made-up realm (no password, no pre-authentication: never a login).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KerberosDetails {
    /// What the KDC sent.
    pub message: KerberosMessage,
    /// The KRB-ERROR's `error-code` (RFC 4120 §7.5.9), e.g. 6 (client not
    /// found) or 68 (wrong realm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i32>,
    /// The error code's name when it is one the probe knows, e.g.
    /// `KDC_ERR_C_PRINCIPAL_UNKNOWN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The realm the KDC named, when it named one other than the probe's
    /// made-up realm: on a Windows network, the domain (`PRAXIS.LOCAL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
    /// The KDC's clock as it wrote it in the error, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<String>,
}

/// The kind of Kerberos message a KDC answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KerberosMessage {
    /// A KRB-ERROR: the usual answer to an unknown principal.
    KrbError,
    /// An AS-REP: the KDC issued a ticket for the made-up principal (which
    /// no correctly working KDC does); reported, never used.
    AsRep,
}
