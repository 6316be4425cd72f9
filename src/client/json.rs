//! `--format json`: the probe's report plus the client's evaluation, for
//! monitoring systems that read JSON (Zabbix, PRTG scripts) and as the
//! input of a later `--compare`.
//!
//! `{"state": "ok|warning|critical|unknown", "report": {…}, "evaluation":
//! {…}, "evidence": "sentence"}` for one check of the URL (`evidence` says
//! what the dated report documents and what it does not, in the output's
//! language; each finding in `report` names its `reports`); with `--family`, `"checks": [{"family": "ipv4",
//! …}, …]` instead of `report` and `evaluation`. A check without a result
//! has `"error": "sentence"` in place of them.

use serde_json::{Value, json};

use super::outcome::{Checked, Run};
use crate::api::Report;
use crate::texts::Lang;
use crate::texts::evidence::evidence;

/// The JSON of `run`, one line with a newline.
pub(super) fn render(run: &Run, lang: Lang) -> String {
    let mut top = json!({ "state": run.state() });
    let fields = |c: &Checked| match &c.result {
        Ok(done) => json!({
            "report": done.report,
            "evaluation": done.evaluation,
            "evidence": evidence(&done.report.started_at, lang),
        }),
        Err(problem) => json!({ "error": problem.text(lang) }),
    };
    match run.checks.as_slice() {
        [one] if one.family.is_none() => merge(&mut top, fields(one)),
        checks => {
            let list: Vec<Value> = checks
                .iter()
                .map(|c| {
                    let mut v = json!({ "family": c.family, "state": c.state() });
                    merge(&mut v, fields(c));
                    v
                })
                .collect();
            top["checks"] = Value::Array(list);
        }
    }
    format!("{top}\n")
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        into.extend(from);
    }
}

/// The report in a previous check's JSON: this format's output (the first
/// check's report when there are several) or a bare report of
/// `/api/v1/scan`.
pub(super) fn previous_report(text: &str) -> Result<Report, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let report = if let Some(r) = value.get("report") {
        r.clone()
    } else if let Some(r) = value
        .get("checks")
        .and_then(Value::as_array)
        .and_then(|checks| checks.iter().find_map(|c| c.get("report")))
    {
        r.clone()
    } else {
        value
    };
    serde_json::from_value(report).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Family;
    use crate::client::outcome::Problem;
    use crate::client::outcome::fixtures::{done, run};
    use crate::texts::failure::Failure;

    #[test]
    fn report_and_evaluation_and_back() {
        let checked = done(&[443], &[443]);
        let out = render(&run(None, checked.clone()), Lang::En);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["state"], "ok");
        assert_eq!(v["evaluation"]["expected"][0]["port"], 443);
        assert_eq!(v["evaluation"]["expected"][0]["met"], true);
        assert_eq!(v["report"]["verdict"]["level"], "notice");
        // 443 open: https-exposed, listed in Shadowserver's Accessible SSL.
        assert_eq!(
            v["report"]["verdict"]["findings"][0]["reports"][0],
            "Accessible SSL"
        );
        let evidence = v["evidence"].as_str().expect("evidence");
        assert!(
            evidence.starts_with("This report documents a test of the connection from outside on "),
            "{evidence}"
        );
        assert!(
            evidence.contains("not a certificate and not legal advice"),
            "{evidence}"
        );
        assert_eq!(previous_report(&out), Ok(checked.report.clone()));
        let bare = serde_json::to_string(&checked.report).unwrap();
        assert_eq!(previous_report(&bare), Ok(checked.report));
        assert!(previous_report("{}").is_err());
    }

    #[test]
    fn families_and_errors() {
        let mut r = run(Some(Family::Ipv4), done(&[], &[]));
        r.checks.push(Checked {
            family: Some(Family::Ipv6),
            result: Err(Problem::Failure(Failure::Network)),
        });
        let v: Value = serde_json::from_str(&render(&r, Lang::En)).unwrap();
        assert_eq!(v["state"], "unknown");
        assert_eq!(v["checks"][0]["family"], "ipv4");
        assert_eq!(v["checks"][0]["state"], "ok");
        assert_eq!(v["checks"][1]["state"], "unknown");
        assert!(
            v["checks"][1]["error"]
                .as_str()
                .unwrap()
                .starts_with("No connection")
        );
        assert!(previous_report(&render(&r, Lang::En)).is_ok());
    }
}
