//! A reader of the Monitoring Plugins output format (the Nagios plugin API
//! as the Monitoring Plugins development guidelines describe it), written
//! independently of the client to check its `--format nagios` output:
//! `SERVICE STATE - text | perfdata` on the first line, further lines of
//! long output, and performance data `'label'=value[UOM];[warn];[crit];[min];[max]`
//! with dot decimals; the exit code must match the state.

/// The first line read apart.
#[derive(Debug)]
pub struct PluginOutput {
    pub service: String,
    pub state: String,
    pub text: String,
    pub perfdata: Vec<Perf>,
    pub long_output: Vec<String>,
}

#[derive(Debug, PartialEq)]
pub struct Perf {
    pub label: String,
    pub value: f64,
    pub unit: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

pub fn exit_code_of(state: &str) -> i32 {
    match state {
        "OK" => 0,
        "WARNING" => 1,
        "CRITICAL" => 2,
        "UNKNOWN" => 3,
        other => panic!("no such state {other}"),
    }
}

const UNITS: [&str; 10] = ["", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c"];

/// Reads `stdout` of a plugin that exited with `code`.
pub fn parse(stdout: &str, code: i32) -> Result<PluginOutput, String> {
    let mut lines = stdout.lines();
    let first = lines.next().ok_or("no output")?;
    let (status, perf) = match first.split_once('|') {
        Some((s, p)) => (s, Some(p)),
        None => (first, None),
    };
    let (head, text) = status.split_once(" - ").ok_or("no ` - ` after the state")?;
    let (service, state) = head.split_once(' ').ok_or("no service name")?;
    if service.is_empty() || !service.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(format!("service name {service:?}"));
    }
    if !["OK", "WARNING", "CRITICAL", "UNKNOWN"].contains(&state) {
        return Err(format!("state {state:?}"));
    }
    if exit_code_of(state) != code {
        return Err(format!("state {state} with exit code {code}"));
    }
    if text.trim().is_empty() {
        return Err("empty text".into());
    }
    let perfdata = match perf {
        Some(p) => {
            let p = p.strip_prefix(' ').ok_or("no space after `|`")?;
            p.split(' ').map(perf_item).collect::<Result<_, _>>()?
        }
        None => Vec::new(),
    };
    let long_output: Vec<String> = lines.map(str::to_owned).collect();
    if long_output.iter().any(|l| l.contains('|')) {
        return Err("a `|` in the long output would start performance data".into());
    }
    Ok(PluginOutput {
        service: service.to_owned(),
        state: state.to_owned(),
        text: text.to_owned(),
        perfdata,
        long_output,
    })
}

fn number(s: &str) -> Result<f64, String> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let ok = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    if !ok {
        return Err(format!("not a dot-decimal number: {s:?}"));
    }
    s.parse().map_err(|e| format!("{s:?}: {e}"))
}

fn optional(s: Option<&str>) -> Result<Option<f64>, String> {
    match s {
        None | Some("") => Ok(None),
        Some(v) => number(v).map(Some),
    }
}

fn perf_item(item: &str) -> Result<Perf, String> {
    let (label, rest) = item.split_once('=').ok_or(format!("no `=` in {item:?}"))?;
    let label = match label.strip_prefix('\'') {
        Some(quoted) => quoted
            .strip_suffix('\'')
            .ok_or(format!("unclosed quote in {item:?}"))?,
        None => label,
    };
    if label.is_empty() || label.contains(['\'', '=']) {
        return Err(format!("label of {item:?}"));
    }
    let mut fields = rest.split(';');
    let value_unit = fields.next().unwrap_or("");
    let split = value_unit
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(value_unit.len());
    let (value, unit) = value_unit.split_at(split);
    if !UNITS.contains(&unit) {
        return Err(format!("unit {unit:?} in {item:?}"));
    }
    let value = number(value)?;
    let (_warn, _crit) = (optional(fields.next())?, optional(fields.next())?);
    let (min, max) = (optional(fields.next())?, optional(fields.next())?);
    if fields.next().is_some() {
        return Err(format!("more than five fields in {item:?}"));
    }
    Ok(Perf {
        label: label.to_owned(),
        value,
        unit: unit.to_owned(),
        min,
        max,
    })
}

#[test]
fn the_reader_accepts_the_guidelines_examples_and_refuses_others() {
    let disk = parse(
        "DISK OK - free space: / 3326 MB (56%); | '/'=2643MB;5948;5958;0;5968\nline two\n",
        0,
    )
    .expect("the guidelines' example");
    assert_eq!(
        (disk.service.as_str(), disk.text.as_str()),
        ("DISK", "free space: / 3326 MB (56%); ")
    );
    assert_eq!(disk.perfdata[0].unit, "MB");
    assert_eq!(disk.long_output, vec!["line two"]);
    let ok = parse(
        "PORTCHECK OK - fine | 'open'=2;;;0;28 'duration'=0.412s;;;0\n",
        0,
    )
    .expect("valid");
    assert_eq!(ok.perfdata.len(), 2);
    assert_eq!(ok.perfdata[1].value, 0.412);
    assert_eq!(ok.perfdata[1].unit, "s");
    assert_eq!(ok.perfdata[0].max, Some(28.0));
    for bad in [
        ("PORTCHECK OK - fine\n", 2),
        ("PORTCHECK FINE - fine\n", 0),
        ("PORTCHECK OK fine\n", 0),
        ("PORTCHECK OK - fine | 'open'=0,4s\n", 0),
        ("PORTCHECK OK - fine | 'open=2\n", 0),
        ("PORTCHECK OK - fine\nsecond | 'x'=1\n", 0),
        ("PORTCHECK OK -  | 'x'=1\n", 0),
    ] {
        assert!(parse(bad.0, bad.1).is_err(), "{bad:?}");
    }
}
