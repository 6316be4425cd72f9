//! A check once it is done: the verdict, the findings, the port tables,
//! what changed since the previous check, what the result cannot tell and
//! what to do with it; or why it could not be done.

pub mod actions;
pub mod changes;
pub mod check_result;
pub mod failure;
pub mod findings;
pub mod group_tables;
pub mod limits;
pub mod port_table;
pub mod verdict;
