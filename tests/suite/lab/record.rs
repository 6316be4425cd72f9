//! Records the fuzz targets' seed corpora (`fuzz/corpus/<target>/`) from the
//! lab's real services: each service is asked the probe's own questions,
//! built by the crate's own request builders (SMB negotiations per dialect,
//! the SMB1 question and the guest and anonymous session setups; TLS 1.0
//! and 1.1 ClientHellos; `GET /`; the AS-REQ; the X.224 connection request;
//! the SSLRequest; the NetBIOS session request; the SSDP search), from the
//! lab's probe host, and the bytes the parser would be handed (after the
//! framing the probe strips: the NetBIOS header, the Kerberos record marker,
//! TPKT) are written to `fuzz/corpus/<target>/<software>-<what>`. Services
//! that speak first (SSH, FTP, Telnet, VNC, MariaDB) are read as the probe
//! reads them. SQL Server has no lab service: its seed is the in-tree
//! stand-in's answer (`standin-` in the file name).
//!
//! Not part of a normal lab run (`#[ignore]`): `scripts/fuzz --record 0`
//! runs it (root), and the rewritten files are then committed. Every answer
//! must be recognised by its parser and pass its fuzz target's checks, or
//! the recording fails, so the seeds are known to be real answers.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use portcheck::probe::ident::services::greeting::{self, telnet};
use portcheck::probe::ident::services::smb::{self, ntlm};
use portcheck::probe::ident::services::{
    http, kerberos, mssql, netbios, postgres, rdp, ssdp, tls, vnc,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::time::{Instant, timeout_at};

use super::practice;
use crate::support::lab::Lab;

/// The lab's hosts the answers come from.
const VISITORS: [&str; 9] = [
    "smb", "smbweb", "noguest", "tlsweb", "rangefwd", "v6pin", "remote", "office", "upnpwan",
];

/// How long one question may wait for its answer.
const WAIT: Duration = Duration::from_secs(5);

/// A recording: the target's corpus it belongs to, its file name, the bytes.
struct Seed {
    target: &'static str,
    name: String,
    bytes: Vec<u8>,
}

fn seed(target: &'static str, name: impl Into<String>, bytes: Vec<u8>) -> Seed {
    Seed {
        target,
        name: name.into(),
        bytes,
    }
}

async fn connect(addr: SocketAddr) -> Option<TcpStream> {
    let s = timeout_at(Instant::now() + WAIT, TcpStream::connect(addr))
        .await
        .ok()?
        .ok()?;
    let _ = s.set_nodelay(true);
    Some(s)
}

/// Read until `done`, `cap` bytes, the peer closing, or [`WAIT`].
async fn read_until(s: &mut TcpStream, cap: usize, mut done: impl FnMut(&[u8]) -> bool) -> Vec<u8> {
    let deadline = Instant::now() + WAIT;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !done(&buf) && buf.len() < cap {
        let want = (cap - buf.len()).min(chunk.len());
        match timeout_at(deadline, s.read(&mut chunk[..want])).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    buf
}

/// One message behind a 4-byte length header, without the header (what
/// the probe's parsers are given).
async fn read_framed(s: &mut TcpStream, len: impl Fn([u8; 4]) -> Option<usize>) -> Option<Vec<u8>> {
    let head = read_until(s, 4, |b| b.len() >= 4).await;
    let n = len(*head.first_chunk::<4>()?)?;
    let msg = read_until(s, n, |b| b.len() >= n).await;
    (msg.len() == n).then_some(msg)
}

/// Send `request` on a fresh connection and read one framed answer.
async fn framed_exchange(
    addr: SocketAddr,
    request: &[u8],
    len: impl Fn([u8; 4]) -> Option<usize>,
) -> Option<Vec<u8>> {
    let mut s = connect(addr).await?;
    s.write_all(request).await.ok()?;
    read_framed(&mut s, len).await
}

/// Send `request` on a fresh connection and read until `done`.
async fn ask(
    addr: SocketAddr,
    request: &[u8],
    cap: usize,
    done: impl FnMut(&[u8]) -> bool,
) -> Option<Vec<u8>> {
    let mut s = connect(addr).await?;
    s.write_all(request).await.ok()?;
    let answer = read_until(&mut s, cap, done).await;
    (!answer.is_empty()).then_some(answer)
}

fn smb_len(h: [u8; 4]) -> Option<usize> {
    smb::frame_len(h).ok().filter(|&n| n <= smb::MAX_MESSAGE)
}

/// The probe's SMB questions to one Samba host, named after `what`.
async fn smb_answers(addr: SocketAddr, what: &str, seeds: &mut Vec<Seed>) {
    for d in smb::DIALECTS {
        let req = smb::negotiate_request(&[d], [0x5a; 16], [0xa5; 32]);
        if let Some(msg) = framed_exchange(addr, &req, smb_len).await {
            seeds.push(seed("smb", format!("{what}-negotiate-{d:04x}"), msg));
        }
    }
    let smb1 = framed_exchange(addr, &smb::smb1_negotiate_request(), smb_len).await;
    if let Some(msg) = smb1 {
        seeds.push(seed("smb", format!("{what}-smb1-negotiate"), msg));
    }
    for (user, who) in [(Some(ntlm::GUEST_PROBE_USER), "guest"), (None, "anonymous")] {
        session(addr, user, &format!("{what}-session-{who}"), seeds).await;
    }
}

/// A session setup as the probe's: negotiate, NTLM negotiate, authenticate
/// without a password; every answer recorded.
async fn session(addr: SocketAddr, user: Option<&str>, what: &str, seeds: &mut Vec<Seed>) {
    let Some(mut s) = connect(addr).await else {
        return;
    };
    let dialects = [0x0202, 0x0210, 0x0300, 0x0302];
    let neg = smb::negotiate_request(&dialects, [0x5a; 16], [0xa5; 32]);
    if s.write_all(&neg).await.is_err() || read_framed(&mut s, smb_len).await.is_none() {
        return;
    }
    let init = smb::spnego_init(&ntlm::negotiate_message(user.is_none()));
    if s.write_all(&smb::session_setup_request(1, 0, &init))
        .await
        .is_err()
    {
        return;
    }
    let Some(first) = read_framed(&mut s, smb_len).await else {
        return;
    };
    seeds.push(seed("smb", format!("{what}-challenge"), first.clone()));
    let Ok(answer) = smb::parse_session_setup_response(&first) else {
        return;
    };
    let Some(challenge) = smb::find_ntlmssp(&answer.token).and_then(ntlm::parse_challenge) else {
        return;
    };
    // Windows FILETIME: 100 ns since 1601.
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() / 100) as u64;
    let auth =
        ntlm::authenticate_message(&challenge, user, [0x33; 8], now + 116_444_736_000_000_000);
    let req = smb::session_setup_request(2, answer.session_id, &smb::spnego_response(&auth));
    if s.write_all(&req).await.is_err() {
        return;
    }
    if let Some(last) = read_framed(&mut s, smb_len).await {
        seeds.push(seed("smb", format!("{what}-result"), last));
    }
}

/// The first flight a server answers a TLS 1.0 or 1.1 ClientHello with,
/// and the certificate in it on its own.
async fn tls_answers(addr: SocketAddr, what: &str, seeds: &mut Vec<Seed>) {
    for (version, name) in [(tls::TLS1_0, "tls10"), (tls::TLS1_1, "tls11")] {
        let hello = tls::legacy_client_hello(version, [0x42; 32]);
        let mut reader = tls::FlightReader::default();
        let done = |b: &[u8]| reader.read(b) != tls::LegacyAnswer::NeedMore;
        let Some(flight) = ask(addr, &hello, tls::MAX_FLIGHT, done).await else {
            continue;
        };
        let der = format!("{what}-certificate.der");
        if let tls::LegacyAnswer::Hello {
            certificate: Some(c),
            ..
        } = tls::parse_legacy_flight(&flight)
        {
            if !seeds.iter().any(|s| s.name == der) {
                seeds.push(seed("tls", der, c));
            }
        }
        seeds.push(seed("tls", format!("{what}-answer-to-{name}"), flight));
    }
}

/// The answer to the probe's `GET /`.
async fn http_answer(addr: SocketAddr) -> Option<Vec<u8>> {
    let mut progress = http::ResponseProgress::default();
    let request = http::request(&http::host_header(addr));
    ask(addr, &request, http::MAX_RESPONSE, |b| progress.complete(b)).await
}

/// What a service sends first, read as the probe reads a greeting.
async fn greeting_of(s: &mut TcpStream) -> Vec<u8> {
    let mut progress = greeting::GreetingProgress::default();
    read_until(s, portcheck::probe::ident::text::MAX_GREETING, |b| {
        progress.complete(b)
    })
    .await
}

async fn greeting_at(addr: SocketAddr) -> Option<Vec<u8>> {
    let mut s = connect(addr).await?;
    let g = greeting_of(&mut s).await;
    (!g.is_empty()).then_some(g)
}

/// A VNC server's version, and its security offer after the probe's reply.
async fn vnc_answers(addr: SocketAddr, what: &str, seeds: &mut Vec<Seed>) {
    let Some(mut s) = connect(addr).await else {
        return;
    };
    let version = read_until(&mut s, vnc::VERSION_LEN, |b| b.len() >= vnc::VERSION_LEN).await;
    let Some(v) = vnc::parse_version(&version) else {
        return;
    };
    seeds.push(seed("greeting", format!("{what}-version"), version));
    if s.write_all(v.reply()).await.is_err() {
        return;
    }
    let lists = v.lists_types();
    let offer = read_until(&mut s, vnc::MAX_OFFER, |b| vnc::offer_complete(b, lists)).await;
    seeds.push(seed("greeting", format!("{what}-security-offer"), offer));
}

/// telnetd's option negotiation, and all it sent once the probe refused
/// its options (what the probe parses last).
async fn telnet_answers(addr: SocketAddr, seeds: &mut Vec<Seed>) {
    let Some(mut s) = connect(addr).await else {
        return;
    };
    let mut buf = read_until(&mut s, portcheck::probe::ident::text::MAX_GREETING, |b| {
        !b.is_empty()
    })
    .await;
    let Some(n) = telnet::parse(&buf) else {
        return;
    };
    seeds.push(seed("greeting", "inetutils-telnetd-options", buf.clone()));
    if n.refusal.is_empty() || s.write_all(&n.refusal).await.is_err() {
        return;
    }
    let mut reader = telnet::Reader::default();
    let cap = portcheck::probe::ident::text::MAX_GREETING.saturating_sub(buf.len());
    let more = read_until(&mut s, cap, |b| {
        reader.read(&[&buf[..], b].concat()) && reader.greeted()
    })
    .await;
    buf.extend_from_slice(&more);
    seeds.push(seed("greeting", "inetutils-telnetd-after-refusal", buf));
}

/// Every datagram a UPnP device answers the probe's SSDP search with.
async fn ssdp_answers(ip: IpAddr, seeds: &mut Vec<Seed>) {
    let to = SocketAddr::new(ip, ssdp::SSDP_PORT);
    let bind = match ip {
        IpAddr::V4(_) => "0.0.0.0:0",
        IpAddr::V6(_) => "[::]:0",
    };
    let Ok(socket) = UdpSocket::bind(bind).await else {
        return;
    };
    if socket.send_to(&ssdp::m_search(to), to).await.is_err() {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut buf = vec![0u8; ssdp::MAX_DATAGRAM];
    let mut n = 0;
    while let Ok(Ok((len, from))) = timeout_at(deadline, socket.recv_from(&mut buf)).await {
        if from.ip() == ip {
            n += 1;
            seeds.push(seed(
                "ssdp",
                format!("miniupnpd-search-answer-{n}"),
                buf[..len].to_vec(),
            ));
        }
    }
}

/// Every answer of the lab's services to the probe's questions.
async fn record_all(hosts: Hosts) -> Vec<Seed> {
    let mut seeds = Vec::new();
    let at = SocketAddr::new;

    smb_answers(at(hosts.smb, 445), "samba-smb2-guest", &mut seeds).await;
    smb_answers(at(hosts.smbweb, 445), "samba-nt1-guest", &mut seeds).await;
    smb_answers(at(hosts.noguest, 445), "samba-signing-required", &mut seeds).await;

    tls_answers(at(hosts.tlsweb, 448), "openssl-s-server-tls10", &mut seeds).await;
    tls_answers(at(hosts.tlsweb, 443), "openssl-s-server-tls12", &mut seeds).await;
    tls_answers(at(hosts.v6pin, 443), "socat-legacy", &mut seeds).await;
    tls_answers(at(hosts.rangefwd, 443), "socat", &mut seeds).await;

    for (addr, name) in [
        (at(hosts.rangefwd, 80), "python-http-server"),
        (at(hosts.tlsweb, 440), "python-http-server-fritzbox-page"),
        (at(hosts.office, 631), "cups"),
        // Not HTTP, but what the probe's `GET /` reads there.
        (at(hosts.rangefwd, 88), "mit-kdc-answer-to-get"),
        (at(hosts.remote, 3389), "xrdp-answer-to-get"),
    ] {
        if let Some(a) = http_answer(addr).await {
            seeds.push(seed("http", name, a));
        }
    }

    let kdc = at(hosts.rangefwd, 88);
    let krb_len = |h| {
        kerberos::frame_len(h)
            .ok()
            .filter(|&n| n <= kerberos::MAX_MESSAGE)
    };
    for (realm, what) in [
        (kerberos::PROBE_REALM, "mit-kdc-as-req-probe-realm"),
        ("PRAXIS.LAB", "mit-kdc-as-req-lab-realm"),
    ] {
        let req = kerberos::as_req("portcheck-0123456789", realm, 0x1234_5678);
        if let Some(msg) = framed_exchange(kdc, &req, krb_len).await {
            seeds.push(seed("kerberos", what, msg));
        }
    }
    let mut progress = http::ResponseProgress::default();
    let get = http::request(&http::host_header(kdc));
    if let Some(a) = ask(kdc, &get, http::MAX_RESPONSE, |b| progress.complete(b)).await {
        if let Some(msg) = a.get(4..) {
            seeds.push(seed("kerberos", "mit-kdc-answer-to-get", msg.to_vec()));
        }
    }

    let rdp = at(hosts.remote, 3389);
    if let Some(tpdu) = framed_exchange(rdp, &rdp::CONNECTION_REQUEST, rdp::tpkt_len).await {
        seeds.push(seed("rdp", "xrdp-connection-confirm", tpdu));
    }

    let pg = at(hosts.office, 5432);
    if let Some(a) = ask(
        pg,
        &postgres::SSL_REQUEST,
        postgres::MAX_ANSWER,
        postgres::answer_complete,
    )
    .await
    {
        seeds.push(seed("databases", "postgresql-sslrequest-answer", a));
    }
    let packet = crate::ident::services::SQL_SERVER_2019_PRELOGIN_ANSWER;
    seeds.push(seed(
        "databases",
        "standin-sqlserver-2019-prelogin-packet",
        packet.to_vec(),
    ));
    // What the parser gets: the answer after its 8-byte TDS header.
    seeds.push(seed(
        "databases",
        "standin-sqlserver-2019-prelogin",
        packet[8..].to_vec(),
    ));

    let nbss = at(hosts.office, 139);
    let done = |b: &[u8]| netbios::answer_len(b).is_some_and(|n| b.len() >= n);
    if let Some(a) = ask(nbss, &netbios::session_request(), netbios::MAX_ANSWER, done).await {
        seeds.push(seed("netbios", "samba-session-answer", a));
    }

    for (addr, name) in [
        (at(hosts.office, 22), "openssh-greeting"),
        (at(hosts.office, 21), "vsftpd-greeting"),
        (
            at(hosts.remote, 3306),
            "mariadb-greeting-to-a-host-without-grant",
        ),
    ] {
        if let Some(g) = greeting_at(addr).await {
            seeds.push(seed("greeting", name, g));
        }
    }
    vnc_answers(at(hosts.remote, 5900), "tigervnc-no-password", &mut seeds).await;
    vnc_answers(at(hosts.office, 5901), "tigervnc-password", &mut seeds).await;
    telnet_answers(at(hosts.office, 23), &mut seeds).await;

    ssdp_answers(hosts.upnpwan, &mut seeds).await;
    seeds
}

/// The addresses of the hosts in [`VISITORS`].
struct Hosts {
    smb: IpAddr,
    smbweb: IpAddr,
    noguest: IpAddr,
    tlsweb: IpAddr,
    rangefwd: IpAddr,
    v6pin: IpAddr,
    remote: IpAddr,
    office: IpAddr,
    upnpwan: IpAddr,
}

/// Whether a seed is what its parser recognises: a real answer, not an
/// error page or a cut-off read.
fn recognised(s: &Seed) -> bool {
    let b = &s.bytes[..];
    match s.target {
        "smb" if s.name.ends_with("-smb1-negotiate") => {
            smb::parse_smb1_negotiate_response(b).is_ok()
        }
        "smb" if s.name.contains("-negotiate-") => smb::parse_negotiate_response(b).is_ok(),
        "smb" => smb::parse_session_setup_response(b).is_ok(),
        "tls" if s.name.ends_with(".der") => tls::summarize_certificate(b).is_some(),
        "tls" => tls::parse_legacy_flight(b) != tls::LegacyAnswer::NeedMore,
        "http" if s.name.contains("-answer-to-get") => !b.is_empty(),
        "http" => http::parse_response(b).is_some(),
        "kerberos" => kerberos::parse_answer(b).is_ok(),
        "rdp" => rdp::parse_confirm(b).is_some(),
        "databases" if s.name.starts_with("postgresql") => postgres::parse_answer(b).is_some(),
        "databases" if s.name.ends_with("-packet") => {
            b.first_chunk::<4>().and_then(|h| mssql::frame_len(*h)) == Some(b.len() - 4)
        }
        "databases" => mssql::parse_prelogin(b).is_some(),
        "netbios" => netbios::parse_answer(b).is_some(),
        "ssdp" => ssdp::parse_answer(b).is_some(),
        "greeting" if s.name.contains("telnetd") => telnet::parse(b).is_some(),
        "greeting" if s.name.ends_with("-version") => vnc::parse_version(b).is_some(),
        "greeting" if s.name.ends_with("-security-offer") => {
            vnc::parse_offer(b, true).is_some_and(|t| !t.is_empty())
        }
        "greeting" => !matches!(
            greeting::classify(b, portcheck::plan::Service::Http),
            greeting::Greeting::Nothing | greeting::Greeting::Other(_)
        ),
        _ => false,
    }
}

/// What must be among the recordings: one or more seeds of every service.
const EXPECTED: &[&str] = &[
    "smb/samba-smb2-guest-negotiate-0311",
    "smb/samba-smb2-guest-session-guest-result",
    "smb/samba-nt1-guest-smb1-negotiate",
    "smb/samba-signing-required-session-guest-result",
    "tls/openssl-s-server-tls10-answer-to-tls10",
    "tls/openssl-s-server-tls10-certificate.der",
    "tls/socat-legacy-answer-to-tls11",
    "http/python-http-server",
    "http/python-http-server-fritzbox-page",
    "http/cups",
    "kerberos/mit-kdc-as-req-probe-realm",
    "rdp/xrdp-connection-confirm",
    "databases/postgresql-sslrequest-answer",
    "netbios/samba-session-answer",
    "greeting/openssh-greeting",
    "greeting/vsftpd-greeting",
    "greeting/mariadb-greeting-to-a-host-without-grant",
    "greeting/tigervnc-no-password-security-offer",
    "greeting/tigervnc-password-security-offer",
    "greeting/inetutils-telnetd-after-refusal",
    "ssdp/miniupnpd-search-answer-1",
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus")
}

#[test]
#[ignore = "rewrites fuzz/corpus from the lab: scripts/fuzz --record 0"]
fn record_seed_corpora_from_the_lab_services() {
    let mut tools = practice::TOOLS.to_vec();
    tools.push("krb5kdc");
    let Some(lab) = Lab::for_test_needing(
        "record_seed_corpora_from_the_lab_services",
        &VISITORS,
        &[],
        &tools,
    ) else {
        return;
    };
    let v4 = |name: &str| lab.visitor(name).ipv4.expect("an IPv4 address");
    let hosts = Hosts {
        smb: v4("smb"),
        smbweb: v4("smbweb"),
        noguest: v4("noguest"),
        tlsweb: v4("tlsweb"),
        rangefwd: v4("rangefwd"),
        v6pin: lab.visitor("v6pin").ipv6.expect("v6pin's IPv6 address"),
        remote: v4("remote"),
        office: v4("office"),
        upnpwan: v4("upnpwan"),
    };
    let seeds = lab.in_probe(async move || record_all(hosts).await);
    let mut problems = Vec::new();
    let root = corpus_dir();
    for s in &seeds {
        let id = format!("{}/{}", s.target, s.name);
        if !recognised(s) {
            problems.push(format!(
                "{id}: not recognised: {:02x?}",
                &s.bytes[..s.bytes.len().min(64)]
            ));
            continue;
        }
        let dir = root.join(s.target);
        std::fs::create_dir_all(&dir).expect("corpus directory");
        std::fs::write(dir.join(&s.name), &s.bytes).expect("write a seed");
        eprintln!("recorded {id} ({} bytes)", s.bytes.len());
    }
    for want in EXPECTED {
        if !seeds
            .iter()
            .any(|s| format!("{}/{}", s.target, s.name) == *want)
        {
            problems.push(format!("{want}: no answer"));
        }
    }
    assert!(
        problems.is_empty(),
        "recording problems:\n{}",
        problems.join("\n")
    );
}
