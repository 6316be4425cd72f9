//! The deployment files stay in step with the code and with each other: the
//! example configuration is accepted by the binary, every option they name
//! exists, the container builds with the tool versions the scripts pin, the
//! Kubernetes sidecar carries the nginx directives that tests/suite/reverse_proxy.rs
//! runs, and the systemd unit's open-file limit covers the default caps.

use crate::support::ProbeProcess;
use portcheck::probe::config::Settings;

const DOCKERFILE: &str = include_str!("../../deploy/Dockerfile");
const KUBERNETES: &str = include_str!("../../deploy/kubernetes.yaml");
const NGINX: &str = include_str!("../../deploy/nginx.conf");
const CADDYFILE: &str = include_str!("../../deploy/Caddyfile");
const SYSTEMD: &str = include_str!("../../deploy/portcheck.service");
const TOML: &str = include_str!("../../deploy/portcheck.toml");
const LIB_SH: &str = include_str!("../../scripts/lib.sh");

/// `NAME="value"` (shell) or `ARG NAME=value` (Dockerfile): the value.
fn assignment<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines()
        .map(|l| l.trim().trim_start_matches("ARG "))
        .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
        .map(|v| v.trim_matches('"'))
        .unwrap_or_else(|| panic!("{name} not found"))
}

/// trunk is built the same way in the container as by the scripts: the
/// same features left out, the same release profile overrides.
#[test]
fn container_installs_trunk_as_the_scripts_do() {
    for setting in [
        "--no-default-features",
        "CARGO_PROFILE_RELEASE_LTO=off",
        "CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16",
    ] {
        assert!(
            DOCKERFILE.contains(setting),
            "deploy/Dockerfile lacks {setting}"
        );
        assert!(LIB_SH.contains(setting), "scripts/lib.sh lacks {setting}");
    }
}

#[test]
fn container_uses_the_pinned_tool_versions() {
    for name in ["TRUNK_VERSION", "BINARYEN_VERSION"] {
        assert_eq!(
            assignment(DOCKERFILE, name),
            assignment(LIB_SH, name),
            "{name}: deploy/Dockerfile and scripts/lib.sh differ"
        );
    }
    // wasm-bindgen-cli is read from Cargo.lock the same way as the scripts.
    assert!(DOCKERFILE.contains(
        r#"/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }"#
    ));
    assert!(LIB_SH.contains(
        r#"/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }"#
    ));
    // Page first, then the binary that embeds it, and never as root at run time.
    let trunk = DOCKERFILE
        .find("trunk build --release")
        .expect("trunk build");
    let cargo = DOCKERFILE
        .find("cargo build --release")
        .expect("cargo build");
    assert!(trunk < cargo);
    assert!(DOCKERFILE.contains("\nUSER 65532:65532\n"));
}

#[test]
fn kubernetes_sidecar_has_the_tested_nginx_directives() {
    let region = |name: &str| {
        let begin = NGINX.find(&format!("# portcheck:{name}-begin")).unwrap();
        let end = NGINX.find(&format!("# portcheck:{name}-end")).unwrap();
        &NGINX[begin..end]
    };
    let tested = format!("{}{}", region("http"), region("server"));
    let sidecar: Vec<&str> = KUBERNETES.lines().map(str::trim).collect();
    let mut checked = 0;
    for line in tested.lines().map(str::trim) {
        let directive = !line.is_empty()
            && !line.starts_with('#')
            && line.ends_with(';')
            // The log destination differs on purpose (a file here, stdout there).
            && !line.starts_with("access_log");
        if directive {
            assert!(
                sidecar.contains(&line),
                "deploy/kubernetes.yaml lacks `{line}` from deploy/nginx.conf"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} directives found");
    for yaml in [
        "externalTrafficPolicy: Local",
        "sessionAffinity: ClientIP",
        "runAsNonRoot: true",
        "readOnlyRootFilesystem: true",
        "drop: [\"ALL\"]",
        "path: /healthz",
    ] {
        assert!(KUBERNETES.contains(yaml), "kubernetes.yaml lacks {yaml}");
    }
}

#[test]
fn systemd_open_file_limit_covers_the_default_caps() {
    let limit: usize = assignment(SYSTEMD, "LimitNOFILE").parse().unwrap();
    let d = Settings::default();
    // Every default scan at its most, beside every client connection: the
    // probe would not have to lower max_scans under this unit.
    let within = portcheck::probe::server::scans_within(limit as u64, d.max_connections);
    assert!(
        within >= d.max_scans,
        "LimitNOFILE={limit} serves {within} scans, not {}",
        d.max_scans
    );
    assert!(SYSTEMD.contains("\nCapabilityBoundingSet=\n"));
    assert!(SYSTEMD.contains("\nDynamicUser=yes\n"));
}

/// Every option the deployment files name exists.
#[test]
fn options_named_in_deployment_files_exist() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args(["serve", "--help"])
        .output()
        .expect("portcheck serve --help");
    assert!(help.status.success());
    let help = String::from_utf8(help.stdout).unwrap();
    let mut named = Vec::new();
    for text in [DOCKERFILE, KUBERNETES, NGINX, CADDYFILE, SYSTEMD, TOML] {
        // Environment variables.
        for (i, _) in text.match_indices("PORTCHECK_") {
            let name: String = text[i..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if name != "PORTCHECK_" && !name.ends_with('_') {
                named.push(name);
            }
        }
    }
    // Flags given to portcheck in the Kubernetes example and the comments
    // that show a `portcheck serve` command line.
    for line in KUBERNETES
        .lines()
        .chain(NGINX.lines())
        .chain(CADDYFILE.lines())
    {
        let line = line.trim().trim_start_matches('#').trim();
        let args = if let Some((_, after)) = line.split_once("portcheck serve") {
            after
        } else if let Some(arg) = line.strip_prefix("- --") {
            &line[line.len() - arg.len() - 2..]
        } else if line.starts_with("--") {
            line
        } else {
            continue;
        };
        for word in args.split_whitespace() {
            let Some(flag) = word.strip_prefix("--") else {
                continue;
            };
            let flag = flag.split('=').next().unwrap();
            if flag.starts_with(|c: char| c.is_ascii_lowercase())
                && flag.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            {
                named.push(format!("--{flag}"));
            }
        }
    }
    named.sort();
    named.dedup();
    assert!(named.len() >= 8, "{named:?}");
    for name in &named {
        if name == "PORTCHECK_LOG" {
            continue; // read by main, not a serve option
        }
        assert!(
            help.contains(name.as_str()),
            "{name} is not an option of portcheck serve"
        );
    }
}

/// The example configuration file starts the probe (unknown keys or bad
/// values would stop it with a configuration error), and it believes a
/// forwarded address only on its Unix socket: through the socket the
/// address the proxy names is taken; a local process that reaches the same
/// configuration over TCP is checked at its own address (and refused, being
/// loopback), whatever it writes into `X-Forwarded-For`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_configuration_believes_only_the_unix_socket() {
    use crate::support::relay::forwarded_whoami;
    use crate::support::{TempDir, forged_forwarding, ip};
    use portcheck::api::{ErrorCode, Target};
    use std::os::unix::fs::PermissionsExt;

    assert!(TOML.contains("\nlisten = \"unix:/run/portcheck/http.sock\"\n"));
    assert!(TOML.contains("\ntrusted_proxy = [\"unix\"]\n"));
    assert!(SYSTEMD.contains("\nRuntimeDirectory=portcheck\n"));
    assert!(SYSTEMD.contains("\nGroup=www-data\n"));
    assert!(NGINX.contains("server unix:/run/portcheck/http.sock;"));
    assert!(CADDYFILE.contains("reverse_proxy unix//run/portcheck/http.sock"));
    assert!(KUBERNETES.contains("- --trusted-proxy=unix"));
    for text in [TOML, NGINX, CADDYFILE, KUBERNETES, SYSTEMD, DOCKERFILE] {
        assert!(!text.contains("trusted-proxy 127.0.0.1"));
        assert!(!text.contains("trusted-proxy=127.0.0.1"));
        assert!(!text.contains("trusted_proxy = [\"127.0.0.1\"]"));
    }

    // Flags win over the file: the socket in a folder of the test's own
    // (/run/portcheck is the unit's), and no second listener.
    let dir = TempDir::new("shipped-socket");
    let socket = dir.path().join("http.sock");
    let listen = format!("unix:{}", socket.display());
    let probe = ProbeProcess::start(&[
        "--config",
        "deploy/portcheck.toml",
        "--metrics",
        "off",
        "--listen",
        &listen,
    ]);
    assert_eq!(
        probe.socket.as_deref(),
        Some(socket.as_path()),
        "{}",
        probe.process.log()
    );
    let mode = std::fs::metadata(&socket)
        .expect("socket")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o660);
    let who = forwarded_whoami(&socket).await;
    assert_eq!(who, Target::new(ip("198.51.100.7")));

    // The same configuration on TCP: a local process names nothing.
    let tcp = ProbeProcess::start(&[
        "--config",
        "deploy/portcheck.toml",
        "--metrics",
        "off",
        "--listen",
        "127.0.0.1:0",
    ]);
    let (who, status, code) = forged_forwarding(|p| tcp.url(p), "127.0.0.71").await;
    assert_eq!(who, Target::new(ip("127.0.0.71")).via_proxy(true));
    assert_eq!(status, reqwest::StatusCode::FORBIDDEN);
    assert_eq!(code, ErrorCode::TargetNotAllowed);
}

/// A user who is neither the probe's nor in its group cannot open the
/// socket (as root: the probe's user is root here, the intruder `nobody`).
#[test]
fn other_users_cannot_open_the_socket() {
    use crate::support::{TempDir, require_root};
    use std::os::unix::process::CommandExt;
    if !require_root("deploy_files::other_users_cannot_open_the_socket") {
        return;
    }
    let dir = TempDir::new("socket-users");
    let listen = format!("unix:{}", dir.path().join("http.sock").display());
    let _probe = ProbeProcess::start(&["--listen", &listen, "--trusted-proxy", "unix"]);
    let health = |uid: Option<u32>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_portcheck"));
        cmd.args(["healthcheck", "--listen", &listen]);
        if let Some(uid) = uid {
            cmd.uid(uid).gid(uid);
        }
        cmd.output()
            .expect("portcheck healthcheck")
            .status
            .success()
    };
    assert!(health(None), "the probe's own user connects");
    assert!(!health(Some(65534)), "nobody must not connect");
}
