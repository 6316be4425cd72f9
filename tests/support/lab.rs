//! The network lab (tests/lab/lab.sh): start and own a lab, ask its probe to
//! check a visitor the way a browser would (a request from the visitor's own
//! namespace), run tools or code inside its namespaces.
//!
//! Ownership of a lab is a pipe: `lab.sh hold` keeps the lab until its stdin
//! closes. [`Lab`] holds the write end, so the lab goes away when the `Lab` is
//! dropped, when a test panics, and when the test process dies in any other
//! way, SIGKILL included. The holder runs in its own process group, so a
//! Ctrl-C meant for the test run does not interrupt its teardown.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portcheck::api::{Family, Report};

use super::{gate, repo_path};

/// The lab script.
pub fn lab_sh() -> PathBuf {
    repo_path("tests/lab/lab.sh")
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
    "krb5kdc",
    "kdb5_util",
    "kinit",
    // The UDP services' hosts (tests/lab/udp.sh).
    "dnsmasq",
    "chronyd",
    "snmpd",
    "nmbd",
    "nmblookup",
    "avahi-daemon",
    "wsdd",
    "rpcbind",
    "slapd",
    "kamailio",
];

/// Flags every lab probe gets: the lab scans one address many times, far
/// beyond the default per-address rate limit.
const PROBE_ARGS: &str = "--rate-burst 100000 --rate-refill-secs 1";

/// Whether the lab can run here: root and the lab's tools.
pub fn ready() -> Result<(), String> {
    gate::root()?;
    gate::tools(TOOLS)
}

/// One lab at a time: the machine has two cores, and nmap and the probe must
/// not compete with another lab's startup for them.
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
    _one: Option<MutexGuard<'static, ()>>,
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
    // Default signal dispositions for the holder: a test run started in the
    // background inherits ignored SIGINT/SIGHUP/SIGQUIT, which bash cannot
    // trap, and the exit paths under test are those of a terminal.
    let mut cmd = Command::new("env");
    cmd.arg("--default-signal=HUP,INT,QUIT")
        .arg("bash")
        .arg(lab_sh())
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
    /// For a test: the lab with these visitors, one lab at a time, or `None`
    /// when the lab cannot run here (after the gate's skip).
    pub fn for_test(test: &str, visitors: &[&str], extra_env: &[(&str, &str)]) -> Option<Lab> {
        Lab::for_test_needing(test, visitors, extra_env, &[])
    }

    /// The same for visitors that need more `tools` than the lab's own.
    pub fn for_test_needing(
        test: &str,
        visitors: &[&str],
        extra_env: &[(&str, &str)],
        tools: &[&str],
    ) -> Option<Lab> {
        if !gate::gate(test, ready().and_then(|()| gate::tools(tools))) {
            return None;
        }
        let one = serial();
        let mut lab = Lab::start_with(visitors, extra_env);
        lab._one = Some(one);
        Some(lab)
    }

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
            _one: None,
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
        self.scan_url(
            v,
            family,
            format!("{}/api/v1/scan", self.probe_url(family, patient)),
        )
    }

    /// `GET /api/v1/scan?plan=PLAN` from the visitor's namespace.
    pub fn scan_plan(&self, v: &Visitor, family: Family, plan: &str) -> Report {
        let base = self.probe_url(family, false);
        self.scan_url(v, family, format!("{base}/api/v1/scan?plan={plan}"))
    }

    fn scan_url(&self, v: &Visitor, family: Family, url: String) -> Report {
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

    /// A program run on the probe host; its stdout and stderr as text.
    pub fn on_probe_host(&self, prog: &str, args: &[&str]) -> String {
        output_text(&in_ns(self.probe_ns(), prog, args))
    }

    /// `f` on a thread inside the probe host's namespace (sockets it opens
    /// and processes it starts are there), with its own tokio runtime.
    pub fn in_probe<T: Send + 'static>(&self, f: impl AsyncFnOnce() -> T + Send + 'static) -> T {
        in_namespace(self.probe_ns(), f)
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
        pids_in(&self.prefix)
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

/// `f` on a thread that has joined network namespace `ns`, with its own
/// tokio runtime.
pub fn in_namespace<T: Send + 'static>(ns: &str, f: impl AsyncFnOnce() -> T + Send + 'static) -> T {
    let path = format!("/run/netns/{ns}");
    std::thread::spawn(move || {
        let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        // SAFETY: setns on this thread only; the fd is valid while `file` lives.
        let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(f())
    })
    .join()
    .unwrap_or_else(|e| std::panic::resume_unwind(e))
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

/// stdout followed by stderr, as text.
pub fn output_text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every file and directory below `dirs`, as `TYPE PATH` lines sorted (a
/// missing directory adds none): compared before and after a lab, it shows
/// what the lab's daemons added, removed or turned into something else in
/// their packaged directories.
pub fn files_below(dirs: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    for d in dirs {
        if let Ok(out) = Command::new("find")
            .args([d, "-printf", "%y %p\\n"])
            .output()
        {
            files.extend(
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(String::from),
            );
        }
    }
    files.sort();
    files
}

/// What a lab `prefix` left behind: its namespaces, its state directory
/// `dir`, and which of its processes `pids` still live.
pub fn leftovers(prefix: &str, dir: &std::path::Path, pids: &[u32]) -> Vec<String> {
    let mut left: Vec<String> = namespaces_with_prefix(prefix)
        .into_iter()
        .map(|n| format!("namespace {n}"))
        .collect();
    if dir.exists() {
        left.push(format!("directory {}", dir.display()));
    }
    left.extend(
        pids.iter()
            .filter(|p| !process_gone(**p))
            .map(|p| format!("process {p}")),
    );
    left
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

/// Pids of every process inside the namespaces of lab `prefix`.
pub fn pids_in(prefix: &str) -> Vec<u32> {
    namespaces_with_prefix(prefix)
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
