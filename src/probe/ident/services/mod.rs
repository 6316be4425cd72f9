//! The services identification knows, one module each: its pure parser of
//! what the service sends, what the probe sends it (the request builder),
//! their unit tests, and beside them the conversation that runs the two
//! over the budgeted I/O layer (`io`). Every parser is also property-tested
//! (`tests/suite/ident/`) and fuzzed (`fuzz/fuzz_targets/`).
//!
//! Over TCP: [`smb`] (with [`smb::ntlm`]), [`tls`], [`http`], [`kerberos`],
//! [`rdp`], [`vnc`], [`greeting`] (SSH, FTP, with [`greeting::telnet`] and
//! [`greeting::mysql`]), [`mssql`], [`postgres`], [`netbios`] (the session
//! service) and [`ipp`] (read from the HTTP answer). Over UDP: [`ssdp`]
//! (UPnP).

pub mod greeting;
pub mod http;
pub mod ipp;
pub mod kerberos;
pub mod mssql;
pub mod netbios;
pub mod postgres;
pub mod rdp;
pub mod smb;
pub mod ssdp;
pub mod tls;
pub mod vnc;
