//! SQL Server resolution service answers (SVR_RESP) to CLNT_UCAST_EX.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/mssql_browser.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
