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
//! (UPnP). The services network operators report to practices, most of
//! them over UDP, are in [`reported`].
//!
//! A UDP service gives the scan a [`UdpQuestion`]: what to send, and how
//! to read what comes back; `ident::udp::question` picks it by the plan
//! entry's service.

pub mod greeting;
pub mod http;
pub mod ipp;
pub mod kerberos;
pub mod mssql;
pub mod netbios;
pub mod postgres;
pub mod rdp;
pub mod reported;
pub mod smb;
pub mod ssdp;
pub mod tls;
pub mod vnc;

/// Reads one datagram into a port's details; true for a well-formed answer.
pub(crate) type ReadAnswer = Box<dyn Fn(&[u8], &mut crate::api::PortDetails) -> bool + Send + Sync>;

/// What a UDP service module gives the scan: the datagrams to send and how
/// to read what comes back.
pub(crate) struct UdpQuestion {
    /// Datagrams to send, in order (most services one; NTP its client
    /// request, then `monlist`).
    pub(crate) datagrams: Vec<Vec<u8>>,
    /// Reads one datagram from the visitor's address into the port's
    /// details; true when it was a well-formed answer to the question.
    pub(crate) read: ReadAnswer,
    /// Whether an answer may come from another source port than the one
    /// asked (SSDP, WS-Discovery); otherwise only datagrams from the asked
    /// port count.
    pub(crate) any_source_port: bool,
}

impl std::fmt::Debug for UdpQuestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UdpQuestion")
            .field("datagrams", &self.datagrams.len())
            .field("any_source_port", &self.any_source_port)
            .finish_non_exhaustive()
    }
}
