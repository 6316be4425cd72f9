//! Parsers of the two monitoring output formats `portcheck check` speaks, as
//! the monitoring systems read them, and the binary's output run through
//! them against a probe on loopback:
//! - Monitoring Plugins (Icinga, Nagios, Naemon): a first line
//!   `SERVICE STATE - text | perfdata`, performance data as
//!   `'label'=value[UOM];[warn];[crit];[min];[max]` with dot decimals, and
//!   the exit status 0/1/2/3 matching the state word;
//! - Checkmk local checks: `<state> "<service>" <metrics or -> <text>` per
//!   line, metrics as `name=value;warn;crit;min;max` joined by `|`.

use std::process::Command;

use crate::monitoring::check_help;
use crate::support::{TestServer, gate, settings};

/// One Monitoring Plugins result: the service, the state word, the summary
/// and the performance data (label, value, unit).
#[derive(Debug, PartialEq)]
pub struct PluginResult {
    pub service: String,
    pub state: String,
    pub summary: String,
    pub perfdata: Vec<(String, f64, String)>,
}

/// Parses a plugin's output and checks it against its exit status.
pub fn parse_plugin_output(text: &str, status: i32) -> Result<PluginResult, String> {
    let first = text.lines().next().ok_or("no output")?;
    let (head, perf) = match first.split_once(" | ") {
        Some((head, perf)) => (head, perf),
        None => (first, ""),
    };
    let (service, rest) = head.split_once(' ').ok_or("no state word")?;
    let (state, summary) = rest.split_once(" - ").ok_or("no ` - ` after the state")?;
    let expected = match state {
        "OK" => 0,
        "WARNING" => 1,
        "CRITICAL" => 2,
        "UNKNOWN" => 3,
        other => return Err(format!("state word {other}")),
    };
    if status != expected {
        return Err(format!("state {state} but exit status {status}"));
    }
    if service.is_empty() || !service.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(format!("service name {service:?}"));
    }
    let perfdata = perf
        .split_whitespace()
        .map(parse_perf_item)
        .collect::<Result<_, _>>()?;
    Ok(PluginResult {
        service: service.to_owned(),
        state: state.to_owned(),
        summary: summary.to_owned(),
        perfdata,
    })
}

/// `'label'=value[UOM];[warn];[crit];[min];[max]`.
fn parse_perf_item(item: &str) -> Result<(String, f64, String), String> {
    let (label, rest) = item.rsplit_once('=').ok_or(format!("{item}: no ="))?;
    let label = label
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
        .unwrap_or(label);
    if label.is_empty() || label.contains(['=', '\'']) {
        return Err(format!("{item}: label"));
    }
    let mut fields = rest.split(';');
    let value = fields.next().unwrap_or_default();
    let number_end = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(number_end);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{item}: value {number:?}"))?;
    if !["", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c"].contains(&unit) {
        return Err(format!("{item}: unit {unit:?}"));
    }
    let limits: Vec<&str> = fields.collect();
    if limits.len() > 4 {
        return Err(format!("{item}: more than warn;crit;min;max"));
    }
    for limit in limits.iter().filter(|l| !l.is_empty()) {
        limit
            .parse::<f64>()
            .map_err(|_| format!("{item}: threshold {limit:?}"))?;
    }
    Ok((label.to_owned(), number, unit.to_owned()))
}

/// A Checkmk local-check line: `<state> "<service>" <metrics or -> <text>`.
pub fn is_local_check_line(line: &str) -> bool {
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
fn parsers_accept_the_formats_and_refuse_their_faults() {
    let ok = parse_plugin_output(
        "PORTCHECK OK - nothing reachable | 'open'=2;;;0;28 'reachable'=4;;;0;28 'duration'=0.412s;;;0\ndetail",
        0,
    )
    .expect("valid");
    assert_eq!(ok.state, "OK");
    assert_eq!(
        ok.perfdata[2],
        ("duration".to_owned(), 0.412, "s".to_owned())
    );
    for (text, status) in [
        ("PORTCHECK OK - fine", 2),                  // exit status disagrees
        ("PORTCHECK FINE - fine", 0),                // no such state
        ("PORTCHECK CRITICAL: 445 open", 2),         // no ` - `
        ("PORTCHECK OK - x | 'duration'=0,412s", 0), // decimal comma
        ("PORTCHECK OK - x | 'open'=2;;;0;28;9", 0), // too many fields
        ("", 3),
    ] {
        assert!(
            parse_plugin_output(text, status).is_err(),
            "accepted {text:?}"
        );
    }
    assert!(is_local_check_line(
        r#"2 "Portcheck 440-449" open=1;;;0;10|reachable=3 445 open"#
    ));
    assert!(is_local_check_line(r#"3 "Portcheck" - no answer"#));
    assert!(!is_local_check_line(r#"2 Portcheck 440-449 open=1 text"#));
    assert!(!is_local_check_line(r#"5 "Portcheck" - text"#));
    assert!(!is_local_check_line(r#"0 "Portcheck" open=1,5 text"#));
}

/// The binary's nagios and checkmk output against a probe on loopback
/// (whatever 127.0.0.1's ports show: the format is under test here).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_output_parses_as_the_monitoring_systems_read_it() {
    let test = "check_output_parses_as_the_monitoring_systems_read_it";
    if let Err(why) = check_help() {
        gate(test, Err(why));
        return;
    }
    let server = TestServer::start(settings()).await;
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .args(["check", "--format", format, "--lang", "en"])
            .arg(server.url(""))
            .output()
            .expect("portcheck check");
        (
            String::from_utf8(out.stdout).expect("UTF-8"),
            out.status.code().expect("exit status"),
        )
    };
    // The probe answers from the runtime's worker threads meanwhile.
    let (text, status) = run("nagios");
    let result = parse_plugin_output(&text, status).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    assert_eq!(result.service, "PORTCHECK");
    assert_ne!(result.state, "UNKNOWN", "no result from the probe:\n{text}");
    assert!(!result.perfdata.is_empty(), "{text}");

    let (lines, _) = run("checkmk");
    assert!(lines.lines().count() >= 2, "{lines}");
    for line in lines.lines() {
        assert!(is_local_check_line(line), "not a local-check line: {line}");
    }
}
