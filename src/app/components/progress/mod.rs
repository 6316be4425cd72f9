//! A check while it runs: its progress and a grid per group that fills in
//! as ports arrive.

pub(crate) mod check_progress;
pub(crate) mod port_grid;
