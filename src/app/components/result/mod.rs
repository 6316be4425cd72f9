//! A check once it is done: the verdict, the findings, the port tables,
//! what changed since the previous check, what the result cannot tell and
//! what to do with it; or why it could not be done.

pub(crate) mod actions;
pub(crate) mod changes;
pub(crate) mod check_result;
pub(crate) mod failure;
pub(crate) mod findings;
pub(crate) mod group_tables;
pub(crate) mod limits;
pub(crate) mod port_table;
pub(crate) mod verdict;
