//! What a run of `portcheck check` ends with, the input of every output
//! format: per checked address family a report (with its plan and the
//! client's evaluation) or the problem that kept it from one.

use std::time::Duration;

use super::evaluation::{Evaluation, MonitorState, never_expected_reason};
use crate::api::{Family, Report};
use crate::plan::Plan;
use crate::texts::Lang;
use crate::texts::failure::Failure;
use crate::texts::words::{family_name, retry_in};

/// Why there is no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The URL (or the origin the probe named) cannot be used.
    BadUrl(String),
    /// `--expect-open 445`.
    NeverExpected,
    /// The file given with `--compare` cannot be read.
    Compare(String),
    /// No result within `--timeout`.
    Timeout(Duration),
    /// What the probe or the network said, as the page tells it apart.
    Failure(Failure),
}

impl Problem {
    /// The problem in one line in `lang` (the probe's own reasons, which it
    /// gives in English, follow after a colon).
    pub fn text(&self, lang: Lang) -> String {
        let de = lang == Lang::De;
        match self {
            Problem::BadUrl(why) => match lang {
                Lang::De => format!("Ungültige Adresse des Prüfdienstes: {why}"),
                Lang::En => format!("Unusable address of the checking service: {why}"),
            },
            Problem::NeverExpected => never_expected_reason(),
            Problem::Compare(why) => {
                let what = if de {
                    "Die frühere Prüfung (--compare) ist nicht lesbar"
                } else {
                    "The previous check (--compare) cannot be read"
                };
                format!("{what}: {why}")
            }
            Problem::Timeout(limit) => {
                let secs = limit.as_secs_f64();
                match lang {
                    Lang::De => format!("Kein Ergebnis innerhalb von {secs} s (--timeout)."),
                    Lang::En => format!("No result within {secs} s (--timeout)."),
                }
            }
            Problem::Failure(f) => {
                let mut text = f.text(None, lang).to_owned();
                if let Some(secs) = f.retry_after_s() {
                    text = format!("{text} {}", retry_in(secs, lang));
                }
                match f {
                    Failure::NotAllowed { reason }
                    | Failure::BadRequest { reason }
                    | Failure::Probe {
                        message: reason, ..
                    } => format!("{text} ({reason})"),
                    Failure::Unreachable { status } if *status != 0 => {
                        format!("{text} (HTTP {status})")
                    }
                    _ => text,
                }
            }
        }
    }
}

/// A finished check.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub report: Report,
    /// The plan the probe announced for this check.
    pub plan: Plan,
    pub evaluation: Evaluation,
}

impl Done {
    /// The report with the client's verdict (expected ports accepted), the
    /// one every format shows.
    pub fn judged_report(&self) -> Report {
        Report {
            verdict: self.evaluation.verdict.clone(),
            ..self.report.clone()
        }
    }
}

/// One check: of the URL's own family (`family` none) or of one family.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub family: Option<Family>,
    pub result: Result<Done, Problem>,
}

impl Checked {
    pub fn state(&self) -> MonitorState {
        match &self.result {
            Ok(done) => done.evaluation.state,
            Err(_) => MonitorState::Unknown,
        }
    }

    /// `IPv4: ` before a family's texts, nothing for a check of the URL.
    pub fn prefix(&self) -> String {
        self.family
            .map(|f| format!("{}: ", family_name(f)))
            .unwrap_or_default()
    }
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub checks: Vec<Checked>,
    /// The report given with `--compare`.
    pub previous: Option<Report>,
}

impl Run {
    /// A run that failed before any check.
    pub fn failed(problem: Problem) -> Run {
        Run {
            checks: vec![Checked {
                family: None,
                result: Err(problem),
            }],
            previous: None,
        }
    }

    /// The worst state of its checks.
    pub fn state(&self) -> MonitorState {
        self.checks
            .iter()
            .map(Checked::state)
            .reduce(MonitorState::worst)
            .unwrap_or(MonitorState::Unknown)
    }
}

/// Finished checks for the formats' tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::api::PortState;
    use crate::client::evaluation::{Expectations, evaluate};

    /// A check where only `open` answered (everything else filtered), in
    /// 412 ms, with `expect` expected open.
    pub fn done(open: &[u16], expect: &[u16]) -> Done {
        let plan = Plan::standard();
        let mut report = plan.sample_forwarded("198.51.100.7".parse().unwrap(), open);
        for p in report.ports.iter_mut().chain(report.control.iter_mut()) {
            if !open.contains(&p.port) {
                p.state = PortState::Filtered;
            }
        }
        report.verdict = crate::verdict::evaluate(&plan, &report.ports, &report.control);
        report.duration_ms = 412;
        let evaluation = evaluate(&report, &Expectations::new(expect.to_vec(), false).unwrap());
        Done {
            report,
            plan,
            evaluation,
        }
    }

    pub fn run(family: Option<Family>, done: Done) -> Run {
        Run {
            checks: vec![Checked {
                family,
                result: Ok(done),
            }],
            previous: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_says_how_long_to_wait() {
        let p = Problem::Failure(Failure::RateLimited {
            retry_after_s: Some(300),
        });
        assert!(
            p.text(Lang::En)
                .ends_with("You can check again in 5 minutes.")
        );
        assert!(p.text(Lang::De).contains("in 5 Minuten wieder prüfen"));
    }

    #[test]
    fn the_probes_reason_follows() {
        let p = Problem::Failure(Failure::NotAllowed {
            reason: "loopback address".into(),
        });
        assert!(p.text(Lang::En).ends_with("(loopback address)"));
        assert_eq!(Run::failed(p).state(), MonitorState::Unknown);
    }
}
