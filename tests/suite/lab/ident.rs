//! Identification against real software on lab hosts (tests/lab/lab.sh):
//! Samba with SMB2/3 only, with SMB1, with and without guest access;
//! openssl and socat TLS servers (self-signed; TLS 1.2 only, TLS 1.3 only,
//! TLS 1.0 only); a plain HTTP router login page. The probe code runs inside
//! the lab's probe namespace (a thread that joined it), and nmap's
//! `smb-protocols` and `smb2-security-mode` scripts, smbclient and openssl
//! check the same hosts from there: our details must match theirs.
//!
//! The benchmark (`--ignored`, see BENCHMARKS.md) times a full check of the
//! Samba+TLS visitor with and without identification against nmap `-sV`.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use portcheck::api::{FindingId, HttpDetails, Level, PortDetails, Report, SmbDetails, TlsDetails};
use portcheck::plan::Plan;
use portcheck::probe::ident::{Budget, identify};
use portcheck::probe::scan::{Timing, scan_with};

use super::clients::{plan_port_spec, verify_smb};
use crate::support::lab::Lab;

/// The identification hosts of the lab, and `smb` (Samba, SMB2/3 only, guest
/// share).
const HOSTS: [&str; 4] = ["smb", "smbweb", "noguest", "tlsweb"];

/// The IPv4 address (or the IPv6 one, `v6`) of visitor `name`.
fn host(lab: &Lab, name: &str, v6: bool) -> IpAddr {
    let v = lab.visitor(name);
    if v6 { v.ipv6 } else { v.ipv4 }.unwrap_or_else(|| panic!("{name} has no such address"))
}

fn ids(r: &Report) -> Vec<FindingId> {
    r.verdict.findings.iter().map(|f| f.id).collect()
}

fn show(d: &PortDetails) -> String {
    serde_json::to_string(d).expect("json")
}

// Each part of the details must be there; the message shows them all.
fn smb(d: &PortDetails) -> &SmbDetails {
    d.smb
        .as_ref()
        .unwrap_or_else(|| panic!("no SMB: {}", show(d)))
}

fn tls(d: &PortDetails) -> &TlsDetails {
    d.tls
        .as_ref()
        .unwrap_or_else(|| panic!("no TLS: {}", show(d)))
}

fn http_of(d: &PortDetails) -> &HttpDetails {
    d.http
        .as_ref()
        .unwrap_or_else(|| panic!("no HTTP: {}", show(d)))
}

const TIMING: Timing = Timing {
    floor: Duration::from_millis(150),
    ceiling: Duration::from_millis(1500),
};

#[test]
fn identification_against_real_servers_matches_nmap() {
    let Some(lab) = Lab::for_test(
        "identification_against_real_servers_matches_nmap",
        &HOSTS,
        &[],
    ) else {
        return;
    };
    let budget = Budget::STANDARD;
    let (smb2_ip, smb1_ip, noguest_ip, web_ip) = (
        host(&lab, "smb", false),
        host(&lab, "smbweb", false),
        host(&lab, "noguest", false),
        host(&lab, "tlsweb", false),
    );
    let smb1_v6_ip = host(&lab, "smbweb", true);
    let targets = [
        (smb2_ip, 445),
        (smb1_ip, 445),
        (noguest_ip, 445),
        (smb1_ip, 443),
        (web_ip, 443),
        (web_ip, 444),
        (web_ip, 448),
        (web_ip, 440),
        (smb1_v6_ip, 445),
        (smb1_v6_ip, 443),
    ]
    .map(|(ip, port)| SocketAddr::new(ip, port));
    let (details, report, took) = lab.in_probe(async move || {
        let details: Vec<PortDetails> = futures_util::future::join_all(targets.iter().map(|a| {
            identify(
                *a,
                Plan::standard().expects(a.port(), portcheck::plan::Transport::Tcp),
                budget,
            )
        }))
        .await;
        let started = Instant::now();
        let plan = Plan::standard();
        let report = scan_with(smb1_ip, &plan, TIMING, None, Some(budget), |_| {}).await;
        (details, report, started.elapsed())
    });
    let [
        smb2,
        smb1,
        noguest,
        smb1_tls,
        tls12,
        tls13,
        tls10,
        http,
        smb1_v6,
        smb1_tls_v6,
    ] = &details[..]
    else {
        panic!("ten results");
    };

    // Samba, SMB2/3 only, guest share.
    let s = smb(smb2);
    assert_eq!(s.smb1, Some(false), "{}", show(smb2));
    assert_eq!(s.guest_access, Some(true), "{}", show(smb2));
    assert_eq!(s.signing_required, Some(false), "{}", show(smb2));

    // Samba with SMB1 and a guest share: the Celle server.
    let s = smb(smb1);
    assert_eq!(s.smb1, Some(true), "{}", show(smb1));
    assert_eq!(s.guest_access, Some(true), "{}", show(smb1));

    // Samba without guest mapping, signing mandatory.
    let s = smb(noguest);
    assert_eq!(s.guest_access, Some(false), "{}", show(noguest));
    assert_eq!(s.signing_required, Some(true), "{}", show(noguest));
    assert_eq!(s.smb1, Some(false), "{}", show(noguest));

    // The same three hosts through nmap's eyes (dialects, SMB1, signing) and
    // Samba's own client (guest access).
    for (addr, d) in [(smb2_ip, smb2), (smb1_ip, smb1), (noguest_ip, noguest)] {
        let problems = verify_smb(&lab, addr, smb(d));
        assert!(problems.is_empty(), "{addr}: {}\n{problems:#?}", show(d));
    }

    // socat TLS (OpenSSL defaults: TLS 1.3), self-signed, with a web page.
    let t = tls(smb1_tls);
    assert_eq!(t.version, "TLSv1.3");
    assert!(t.outdated_versions.is_empty(), "{}", show(smb1_tls));
    assert_eq!(t.subject.as_deref(), Some("CN=praxis-server.lab"));
    assert_eq!(t.issuer.as_deref(), Some("CN=praxis-server.lab"));
    assert_eq!(t.self_signed, Some(true));
    assert!(t.not_before.is_some() && t.not_after.is_some());
    let h = http_of(smb1_tls);
    assert_eq!(h.status, 200);
    assert_eq!(h.server.as_deref(), Some("praxis-web"));
    assert_eq!(h.title.as_deref(), Some("Praxis Web"));

    // openssl s_server: TLS 1.2 only, TLS 1.3 only, TLS 1.0 only.
    let t = tls(tls12);
    assert_eq!(t.version, "TLSv1.2", "{}", show(tls12));
    assert!(t.outdated_versions.is_empty());
    assert_eq!(t.self_signed, Some(true));
    assert_eq!(
        tls12.http.as_ref().map(|h| h.status),
        Some(200),
        "{}",
        show(tls12)
    );
    let t = tls(tls13);
    assert_eq!(t.version, "TLSv1.3", "{}", show(tls13));
    let t = tls(tls10);
    assert_eq!(t.version, "TLSv1.0", "{}", show(tls10));
    assert_eq!(t.outdated_versions, ["TLSv1.0"], "{}", show(tls10));
    assert_eq!(t.subject.as_deref(), Some("CN=praxis-server.lab"));

    // Python's http.server with a router login page.
    let h = http_of(http);
    assert_eq!(h.status, 200);
    assert!(
        h.server
            .as_deref()
            .is_some_and(|s| s.contains("SimpleHTTP"))
    );
    assert_eq!(h.title.as_deref(), Some("FRITZ!Box"));
    assert_eq!(h.admin_interface.as_deref(), Some("FRITZ!Box"));

    // The same host over IPv6 shows the same.
    assert_eq!(smb1_v6.smb, smb1.smb, "{}", show(smb1_v6));
    assert_eq!(
        smb1_tls_v6.tls.as_ref().map(|t| t.version.as_str()),
        Some("TLSv1.3"),
        "{}",
        show(smb1_tls_v6)
    );
    assert_eq!(smb1_tls_v6.http, smb1_tls.http, "{}", show(smb1_tls_v6));

    // The full check of the Samba+TLS visitor: every finding, within budget.
    assert_eq!(report.verdict.level, Level::Critical);
    assert_eq!(
        ids(&report),
        vec![
            FindingId::SmbExposed,
            FindingId::SmbGuestAccess,
            FindingId::Smb1Enabled,
            FindingId::SmbSigningNotRequired,
            FindingId::HttpsExposed,
        ],
        "{:?}",
        report.verdict
    );
    assert!(
        took < budget.time + Duration::from_secs(1),
        "full check took {took:?}"
    );
}

/// Median of `n` runs of `f`, in milliseconds.
fn median_ms(n: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

/// The median of some durations, in milliseconds.
fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

#[test]
#[ignore = "benchmark: cargo test --release --test suite -- --ignored --nocapture lab::ident::bench"]
fn bench_full_check_with_and_without_identification_vs_nmap() {
    let Some(lab) = Lab::for_test(
        "bench_full_check_with_and_without_identification_vs_nmap",
        &["smbweb"],
        &[],
    ) else {
        return;
    };
    let target = host(&lab, "smbweb", false);
    let smb1 = target.to_string();
    let nmap = |args: &[&str]| {
        let mut all = vec!["-n", "-Pn"];
        all.extend_from_slice(args);
        lab.on_probe_host("nmap", &all);
    };
    const RUNS: usize = 7;
    let (without, with) = lab.in_probe(async move || {
        let run = async |ident: Option<Budget>| {
            let r = scan_with(target, &Plan::standard(), TIMING, None, ident, |_| {}).await;
            assert!(r.ports.iter().any(|p| p.port == 445));
        };
        run(Some(Budget::STANDARD)).await; // warm-up
        let mut without = Vec::new();
        let mut with = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            run(None).await;
            without.push(t.elapsed());
            let t = Instant::now();
            run(Some(Budget::STANDARD)).await;
            with.push(t.elapsed());
        }
        (median(without), median(with))
    });
    let ports = format!("-p{}", plan_port_spec());
    let nmap_plain = median_ms(RUNS, || {
        nmap(&["-T4", &ports, &smb1]);
    });
    // nmap -sV spends minutes on the TLS port (its probes wait out their
    // timeouts), so it runs once.
    let nmap_sv = median_ms(1, || {
        nmap(&[
            "-T4",
            "-sV",
            "--script",
            "smb-protocols,smb2-security-mode",
            &ports,
            &smb1,
        ]);
    });
    println!("BENCH runs={RUNS} (median, ms; nmap -sV: one run)");
    println!("BENCH portcheck scan, no identification: {without:.0}");
    println!("BENCH portcheck scan, with identification: {with:.0}");
    println!("BENCH nmap -T4 {ports} (states only): {nmap_plain:.0}");
    println!(
        "BENCH nmap -T4 -sV --script smb-protocols,smb2-security-mode {ports}: {nmap_sv:.0} ({:.1}x portcheck with identification)",
        nmap_sv / with
    );
}
