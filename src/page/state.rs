//! The page's state and the actions that change it, as a plain reducer.
//!
//! The Yew app wraps [`PageState`] in `use_reducer`; keeping the transitions
//! free of DOM types lets native tests walk a whole check: start, ports
//! arriving out of order, the report, a broken stream, a stale stream from an
//! earlier run. The state holds a list of [`Check`]s (one for the page's own
//! origin, or one per address family) and derives its [`Phase`] from them.

use super::check::{Check, CheckEvent, Phase, progress_of, worst_level_of};
use super::practice_check::Practice;
use super::sse::StreamMsg;
use crate::api::{Family, Level, Report, SiteInfo, Target};
use crate::plan::Plan;
use crate::texts::Lang;
#[cfg(test)]
use crate::texts::failure::Failure;
use std::rc::Rc;

use crate::texts::guide::{GuideSet, Router};
use crate::texts::page_texts::texts;
use crate::texts::words::{finished_announcement, progress};

/// The visitor's address as `/api/v1/whoami` told it.
#[derive(Debug, Clone, PartialEq)]
pub enum WhoAmI {
    /// The question is on its way.
    Loading,
    /// The probe named the address.
    Known(Target),
    /// The probe could not be asked.
    Unknown,
}

/// Result of "copy summary".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyStatus {
    /// Not copied yet.
    Idle,
    /// The summary is on the clipboard.
    Copied,
    /// The browser refused the clipboard.
    Failed,
}

impl CopyStatus {
    /// The `data-copy` hook.
    pub(crate) fn hook(self) -> &'static str {
        match self {
            CopyStatus::Idle => "idle",
            CopyStatus::Copied => "copied",
            CopyStatus::Failed => "failed",
        }
    }
}

/// One language's fix guides and practice finding texts, which the page
/// fetches from its own origin when a result shows them (they are not part
/// of a first visit): `Loaded` once both are here.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Guides {
    /// Not needed yet, or asked again after a failure.
    #[default]
    NotAsked,
    /// The request is on its way.
    Loading,
    /// The guides are here.
    Loaded(Rc<GuideSet>),
    /// The request failed or the answer did not parse: the page says so
    /// and offers to try again.
    Failed,
}

/// Everything the page shows, changed only by [`PageState::apply`].
#[derive(Debug, Clone, PartialEq)]
pub struct PageState {
    /// The page's language.
    pub lang: Lang,
    /// The compact view for embedding (no page chrome).
    pub embedded: bool,
    /// The visitor's address, as the probe sees it.
    pub whoami: WhoAmI,
    /// Number of the current run; stream messages of older runs are ignored.
    pub run: u32,
    /// The plan the page expects: the last one a probe announced, the
    /// standard plan until then. A new check starts with it.
    pub plan: Plan,
    /// The current run's checks: none before consent, one for the page's
    /// own origin, or the IPv4 and the IPv6 check.
    pub checks: Vec<Check>,
    /// The router whose fix guide is open.
    pub router: Option<Router>,
    /// Whether "copy summary" worked.
    pub copy: CopyStatus,
    /// The operator's name and help contact (`/api/v1/site`).
    pub site: SiteInfo,
    /// The reports of the last run that had any, kept when "check again"
    /// starts the next run, so that the new result can say what changed.
    pub previous: Vec<Report>,
    /// The opt-in practice check after the main result.
    pub practice: Practice,
    /// The fix guides, German and English.
    pub guides: [Guides; 2],
}

/// What can happen to the page: the visitor's choices and the probe's answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Switch the language.
    SetLang(Lang),
    /// The probe's answer to `/api/v1/whoami` (`None`: no answer).
    WhoAmI(Option<Target>),
    /// Consent given or "check again": starts run `run + 1` against the
    /// page's own origin.
    Start,
    /// Like `Start`, but checks IPv4 and IPv6 side by side.
    StartBoth,
    /// An event of the check of `family` (`None`: the page's own origin)
    /// in run `run`.
    Check {
        /// The run the event belongs to.
        run: u32,
        /// The check's family (`None`: the page's own origin).
        family: Option<Family>,
        /// What happened.
        event: CheckEvent,
    },
    /// Open the fix guide of a router.
    PickRouter(Router),
    /// The result of "copy summary".
    Copy(CopyStatus),
    /// The operator's details from `/api/v1/site`.
    Site(SiteInfo),
    /// Consent to the practice check, once the main check is settled: one
    /// check against the page's own origin, or IPv4 and IPv6 (`both`).
    StartPractice {
        /// Check IPv4 and IPv6 side by side.
        both: bool,
    },
    /// An event of practice run `run`'s check of `family`.
    PracticeCheck {
        /// The practice run the event belongs to.
        run: u32,
        /// The check's family (`None`: the page's own origin).
        family: Option<Family>,
        /// What happened.
        event: CheckEvent,
    },
    /// The request for a language's guides went out.
    GuidesLoading(Lang),
    /// A language's guides arrived (`None`: the request failed).
    GuidesLoaded(Lang, Option<GuideSet>),
    /// "Try again" after the guides failed to load.
    RetryGuides(Lang),
}

impl PageState {
    /// The state at start: no check yet, the standard plan expected.
    pub fn new(lang: Lang, embedded: bool) -> Self {
        PageState {
            lang,
            embedded,
            whoami: WhoAmI::Loading,
            run: 0,
            plan: Plan::standard(),
            checks: Vec::new(),
            router: None,
            copy: CopyStatus::Idle,
            site: SiteInfo::default(),
            previous: Vec::new(),
            practice: Practice::default(),
            guides: Default::default(),
        }
    }

    /// The fix guides in `lang`.
    pub(crate) fn guides(&self, lang: Lang) -> &Guides {
        &self.guides[lang as usize]
    }

    /// The language whose guides the page should fetch now: the page's own,
    /// once a result shows the guides and none were asked for yet.
    pub(crate) fn guides_to_fetch(&self) -> Option<Lang> {
        (self.worst_level().is_some() && *self.guides(self.lang) == Guides::NotAsked)
            .then_some(self.lang)
    }

    /// Where the run of checks is.
    pub fn phase(&self) -> Phase {
        Phase::of(&self.checks)
    }

    /// The reducer: the state after `action`.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::SetLang(l) => self.lang = l,
            Action::WhoAmI(t) => {
                self.whoami = t.map_or(WhoAmI::Unknown, WhoAmI::Known);
            }
            // A second click before the page re-rendered: the check already runs.
            Action::Start | Action::StartBoth if self.phase() == Phase::Running => {}
            Action::Start | Action::StartBoth => {
                self.run += 1;
                self.copy = CopyStatus::Idle;
                let reports: Vec<Report> = self
                    .checks
                    .iter()
                    .filter_map(|c| c.report().cloned())
                    .collect();
                if !reports.is_empty() {
                    self.previous = reports;
                }
                self.practice.withdraw();
                let families = if action == Action::StartBoth {
                    vec![Some(Family::Ipv4), Some(Family::Ipv6)]
                } else {
                    vec![None]
                };
                self.checks = families
                    .into_iter()
                    .map(|f| Check::new(f, self.plan.clone()))
                    .collect();
            }
            Action::Check { run, .. } if run != self.run => {}
            Action::Check { family, event, .. } => self.on_check_event(family, event),
            Action::PickRouter(r) => self.router = Some(r),
            Action::Copy(c) => self.copy = c,
            Action::Site(s) => self.site = s,
            Action::StartPractice { .. } if self.phase() != Phase::Settled => {}
            Action::StartPractice { both } => {
                self.copy = CopyStatus::Idle;
                let families: &[Option<Family>] = if both {
                    &[Some(Family::Ipv4), Some(Family::Ipv6)]
                } else {
                    &[None]
                };
                self.practice.start(families);
            }
            Action::PracticeCheck { run, family, event } => {
                self.practice.on_event(run, family, event);
            }
            Action::GuidesLoading(l) => self.guides[l as usize] = Guides::Loading,
            Action::GuidesLoaded(l, set) => {
                self.guides[l as usize] =
                    set.map_or(Guides::Failed, |g| Guides::Loaded(Rc::new(g)));
            }
            Action::RetryGuides(l) if self.guides[l as usize] == Guides::Failed => {
                self.guides[l as usize] = Guides::NotAsked;
            }
            Action::RetryGuides(_) => {}
        }
    }

    fn on_check_event(&mut self, family: Option<Family>, event: CheckEvent) {
        let Some(check) = self.checks.iter_mut().find(|c| c.family == family) else {
            return;
        };
        if check.settled() {
            return;
        }
        // The page's own origin is the visitor's address: what the probe
        // says of it is the best knowledge of it.
        let target = match &event {
            CheckEvent::Stream(StreamMsg::Started(s)) => Some(s.target),
            CheckEvent::Stream(StreamMsg::Finished(r)) => Some(r.target),
            _ => None,
        };
        if let CheckEvent::Stream(StreamMsg::Started(s)) = &event {
            self.plan = s.plan.clone();
        }
        check.apply(event);
        if let (None, Some(t)) = (family, target) {
            self.whoami = WhoAmI::Known(t);
        }
    }

    /// The check that stands alone: the page's own origin's, if that is
    /// the run's only check.
    /// Whether the visitor's address, as the probe last told it, came with
    /// signs of a proxy.
    pub(crate) fn via_proxy(&self) -> bool {
        matches!(&self.whoami, WhoAmI::Known(t) if t.via_proxy)
    }

    pub(crate) fn single(&self) -> Option<&Check> {
        match self.checks.as_slice() {
            [c] if c.family.is_none() => Some(c),
            _ => None,
        }
    }

    /// Range ports known so far and the ranges' size, over every check.
    pub(crate) fn progress(&self) -> (usize, usize) {
        progress_of(&self.checks)
    }

    /// The worst verdict of the checks that have one.
    pub(crate) fn worst_level(&self) -> Option<Level> {
        worst_level_of(&self.checks)
    }

    /// What the live region says.
    pub(crate) fn announcement(&self) -> String {
        match (self.phase(), self.worst_level()) {
            (Phase::Start, _) => String::new(),
            (Phase::Running, _) => {
                let (done, total) = self.progress();
                progress(done, total, self.lang)
            }
            (Phase::Settled, _) if let Some(said) = self.practice.announcement(self.lang) => said,
            (Phase::Settled, Some(level)) => finished_announcement(level, self.lang),
            (Phase::Settled, None) => texts(self.lang).error_heading.to_string(),
        }
    }

    /// The previous report to compare `check`'s result with: the previous
    /// run's report of the same address family.
    pub(crate) fn previous_of(&self, check: &Check) -> Option<&Report> {
        let family = check.report()?.target.family;
        self.previous.iter().find(|r| r.target.family == family)
    }

    /// The failure of the check that stands alone.
    #[cfg(test)]
    pub(crate) fn failure(&self) -> Option<&Failure> {
        self.single().and_then(Check::failure)
    }
}

#[cfg(test)]
mod practice_tests;
#[cfg(test)]
mod tests;
