//! How to fix it: the router picker with its numbered steps, the steps on
//! the server and what to do if data may have been exposed.

pub(crate) mod fix_guide;
pub(crate) mod steps;
