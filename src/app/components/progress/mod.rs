//! A check while it runs: its progress and a grid per group that fills in
//! as ports arrive.

pub mod check_progress;
pub mod port_grid;
