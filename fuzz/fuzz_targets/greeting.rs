//! What services send first: SSH and FTP lines, RFB versions and security
//! offers, MySQL/MariaDB handshakes and errors, Telnet negotiation (read
//! at once and in pieces).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/greeting.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
