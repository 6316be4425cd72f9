//! The configuration read as the operator gives it: flags, environment and
//! file in their order of precedence, the checks with their messages, and the
//! table of options in docs/configuration.md against the options that exist.

use std::time::Duration;

use clap::CommandFactory;
use ipnet::IpNet;

use super::*;
use crate::probe::config::*;
use crate::probe::visitor::forwarded::ForwardedHeader;

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
        vec![
            TrustedProxy::Net(net("10.0.0.0/8")),
            TrustedProxy::Net(net("192.168.1.1/32"))
        ]
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

#[test]
fn the_request_limit_from_flags_and_file() {
    let d = Settings::default().requests;
    assert_eq!(
        (d.burst, d.per_second),
        (600, 50),
        "the documented defaults"
    );
    let s = settle(
        &["--request-rate", "200"],
        "request_burst = 2000
",
    )
    .unwrap();
    assert_eq!((s.requests.burst, s.requests.per_second), (2000, 200));
    let rate = s.requests.rate(s.rate.table_size);
    assert_eq!(rate.refill, Duration::from_millis(5));
    assert_eq!(rate.table_size, 100_000);
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
            vec![
                TrustedProxy::Net(net("10.0.0.1/32")),
                TrustedProxy::Net(net("fd00::/8"))
            ],
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

/// The file line and the flags that give `key` the value `value`.
fn file_line_and_flags(key: &str, value: &str) -> (String, [String; 2]) {
    let flag = format!("--{}", key.replace('_', "-"));
    let cmd = Cli::command();
    let serve = cmd.find_subcommand("serve").unwrap();
    let list = serve
        .get_arguments()
        .any(|a| a.get_id() == key && matches!(a.get_action(), clap::ArgAction::Append));
    let number = value.parse::<i64>().is_ok();
    let line = match (list, number) {
        (true, _) => format!("{key} = [{value:?}]"),
        (false, true) => format!("{key} = {value}"),
        (false, false) => format!("{key} = {value:?}"),
    };
    (line, [flag, value.to_owned()])
}

/// Every check between values, each reached from the file and from flags.
#[test]
fn impossible_combinations_are_refused_from_file_and_flags() {
    let cases = [
        ("timeout_floor_ms=0", "timeout_floor_ms must be at least 1"),
        (
            "timeout_floor_ms=500 timeout_ceiling_ms=100",
            "timeout_ceiling_ms must not be below timeout_floor_ms",
        ),
        (
            "timeout_ceiling_ms=100",
            "must not be below timeout_floor_ms",
        ),
        (
            "timeout_ceiling_ms=30001",
            "timeout_ceiling_ms must be at most 30000",
        ),
        ("rate_burst=0", "rate_burst must be at least 1"),
        ("rate_refill_secs=0", "rate_refill_secs must be at least 1"),
        ("rate_table_size=0", "rate_table_size must be at least 1"),
        ("request_burst=0", "request_burst must be at least 1"),
        ("request_rate=0", "request_rate must be at least 1"),
        (
            "max_scans=0",
            "max_connections_per_address must be at least 1",
        ),
        (
            "max_connections=0",
            "max_connections_per_address must be at least 1",
        ),
        ("max_connections_per_address=0", "must be at least 1"),
        (
            "header_timeout_secs=0",
            "connection_lifetime_secs must be at least 1",
        ),
        (
            "connection_lifetime_secs=0",
            "connection_lifetime_secs must be at least 1",
        ),
    ];
    for (options, message) in cases {
        let (mut file, mut flags) = (String::new(), Vec::new());
        for option in options.split(' ') {
            let (key, value) = option.split_once('=').unwrap();
            let (line, flag) = file_line_and_flags(key, value);
            file.push_str(&line);
            file.push('\n');
            flags.extend(flag);
        }
        let from_file = settle(&[], &file).unwrap_err();
        assert!(from_file.0.contains(message), "{options}: {from_file}");
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        assert_eq!(settle(&flags, ""), Err(from_file), "{options}");
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
        ("listen", "localhost", "invalid socket address"),
        ("trusted_proxy", "10.0.0.0/33", "neither an IP address"),
        ("trusted_proxy", "nonsense", "neither an IP address"),
        ("allow_target", "nonsense", "neither an IP address"),
        ("forwarded_header", "x-real-ip", "x-real-ip"),
        ("public_origin", "example.org", "is not a URL"),
        ("ipv4_origin", "ftp://v4.example", "http:// or https://"),
        ("ipv6_origin", "https://v6.example/x", "give only scheme"),
        ("embed_origin", "https://x.example/path", "give only scheme"),
        ("accent_color", "#ffff00", "WCAG AA needs 4.5:1"),
        ("org_name", "<script>", "without < or >"),
        ("help_contact", "", "1 to 200 characters"),
        ("metrics", "sometimes", "not on, off or an address"),
        ("security_contact", "http://x.example", "use a mailto:"),
    ];
    for (key, value, message) in cases {
        let (line, [flag, value]) = file_line_and_flags(key, value);
        let from_file = parse_file(&line).unwrap_err();
        assert!(from_file.contains(key), "{line}: {from_file}");
        assert!(from_file.contains(message), "{line}: {from_file}");
        let from_flag = refused_flags(&[&flag, &value]);
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

/// A row of the configuration table in docs/configuration.md.
struct Documented {
    flag: String,
    env: String,
    key: Option<String>,
    repeatable: bool,
    default: Option<String>,
}

fn readme_options() -> Vec<Documented> {
    const CONFIGURATION: &str = include_str!("../../docs/configuration.md");
    // The first word of a cell's first `code span`.
    let code = |cell: &str| {
        let span = cell.split('`').nth(1)?;
        span.split_whitespace().next().map(str::to_owned)
    };
    CONFIGURATION
        .lines()
        .skip_while(|l| *l != "# Configuration")
        .filter(|l| l.starts_with("| `--"))
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
            // A default given as a value (not as words like "none").
            let default = match cells[3].chars().next() {
                Some('`') => code(cells[3]),
                Some(c) if c.is_ascii_digit() => {
                    cells[3].split_whitespace().next().map(str::to_owned)
                }
                _ => None,
            };
            Documented {
                flag: code(cells[0]).expect("flag"),
                env: code(cells[1]).expect("environment variable"),
                key: code(cells[2]),
                repeatable: cells[0].contains("(repeatable)"),
                default,
            }
        })
        .collect()
}

/// The table in docs/configuration.md names every option, in the order of
/// `--help`, with its environment variable, file key and default.
#[test]
fn every_option_is_documented_in_help_and_readme() {
    let documented = readme_options();
    assert_eq!(
        documented.len(),
        29,
        "rows in the table of docs/configuration.md"
    );
    let cmd = Cli::command();
    let serve = cmd.find_subcommand("serve").unwrap();
    let flags: Vec<String> = serve
        .get_arguments()
        .filter_map(|a| Some(format!("--{}", a.get_long()?)))
        .filter(|f| f != "--help")
        .collect();
    let readme_flags: Vec<&str> = documented.iter().map(|o| o.flag.as_str()).collect();
    assert_eq!(readme_flags, flags);
    let help = Cli::command()
        .find_subcommand_mut("serve")
        .unwrap()
        .render_long_help()
        .to_string();
    let known_keys = parse_file("no_such_key = 0").unwrap_err();
    let mut defaults_checked = 0;
    for option in &documented {
        let flag = &option.flag;
        assert!(help.contains(flag), "{flag} missing from --help");
        let name = flag.trim_start_matches("--");
        let env = format!("PORTCHECK_{}", name.replace('-', "_").to_uppercase());
        assert!(help.contains(&env), "{env} missing from --help");
        assert_eq!(option.env, env);
        if let Some(key) = &option.key {
            assert_eq!(key, &name.replace('-', "_"));
            assert!(known_keys.contains(&format!("`{key}`")), "{key}");
        } else {
            assert_eq!(flag, "--config", "only --config is not a file key");
        }
        let arg = serve
            .get_arguments()
            .find(|a| a.get_long() == Some(name))
            .unwrap();
        assert_eq!(
            option.repeatable,
            matches!(arg.get_action(), clap::ArgAction::Append),
            "{flag}"
        );
        if let Some(default) = &option.default {
            let given = settle(&[flag, default], "").unwrap();
            assert_eq!(given, Settings::default(), "{flag} {default}");
            defaults_checked += 1;
        }
    }
    assert_eq!(defaults_checked, 17, "defaults written as values");
}

/// `--allow-loopback` alone, with a value, from the environment's words and
/// from the file; `--listen unix:PATH` with `--trusted-proxy unix`.
#[test]
fn loopback_and_the_unix_socket_from_flags_and_file() {
    assert!(!settle(&[], "").unwrap().allow_loopback);
    assert!(settle(&["--allow-loopback"], "").unwrap().allow_loopback);
    assert!(
        !settle(&["--allow-loopback", "false"], "allow_loopback = true")
            .unwrap()
            .allow_loopback
    );
    assert!(
        settle(&["--allow-loopback", "yes"], "")
            .unwrap()
            .allow_loopback
    );
    assert!(settle(&[], "allow_loopback = true").unwrap().allow_loopback);
    let s = settle(
        &[],
        "listen = \"unix:/run/portcheck/http.sock\"\ntrusted_proxy = [\"unix\"]",
    )
    .unwrap();
    assert_eq!(s.listen, Listen::Unix("/run/portcheck/http.sock".into()));
    assert_eq!(s.trusted_proxies, vec![TrustedProxy::Unix]);
    let s = settle(
        &[
            "--listen",
            "unix:/tmp/p.sock",
            "--trusted-proxy",
            "unix,10.0.0.1",
        ],
        "",
    )
    .unwrap();
    assert_eq!(s.listen, Listen::Unix("/tmp/p.sock".into()));
    assert_eq!(
        s.trusted_proxies,
        vec![TrustedProxy::Unix, TrustedProxy::Net(net("10.0.0.1/32"))]
    );
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
        MetricsMode::Listen("127.0.0.1:9090".parse().unwrap())
    );
    assert_eq!(
        s.site.security_contact.as_deref(),
        Some("mailto:abuse@kammer.example")
    );
    assert!(parse_file(r#"org_name = "<script>""#).is_err());
    let e = parse_file(r#"embed_origin = ["https://x.example/path"]"#).unwrap_err();
    assert!(e.contains("embed_origin"), "{e}");
}

/// Help texts and the operator's documents say what the code does: a full
/// rate table forgets its stalest entry (no 503), a scan connects with two
/// sockets per port, and the shipped proxies say which connection limits
/// they lose.
#[test]
fn texts_say_what_the_code_does() {
    const SECURITY_MODEL: &str = include_str!("../../docs/security-model.md");
    const NGINX: &str = include_str!("../../deploy/nginx.conf");
    const CADDY: &str = include_str!("../../deploy/Caddyfile");
    let mut cmd = Cli::command();
    let serve = cmd.find_subcommand_mut("serve").unwrap();
    let help_of = |id: &str| {
        let arg = serve.get_arguments().find(|a| a.get_id() == id).unwrap();
        arg.get_long_help()
            .or(arg.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default()
    };
    let table = help_of("rate_table_size");
    assert!(!table.contains("503"), "{table}");
    assert!(table.contains("stalest"), "{table}");
    assert!(help_of("max_scans").contains("two sockets per planned port"));
    assert!(!SECURITY_MODEL.contains("one socket per planned port"));
    assert!(SECURITY_MODEL.contains("two sockets per planned port"));
    assert!(NGINX.contains("are NOT in force behind nginx"));
    assert!(CADDY.contains("no per-visitor or per-network"));
    assert!(SECURITY_MODEL.contains("These caps count the TCP peer"));
}
