//! The practice check: after the main result, an opt-in second check of the
//! other doors small offices leave open (plan `practice`), with its own
//! consent, its own run counter and its own checks, one per origin as for
//! the main check. Each of its checks is a [`Check`] with the same reducer,
//! so the live grid, verdict and tables are drawn by the same components.
//!
//! The practice check never changes the page's own plan (its title and
//! texts stay those of the main check), and a new main check withdraws it:
//! its result belonged to the earlier one.

use super::check::{Check, CheckEvent, Phase, progress_of, worst_level_of};
use crate::api::{Family, FindingId, PortResult, PortState, Reason, Report};
use crate::plan::{Plan, Service};
use crate::texts::Lang;
use crate::texts::explain::{PRACTICE_FINDINGS, device_step};
use crate::texts::summary::report_summary;
use crate::texts::words::{family_name, finished_announcement, progress};

/// The practice check's part of the page state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Practice {
    /// Number of the current practice run; stream messages of older runs
    /// (or of a practice check a new main check withdrew) are ignored.
    pub run: u32,
    /// None before consent; else one check per origin, as the main check.
    pub checks: Vec<Check>,
}

/// The query that picks the practice plan on the scan stream.
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) fn stream_query() -> String {
    format!("?plan={}", crate::plan::PRACTICE)
}

impl Practice {
    /// Where the practice check is: `Start` (offered) before consent.
    pub(crate) fn phase(&self) -> Phase {
        Phase::of(&self.checks)
    }

    /// Consent given: run `run + 1` with a check per family in `families`
    /// (`None`: the page's own origin). Ignored while one runs.
    pub(crate) fn start(&mut self, families: &[Option<Family>]) {
        if self.phase() == Phase::Running {
            return;
        }
        self.run += 1;
        self.checks = families
            .iter()
            .map(|&f| Check::new(f, Plan::practice()))
            .collect();
    }

    /// Forget the practice check (a new main check begins); streams still
    /// open for it no longer count.
    pub(crate) fn withdraw(&mut self) {
        if !self.checks.is_empty() {
            self.run += 1;
            self.checks.clear();
        }
    }

    /// An event of run `run`'s check of `family`.
    pub(crate) fn on_event(&mut self, run: u32, family: Option<Family>, event: CheckEvent) {
        if run != self.run {
            return;
        }
        if let Some(check) = self.checks.iter_mut().find(|c| c.family == family) {
            check.apply(event);
        }
    }

    /// What the live region says while it runs and when it is done.
    pub(crate) fn announcement(&self, lang: Lang) -> Option<String> {
        let (done, total) = progress_of(&self.checks);
        let worst = worst_level_of(&self.checks);
        let what = match lang {
            Lang::De => "Weitere Dienste",
            Lang::En => "Other services",
        };
        let said = match (self.phase(), worst) {
            (Phase::Start, _) => return None,
            (Phase::Running, _) => progress(done, total, lang),
            (Phase::Settled, Some(level)) => finished_announcement(level, lang),
            (Phase::Settled, None) => match lang {
                Lang::De => "Prüfung nicht möglich.".into(),
                Lang::En => "Check not possible.".into(),
            },
        };
        Some(format!("{what}: {said}"))
    }

    /// The practice check's part of the summary for the IT service
    /// provider; empty when it did not run or has no report yet.
    pub(crate) fn summary(&self, lang: Lang) -> String {
        let mut out = String::new();
        for c in &self.checks {
            let Some(r) = c.report() else { continue };
            if out.is_empty() {
                let title = match lang {
                    Lang::De => &c.plan.title.de,
                    Lang::En => &c.plan.title.en,
                };
                out.push_str(&format!("\n##### {title} #####\n"));
            }
            out.push('\n');
            if let Some(family) = c.family {
                out.push_str(&format!("=== {} ===\n", family_name(family)));
            }
            out.push_str(&report_summary(r, &c.plan, lang));
            out.push_str(&upnp_line(r, &c.plan, lang));
            for step in device_steps(r, lang) {
                out.push_str(&format!("- {step}\n"));
            }
        }
        out
    }
}

/// The result of the plan's UPnP entry (1900/udp in the practice plan),
/// if the plan has one.
pub(crate) fn upnp_result<'a>(report: &'a Report, plan: &Plan) -> Option<&'a PortResult> {
    report
        .ports
        .iter()
        .chain(&report.control)
        .find(|p| plan.expects(p.port, p.transport) == Service::Ssdp)
}

/// The page's mark for the UPnP entry's outcome (`data-upnp`): `answered`,
/// `no_answer`, `closed`, `filtered`, `unparsed_answer` or `error`.
pub(crate) fn upnp_mark(upnp: &PortResult) -> &'static str {
    match (upnp.state, upnp.reason) {
        (PortState::Open, Reason::Answered) => "answered",
        (PortState::Open, _) => "unparsed_answer",
        (PortState::OpenFiltered, _) => "no_answer",
        (PortState::Closed, _) => "closed",
        (PortState::Filtered, _) => "filtered",
        (PortState::Error, _) => "error",
    }
}

/// The UPnP entry's result in words, honest about silence.
pub(crate) fn upnp_words(upnp: &PortResult, lang: Lang) -> String {
    let said = upnp.details.as_ref().and_then(|d| d.upnp.as_ref());
    let said = said
        .map(|u| [u.server.as_deref(), u.location.as_deref()])
        .into_iter()
        .flatten()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let port = upnp.port;
    match (upnp_mark(upnp), lang) {
        ("answered", Lang::De) => format!(
            "Ein UPnP-Dienst hat aus dem Internet geantwortet (UDP-Port {port}). Er gibt an: {said}"
        ),
        ("answered", Lang::En) => {
            format!("A UPnP service answered from the internet (UDP port {port}). It says: {said}")
        }
        ("no_answer", Lang::De) => format!(
            "Keine Antwort auf die UPnP-Suche (UDP-Port {port}). Das ist ein gutes Zeichen, aber kein Beweis: UDP-Antworten können verloren gehen oder gefiltert werden."
        ),
        ("no_answer", Lang::En) => format!(
            "No answer to the UPnP search (UDP port {port}). That is a good sign but no proof: UDP answers can be lost or filtered."
        ),
        ("closed", Lang::De) => format!(
            "Ihr Anschluss meldet, dass auf UDP-Port {port} nichts lauscht: kein UPnP-Dienst von außen erreichbar."
        ),
        ("closed", Lang::En) => format!(
            "Your connection reports that nothing listens on UDP port {port}: no UPnP service reachable from outside."
        ),
        ("filtered", Lang::De) => format!(
            "Die UPnP-Suche (UDP-Port {port}) wurde unterwegs abgewiesen: von außen nicht erreichbar."
        ),
        ("filtered", Lang::En) => format!(
            "The UPnP search (UDP port {port}) was rejected on the way: not reachable from outside."
        ),
        ("unparsed_answer", Lang::De) => {
            format!("Auf UDP-Port {port} hat etwas geantwortet, aber nicht wie ein UPnP-Dienst.")
        }
        ("unparsed_answer", Lang::En) => {
            format!("Something answered on UDP port {port}, but not as a UPnP service does.")
        }
        (_, Lang::De) => {
            "Die UPnP-Suche konnte nicht gesendet werden; UPnP ist nicht geprüft.".into()
        }
        (_, Lang::En) => "The UPnP search could not be sent; UPnP was not checked.".into(),
    }
}

/// `UPnP: …` for the summary, empty when the plan has no UPnP entry.
fn upnp_line(report: &Report, plan: &Plan, lang: Lang) -> String {
    upnp_result(report, plan)
        .map(|u| format!("UPnP: {}\n", upnp_words(u, lang)))
        .unwrap_or_default()
}

/// What to do on the devices for a report's practice findings, in the
/// order of [`PRACTICE_FINDINGS`], each step once (both VNC findings
/// share one).
pub(crate) fn device_steps(report: &Report, lang: Lang) -> Vec<&'static str> {
    let found: Vec<FindingId> = report.verdict.findings.iter().map(|f| f.id).collect();
    let mut steps: Vec<&'static str> = Vec::new();
    for id in PRACTICE_FINDINGS.iter().filter(|id| found.contains(id)) {
        if let Some(step) = device_step(*id, lang)
            && !steps.contains(&step)
        {
            steps.push(step);
        }
    }
    steps
}
