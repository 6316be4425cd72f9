//! SMB negotiate/session-setup answers and the NTLM challenge inside them.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/smb.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
