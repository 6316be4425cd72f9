//! The Debian package that `scripts/package` built (scripts/test builds it
//! before the suite runs): lintian finds no errors in it, it ships the very
//! unit and configuration that tests/suite/deploy_files.rs checks, a man page
//! for every subcommand of the live command line, and its unpacked binary
//! serves the page and the API from the package's own files. Also the
//! hidden `portcheck manual`, which writes the package's man pages and
//! completions, on its own (no package needed).

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::CommandFactory;
use portcheck::api::{SiteInfo, Target};
use portcheck::cli::Cli;

use crate::support::gate::{file, tools};
use crate::support::{ProbeProcess, TempDir, client_from, gate, get_json, repo_path};

/// The package file for this version and machine, when the tools to read it
/// are there and it has been built.
fn built_deb(test: &str) -> Option<PathBuf> {
    let ready = tools(&["dpkg", "dpkg-deb"]).and_then(|()| {
        let deb = deb_path();
        file(&deb, "run scripts/package").map(|()| deb)
    });
    match ready {
        Ok(deb) => Some(deb),
        Err(why) => {
            gate(test, Err(why));
            None
        }
    }
}

fn deb_path() -> PathBuf {
    let arch = run("dpkg", &["--print-architecture"]);
    repo_path(&format!(
        "target/package/portcheck_{}_{}.deb",
        env!("CARGO_PKG_VERSION"),
        arch.trim()
    ))
}

/// `program args`: its stdout; fails the test when it fails.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The package's files unpacked into a fresh folder (`dpkg-deb -x`).
fn unpacked(deb: &Path) -> TempDir {
    let dir = TempDir::new("deb");
    run(
        "dpkg-deb",
        &[
            "-x",
            deb.to_str().expect("path"),
            dir.path().to_str().expect("path"),
        ],
    );
    dir
}

/// A text file of the package or the tree (compared as text, so that a
/// difference shows as lines).
fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn lintian_finds_no_errors() {
    let test = "lintian_finds_no_errors";
    let Some(deb) = built_deb(test) else { return };
    if !gate(test, tools(&["lintian"])) {
        return;
    }
    let out = Command::new("lintian")
        .args(["--fail-on", "error", "--tag-display-limit", "0"])
        .arg(&deb)
        .output()
        .expect("lintian");
    let text = String::from_utf8_lossy(&out.stdout);
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("E: ")).collect();
    assert!(
        out.status.success() && errors.is_empty(),
        "lintian {}:\n{text}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn package_ships_the_tested_unit_configuration_and_manual() {
    let Some(deb) = built_deb("package_ships_the_tested_unit_configuration_and_manual") else {
        return;
    };
    let deb = deb.to_str().expect("path");
    let root = unpacked(Path::new(deb));
    let at = |p: &str| root.path().join(p);

    // The unit and the configuration are the files the deployment tests check.
    assert_eq!(
        read(&at("usr/lib/systemd/system/portcheck.service")),
        read(&repo_path("deploy/portcheck.service")),
        "the packaged unit differs from deploy/portcheck.service"
    );
    assert_eq!(
        read(&at("etc/portcheck/portcheck.toml")),
        read(&repo_path("deploy/portcheck.toml"))
    );
    let control = TempDir::new("deb-control");
    run(
        "dpkg-deb",
        &["-e", deb, control.path().to_str().expect("path")],
    );
    let conffiles = read(&control.path().join("conffiles"));
    assert_eq!(
        conffiles.lines().collect::<Vec<_>>(),
        ["/etc/portcheck/portcheck.toml"]
    );
    // No maintainer scripts: the unit uses DynamicUser=, so there is no
    // system user to create, and it stays off until the operator enables it.
    for script in ["preinst", "postinst", "prerm", "postrm"] {
        assert!(!control.path().join(script).exists(), "unexpected {script}");
    }

    assert_eq!(run("dpkg-deb", &["-f", deb, "Package"]).trim(), "portcheck");
    assert_eq!(
        run("dpkg-deb", &["-f", deb, "Version"]).trim(),
        env!("CARGO_PKG_VERSION")
    );
    assert!(run("dpkg-deb", &["-f", deb, "Depends"]).contains("libc6"));

    // A man page for the command and each visible subcommand of the live
    // command line, and the completions.
    let mut pages = vec!["portcheck.1.gz".to_owned()];
    for sub in Cli::command()
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
    {
        pages.push(format!("portcheck-{}.1.gz", sub.get_name()));
    }
    assert!(pages.len() >= 3, "{pages:?}");
    for page in &pages {
        assert!(
            at(&format!("usr/share/man/man1/{page}")).is_file(),
            "no {page}"
        );
    }
    for path in [
        "usr/bin/portcheck",
        "usr/share/bash-completion/completions/portcheck",
        "usr/share/zsh/vendor-completions/_portcheck",
        "usr/share/fish/vendor_completions.d/portcheck.fish",
        "usr/share/doc/portcheck/copyright",
        "usr/share/doc/portcheck/changelog.gz",
        "usr/share/doc/portcheck/examples/nginx.conf",
        "usr/share/doc/portcheck/examples/Caddyfile",
        "usr/share/doc/portcheck/templates/privacy-notice.en.md",
        "usr/share/doc/portcheck/templates/security.txt.example",
    ] {
        assert!(at(path).is_file(), "the package lacks /{path}");
    }
    let examples = std::fs::read_dir(repo_path("deploy/monitoring")).expect("deploy/monitoring");
    for entry in examples {
        let name = entry.expect("entry").file_name();
        let shipped = at("usr/share/doc/portcheck/examples/monitoring").join(&name);
        assert!(shipped.is_file(), "the package lacks {}", shipped.display());
    }
}

/// The unpacked binary starts with the unpacked configuration (only the
/// listening port moved to one the kernel picks, by flag) and serves the
/// built-in page and the API as that configuration says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unpacked_package_serves_page_and_api() {
    let Some(deb) = built_deb("unpacked_package_serves_page_and_api") else {
        return;
    };
    let root = unpacked(&deb);
    let binary = root.path().join("usr/bin/portcheck");
    let config = root.path().join("etc/portcheck/portcheck.toml");
    let config = config.to_str().expect("path");
    let probe = ProbeProcess::start_binary(
        &binary,
        root.path(),
        &[
            "--config",
            config,
            "--listen",
            "127.0.0.1:0",
            "--metrics",
            "off",
        ],
        "info",
    );
    let client = client_from("127.0.0.1");

    let page = client.get(probe.url("/")).send().await.expect("GET /");
    assert_eq!(page.status(), 200, "{}", probe.process.log());
    let html = page.text().await.expect("page");
    assert!(
        html.contains("<html") && html.contains(".wasm"),
        "the packaged binary has no page built in:\n{html}"
    );

    let site: SiteInfo = get_json(&client, &probe.url("/api/v1/site")).await;
    assert_eq!(site.org_name.as_deref(), Some("Ärztekammer Beispielland"));

    // The shipped configuration trusts only the proxy on its Unix socket: a
    // local process over TCP names nothing.
    let target: Target = client
        .get(probe.url("/api/v1/whoami"))
        .header("X-Forwarded-For", "127.0.0.5")
        .send()
        .await
        .expect("GET /api/v1/whoami")
        .json()
        .await
        .expect("whoami JSON");
    assert_eq!(target.ip.to_string(), "127.0.0.1");
    assert!(target.via_proxy);
}

/// `portcheck manual --out DIR` writes a page per visible subcommand naming
/// each of its long options, and the three completion scripts, all from the
/// live command line; without `--out` it is a usage error.
#[test]
fn manual_documents_every_subcommand_and_option() {
    let dir = TempDir::new("manual");
    let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args(["manual", "--out"])
        .arg(dir.path())
        .output()
        .expect("portcheck manual");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8(out.stdout).expect("UTF-8");
    let mut written: Vec<String> = std::fs::read_dir(dir.path())
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(listed.lines().count(), written.len(), "{listed}");

    let mut expected = vec![
        "_portcheck".to_owned(),
        "portcheck.1".to_owned(),
        "portcheck.bash".to_owned(),
        "portcheck.fish".to_owned(),
    ];
    let cli = Cli::command();
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("portcheck-{}.1", sub.get_name());
        let page = read(&dir.path().join(&name));
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long() {
                // roff escapes the dashes.
                let shown = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(page.contains(&shown), "{name} does not document --{long}");
            }
        }
        let bash = read(&dir.path().join("portcheck.bash"));
        assert!(
            bash.contains(sub.get_name()),
            "bash completion lacks {}",
            sub.get_name()
        );
        expected.push(name);
    }
    expected.sort();
    assert_eq!(written, expected);

    let usage = Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .arg("manual")
        .output()
        .expect("portcheck manual");
    assert_eq!(usage.status.code(), Some(2));
}
