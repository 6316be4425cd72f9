//! Test support for the lab: start and own a lab built by `lab.sh`, ask the
//! probe to check a visitor the way a browser would (a request from the
//! visitor's own namespace), run nmap from the probe host, and compare.
//!
//! Ownership of a lab is a pipe: `lab.sh hold` keeps the lab until its stdin
//! closes. [`Lab`] holds the write end, so the lab goes away when the `Lab` is
//! dropped, when a test panics, and when the test process dies in any other
//! way, SIGKILL included. The holder runs in its own process group, so a
//! Ctrl-C meant for the test run does not interrupt its teardown.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portcheck::api::{Family, PortResult, PortState, Reason, Report};

/// The lab script, next to this file.
pub fn lab_sh() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lab/lab.sh")
}

/// Tools the lab needs besides iproute2 (`scripts/test-lab` installs them).
const TOOLS: &[&str] = &[
    "ip",
    "nft",
    "nmap",
    "smbd",
    "smbclient",
    "socat",
    "openssl",
    "curl",
    "ss",
    "unshare",
    "setsid",
    "python3",
];

/// Flags every lab probe gets: the lab scans one address many times, far
/// beyond the default per-address rate limit.
const PROBE_ARGS: &str = "--rate-burst 100000 --rate-refill-secs 1";

/// Whether the lab can run here. Without root (or without the lab's tools)
/// a developer gets a loud skip; with `CI` set, the same condition fails.
/// `PORTCHECK_LAB=skip` skips on purpose (also in CI): a general `cargo test`
/// run sets it when `scripts/test-lab` runs the lab separately.
pub fn lab_available(test: &str) -> bool {
    if std::env::var("PORTCHECK_LAB").is_ok_and(|v| v == "skip") {
        loud(&format!(
            "!! SKIPPED lab test {test}: PORTCHECK_LAB=skip (scripts/test-lab runs the lab tests)\n"
        ));
        return false;
    }
    let why = if unsafe { libc::geteuid() } != 0 {
        Some("not root (network namespaces need root)".to_string())
    } else {
        let missing: Vec<&str> = TOOLS.iter().copied().filter(|t| !on_path(t)).collect();
        (!missing.is_empty()).then(|| format!("missing tools: {}", missing.join(" ")))
    };
    let Some(why) = why else { return true };
    if std::env::var_os("CI").is_some() {
        panic!("lab test {test} cannot run: {why}; CI must run the lab (scripts/test-lab)");
    }
    loud(&format!(
        "\n{bar}\n!! SKIPPED lab test {test}: {why}.\n!! Nothing was checked against \
         real network hosts. Run `sudo scripts/test-lab` to run it.\n{bar}\n",
        bar = "!".repeat(78)
    ));
    false
}

/// Write to the real stderr: the test harness captures `eprintln!` of a
/// passing test, and a skip must be seen.
fn loud(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()))
}

/// One lab at a time per test binary: the machine has two cores, and nmap
/// and the probe must not compete with another lab's startup for them.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A unique lab name: tag (from `scripts/test-lab`, for its final sweep),
/// process id and a counter.
pub fn fresh_prefix() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let tag = std::env::var("PORTCHECK_LAB_TAG").unwrap_or_else(|_| "pcl".into());
    format!(
        "{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A running lab; dropping it tears it down.
pub struct Lab {
    pub prefix: String,
    pub dir: PathBuf,
    env: HashMap<String, String>,
    holder: Child,
    owner: Option<ChildStdin>,
    _stdout: BufReader<ChildStdout>,
}

/// A visitor of the lab: where its requests start and the addresses the
/// probe sees for it.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub name: String,
    pub ns: String,
    pub ipv4: Option<IpAddr>,
    pub ipv6: Option<IpAddr>,
}

impl Visitor {
    pub fn addr(&self, family: Family) -> Option<IpAddr> {
        match family {
            Family::Ipv4 => self.ipv4,
            Family::Ipv6 => self.ipv6,
        }
    }

    pub fn families(&self) -> Vec<Family> {
        [Family::Ipv4, Family::Ipv6]
            .into_iter()
            .filter(|f| self.addr(*f).is_some())
            .collect()
    }
}

/// Start `lab.sh hold` for these visitors and wait until it says READY.
/// `extra_env` reaches lab.sh (for example a loss rate).
pub fn spawn_holder(
    prefix: &str,
    visitors: &[&str],
    extra_env: &[(&str, &str)],
    stdin: Stdio,
) -> Child {
    let mut cmd = Command::new("bash");
    cmd.arg(lab_sh())
        .arg("hold")
        .arg(prefix)
        .arg(env!("CARGO_BIN_EXE_portcheck"))
        .args(visitors)
        .env("PORTCHECK_LAB_PROBE_ARGS", PROBE_ARGS)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .process_group(0);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("cannot run bash tests/lab/lab.sh")
}

/// Read the holder's first line: `READY DIR`, or nothing when it failed.
pub fn await_ready(holder: &mut Child) -> Option<(PathBuf, BufReader<ChildStdout>)> {
    let mut out = BufReader::new(holder.stdout.take().expect("holder stdout is piped"));
    let mut line = String::new();
    out.read_line(&mut line).ok()?;
    let dir = line.trim().strip_prefix("READY ")?;
    Some((PathBuf::from(dir), out))
}

impl Lab {
    pub fn start(visitors: &[&str]) -> Lab {
        Lab::start_with(visitors, &[])
    }

    pub fn start_with(visitors: &[&str], extra_env: &[(&str, &str)]) -> Lab {
        let prefix = fresh_prefix();
        let mut holder = spawn_holder(&prefix, visitors, extra_env, Stdio::piped());
        let owner = holder.stdin.take();
        let Some((dir, stdout)) = await_ready(&mut holder) else {
            drop(owner);
            let status = holder.wait();
            panic!(
                "the lab did not start (lab.sh hold {prefix}: {status:?}); see its messages above"
            );
        };
        let text = std::fs::read_to_string(dir.join("lab.env")).expect("lab.env");
        let env = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Lab {
            prefix,
            dir,
            env,
            holder,
            owner,
            _stdout: stdout,
        }
    }

    pub fn get(&self, key: &str) -> &str {
        self.env
            .get(key)
            .unwrap_or_else(|| panic!("lab.env has no {key}"))
    }

    pub fn visitor(&self, name: &str) -> Visitor {
        let addr = |fam: &str| {
            let v = self.get(&format!("V_{name}_{fam}"));
            (!v.is_empty()).then(|| v.parse().expect("address in lab.env"))
        };
        Visitor {
            name: name.into(),
            ns: self.get(&format!("V_{name}_NS")).into(),
            ipv4: addr("IPV4"),
            ipv6: addr("IPV6"),
        }
    }

    pub fn probe_ns(&self) -> &str {
        self.get("PROBE_NS")
    }

    /// The probe's base URL in one family, for the default or the patient
    /// probe.
    pub fn probe_url(&self, family: Family, patient: bool) -> String {
        let port = self.get(if patient {
            "PATIENT_PORT"
        } else {
            "PROBE_PORT"
        });
        match family {
            Family::Ipv4 => format!("http://{}:{port}", self.get("PROBE_IPV4")),
            Family::Ipv6 => format!("http://[{}]:{port}", self.get("PROBE_IPV6")),
        }
    }

    /// `GET /api/v1/scan` from the visitor's namespace, as its browser would.
    pub fn scan(&self, v: &Visitor, family: Family) -> Report {
        self.scan_via(v, family, false)
    }

    pub fn scan_via(&self, v: &Visitor, family: Family, patient: bool) -> Report {
        let url = format!("{}/api/v1/scan", self.probe_url(family, patient));
        let out = in_ns(
            &v.ns,
            "curl",
            &["-sS", "--max-time", "60", "-w", "\n%{http_code}", &url],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let (body, code) = text.rsplit_once('\n').unwrap_or((&text, ""));
        assert!(
            out.status.success() && code == "200",
            "scan of {} over {family:?} failed: curl {:?}, HTTP {code}, body {body}, stderr {}\n{}",
            v.name,
            out.status,
            String::from_utf8_lossy(&out.stderr),
            self.probe_log()
        );
        serde_json::from_str(body).unwrap_or_else(|e| panic!("report is not JSON ({e}): {body}"))
    }

    /// `nmap -n -Pn -T4` (a SYN scan: nmap runs as root) from the probe host
    /// over the range and its control ports.
    pub fn nmap(&self, target: IpAddr) -> BTreeMap<u16, NmapPort> {
        let t = target.to_string();
        let mut args = vec!["-n", "-Pn", "-T4", "-p438-451", "--reason", "-oX", "-"];
        if target.is_ipv6() {
            args.insert(0, "-6");
        }
        args.push(&t);
        let out = in_ns(self.probe_ns(), "nmap", &args);
        assert!(
            out.status.success(),
            "nmap failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        parse_nmap_xml(&String::from_utf8_lossy(&out.stdout))
    }

    /// Set the lossy link's drop rate (percent, both directions).
    pub fn set_loss(&self, percent: u8) {
        let out = Command::new("bash")
            .arg(lab_sh())
            .args(["loss", &self.prefix, &percent.to_string()])
            .output()
            .expect("lab.sh loss");
        assert!(
            out.status.success(),
            "lab.sh loss: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The probe's log so far (for failure messages).
    pub fn probe_log(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("probe.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("--- probe log (last lines) ---\n{}", tail.join("\n"))
    }

    /// Namespaces of this lab that exist now.
    pub fn namespaces(&self) -> Vec<String> {
        namespaces_with_prefix(&self.prefix)
    }

    /// Pids of every process inside the lab now.
    pub fn pids(&self) -> Vec<u32> {
        self.namespaces()
            .iter()
            .flat_map(|ns| {
                let out = Command::new("ip").args(["netns", "pids", ns]).output();
                let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
                text.unwrap_or_default()
                    .split_whitespace()
                    .filter_map(|p| p.parse().ok())
                    .collect::<Vec<u32>>()
            })
            .collect()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        // Closing the pipe is the one teardown path; wait for it, bounded.
        drop(self.owner.take());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match self.holder.try_wait() {
                Ok(Some(status)) => {
                    if !status.success() && !std::thread::panicking() {
                        panic!("lab teardown of {} failed: {status}", self.prefix);
                    }
                    return;
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => {
                    let _ = self.holder.kill();
                    eprintln!(
                        "lab {}: holder did not finish teardown in 60 s",
                        self.prefix
                    );
                    return;
                }
            }
        }
    }
}

/// Run a program inside a namespace and collect its output.
pub fn in_ns(ns: &str, prog: &str, args: &[&str]) -> Output {
    Command::new("ip")
        .args(["netns", "exec", ns, prog])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("ip netns exec {ns} {prog}: {e}"))
}

pub fn namespaces_with_prefix(prefix: &str) -> Vec<String> {
    let out = Command::new("ip")
        .args(["netns", "list"])
        .output()
        .expect("ip netns list");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| n.starts_with(&format!("{prefix}-")))
        .map(String::from)
        .collect()
}

/// Whether a process has finished (gone, or a zombie waiting for its reaper).
pub fn process_gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => {
            // The state follows the parenthesised command name.
            let state = stat.rsplit_once(") ").map(|(_, rest)| rest.chars().next());
            matches!(state, Some(Some('Z' | 'X')))
        }
    }
}

/// One port as nmap reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NmapPort {
    pub state: String,
    pub reason: String,
}

/// The `<port>` elements of nmap's XML output. Ports that nmap folds into
/// `<extraports>` are not listed individually, so that must not happen for the
/// 14 ports scanned here.
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

fn attr(elem: &str, name: &str) -> Option<String> {
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
        (PortState::Closed, Reason::Refused, "filtered", "port-unreach", _) => Some(
            "ICMP port-unreachable: connect() gets ECONNREFUSED, the same as a reset, so a \
             connect check reads it as closed; nmap's SYN scan sees the ICMP and says filtered",
        ),
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

/// Compare a report with nmap's view of the same host, port by port.
pub fn compare(family: Family, report: &Report, nmap: &BTreeMap<u16, NmapPort>) -> Vec<Row> {
    report
        .ports
        .iter()
        .chain(&report.control)
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
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
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
