//! Every fuzz target's committed corpus (`fuzz/corpus/<target>/`: answers
//! recorded from the lab's real services, and every input a fuzzing run
//! found a bug with) replayed through the target's own checks, as a
//! regression test on stable Rust without libFuzzer or a sanitizer build.
//! The checks are the same source files the fuzz targets run
//! (`fuzz/checks/<target>.rs`, included here by path), so the two cannot
//! drift apart; `scripts/fuzz` runs the targets themselves.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

#[path = "../../fuzz/checks/databases.rs"]
mod databases;
#[path = "../../fuzz/checks/dns.rs"]
mod dns;
#[path = "../../fuzz/checks/greeting.rs"]
mod greeting;
#[path = "../../fuzz/checks/http.rs"]
mod http;
#[path = "../../fuzz/checks/kerberos.rs"]
mod kerberos;
#[path = "../../fuzz/checks/ldap.rs"]
mod ldap;
#[path = "../../fuzz/checks/mdns.rs"]
mod mdns;
#[path = "../../fuzz/checks/mssql_browser.rs"]
mod mssql_browser;
#[path = "../../fuzz/checks/netbios.rs"]
mod netbios;
#[path = "../../fuzz/checks/netbios_ns.rs"]
mod netbios_ns;
#[path = "../../fuzz/checks/ntp.rs"]
mod ntp;
#[path = "../../fuzz/checks/portmapper.rs"]
mod portmapper;
#[path = "../../fuzz/checks/rdp.rs"]
mod rdp;
#[path = "../../fuzz/checks/sip.rs"]
mod sip;
#[path = "../../fuzz/checks/smb.rs"]
mod smb;
#[path = "../../fuzz/checks/snmp.rs"]
mod snmp;
#[path = "../../fuzz/checks/ssdp.rs"]
mod ssdp;
#[path = "../../fuzz/checks/tls.rs"]
mod tls;
#[path = "../../fuzz/checks/ws_discovery.rs"]
mod ws_discovery;

/// What a fuzz target asks of its parsers about one input.
type Check = fn(&[u8]);

/// Each fuzz target (a `[[bin]]` of `fuzz/Cargo.toml`) and its checks.
const TARGETS: [(&str, Check); 19] = [
    ("databases", databases::check),
    ("dns", dns::check),
    ("greeting", greeting::check),
    ("http", http::check),
    ("kerberos", kerberos::check),
    ("ldap", ldap::check),
    ("mdns", mdns::check),
    ("mssql_browser", mssql_browser::check),
    ("netbios", netbios::check),
    ("netbios_ns", netbios_ns::check),
    ("ntp", ntp::check),
    ("portmapper", portmapper::check),
    ("rdp", rdp::check),
    ("sip", sip::check),
    ("smb", smb::check),
    ("snmp", snmp::check),
    ("ssdp", ssdp::check),
    ("tls", tls::check),
    ("ws_discovery", ws_discovery::check),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of one target's corpus, sorted by name.
fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join("corpus").join(target);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (every target has a corpus)", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic without a message".into())
}

#[test]
fn every_target_has_its_checks_and_a_seed_corpus() {
    // Parsed as cargo parses it: a key given twice in one `[[bin]]` (a
    // merge that interleaved two targets) is an error here too.
    #[derive(serde::Deserialize)]
    struct Bin {
        name: String,
        path: String,
    }
    #[derive(serde::Deserialize)]
    struct Manifest {
        bin: Vec<Bin>,
    }
    let text = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let manifest: Manifest =
        toml::from_str(&text).unwrap_or_else(|e| panic!("fuzz/Cargo.toml does not parse: {e}"));
    for b in &manifest.bin {
        assert_eq!(b.path, format!("fuzz_targets/{}.rs", b.name), "{}", b.name);
        assert!(fuzz_dir().join(&b.path).is_file(), "{}", b.path);
    }
    let mut bins: Vec<&str> = manifest.bin.iter().map(|b| b.name.as_str()).collect();
    bins.sort_unstable();
    let listed: Vec<&str> = TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(bins, listed, "fuzz/Cargo.toml's targets and this file's");
    for target in listed {
        let files = corpus(target);
        // Seeds recorded from a service or a stand-in, not only findings.
        assert!(
            files.iter().any(|f| !f
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("crash-"))),
            "fuzz/corpus/{target}/ has no recorded answer"
        );
    }
}

#[test]
fn every_corpus_input_passes_its_targets_checks() {
    let mut failed = Vec::new();
    let mut inputs = 0;
    for (target, check) in TARGETS {
        for file in corpus(target) {
            let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            inputs += 1;
            if let Err(p) = panic::catch_unwind(AssertUnwindSafe(|| check(&data))) {
                failed.push(format!(
                    "{target}: {}: {}",
                    file.display(),
                    panic_text(p.as_ref())
                ));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {inputs} corpus inputs fail their target's checks:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
