//! LDAP and CLDAP answers to the root DSE search.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/ldap.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
