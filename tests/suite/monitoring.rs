//! The monitoring examples in deploy/monitoring/ stay true to the binary and
//! the API: every flag they give `portcheck check` exists in its clap
//! definition, every JSONPath and PowerShell field they read is in a real
//! report of the probe, the level names they compare with are the API's wire
//! names, Icinga 2 accepts the CheckCommand and its service (`icinga2 daemon
//! -C`, no daemon, no network), systemd accepts the daily units, shellcheck
//! accepts the shell wrappers, the Checkmk wrapper prints valid local-check
//! lines, and the daily script keeps what its next comparison needs.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use portcheck::api::{ErrorBody, ErrorCode, ErrorDetail, Level};
use serde_json::Value;

use crate::support::gate::tools;
use crate::support::{TempDir, client_from, gate, get_json, open_ports, repo_path, settings};
use crate::support::{TestServer, require_root};

/// Every file in deploy/monitoring/ with its text.
fn examples() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(repo_path("deploy/monitoring"))
        .expect("deploy/monitoring")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).expect("UTF-8 text");
            (name, text)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    files
}

fn example(name: &str) -> String {
    examples()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("deploy/monitoring/{name} is missing"))
        .1
}

/// `portcheck check --help`, or why it cannot be had.
fn check_help() -> Result<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args(["check", "--help"])
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err("this build of portcheck has no `check` subcommand".to_owned())
    }
}

/// Flags (`--word`) in `text`, each with the word after it (quotes and
/// commas stripped), skipping the ones `other_tools` names.
fn flags(text: &str) -> Vec<(String, String)> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c| matches!(c, '"' | '\'' | '`' | ',' | '.' | ';' | '(' | ')'))
                .to_owned()
        })
        .collect();
    let mut found = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(name) = word.strip_prefix("--") else {
            continue;
        };
        if name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        {
            found.push((word.clone(), words.get(i + 1).cloned().unwrap_or_default()));
        }
    }
    found
}

/// Flags in the examples that belong to other programs (systemctl).
const OTHER_TOOLS: [&str; 1] = ["--now"];

#[test]
fn flags_in_monitoring_examples_exist() {
    let test = "flags_in_monitoring_examples_exist";
    let mut named = BTreeSet::new();
    let mut formats = BTreeSet::new();
    for (name, text) in examples() {
        for (flag, value) in flags(&text) {
            if OTHER_TOOLS.contains(&flag.as_str()) {
                continue;
            }
            if flag == "--format" {
                formats.insert(value.clone());
            }
            named.insert((flag, name.clone()));
        }
    }
    let used: BTreeSet<&str> = named.iter().map(|(f, _)| f.as_str()).collect();
    for flag in [
        "--format",
        "--expect-open",
        "--plan",
        "--family",
        "--timeout",
    ] {
        assert!(used.contains(flag), "no example uses {flag}: {used:?}");
    }
    assert_eq!(
        formats,
        ["checkmk", "json", "nagios", "text"]
            .map(String::from)
            .into(),
    );
    let help = match check_help() {
        Ok(help) => help,
        Err(why) => {
            gate(test, Err(why));
            return;
        }
    };
    for (flag, file) in &named {
        assert!(
            help.contains(flag.as_str()),
            "deploy/monitoring/{file} uses {flag}, which `portcheck check` does not know"
        );
    }
    for format in &formats {
        assert!(
            help.contains(format.as_str()),
            "--format {format} is not in the help"
        );
    }
}

/// A minimal JSONPath as the Zabbix template uses it: `$`, `.name`, `[*]`,
/// `[?(@.name == "value")]` and a final `.length()`. The values it selects.
fn json_path(root: &Value, path: &str) -> Vec<Value> {
    let mut rest = path
        .strip_prefix('$')
        .unwrap_or_else(|| panic!("{path}: no $"));
    let mut current = vec![root.clone()];
    let mut many = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(".length()") {
            assert!(after.is_empty(), "{path}: length() must come last");
            let n = if many {
                current.len()
            } else {
                current
                    .first()
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
            };
            return vec![Value::from(n)];
        } else if let Some(after) = rest.strip_prefix("[*]") {
            current = current.iter().flat_map(elements).collect();
            many = true;
            rest = after;
        } else if let Some(after) = rest.strip_prefix("[?(@.") {
            let (condition, after) = after.split_once(")]").expect("end of filter");
            let (field, value) = condition.split_once(" == ").expect("== in filter");
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            current = current
                .iter()
                .flat_map(elements)
                .filter(|v| v.get(field).and_then(Value::as_str) == Some(value))
                .collect();
            many = true;
            rest = after;
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let field = &after[..end];
            let next: Vec<Value> = current
                .iter()
                .filter_map(|v| v.get(field).cloned())
                .collect();
            assert!(!next.is_empty(), "{path}: no field {field}");
            current = next;
            rest = &after[end..];
        } else {
            panic!("{path}: cannot read {rest}");
        }
    }
    current
}

fn elements(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn wire(level: Level) -> String {
    serde_json::to_value(level)
        .expect("level")
        .as_str()
        .expect("string")
        .to_owned()
}

/// A real report of the probe for a visitor with 443 and 445 open (ports
/// below 1024: needs root).
async fn real_report(test: &str, visitor: &str) -> Option<Value> {
    if !require_root(test) {
        return None;
    }
    let _open = open_ports(visitor, &[443, 445]).await;
    let server = TestServer::start(settings()).await;
    Some(get_json(&client_from(visitor), &server.url("/api/v1/scan")).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zabbix_json_paths_read_a_real_report() {
    let Some(report) = real_report("zabbix_json_paths_read_a_real_report", "127.0.0.71").await
    else {
        return;
    };
    let zabbix = example("zabbix-portcheck.yaml");
    let paths: Vec<&str> = zabbix
        .lines()
        .map(|l| l.trim().trim_start_matches("- ").trim_matches('\''))
        .filter(|l| l.starts_with("$."))
        .collect();
    assert!(paths.len() >= 5, "{paths:?}");
    for path in &paths {
        let found = json_path(&report, path);
        assert!(!found.is_empty(), "{path} selects nothing in {report}");
    }
    assert_eq!(
        json_path(&report, "$.verdict.level"),
        [Value::from(wire(Level::Critical))]
    );
    let open = json_path(&report, r#"$.ports[?(@.state == "open")].port"#);
    assert_eq!(open, [Value::from(443), Value::from(445)]);
    assert_eq!(
        json_path(&report, r#"$.ports[?(@.state == "open")].length()"#),
        [Value::from(2)]
    );
    // Trigger expressions compare with the API's level names.
    let mut compared = 0;
    for (i, _) in zabbix.match_indices(")=\"") {
        let value = &zabbix[i + 3..];
        let value = &value[..value.find('"').expect("closing quote")];
        assert!(
            [Level::Ok, Level::Notice, Level::Warning, Level::Critical]
                .map(wire)
                .contains(&value.to_owned()),
            "trigger compares with {value}, not a level"
        );
        compared += 1;
    }
    assert_eq!(compared, 2);
}

/// `$name.field.field` in a PowerShell script, for each variable name.
fn powershell_fields(text: &str, variable: &str) -> BTreeSet<Vec<String>> {
    let marker = format!("${variable}.");
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices(&marker) {
        let path: String = text[i + marker.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        let fields: Vec<String> = path
            .split('.')
            .filter(|f| !f.is_empty())
            // .NET members of the values, not report fields.
            .take_while(|f| !matches!(*f, "Count" | "Message" | "Exception" | "ErrorDetails"))
            .map(str::to_owned)
            .collect();
        if !fields.is_empty() {
            found.insert(fields);
        }
    }
    found
}

fn assert_fields(json: &Value, fields: &BTreeSet<Vec<String>>, what: &str) {
    assert_fields_in_one(&[json], fields, what);
}

/// Each path of `fields` leads somewhere in one of `jsons`.
fn assert_fields_in_one(jsons: &[&Value], fields: &BTreeSet<Vec<String>>, what: &str) {
    for path in fields {
        let found = jsons
            .iter()
            .any(|json| path.iter().try_fold(*json, |at, f| at.get(f)).is_some());
        assert!(
            found,
            "{what} reads {}, which is not in {jsons:?}",
            path.join(".")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn powershell_scripts_read_fields_of_a_real_report() {
    let Some(report) = real_report(
        "powershell_scripts_read_fields_of_a_real_report",
        "127.0.0.72",
    )
    .await
    else {
        return;
    };
    let error = serde_json::to_value(ErrorBody {
        error: ErrorDetail {
            code: ErrorCode::RateLimited,
            message: "too many checks".to_owned(),
            retry_after_s: Some(30),
        },
    })
    .expect("error JSON");
    let levels = [Level::Ok, Level::Notice, Level::Warning, Level::Critical].map(wire);
    for name in ["prtg-portcheck.ps1", "windows-portcheck-task.ps1"] {
        let text = example(name);
        let read = powershell_fields(&text, "report");
        assert!(read.len() >= 5, "{name} reads only {read:?}");
        assert_fields(&report, &read, name);
        assert_fields(&report, &powershell_fields(&text, "before"), name);
        let finding = &report["verdict"]["findings"][0];
        // `$_` is a port result or a finding, in pipelines over each.
        let item = powershell_fields(&text, "_");
        assert_fields_in_one(&[&report["ports"][0], finding], &item, name);
        assert_fields(&error, &powershell_fields(&text, "body"), name);
        assert_fields(finding, &powershell_fields(&text, "finding"), name);
        // The table from level names to numbers names each level once.
        let table = text
            .lines()
            .find(|l| l.contains("@{ ok = "))
            .unwrap_or_else(|| panic!("{name}: no level table"));
        for level in &levels {
            assert!(
                table.contains(&format!(" {level} = ")),
                "{name}: {level} missing"
            );
        }
        assert!(text.contains("Invoke-RestMethod") && text.contains("/api/v1/scan"));
    }
}

/// Icinga 2's own configuration check over the example with a host that uses
/// it through an agent endpoint, and over a broken copy, which must fail.
#[test]
fn icinga_accepts_the_check_command_and_service() {
    let test = "icinga_accepts_the_check_command_and_service";
    if !gate(test, tools(&["icinga2", "id"])) {
        return;
    }
    let example = example("icinga2-portcheck.conf");
    let (ok, out) = icinga_check(&example);
    assert!(ok, "icinga2 daemon -C refused the example:\n{out}");
    assert!(out.contains("Instantiated 1 Service"), "{out}");
    let broken = example.replace(
        "check_command = \"portcheck\"",
        "check_command = \"portchek\"",
    );
    let (ok, out) = icinga_check(&broken);
    assert!(
        !ok,
        "icinga2 daemon -C accepted a service with an unknown command:\n{out}"
    );
}

/// `id FLAG`: this process's user or group name.
fn id(flag: &str) -> String {
    let out = Command::new("id").arg(flag).output().expect("id");
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned()
}

/// `icinga2 daemon -C` over `example` and a practice host in a fresh folder
/// that also holds every file it writes.
fn icinga_check(example: &str) -> (bool, String) {
    let dir = TempDir::new("icinga");
    let at = |p: &str| -> PathBuf { dir.path().join(p) };
    std::fs::write(at("portcheck.conf"), example).expect("write");
    std::fs::create_dir_all(at("state/cache/icinga2")).expect("state dir");
    let main = format!(
        r#"const NodeName = "master.example"
const ZoneName = "master"
include <itl>
include "{}"
object Endpoint "master.example" {{ }}
object Zone "master" {{ endpoints = [ "master.example" ] }}
object Endpoint "agent.practice.example" {{ }}
object Zone "agent.practice.example" {{
  endpoints = [ "agent.practice.example" ]
  parent = "master"
}}
object Host "practice" {{
  check_command = "dummy"
  zone = "master"
  vars.portcheck_endpoint = "agent.practice.example"
  vars.portcheck_expect_open = [ 443 ]
}}
object Host "elsewhere" {{
  check_command = "dummy"
  zone = "master"
}}
"#,
        at("portcheck.conf").display()
    );
    std::fs::write(at("icinga2.conf"), main).expect("write");
    let out = Command::new("icinga2")
        .args(["daemon", "-C", "-c"])
        .arg(at("icinga2.conf"))
        .arg(format!("-DLocalStateDir={}", at("state").display()))
        // Run as whoever runs the test (Icinga switches to its own user otherwise).
        .arg(format!("-DRunAsUser={}", id("-un")))
        .arg(format!("-DRunAsGroup={}", id("-gn")))
        .output()
        .expect("icinga2");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn shell_wrappers_pass_shellcheck() {
    let test = "shell_wrappers_pass_shellcheck";
    if !gate(test, tools(&["shellcheck"])) {
        return;
    }
    for name in ["checkmk-portcheck", "portcheck-daily"] {
        let out = Command::new("shellcheck")
            .args(["--shell=sh", "--severity=style"])
            .arg(repo_path(&format!("deploy/monitoring/{name}")))
            .output()
            .expect("shellcheck");
        assert!(
            out.status.success(),
            "{name}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// A Checkmk local-check line: `<state> "<service>" <metrics or -> <text>`.
fn is_local_check_line(line: &str) -> bool {
    let Some((state, rest)) = line.split_once(' ') else {
        return false;
    };
    let Some(rest) = rest.strip_prefix('"') else {
        return false;
    };
    let Some((service, rest)) = rest.split_once("\" ") else {
        return false;
    };
    let Some((metrics, text)) = rest.split_once(' ') else {
        return false;
    };
    let metric = |m: &str| {
        m.split_once('=').is_some_and(|(name, values)| {
            !name.is_empty()
                && values.split(';').all(|v| {
                    v.is_empty()
                        || v.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                            .parse::<f64>()
                            .is_ok()
                })
        })
    };
    matches!(state, "0" | "1" | "2" | "3" | "P")
        && !service.is_empty()
        && (metrics == "-" || metrics.split('|').all(metric))
        && !text.is_empty()
}

#[test]
fn local_check_reader_accepts_the_format_and_refuses_faults() {
    assert!(is_local_check_line(
        r#"2 "Portcheck 440-449" open=1;;;0;10|reachable=3 445 open"#
    ));
    assert!(is_local_check_line(r#"3 "Portcheck" - no answer"#));
    assert!(!is_local_check_line(r#"2 Portcheck 440-449 open=1 text"#));
    assert!(!is_local_check_line(r#"5 "Portcheck" - text"#));
    assert!(!is_local_check_line(r#"0 "Portcheck" open=1,5 text"#));
    assert!(!is_local_check_line(r#"0 "Portcheck" -"#));
}

/// The Checkmk wrapper run by hand as the agent runs it: without a portcheck
/// on PATH it still prints one UNKNOWN line; with the binary it prints the
/// lines of `portcheck check --format checkmk` against a probe on loopback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkmk_wrapper_prints_local_check_lines() {
    let test = "checkmk_wrapper_prints_local_check_lines";
    let wrapper = repo_path("deploy/monitoring/checkmk-portcheck");
    let conf = TempDir::new("checkmk");
    let server = TestServer::start(settings()).await;
    std::fs::write(
        conf.path().join("portcheck.conf"),
        format!("PROBE_URL={}\nEXPECT_OPEN=\"\"\n", server.url("")),
    )
    .expect("write");
    let run = |path: &str| {
        let out = Command::new("/bin/sh")
            .arg(&wrapper)
            .env("PATH", path)
            .env("MK_CONFDIR", conf.path())
            .output()
            .expect("sh");
        assert!(out.status.success());
        String::from_utf8(out.stdout).expect("UTF-8")
    };

    let bin = TempDir::new("checkmk-bin");
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let without = run(&path);
    assert_eq!(without.lines().count(), 1, "{without}");
    assert!(
        without.starts_with("3 ") && is_local_check_line(without.trim_end()),
        "{without}"
    );

    if let Err(why) = check_help() {
        gate(test, Err(why));
        return;
    }
    put_on_path(bin.path());
    // The probe answers from the runtime's worker threads meanwhile.
    let with = run(&path);
    assert!(with.lines().count() >= 2, "{with}");
    for line in with.lines() {
        assert!(is_local_check_line(line), "not a local-check line: {line}");
        assert!(line.contains("\"Portcheck "), "{line}");
    }
}

/// This build of `portcheck` as `dir/portcheck`, for a `PATH` that starts
/// with `dir`.
fn put_on_path(dir: &std::path::Path) {
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_portcheck"), dir.join("portcheck"))
        .expect("symlink");
}

/// The daily script run twice as its unit runs it, against a probe on
/// loopback: the first run leaves the JSON report and the status, the
/// second compares with that report; each exits with the check's status.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daily_script_keeps_the_report_for_the_next_comparison() {
    let test = "daily_script_keeps_the_report_for_the_next_comparison";
    if let Err(why) = check_help() {
        gate(test, Err(why));
        return;
    }
    let server = TestServer::start(settings()).await;
    let state = TempDir::new("daily-state");
    let bin = TempDir::new("daily-bin");
    put_on_path(bin.path());
    let run = || {
        Command::new("/bin/sh")
            .arg(repo_path("deploy/monitoring/portcheck-daily"))
            .env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()))
            .env("STATE_DIRECTORY", state.path())
            .env("PROBE_URL", server.url(""))
            .env("EXPECT_OPEN", "")
            .env("MAIL_TO", "")
            .env("LANG", "en_US.UTF-8")
            .output()
            .expect("sh")
    };
    // The probe answers from the runtime's worker threads meanwhile.
    for round in ["first", "second"] {
        let out = run();
        let status = out.status.code().expect("exit status");
        assert!((0..=2).contains(&status), "{round} run: {status}\n{out:?}");
        let saved: Value = serde_json::from_str(
            &std::fs::read_to_string(state.path().join("last.json")).expect("last.json"),
        )
        .expect("last.json is JSON");
        assert!(saved["report"]["verdict"]["level"].is_string(), "{saved}");
        let last_status = std::fs::read_to_string(state.path().join("last-status"));
        assert_eq!(last_status.expect("last-status").trim(), status.to_string());
        assert!(!state.path().join("next.json").exists());
    }
}

/// `systemd-analyze verify` over the daily service and timer, with the
/// service started from the script in this tree instead of its installed
/// path; any complaint (an unknown key is only a warning) fails.
#[test]
fn daily_units_verify() {
    if !gate("daily_units_verify", tools(&["systemd-analyze"])) {
        return;
    }
    let dir = TempDir::new("daily-units");
    let installed = "ExecStart=/usr/local/lib/portcheck-daily\n";
    let service = example("portcheck-daily.service");
    assert!(service.contains(installed));
    let script = repo_path("deploy/monitoring/portcheck-daily");
    let here = format!("ExecStart={}\n", script.display());
    std::fs::write(
        dir.path().join("portcheck-daily.service"),
        service.replace(installed, &here),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("portcheck-daily.timer"),
        example("portcheck-daily.timer"),
    )
    .expect("write");
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(["portcheck-daily.service", "portcheck-daily.timer"].map(|u| dir.path().join(u)))
        .output()
        .expect("systemd-analyze");
    let complaints = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && complaints.trim().is_empty(),
        "systemd-analyze verify: {}\n{complaints}",
        out.status
    );
}
