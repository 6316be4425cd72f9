//! What independent clients on the lab's probe host say about a visitor:
//! nmap's SYN scan and its SMB and Kerberos scripts, Samba's smbclient,
//! `openssl s_client`, curl and MIT `kinit`, and how their view compares
//! with the probe's. Differences that are understood are listed with their
//! reason; any other fails.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::process::{Command, Stdio};

use portcheck::api::{
    Family, HttpDetails, KerberosDetails, KerberosMessage, PortResult, PortState, Reason, Report,
    SmbDetails, TlsDetails,
};
use portcheck::plan::{Plan, Transport};

use crate::support::browser::wire_name;
use crate::support::lab::{Lab, in_ns, output_text};

/// nmap's `-p` list for every port of the standard plan, runs of
/// consecutive ports joined: `78-91,438-451`.
pub fn plan_port_spec() -> String {
    port_spec(&Plan::standard())
}

/// nmap's `-p` list for every port of `plan`, runs of consecutive ports
/// joined.
pub fn port_spec(plan: &Plan) -> String {
    let mut ports: Vec<u16> = plan
        .entries()
        .filter(|(_, _, s)| s.transport == Transport::Tcp)
        .map(|(_, _, s)| s.port)
        .collect();
    ports.sort_unstable();
    ports.dedup();
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for p in ports {
        match runs.last_mut() {
            Some((_, last)) if last.checked_add(1) == Some(p) => *last = p,
            _ => runs.push((p, p)),
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `nmap -n -Pn -T4` (a SYN scan: nmap runs as root) from the probe host
/// over every port of the plan. `-vv` keeps nmap from folding more than 25
/// ports of one state into `<extraports>`; it does not change the scan.
pub fn scan(lab: &Lab, target: IpAddr) -> BTreeMap<u16, NmapPort> {
    scan_ports(lab, target, &plan_port_spec())
}

/// The same over the ports of an nmap `-p` list.
pub fn scan_ports(lab: &Lab, target: IpAddr, ports: &str) -> BTreeMap<u16, NmapPort> {
    parse_nmap_xml(&nmap_xml(lab, &[target], ports, &[]))
}

/// nmap's XML report of `nmap -n -Pn -T4 -vv --reason` from the probe host
/// over these ports of these targets (one family), with `extra` options.
pub fn nmap_xml(lab: &Lab, targets: &[IpAddr], ports: &str, extra: &[&str]) -> String {
    let ports = format!("-p{ports}");
    let mut args = vec!["-n", "-Pn", "-T4", &ports, "-vv", "--reason", "-oX", "-"];
    if targets.first().is_some_and(IpAddr::is_ipv6) {
        args.insert(0, "-6");
    }
    args.extend_from_slice(extra);
    let targets: Vec<String> = targets.iter().map(IpAddr::to_string).collect();
    args.extend(targets.iter().map(String::as_str));
    let out = in_ns(lab.probe_ns(), "nmap", &args);
    assert!(
        out.status.success(),
        "nmap failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The probe's SMB details against nmap's `smb-protocols` and
/// `smb2-security-mode` and against Samba's own client logging in as an
/// unknown user with an empty password (what "guest access" means).
pub fn verify_smb(lab: &Lab, addr: IpAddr, smb: &SmbDetails) -> Vec<String> {
    let mut problems = Vec::new();
    let target = addr.to_string();
    let mut args = vec![
        "-n",
        "-Pn",
        "-p445",
        "--script",
        "smb-protocols,smb2-security-mode",
        &target,
    ];
    if addr.is_ipv6() {
        args.insert(0, "-6");
    }
    let out = in_ns(lab.probe_ns(), "nmap", &args);
    let text = String::from_utf8_lossy(&out.stdout);
    let nmap_dialects = nmap_smb2_dialects(&text);
    if smb.dialects != nmap_dialects {
        problems.push(format!(
            "SMB dialects {:?}, nmap smb-protocols {nmap_dialects:?}",
            smb.dialects
        ));
    }
    let nmap_smb1 = text.contains("NT LM 0.12");
    if smb.smb1 != Some(nmap_smb1) {
        problems.push(format!("SMB1 {:?}, nmap says {nmap_smb1}", smb.smb1));
    }
    let nmap_required = if text.contains("enabled and required") {
        Some(true)
    } else if text.contains("enabled but not required") {
        Some(false)
    } else {
        None
    };
    if nmap_required.is_none() || smb.signing_required != nmap_required {
        problems.push(format!(
            "SMB signing required {:?}, nmap smb2-security-mode {nmap_required:?}",
            smb.signing_required
        ));
    }
    let guest = smbclient(
        lab,
        &[
            "-U",
            "labvisitor%",
            "-I",
            &target,
            "//lab/Praxis",
            "-c",
            "ls",
        ],
    );
    let guest_granted = guest.contains("befund-0001.txt");
    if smb.guest_access != Some(guest_granted) {
        problems.push(format!(
            "SMB guest access {:?}, smbclient as an unknown user: {guest_granted}\n{guest}",
            smb.guest_access
        ));
    }
    problems
}

/// SMB2/3 dialects from nmap's `smb-protocols` output, in the probe's
/// notation: `202` (or `2:0:2`) becomes `2.0.2`, `210` becomes `2.1`.
pub fn nmap_smb2_dialects(text: &str) -> Vec<String> {
    let mut dialects = Vec::new();
    for line in text
        .lines()
        .skip_while(|l| !l.contains("dialects:"))
        .skip(1)
    {
        let last = line.starts_with("|_");
        let item = line.trim_start_matches(['|', '_', ' ']).trim();
        if !item.starts_with("NT LM") {
            if item.is_empty() || !item.chars().all(|c| c.is_ascii_digit() || c == ':') {
                break;
            }
            let mut digits: Vec<String> = item
                .chars()
                .filter(char::is_ascii_digit)
                .map(String::from)
                .collect();
            if digits.len() == 3 && digits[2] == "0" {
                digits.pop();
            }
            dialects.push(digits.join("."));
        }
        if last {
            break;
        }
    }
    dialects
}

/// The probe's TLS details against `openssl s_client`: the version it
/// negotiates, which legacy versions the server accepts, and the lab's
/// self-signed certificate.
pub fn verify_tls(lab: &Lab, addr: IpAddr, port: u16, tls: &TlsDetails) -> Vec<String> {
    let mut problems = Vec::new();
    let connect = SocketAddr::new(addr, port).to_string();
    let s_client = |extra: &[&str]| {
        let mut args = vec!["s_client", "-connect", &connect, "-brief"];
        args.extend_from_slice(extra);
        let out = in_ns(lab.probe_ns(), "openssl", &args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        text.lines()
            .find_map(|l| l.strip_prefix("Protocol version: "))
            .map(|v| v.trim().to_string())
    };
    let best = s_client(&[]);
    if best.as_deref() != Some(tls.version.as_str()) {
        problems.push(format!(
            "TLS version {}, openssl negotiates {best:?}",
            tls.version
        ));
    }
    let legacy: Vec<String> = [("-tls1", "TLSv1"), ("-tls1_1", "TLSv1.1")]
        .iter()
        .filter(|(flag, _)| s_client(&[flag, "-cipher", "DEFAULT@SECLEVEL=0"]).is_some())
        .map(|(_, name)| {
            if *name == "TLSv1" {
                "TLSv1.0".into()
            } else {
                (*name).into()
            }
        })
        .collect();
    if tls.outdated_versions != legacy {
        problems.push(format!(
            "outdated TLS {:?}, openssl gets a handshake with {legacy:?}",
            tls.outdated_versions
        ));
    }
    if tls.subject.as_deref() != Some("CN=praxis-server.lab") || tls.self_signed != Some(true) {
        problems.push(format!(
            "certificate {:?} self-signed {:?}; the lab's is CN=praxis-server.lab, self-signed",
            tls.subject, tls.self_signed
        ));
    }
    problems
}

/// The probe's Kerberos details against MIT `kinit` and nmap's
/// `krb5-enum-users`, both asking the same KDC (at `addr`, port 88) about a
/// random principal. `realm` is the KDC's own realm.
///
/// What can be compared: `kinit` reports "Client ... not found in Kerberos
/// database" (KDC_ERR_C_PRINCIPAL_UNKNOWN, error code 6) for a random
/// principal both in the KDC's realm and in the probe's made-up realm
/// PORTCHECK.INVALID, which is the probe's error code 6; nmap's script, told
/// the realm, finds the realm "valid" (no KDC_ERR_WRONG_REALM) and the
/// random principal absent. What cannot: an MIT KDC answers a request for a
/// realm it does not serve with error 6 and echoes that realm, so neither
/// the probe nor nmap's script (which accepts any realm MIT is asked about)
/// learns MIT's realm; `realm` stays absent in the probe's details. A
/// Windows domain controller answers KDC_ERR_WRONG_REALM with its domain.
pub fn verify_kerberos(lab: &Lab, addr: IpAddr, realm: &str, krb: &KerberosDetails) -> Vec<String> {
    let mut problems = Vec::new();
    let probe_view = (
        krb.message,
        krb.error_code,
        krb.error.as_deref(),
        krb.realm.as_deref(),
    );
    if probe_view
        != (
            KerberosMessage::KrbError,
            Some(6),
            Some("KDC_ERR_C_PRINCIPAL_UNKNOWN"),
            None,
        )
    {
        problems.push(format!(
            "Kerberos {krb:?}; an MIT KDC answers a random principal with error 6 and no realm of its own"
        ));
    }
    if krb.server_time.is_none() {
        problems.push(format!("Kerberos without the KDC's time: {krb:?}"));
    }
    let conf = lab.dir.join(format!("krb5-client-{addr}.conf"));
    let kdc = SocketAddr::new(addr, 88);
    let text = format!(
        "[libdefaults]\n  dns_lookup_kdc = false\n  dns_lookup_realm = false\n  \
         udp_preference_limit = 1\n[realms]\n  {realm} = {{\n    kdc = {kdc}\n  }}\n  \
         PORTCHECK.INVALID = {{\n    kdc = {kdc}\n  }}\n"
    );
    std::fs::write(&conf, text).expect("write the kinit configuration");
    let principal = format!("portcheck-lab-{}", std::process::id());
    for asked in [realm, "PORTCHECK.INVALID"] {
        let who = format!("{principal}@{asked}");
        let out = Command::new("ip")
            .args(["netns", "exec", lab.probe_ns(), "kinit", &who])
            .env("KRB5_CONFIG", &conf)
            .env(
                "KRB5CCNAME",
                format!("FILE:{}", lab.dir.join("kinit-ccache").display()),
            )
            .stdin(Stdio::null())
            .output()
            .expect("kinit");
        let said = output_text(&out);
        let expected = format!("Client '{who}' not found in Kerberos database");
        if out.status.success() || !said.contains(&expected) {
            problems.push(format!(
                "kinit {who}: {said:?}; expected {expected:?} (error 6, as the probe read)"
            ));
        }
    }
    let users = lab.dir.join("krb5-users.txt");
    std::fs::write(&users, format!("{principal}\n")).expect("write the user list");
    let script_args = format!("krb5-enum-users.realm={realm},userdb={}", users.display());
    let target = addr.to_string();
    let out = in_ns(
        lab.probe_ns(),
        "nmap",
        &[
            "-n",
            "-Pn",
            "-p88",
            "--script",
            "krb5-enum-users",
            "--script-args",
            &script_args,
            &target,
        ],
    );
    let nmap = output_text(&out);
    if !nmap.contains("88/tcp open  kerberos-sec")
        || nmap.contains("Invalid Kerberos REALM")
        || nmap.contains(&principal)
    {
        problems.push(format!(
            "nmap krb5-enum-users (realm {realm}) should find the KDC, accept the realm and \
             not list {principal}:\n{nmap}"
        ));
    }
    problems
}

/// The probe's HTTP details against the same page fetched with curl from
/// the probe host: status, `Server` header and title.
pub fn verify_http(lab: &Lab, addr: IpAddr, port: u16, http: &HttpDetails) -> Vec<String> {
    let url = format!("http://{}/", SocketAddr::new(addr, port));
    let out = in_ns(
        lab.probe_ns(),
        "curl",
        &["-sS", "--max-time", "10", "-D", "-", &url],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok());
    let server = text.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("server")
            .then(|| value.trim().to_string())
    });
    let title = text
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map(|(t, _)| t.to_string());
    let curl = (status, server, title);
    let probe = (Some(http.status), http.server.clone(), http.title.clone());
    if probe == curl {
        return Vec::new();
    }
    vec![format!(
        "HTTP on {port}: probe (status, server, title) {probe:?}, curl {curl:?}"
    )]
}

/// Samba's client on the probe host, with the lab's client configuration.
pub fn smbclient(lab: &Lab, args: &[&str]) -> String {
    let mut all = vec!["-s", lab.get("SMBCLIENT_CONF"), "-N"];
    all.extend_from_slice(args);
    let out = in_ns(lab.probe_ns(), "smbclient", &all);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn nmap_smb_dialects(lab: &Lab, target: &str) -> String {
    let out = in_ns(
        lab.probe_ns(),
        "nmap",
        &["-n", "-Pn", "-p445", "--script", "smb-protocols", target],
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One port as nmap reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NmapPort {
    pub state: String,
    pub reason: String,
}

/// The `<port>` elements of nmap's XML output. Ports that nmap folds into
/// `<extraports>` are not listed individually, so that must not happen for the
/// ports of the plan scanned here.
pub fn parse_nmap_xml(xml: &str) -> BTreeMap<u16, NmapPort> {
    assert!(
        !xml.contains("<extraports"),
        "nmap folded ports into extraports:\n{xml}"
    );
    let mut ports = BTreeMap::new();
    for chunk in xml.split("<port ").skip(1) {
        let port = attr(chunk, "portid").and_then(|p| p.parse().ok());
        let state_elem = chunk.split("<state ").nth(1).unwrap_or_default();
        if let (Some(port), Some(state), Some(reason)) =
            (port, attr(state_elem, "state"), attr(state_elem, "reason"))
        {
            ports.insert(port, NmapPort { state, reason });
        }
    }
    ports
}

/// The value of attribute `name` in the text of an XML element.
pub fn attr(elem: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let mut from = 0;
    while let Some(i) = elem[from..].find(&key).map(|i| i + from) {
        let value = &elem[i + key.len()..];
        if i == 0 || elem.as_bytes()[i - 1].is_ascii_whitespace() {
            return Some(value[..value.find('"')?].to_string());
        }
        from = i + key.len();
    }
    None
}

/// What the probe's answer for a port means in nmap's words.
pub fn nmap_state_word(state: PortState) -> &'static str {
    match state {
        PortState::Open => "open",
        PortState::Closed => "closed",
        PortState::Filtered => "filtered",
        PortState::OpenFiltered => "open|filtered",
        PortState::Error => "error",
    }
}

/// A difference between portcheck and nmap that is understood: the reason it
/// exists. Anything not listed here fails the comparison.
pub fn explained_difference(
    family: Family,
    pc: &PortResult,
    nm: &NmapPort,
    timeout_ms: u64,
) -> Option<&'static str> {
    match (
        pc.state,
        pc.reason,
        nm.state.as_str(),
        nm.reason.as_str(),
        family,
    ) {
        (
            PortState::Filtered,
            Reason::Timeout,
            "filtered",
            "admin-prohibited" | "port-unreach",
            Family::Ipv6,
        ) if timeout_ms < 1000 => Some(
            "lab artefact (near-zero RTT): the ICMPv6 error to the first SYN arrives while \
                 connect() still holds the socket and is dropped; the kernel reports the error \
                 only after retransmitting the SYN 1 s later, beyond the probe's timeout. Both \
                 say filtered; only the reason differs",
        ),
        _ => None,
    }
}

/// nmap's reason for a port as the probe would name it, when they mean the
/// same thing.
pub fn same_reason(family: Family, pc: Reason, nmap_reason: &str) -> bool {
    matches!(
        (pc, nmap_reason, family),
        (Reason::Connected, "syn-ack", _)
            | (Reason::Refused, "reset" | "conn-refused", _)
            | (Reason::Timeout, "no-response", _)
            | (Reason::Unreachable, "port-unreach", _)
            | (
                Reason::Unreachable,
                "admin-prohibited" | "host-unreach" | "net-unreach",
                Family::Ipv4
            )
            | (Reason::Prohibited, "admin-prohibited", Family::Ipv6)
            | (
                Reason::Unreachable,
                "host-unreach" | "addr-unreach" | "no-route",
                Family::Ipv6
            )
    )
}

/// One row of a comparison between the probe and nmap.
#[derive(Debug, Clone)]
pub struct Row {
    pub port: u16,
    pub portcheck: String,
    pub nmap: String,
    /// `None` when they agree, else the explanation, or "UNEXPLAINED".
    pub difference: Option<&'static str>,
}

/// Compare a report's TCP ports with nmap's TCP view of the same host,
/// port by port (UDP entries are compared with `nmap -sU` on their own).
pub fn compare(family: Family, report: &Report, nmap: &BTreeMap<u16, NmapPort>) -> Vec<Row> {
    report
        .ports
        .iter()
        .chain(&report.control)
        .filter(|pc| pc.transport == Transport::Tcp)
        .map(|pc| {
            let nm = nmap.get(&pc.port).cloned().unwrap_or(NmapPort {
                state: "missing".into(),
                reason: "missing".into(),
            });
            let agree =
                nmap_state_word(pc.state) == nm.state && same_reason(family, pc.reason, &nm.reason);
            let difference = if agree {
                None
            } else {
                Some(
                    explained_difference(family, pc, &nm, report.timeout_ms)
                        .unwrap_or("UNEXPLAINED"),
                )
            };
            Row {
                port: pc.port,
                portcheck: format!("{}/{}", nmap_state_word(pc.state), reason_word(pc.reason)),
                nmap: format!("{}/{}", nm.state, nm.reason),
                difference,
            }
        })
        .collect()
}

pub fn reason_word(r: Reason) -> String {
    wire_name(r)
}

pub fn format_rows(rows: &[Row]) -> String {
    rows.iter()
        .map(|r| {
            format!(
                "  {:>3}  portcheck {:<22} nmap {:<28} {}",
                r.port,
                r.portcheck,
                r.nmap,
                match r.difference {
                    None => "agree".to_string(),
                    Some(why) => format!("DIFFER: {why}"),
                }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
