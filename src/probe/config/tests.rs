use std::time::Duration;

use clap::CommandFactory;
use ipnet::IpNet;

use super::*;
use crate::probe::forwarded::ForwardedHeader;

/// `portcheck serve ARGV` over a file with `toml` in it, as `Cli::settle`
/// reads them.
fn settle(argv: &[&str], toml: &str) -> Result<Settings, ConfigError> {
    let matches = Cli::command()
        .try_get_matches_from(["portcheck", "serve"].iter().chain(argv))
        .expect("parses");
    let (task, given) = task_of(&matches)?;
    assert_eq!(task, Task::Serve);
    over(parse_file(toml).expect("file parses"), given)?.settings()
}

/// Why clap refuses `portcheck serve ARGV`.
fn refused_flags(argv: &[&str]) -> String {
    Cli::try_parse_from(["portcheck", "serve"].iter().chain(argv))
        .expect_err("refused")
        .to_string()
}

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

#[test]
fn defaults_need_no_configuration() {
    let s = settle(&[], "").unwrap();
    assert_eq!(s, Settings::default());
    assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
}

#[test]
fn flags_are_parsed() {
    let s = settle(
        &[
            "--listen",
            "[::]:9000",
            "--trusted-proxy",
            "10.0.0.0/8",
            "--trusted-proxy",
            "192.168.1.1",
            "--allow-target",
            "198.51.100.0/24,2001:db8::/32",
            "--forwarded-header",
            "forwarded",
            "--timeout-floor-ms",
            "50",
            "--rate-burst",
            "9",
        ],
        "",
    )
    .unwrap();
    assert_eq!(s.listen.to_string(), "[::]:9000");
    assert_eq!(
        s.trusted_proxies,
        vec![net("10.0.0.0/8"), net("192.168.1.1/32")]
    );
    assert_eq!(s.allow_targets.len(), 2);
    assert_eq!(s.forwarded_header, ForwardedHeader::Forwarded);
    assert_eq!(s.timing.floor, Duration::from_millis(50));
    assert_eq!(s.rate.burst, 9);
}

#[test]
fn flags_override_file_which_overrides_defaults() {
    let file = r#"
        listen = "0.0.0.0:80"
        trusted_proxy = ["10.0.0.1", "fd00::/8"]
        allow_target = ["198.51.100.0/24"]
        rate_burst = 3
        rate_refill_secs = 30
        max_scans = 7
        forwarded_header = "forwarded"
        "#;
    let s = settle(&["--rate-burst", "8", "--allow-target", "192.0.2.1"], file).unwrap();
    assert_eq!(s.listen.to_string(), "0.0.0.0:80");
    assert_eq!(s.rate.burst, 8, "flag wins");
    assert_eq!(
        s.rate.refill,
        Duration::from_secs(30),
        "file wins over default"
    );
    assert_eq!(s.max_scans, 7);
    assert_eq!(s.trusted_proxies.len(), 2);
    assert_eq!(
        s.allow_targets,
        vec![net("192.0.2.1/32")],
        "a list from flags replaces the file's"
    );
    assert_eq!(s.forwarded_header, ForwardedHeader::Forwarded);
    assert_eq!(s.timing, Settings::default().timing);
}

/// clap reads environment variables from the process, so this test runs
/// itself again as a child process with some of them set; the child checks.
#[test]
fn flags_win_over_environment_which_wins_over_the_file() {
    const CHILD: &str = "PORTCHECK_CONFIG_TESTS_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let file = r#"
            rate_burst = 1
            max_scans = 2
            max_connections = 3
            trusted_proxy = ["192.0.2.1"]
            "#;
        let s = settle(&["--rate-burst", "100"], file).unwrap();
        assert_eq!(s.rate.burst, 100, "a flag wins over environment and file");
        assert_eq!(s.max_scans, 20, "the environment wins over the file");
        assert_eq!(s.max_connections, 3, "the file wins over the default");
        assert_eq!(
            s.trusted_proxies,
            vec![net("10.0.0.1/32"), net("fd00::/8")],
            "lists are comma-separated in the environment"
        );
        assert_eq!(s.max_connections_per_address, 16, "the default stays");
        return;
    }
    let (_, module) = module_path!().split_once("::").unwrap();
    let name = format!("{module}::flags_win_over_environment_which_wins_over_the_file");
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &name, "--test-threads", "1"])
        .env(CHILD, "1")
        .env("PORTCHECK_RATE_BURST", "10")
        .env("PORTCHECK_MAX_SCANS", "20")
        .env("PORTCHECK_TRUSTED_PROXY", "10.0.0.1,fd00::/8")
        .env_remove("PORTCHECK_MAX_CONNECTIONS")
        .env_remove("PORTCHECK_MAX_CONNECTIONS_PER_ADDRESS")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "{report}");
    assert!(report.contains("1 passed"), "{report}");
}

#[test]
fn unknown_keys_in_the_file_are_refused() {
    let e = parse_file("rate_brust = 3").unwrap_err();
    assert!(e.contains("rate_brust"), "{e}");
    // The file cannot name another file; only flags and environment can.
    let e = parse_file(r#"config = "other.toml""#).unwrap_err();
    assert!(e.contains("unknown field `config`"), "{e}");
    // Flag spelling is not a key.
    assert!(parse_file("rate-burst = 3").is_err());
    assert!(parse_file("rate_burst = \"many\"").is_err());
}

#[test]
fn bad_configuration_is_refused_with_a_reason() {
    let e = parse_file(r#"trusted_proxy = ["10.0.0.0/33"]"#).unwrap_err();
    assert!(e.contains("trusted_proxy"), "{e}");
    let e = settle(
        &["--timeout-floor-ms", "500", "--timeout-ceiling-ms", "100"],
        "",
    )
    .unwrap_err();
    assert!(e.0.contains("timeout_ceiling_ms"), "{e}");
    let e = settle(&["--rate-burst", "0"], "").unwrap_err();
    assert!(e.0.contains("rate_burst"), "{e}");
    assert!(Cli::try_parse_from(["portcheck", "serve", "--trusted-proxy", "nonsense"]).is_err());
    assert!(Cli::try_parse_from(["portcheck", "serve", "--listen", "localhost"]).is_err());
}

/// Every check between values, each reached from the file and from a flag
/// (the key with `-` for `_`).
#[test]
fn impossible_combinations_are_refused_from_file_and_flags() {
    let cases = [
        (
            "timeout_floor_ms",
            "0",
            "timeout_floor_ms must be at least 1",
        ),
        (
            "timeout_ceiling_ms",
            "100",
            "timeout_ceiling_ms must not be below timeout_floor_ms",
        ),
        (
            "timeout_ceiling_ms",
            "30001",
            "timeout_ceiling_ms must be at most 30000",
        ),
        ("rate_burst", "0", "rate_burst must be at least 1"),
        (
            "rate_refill_secs",
            "0",
            "rate_refill_secs must be at least 1",
        ),
        ("rate_table_size", "0", "rate_table_size must be at least 1"),
        (
            "max_scans",
            "0",
            "max_connections_per_address must be at least 1",
        ),
        (
            "max_connections",
            "0",
            "max_connections_per_address must be at least 1",
        ),
        (
            "max_connections_per_address",
            "0",
            "max_connections_per_address must be at least 1",
        ),
        (
            "header_timeout_secs",
            "0",
            "connection_lifetime_secs must be at least 1",
        ),
        (
            "connection_lifetime_secs",
            "0",
            "connection_lifetime_secs must be at least 1",
        ),
    ];
    for (key, value, message) in cases {
        let from_file = settle(&[], &format!("{key} = {value}")).unwrap_err();
        assert!(from_file.0.contains(message), "{key}: {from_file}");
        let flag = format!("--{}", key.replace('_', "-"));
        let from_flag = settle(&[&flag, value], "").unwrap_err();
        assert_eq!(from_flag, from_file, "{key}");
    }
    let mut edges = Settings::default();
    edges.timing.floor = Duration::from_millis(1);
    edges.timing.ceiling = Duration::from_secs(30);
    assert_eq!(edges.validate(), Ok(()));
}

/// Every kind of value is checked with the same reason from the file and
/// from a flag.
#[test]
fn bad_values_are_refused_from_file_and_flags() {
    let cases = [
        (
            "listen",
            "localhost",
            "\"localhost\"",
            "invalid socket address",
        ),
        (
            "trusted_proxy",
            "10.0.0.0/33",
            r#"["10.0.0.0/33"]"#,
            "neither an IP address",
        ),
        (
            "allow_target",
            "nonsense",
            r#"["nonsense"]"#,
            "neither an IP address",
        ),
        (
            "forwarded_header",
            "x-real-ip",
            "\"x-real-ip\"",
            "x-real-ip",
        ),
        (
            "public_origin",
            "example.org",
            "\"example.org\"",
            "is not a URL",
        ),
        (
            "ipv4_origin",
            "ftp://v4.example",
            "\"ftp://v4.example\"",
            "http:// or https://",
        ),
        (
            "ipv6_origin",
            "https://v6.example/x",
            "\"https://v6.example/x\"",
            "give only scheme",
        ),
        (
            "embed_origin",
            "https://x.example/path",
            r#"["https://x.example/path"]"#,
            "give only scheme",
        ),
        (
            "accent_color",
            "#ffff00",
            "\"#ffff00\"",
            "WCAG AA needs 4.5:1",
        ),
        ("org_name", "<script>", "\"<script>\"", "without < or >"),
        ("help_contact", "", "\"\"", "1 to 200 characters"),
        (
            "metrics",
            "sometimes",
            "\"sometimes\"",
            "not on, off or an address",
        ),
        (
            "security_contact",
            "http://x.example",
            "\"http://x.example\"",
            "use a mailto:",
        ),
    ];
    for (key, flag_value, toml_value, message) in cases {
        let from_file = parse_file(&format!("{key} = {toml_value}")).unwrap_err();
        assert!(from_file.contains(key), "{key}: {from_file}");
        assert!(from_file.contains(message), "{key}: {from_file}");
        let flag = format!("--{}", key.replace('_', "-"));
        let from_flag = refused_flags(&[&flag, flag_value]);
        assert!(from_flag.contains(&flag), "{key}: {from_flag}");
        assert!(from_flag.contains(message), "{key}: {from_flag}");
    }
}

#[test]
fn missing_file_is_an_error() {
    let matches = Cli::command()
        .try_get_matches_from([
            "portcheck",
            "healthcheck",
            "--config",
            "/nonexistent/portcheck.toml",
        ])
        .unwrap();
    assert!(Cli::settle(&matches).unwrap_err().0.contains("cannot read"));
}

#[test]
fn the_file_named_by_config_is_read() {
    let path = std::env::temp_dir().join(format!("portcheck-config-{}.toml", std::process::id()));
    std::fs::write(&path, "max_scans = 7\nrate_burst = 0\n").unwrap();
    let argv = |extra: &[&str]| {
        let mut argv = vec!["portcheck", "serve", "--config", path.to_str().unwrap()];
        argv.extend_from_slice(extra);
        Cli::command().try_get_matches_from(argv).unwrap()
    };
    let refused = Cli::settle(&argv(&[])).unwrap_err();
    let (task, s) = Cli::settle(&argv(&["--rate-burst", "2"])).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(refused.0, "rate_burst must be at least 1");
    assert_eq!(task, Task::Serve);
    assert_eq!((s.max_scans, s.rate.burst), (7, 2));
}

#[test]
fn every_option_is_documented_in_help() {
    let mut cmd = Cli::command();
    let serve = cmd.find_subcommand_mut("serve").unwrap();
    let help = serve.render_long_help().to_string();
    for flag in [
        "--config",
        "--listen",
        "--trusted-proxy",
        "--forwarded-header",
        "--allow-target",
        "--timeout-floor-ms",
        "--timeout-ceiling-ms",
        "--rate-burst",
        "--rate-refill-secs",
        "--rate-table-size",
        "--max-scans",
        "--max-connections",
        "--max-connections-per-address",
        "--header-timeout-secs",
        "--connection-lifetime-secs",
        "--shutdown-grace-secs",
        "--www",
        "--public-origin",
        "--ipv4-origin",
        "--ipv6-origin",
        "--embed-origin",
        "--accent-color",
        "--org-name",
        "--help-contact",
        "--metrics",
        "--security-contact",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
        let env = format!(
            "PORTCHECK_{}",
            flag.trim_start_matches("--")
                .replace('-', "_")
                .to_uppercase()
        );
        assert!(help.contains(&env), "{env} missing from --help");
    }
}

#[test]
fn site_settings_from_flags_and_file() {
    let file = r#"
        embed_origin = ["https://www.kammer.example"]
        org_name = "Zahnärztekammer Beispiel"
        help_contact = "0511 123456"
        metrics = "127.0.0.1:9090"
        security_contact = "mailto:abuse@kammer.example"
        "#;
    let s = settle(
        &[
            "--public-origin",
            "https://check.kammer.example",
            "--ipv6-origin",
            "https://v6.check.kammer.example",
        ],
        file,
    )
    .unwrap();
    assert_eq!(
        s.site.public_origin.as_deref(),
        Some("https://check.kammer.example")
    );
    assert_eq!(
        s.site.ipv6_origin.as_deref(),
        Some("https://v6.check.kammer.example")
    );
    assert_eq!(
        s.site.embed_origins,
        vec!["https://www.kammer.example".to_owned()]
    );
    assert_eq!(s.site.org_name.as_deref(), Some("Zahnärztekammer Beispiel"));
    assert_eq!(
        s.metrics,
        Metrics::Listen("127.0.0.1:9090".parse().unwrap())
    );
    assert_eq!(
        s.site.security_contact.as_deref(),
        Some("mailto:abuse@kammer.example")
    );
    assert!(parse_file(r#"org_name = "<script>""#).is_err());
    let e = parse_file(r#"embed_origin = ["https://x.example/path"]"#).unwrap_err();
    assert!(e.contains("embed_origin"), "{e}");
}
