//! The page's components, one per file. They read the shared state from the
//! store and dispatch actions; all texts and decisions come from
//! `crate::page`.
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
//! [`check_progress`] while it runs, [`check_result`] with its report.
//!
//! After the main result, [`practice`] offers the practice check (consent
//! button `id="practice-consent"`) and then shows it (`data-practice` =
//! `running`/`settled`, heading `id="practice-heading"`), each of its checks
//! drawn by [`practice_check`] with the same grid, verdict and tables; the
//! UPnP result has `data-upnp` (`answered`, `no_answer`, `error`).

pub mod actions;
pub mod check_progress;
pub mod check_props;
pub mod check_result;
pub mod failure;
pub mod families;
pub mod family_panel;
pub mod findings;
pub mod group_tables;
pub mod guide;
pub mod guide_steps;
pub mod lang_switch;
pub mod limits;
pub mod page;
pub mod port_grid;
pub mod port_table;
pub mod practice;
pub mod practice_check;
pub mod print_head;
pub mod proxy_warning;
pub mod single_check;
pub mod start;
pub mod verdict;
