//! MS SQL Server's answer to a TDS pre-login and PostgreSQL's answer to an
//! SSLRequest (MySQL speaks first: see the greeting target).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/databases.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
