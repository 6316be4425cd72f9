//! Identification against real software on simulated internet hosts
//! (tests/lab_ident/lab.sh builds them in network namespaces): Samba with
//! SMB2/3 only, with SMB1, with and without guest access; openssl and socat
//! TLS servers (self-signed; TLS 1.2 only, TLS 1.3 only, TLS 1.0 only); a
//! plain HTTP router login page. The probe code runs inside the lab's probe
//! namespace (a thread that joined it with setns), and nmap's
//! `smb-protocols` and `smb2-security-mode` scripts check the same Samba
//! hosts from there: our dialects and signing must match nmap's.
//!
//! The benchmark (`--ignored`, see BENCHMARKS.md) times a full check of the
//! Samba+TLS visitor with and without identification against nmap `-sV`.
//!
//! Without root or the lab's tools this prints a loud SKIPPED banner; with
//! `CI` set it fails instead.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use portcheck::api::{FindingId, Level, PortDetails, Report};
use portcheck::plan::Plan;
use portcheck::probe::ident::{Budget, identify};
use portcheck::probe::scan::{Timing, scan_with};

const SMB2: &str = "198.51.100.18";
const SMB1: &str = "198.51.100.26";
const SMB1_V6: &str = "2001:db8:3::2";
const NOGUEST: &str = "198.51.100.34";
const WEB: &str = "198.51.100.42";

const TOOLS: &[&str] = &[
    "ip", "smbd", "socat", "openssl", "nmap", "ss", "unshare", "setsid", "python3",
];

fn lab_available(test: &str) -> bool {
    let why = if unsafe { libc::geteuid() } != 0 {
        Some("not root (network namespaces need root)".to_string())
    } else {
        let missing: Vec<&str> = TOOLS.iter().copied().filter(|t| !on_path(t)).collect();
        (!missing.is_empty()).then(|| format!("missing tools: {}", missing.join(" ")))
    };
    let Some(why) = why else { return true };
    if std::env::var_os("CI").is_some() {
        panic!("identification lab test {test} cannot run: {why}; CI must run it");
    }
    eprintln!(
        "\n{bar}\n!! SKIPPED identification lab test {test}: {why}.\n!! Nothing was checked \
         against real Samba/TLS servers. Run as root after `bash -c 'source scripts/lib.sh; \
         setup_lab'`.\n{bar}\n",
        bar = "!".repeat(78)
    );
    false
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()))
}

/// A running lab; dropping it (or the test process dying) tears it down,
/// because the holder exits when its stdin closes.
struct Lab {
    prefix: String,
    holder: Child,
    owner: Option<ChildStdin>,
}

impl Lab {
    fn start() -> Lab {
        let prefix = format!("pci-{}", std::process::id());
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lab_ident/lab.sh");
        let mut cmd = Command::new(script);
        cmd.args(["hold", &prefix])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // Its own process group: a Ctrl-C for the test run must not cut the
        // teardown short.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut holder = cmd.spawn().expect("start tests/lab_ident/lab.sh");
        let owner = holder.stdin.take();
        let mut out = BufReader::new(holder.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("lab output");
        assert!(
            line.starts_with("READY "),
            "the identification lab did not come up (see its messages above)"
        );
        Lab {
            prefix,
            holder,
            owner,
        }
    }

    fn ns(&self, name: &str) -> String {
        format!("{}-{name}", self.prefix)
    }

    /// Run `f` on a thread inside the probe namespace, with its own runtime.
    fn in_probe<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let path = format!("/run/netns/{}", self.ns("probe"));
        std::thread::spawn(move || {
            let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            // SAFETY: setns on this thread only; the fd is valid while `file` lives.
            let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
            f()
        })
        .join()
        .expect("probe thread")
    }

    fn nmap(&self, args: &[&str]) -> String {
        let out = Command::new("ip")
            .args(["netns", "exec", &self.ns("probe"), "nmap", "-n", "-Pn"])
            .args(args)
            .output()
            .expect("nmap");
        assert!(out.status.success(), "nmap failed: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        drop(self.owner.take());
        let _ = self.holder.wait();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn addr(ip: &str, port: u16) -> SocketAddr {
    SocketAddr::new(ip.parse().expect("ip"), port)
}

/// What nmap's smb-protocols and smb2-security-mode say about one host:
/// dialects in our notation ("2.0.2", "2.1", ...), SMB1 listed, signing
/// required.
#[derive(Debug, PartialEq)]
struct NmapSmb {
    dialects: Vec<String>,
    smb1: bool,
    signing_required: Option<bool>,
}

fn nmap_smb(output: &str, host: &str) -> NmapSmb {
    let section = output
        .split("Nmap scan report for ")
        .find(|s| s.starts_with(host))
        .unwrap_or_else(|| panic!("no nmap report for {host}:\n{output}"));
    let mut dialects = BTreeSet::new();
    let mut in_dialects = false;
    for line in section.lines() {
        let l = line.trim_start_matches(['|', '_', ' ']).trim();
        if l.starts_with("dialects:") {
            in_dialects = true;
            continue;
        }
        if in_dialects {
            let name = match l {
                "202" | "2:0:2" | "2.0.2" | "2.02" => "2.0.2",
                "210" | "2:1:0" | "2.1" | "2.10" => "2.1",
                "300" | "3:0:0" | "3.0" | "3.00" => "3.0",
                "302" | "3:0:2" | "3.0.2" | "3.02" => "3.0.2",
                "311" | "3:1:1" | "3.1.1" | "3.11" => "3.1.1",
                _ if l.starts_with("NT LM") => continue,
                _ => {
                    in_dialects = false;
                    continue;
                }
            };
            dialects.insert(name.to_string());
        }
    }
    let order = ["2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"];
    let signing_required = if section.contains("signing enabled and required") {
        Some(true)
    } else if section.contains("signing enabled but not required") {
        Some(false)
    } else {
        None
    };
    NmapSmb {
        dialects: order
            .iter()
            .filter(|d| dialects.contains(**d))
            .map(|d| d.to_string())
            .collect(),
        smb1: section.contains("NT LM 0.12"),
        signing_required,
    }
}

fn ids(r: &Report) -> Vec<FindingId> {
    r.verdict.findings.iter().map(|f| f.id).collect()
}

const TIMING: Timing = Timing {
    floor: Duration::from_millis(150),
    ceiling: Duration::from_millis(1500),
};

#[test]
fn identification_against_real_servers_matches_nmap() {
    if !lab_available("identification_against_real_servers_matches_nmap") {
        return;
    }
    let lab = Lab::start();
    let budget = Budget::STANDARD;
    let (details, report, took) = lab.in_probe(move || {
        runtime().block_on(async move {
            let targets = [
                addr(SMB2, 445),
                addr(SMB1, 445),
                addr(NOGUEST, 445),
                addr(SMB1, 443),
                addr(WEB, 443),
                addr(WEB, 444),
                addr(WEB, 448),
                addr(WEB, 440),
                addr(SMB1_V6, 445),
                addr(SMB1_V6, 443),
            ];
            let details: Vec<PortDetails> = futures_util::future::join_all(
                targets
                    .iter()
                    .map(|a| identify(*a, Plan::standard().protocol(a.port()), budget)),
            )
            .await;
            let started = Instant::now();
            let report = scan_with(
                SMB1.parse().expect("ip"),
                &Plan::standard(),
                TIMING,
                None,
                Some(budget),
                |_| {},
            )
            .await;
            (details, report, started.elapsed())
        })
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
    let show = |d: &PortDetails| serde_json::to_string(d).expect("json");

    // Samba, SMB2/3 only, guest share.
    let s = smb2
        .smb
        .as_ref()
        .unwrap_or_else(|| panic!("smb2: {}", show(smb2)));
    assert_eq!(s.smb1, Some(false), "{}", show(smb2));
    assert_eq!(s.guest_access, Some(true), "{}", show(smb2));
    assert_eq!(s.signing_required, Some(false), "{}", show(smb2));

    // Samba with SMB1 and a guest share: the Celle server.
    let s = smb1
        .smb
        .as_ref()
        .unwrap_or_else(|| panic!("smb1: {}", show(smb1)));
    assert_eq!(s.smb1, Some(true), "{}", show(smb1));
    assert_eq!(s.guest_access, Some(true), "{}", show(smb1));

    // Samba without guest mapping, signing mandatory.
    let s = noguest
        .smb
        .as_ref()
        .unwrap_or_else(|| panic!("noguest: {}", show(noguest)));
    assert_eq!(s.guest_access, Some(false), "{}", show(noguest));
    assert_eq!(s.signing_required, Some(true), "{}", show(noguest));
    assert_eq!(s.smb1, Some(false), "{}", show(noguest));

    // The same three hosts through nmap's eyes.
    let nmap = lab.nmap(&[
        "-p445",
        "--script",
        "smb-protocols,smb2-security-mode",
        SMB2,
        SMB1,
        NOGUEST,
    ]);
    for (host, d) in [(SMB2, smb2), (SMB1, smb1), (NOGUEST, noguest)] {
        let ours = d.smb.as_ref().expect("smb");
        let theirs = nmap_smb(&nmap, host);
        eprintln!("{host}: portcheck {} | nmap {theirs:?}", show(d));
        assert_eq!(ours.dialects, theirs.dialects, "dialects of {host}");
        assert_eq!(ours.smb1, Some(theirs.smb1), "SMB1 on {host}");
        assert_eq!(
            ours.signing_required, theirs.signing_required,
            "signing on {host}"
        );
    }

    // socat TLS (OpenSSL defaults: TLS 1.3), self-signed, with a web page.
    let t = smb1_tls
        .tls
        .as_ref()
        .unwrap_or_else(|| panic!("{}", show(smb1_tls)));
    assert_eq!(t.version, "TLSv1.3");
    assert!(t.outdated_versions.is_empty(), "{}", show(smb1_tls));
    assert_eq!(t.subject.as_deref(), Some("CN=praxis-server.lab"));
    assert_eq!(t.issuer.as_deref(), Some("CN=praxis-server.lab"));
    assert_eq!(t.self_signed, Some(true));
    assert!(t.not_before.is_some() && t.not_after.is_some());
    let h = smb1_tls
        .http
        .as_ref()
        .unwrap_or_else(|| panic!("{}", show(smb1_tls)));
    assert_eq!(h.status, 200);
    assert_eq!(h.server.as_deref(), Some("praxis-web"));
    assert_eq!(h.title.as_deref(), Some("Praxis Web"));

    // openssl s_server: TLS 1.2 only, TLS 1.3 only, TLS 1.0 only.
    let t = tls12
        .tls
        .as_ref()
        .unwrap_or_else(|| panic!("{}", show(tls12)));
    assert_eq!(t.version, "TLSv1.2", "{}", show(tls12));
    assert!(t.outdated_versions.is_empty());
    assert_eq!(t.self_signed, Some(true));
    assert_eq!(
        tls12.http.as_ref().map(|h| h.status),
        Some(200),
        "{}",
        show(tls12)
    );
    let t = tls13
        .tls
        .as_ref()
        .unwrap_or_else(|| panic!("{}", show(tls13)));
    assert_eq!(t.version, "TLSv1.3", "{}", show(tls13));
    let t = tls10
        .tls
        .as_ref()
        .unwrap_or_else(|| panic!("{}", show(tls10)));
    assert_eq!(t.version, "TLSv1.0", "{}", show(tls10));
    assert_eq!(t.outdated_versions, ["TLSv1.0"], "{}", show(tls10));
    assert_eq!(t.subject.as_deref(), Some("CN=praxis-server.lab"));

    // Python's http.server with a router login page.
    let h = http
        .http
        .as_ref()
        .unwrap_or_else(|| panic!("{}", show(http)));
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
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[n / 2]
}

#[test]
#[ignore = "benchmark: cargo test --release --test lab_ident -- --ignored --nocapture"]
fn bench_full_check_with_and_without_identification_vs_nmap() {
    if !lab_available("bench_full_check_with_and_without_identification_vs_nmap") {
        return;
    }
    let lab = Lab::start();
    const RUNS: usize = 7;
    let (without, with) = lab.in_probe(|| {
        let rt = runtime();
        let target = SMB1.parse().expect("ip");
        let run = |ident: Option<Budget>| {
            let r = rt.block_on(scan_with(
                target,
                &Plan::standard(),
                TIMING,
                None,
                ident,
                |_| {},
            ));
            assert!(r.ports.iter().any(|p| p.port == 445));
        };
        run(Some(Budget::STANDARD)); // warm-up
        let without = median_ms(RUNS, || run(None));
        let with = median_ms(RUNS, || run(Some(Budget::STANDARD)));
        (without, with)
    });
    let nmap_plain = median_ms(RUNS, || {
        lab.nmap(&["-T4", "-p438-451", SMB1]);
    });
    // nmap -sV spends minutes on the TLS port (its probes wait out their
    // timeouts), so it runs once.
    let nmap_sv = median_ms(1, || {
        lab.nmap(&[
            "-T4",
            "-sV",
            "--script",
            "smb-protocols,smb2-security-mode",
            "-p438-451",
            SMB1,
        ]);
    });
    println!("BENCH runs={RUNS} (median, ms; nmap -sV: one run)");
    println!("BENCH portcheck scan, no identification: {without:.0}");
    println!("BENCH portcheck scan, with identification: {with:.0}");
    println!("BENCH nmap -T4 -p438-451 (connect states only): {nmap_plain:.0}");
    println!(
        "BENCH nmap -T4 -sV --script smb-protocols,smb2-security-mode -p438-451: {nmap_sv:.0} ({:.1}x portcheck with identification)",
        nmap_sv / with
    );
}
