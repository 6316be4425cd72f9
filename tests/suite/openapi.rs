//! docs/openapi.yaml documents every value the API can send: each enum
//! variant's JSON name must appear in it. The `match`es have no wildcard, so
//! adding a variant without naming it here does not compile.

use portcheck::api::{
    ErrorCode, ExchangeSupport, FindingId, IdentLimit, MssqlEncryption, NetbiosSession, PortState,
    RdpSecurity, Reason,
};
use portcheck::plan::{Service, Transport};

fn json_name(v: impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// The JSON names of the listed variants of an enum. The `match` has no
/// wildcard, so a variant missing from the list does not compile.
macro_rules! every_name {
    ($ty:ident: $($variant:ident),+ $(,)?) => {{
        let listed = |x: $ty| match x { $($ty::$variant)|+ => x };
        [$($ty::$variant),+].map(listed).map(json_name).to_vec()
    }};
}

#[test]
fn openapi_names_every_value() {
    let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.yaml"))
        .expect("docs/openapi.yaml");
    let names = [
        every_name!(ErrorCode: RateLimited, TooManyRequests, Busy, ShuttingDown, TargetNotAllowed, BadRequest, UnknownPlan,
            NotFound, MethodNotAllowed, Internal, CrossSite, ProxyNotTrusted),
        every_name!(FindingId: SmbExposed, UnexpectedOpen, HttpsExposed, RangeReachable,
            ScanIncomplete, SmbGuestAccess, Smb1Enabled, SmbSigningNotRequired, TlsOutdated,
            AdminInterfaceExposed, HttpExposed, KerberosExposed, RdpExposed, VncNoAuth, VncExposed,
            DatabaseExposed, TelnetExposed, FtpExposed, PrinterExposed, SshExposed, NetbiosExposed,
            UpnpExposed, DnsOpenResolver, NtpExposed, NtpMonlist, SnmpPublic, NetbiosNsExposed,
            MdnsExposed, WsDiscoveryExposed, MssqlBrowserExposed, SipExposed, PortmapperExposed,
            LdapExposed, CldapExposed, ExchangeExposed, ExchangeUnsupported),
        every_name!(RdpSecurity: Rdp, Tls, Credssp, CredsspEarlyUserAuth, Other),
        every_name!(MssqlEncryption: Off, On, NotSupported, Required, Other),
        every_name!(NetbiosSession: Positive, Negative, Retarget),
        every_name!(ExchangeSupport: Supported, Ended, Unknown),
        every_name!(Reason: Connected, Refused, Timeout, Unreachable, Prohibited, LocalError,
            Answered, UnparsedAnswer, NoAnswer, PortUnreachable),
        every_name!(PortState: Open, Closed, Filtered, OpenFiltered, Error),
        every_name!(IdentLimit: Time, Bytes),
        every_name!(Service: Smb, Https, Http, Kerberos, Rdp, Vnc, Ftp, Ssh, Telnet, Netbios, Mysql,
            Mssql, Postgres, Ipp, Ssdp, Dns, Ntp, Snmp, NetbiosNs, Mdns, WsDiscovery, MssqlBrowser,
            Sip, Portmapper, Ldap),
        every_name!(Transport: Tcp, Udp),
    ]
    .concat();
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
        "kerberos:",
        "error_code:",
        "realm:",
        "server_time:",
        "via_proxy:",
        "groups:",
        "group_name:",
        "UpnpDetails:",
        "upnp:",
        "st:",
        "location:",
        "usn:",
        // The practice check's services.
        "rdp:",
        "security:",
        "failure_code:",
        "vnc:",
        "security_types:",
        "no_password:",
        "ssh:",
        "software:",
        "comment:",
        "ftp:",
        "code:",
        "text:",
        "telnet:",
        "options:",
        "greeting:",
        "mysql:",
        "mssql:",
        "encryption:",
        "postgres:",
        "tls:",
        "ipp:",
        "netbios:",
        "session:",
        // The reported services.
        "dns:",
        "recursion_available:",
        "rcode:",
        "answers:",
        "ntp:",
        "stratum:",
        "monlist:",
        "monlist_entries:",
        "snmp:",
        "sys_descr:",
        "error_status:",
        "netbios_ns:",
        "suffix:",
        "group:",
        "computer:",
        "workgroup:",
        "mac:",
        "mdns:",
        "services:",
        "names:",
        // The Shadowserver reports a finding is listed in.
        "reports:",
        "exchange:",
        "build:",
        "product:",
        "support:",
        "ws_discovery:",
        "types:",
        "xaddrs:",
        "mssql_browser:",
        "instances:",
        "instance:",
        "tcp_port:",
        "sip:",
        "user_agent:",
        "portmapper:",
        "programs:",
        "program:",
        "protocol:",
        "ldap:",
        "naming_contexts:",
        "dns_host_name:",
        "default_naming_context:",
        "supported_ldap_versions:",
        "result_code:",
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
