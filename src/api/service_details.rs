//! What identification learnt about the services of the practice check —
//! remote desktop (RDP), remote screens (VNC), SSH, FTP, Telnet, databases,
//! printers (IPP) and the NetBIOS session service — as the API reports it.
//! Flattened into [`super::PortDetails`]: each is one optional field there.

use serde::{Deserialize, Serialize};

/// The practice check's services, each present only when the port answered
/// as that service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDetails {
    /// What the RDP connection request showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdp: Option<RdpDetails>,
    /// What the VNC greeting showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vnc: Option<VncDetails>,
    /// What the SSH greeting showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh: Option<SshDetails>,
    /// What the FTP greeting showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ftp: Option<FtpDetails>,
    /// What the Telnet negotiation showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telnet: Option<TelnetDetails>,
    /// What the MySQL greeting showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql: Option<MysqlDetails>,
    /// What the SQL Server pre-login answer showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mssql: Option<MssqlDetails>,
    /// What the PostgreSQL answer to an SSLRequest showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres: Option<PostgresDetails>,
    /// What the IPP answer showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipp: Option<IppDetails>,
    /// What the NetBIOS session request showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub netbios: Option<NetbiosDetails>,
}

/// A Remote Desktop server's answer to an X.224 connection request that
/// offers TLS and CredSSP (no credentials are ever sent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdpDetails {
    /// The security protocol the server selected; absent when it sent no
    /// negotiation response (old servers) or refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<RdpSecurity>,
    /// The negotiation failure code when the server refused what was
    /// offered (MS-RDPBCGR 2.2.1.2.2), e.g. 2: standard RDP security only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<u32>,
}

/// RDP security protocols (MS-RDPBCGR 2.2.1.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RdpSecurity {
    /// Standard RDP security: no TLS, no Network Level Authentication.
    Rdp,
    /// TLS, login screen before authentication.
    Tls,
    /// CredSSP: Network Level Authentication.
    Credssp,
    /// CredSSP with early user authorization.
    CredsspEarlyUserAuth,
    /// RDSTLS, RDS AAD or a value the probe does not know.
    Other,
}

/// A VNC (RFB) server's version and the security types it offers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VncDetails {
    /// The RFB version the server announced, e.g. `3.8`.
    pub version: String,
    /// Security type numbers the server offered (RFB registry: 1 None,
    /// 2 VNC password, 18 TLS, 19 VeNCrypt, …), as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_types: Vec<u8>,
    /// Whether the server lets a client in without a password (type 1,
    /// None); absent when the list was not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_password: Option<bool>,
}

/// An SSH server's version line (`SSH-2.0-OpenSSH_9.2p1 Debian-2`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshDetails {
    /// Protocol version, `2.0` (or `1.99`).
    pub protocol: String,
    /// The software version, e.g. `OpenSSH_9.2p1`.
    pub software: String,
    /// The comment after the software version, e.g. `Debian-2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An FTP server's greeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FtpDetails {
    /// The reply code, usually 220 (421: the server turned the probe away).
    pub code: u16,
    /// The greeting's text, printable ASCII, at most 200 characters.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// A Telnet service: option negotiation, then possibly a greeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelnetDetails {
    /// Telnet options the server asked about (RFC 855 numbers), as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<u8>,
    /// The first printable line it sent (a login prompt or a system name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
}

/// A MySQL or MariaDB server's initial handshake, or the error it sends
/// instead to a host it does not accept (still a MySQL server).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MysqlDetails {
    /// The server version, e.g. `10.11.6-MariaDB-0+deb12u1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The error code the server sent instead of a handshake, e.g. 1130
    /// (host not allowed to connect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<u16>,
}

/// A Microsoft SQL Server's answer to a TDS pre-login.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MssqlDetails {
    /// The product version, e.g. `16.0.1000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The server's ENCRYPTION option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<MssqlEncryption>,
}

/// The pre-login ENCRYPTION option (MS-TDS 2.2.6.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MssqlEncryption {
    /// Only the login packet is encrypted.
    Off,
    /// The whole connection is encrypted.
    On,
    /// The server cannot encrypt.
    NotSupported,
    /// The server requires encryption.
    Required,
    /// A value the probe does not know.
    Other,
}

/// A PostgreSQL server's answer to an SSLRequest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostgresDetails {
    /// Whether the server offered TLS (`S`) or not (`N`); absent when it
    /// answered with an error message instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<bool>,
}

/// A printer's IPP service (CUPS or a printer's own), recognised from its
/// answer to an HTTP request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IppDetails {
    /// The `Server` header that named IPP or CUPS, e.g. `CUPS/2.4 IPP/2.1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

/// The NetBIOS session service's answer to a session request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetbiosDetails {
    /// The kind of answer.
    pub session: NetbiosSession,
    /// The error code of a negative response (RFC 1002 4.3.4), e.g. 0x82
    /// (called name not present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<u8>,
}

/// The kind of answer to a NetBIOS session request (RFC 1002 4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetbiosSession {
    /// The session was accepted.
    Positive,
    /// The session was refused (see `error_code`).
    Negative,
    /// The client is sent to another address.
    Retarget,
}
