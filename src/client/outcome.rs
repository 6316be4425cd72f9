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
pub(super) enum Problem {
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
    /// A part of the answer passed its bound (`api::bounds`): it was not
    /// read further.
    TooLarge(Part),
    /// A request would have gone to `origin`, which is not the probe's
    /// (`client::fetch::origins`): nothing was sent there.
    ForeignOrigin { origin: String, why: Foreign },
}

/// How another origin came up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Foreign {
    /// The probe redirected a request there.
    Redirect,
    /// `/api/v1/site` names it for an address family, but it is not of the
    /// same site as the probe's URL (this origin).
    OtherSite(String),
}

/// A part of the probe's answer that a bound of [`crate::api::bounds`]
/// limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// The body of a refusal or error (HTTP status).
    ErrorBody(u16),
    /// The answer of `/api/v1/site`.
    Site,
    /// One line of the event stream.
    Line,
    /// The data of one event of the stream.
    Event,
    /// The whole event stream of one check.
    Stream,
}

impl Part {
    /// The bound, in bytes.
    pub(super) fn limit(self) -> usize {
        use crate::api::bounds;
        match self {
            Part::ErrorBody(_) | Part::Site => bounds::BODY,
            Part::Line => bounds::SSE_LINE,
            Part::Event => bounds::SSE_EVENT,
            Part::Stream => bounds::STREAM,
        }
    }

    fn words(self, lang: Lang) -> String {
        match (self, lang) {
            (Part::ErrorBody(status), Lang::De) => format!("eine Fehlerantwort (HTTP {status})"),
            (Part::ErrorBody(status), Lang::En) => format!("an error answer (HTTP {status})"),
            (Part::Site, Lang::De) => "die Antwort von /api/v1/site".into(),
            (Part::Site, Lang::En) => "the answer of /api/v1/site".into(),
            (Part::Line, Lang::De) => "eine Zeile des Ereignisstroms".into(),
            (Part::Line, Lang::En) => "one line of the event stream".into(),
            (Part::Event, Lang::De) => "ein Ereignis des Ereignisstroms".into(),
            (Part::Event, Lang::En) => "one event of the event stream".into(),
            (Part::Stream, Lang::De) => "der Ereignisstrom der Prüfung".into(),
            (Part::Stream, Lang::En) => "the event stream of the check".into(),
        }
    }
}

/// A size for people: `1 MiB`, `64 KiB`, else in bytes.
pub(super) fn size_words(bytes: usize) -> String {
    const KIB: usize = 1 << 10;
    const MIB: usize = 1 << 20;
    match bytes {
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

impl Problem {
    /// The problem in one line in `lang` (the probe's own reasons, which it
    /// gives in English, follow after a colon).
    pub(super) fn text(&self, lang: Lang) -> String {
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
            Problem::ForeignOrigin { origin, why } => match (why, lang) {
                (Foreign::Redirect, Lang::De) => format!(
                    "Der Prüfdienst hat die Anfrage an eine andere Adresse umgeleitet ({origin}); gefragt wird nur der Prüfdienst selbst."
                ),
                (Foreign::Redirect, Lang::En) => format!(
                    "The checking service redirected the request to another address ({origin}); only the checking service itself is asked."
                ),
                (Foreign::OtherSite(base), Lang::De) => format!(
                    "Der Prüfdienst nennt für diese Adressfamilie {origin}, das nicht zu seiner Website ({base}) gehört; nicht gefragt (siehe --site-domain)."
                ),
                (Foreign::OtherSite(base), Lang::En) => format!(
                    "The checking service names {origin} for this address family, which is not part of its site ({base}); not asked (see --site-domain)."
                ),
            },
            Problem::TooLarge(part) => {
                let (size, what) = (size_words(part.limit()), part.words(lang));
                match lang {
                    Lang::De => format!(
                        "Die Antwort des Prüfdienstes überschritt {size}: {what}. Sie wurde nicht weiter gelesen."
                    ),
                    Lang::En => format!(
                        "The checking service's answer passed {size}: {what}. It was not read further."
                    ),
                }
            }
        }
    }
}

/// A finished check.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Done {
    pub report: Report,
    /// The plan the probe announced for this check.
    pub plan: Plan,
    pub evaluation: Evaluation,
}

impl Done {
    /// The report with the client's verdict (expected ports accepted), the
    /// one every format shows.
    pub(super) fn judged_report(&self) -> Report {
        Report {
            verdict: self.evaluation.verdict.clone(),
            ..self.report.clone()
        }
    }
}

/// One check: of the URL's own family (`family` none) or of one family.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Checked {
    pub family: Option<Family>,
    pub result: Result<Done, Problem>,
}

impl Checked {
    pub(super) fn state(&self) -> MonitorState {
        match &self.result {
            Ok(done) => done.evaluation.state,
            Err(_) => MonitorState::Unknown,
        }
    }

    /// `IPv4: ` before a family's texts, nothing for a check of the URL.
    pub(super) fn prefix(&self) -> String {
        self.family
            .map(|f| format!("{}: ", family_name(f)))
            .unwrap_or_default()
    }
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Run {
    pub checks: Vec<Checked>,
    /// The report given with `--compare`.
    pub previous: Option<Report>,
}

impl Run {
    /// A run that failed before any check.
    pub(super) fn failed(problem: Problem) -> Run {
        Run {
            checks: vec![Checked {
                family: None,
                result: Err(problem),
            }],
            previous: None,
        }
    }

    /// The worst state of its checks.
    pub(super) fn state(&self) -> MonitorState {
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
    pub(crate) fn done(open: &[u16], expect: &[u16]) -> Done {
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

    pub(crate) fn run(family: Option<Family>, done: Done) -> Run {
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
    fn a_bound_passed_is_named_with_its_size() {
        let p = Problem::TooLarge(Part::Line);
        assert_eq!(
            p.text(Lang::En),
            "The checking service's answer passed 2 MiB: one line of the event stream. It was not read further."
        );
        assert!(
            Problem::TooLarge(Part::ErrorBody(500))
                .text(Lang::De)
                .starts_with("Die Antwort des Prüfdienstes überschritt 64 KiB: eine Fehlerantwort (HTTP 500).")
        );
        assert_eq!(Run::failed(p).state(), MonitorState::Unknown);
        assert_eq!(size_words(4 << 20), "4 MiB");
        assert_eq!(size_words(1000), "1000 bytes");
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
