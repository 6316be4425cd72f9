//! The page's components, one per file, in folders by what they show: here
//! the page and what frames a check (before consent, one check alone or
//! both families side by side), [`progress`] while a check runs,
//! [`result`] once it is done (or failed), [`guide`] for the fix and
//! [`practice`] for the practice check. They read the shared state from the
//! store and dispatch actions; all decisions come from `crate::page`, all
//! texts from `crate::texts`.
//!
//! Test hooks that stay stable: every port cell (grid item while running,
//! table row afterwards) has `data-port` and `data-state`; the verdict has
//! `data-verdict` with the level; the consent button has `id="consent"`.
//! When both address families are checked, each family's result panel has
//! `data-family` (`ipv4`/`ipv6`) and holds its own port cells and verdict.
//! No `style` attributes anywhere (strict CSP): only classes.
//!
//! A check is drawn by the same components whether it stands alone
//! ([`single_check`]) or beside the other family's ([`family_panel`]):
//! [`progress::check_progress`] while it runs, [`result::check_result`]
//! with its report.
//!
//! After the main result, [`practice::practice_section`] offers the
//! practice check (consent button `id="practice-consent"`) and then shows
//! it (`data-practice` = `running`/`settled`, heading
//! `id="practice-heading"`), each of its checks drawn by
//! [`practice::practice_check`] with the same grid, verdict and tables; the
//! UPnP result has `data-upnp` (`answered`, `no_answer`, `closed`,
//! `filtered`, `unparsed_answer`, `error`).

pub(super) mod check_props;
pub(super) mod families;
pub(super) mod family_panel;
pub(super) mod guide;
pub(super) mod lang_switch;
pub(super) mod page;
pub(super) mod practice;
pub(super) mod print_head;
pub(super) mod progress;
pub(super) mod proxy_warning;
pub(super) mod result;
pub(super) mod single_check;
pub(super) mod start;
