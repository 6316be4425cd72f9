//! Identification: on a port the scan found open, ask the service what it
//! is, within a fixed budget, over TCP or UDP. "445 is open" is a warning;
//! "your file server lets anyone in as a guest and still speaks SMB1" is
//! the Celle incident.
//!
//! # The interface
//!
//! - A plan entry ([`crate::plan::PlannedPort`]) names the service the plan
//!   expects ([`crate::plan::Service`]) and its transport
//!   ([`crate::plan::Transport`]).
//! - [`steps_for`] derives from the service the [`Step`]s to run (the
//!   conversations that exist), most likely first; `steps` runs them one
//!   by one within the port's [`Budget`] and folds what each found into the
//!   port's `PortDetails`.
//! - Each service is one module under [`services`]: its pure parser, what
//!   the probe sends (the request builder), their unit tests, and beside
//!   them its conversation. Text the services report is made printable and
//!   short in [`text`].
//! - Every conversation runs on the budgeted I/O layer `io`: `io::tcp`
//!   (connect, read to a delimiter, a byte cap or the deadline, reset on
//!   close) and `io::udp` (a few datagrams to the visitor's own address,
//!   answers counted and accepted only from that address, capped in number
//!   and size). Both record in one `io::Limits` which budget ran out.
//! - Over UDP: a plan entry with `Transport::Udp` is not connect-scanned;
//!   the scan (`scan::udp`) asks it the question its service gives
//!   (`udp::question`, one match: [`services::ssdp`] for UPnP, the
//!   reported services in [`services::reported`]) and reads the answer into
//!   the port's details (`upnp` for SSDP).
//!
//! # What is asked
//!
//! | service | step, tried first on | what is reported (`details`) |
//! |---|---|---|
//! | SMB | `Smb`, 445 | `dialects` accepted when each of 2.0.2, 2.1, 3.0, 3.0.2, 3.1.1 is offered alone; `smb1` (an SMB1 negotiate offering only `NT LM 0.12`); `signing_required`; `guest_access` (NTLM session setup as an unknown user, empty password, granted and not a null session); `anonymous_session` |
//! | TLS | `Tls`, 443, 444, 448 | `version` (rustls, TLS 1.3/1.2), `outdated_versions` (hand-made hellos offering only TLS 1.0, only 1.1), the certificate's `subject`, `issuer`, `not_before`, `not_after`, `self_signed`; then one `GET /` over it → `http` |
//! | Kerberos | `Kerberos`, 88 | one AS-REQ for a random principal in the realm `PORTCHECK.INVALID`, without pre-authentication: `message`, `error_code` and `error`, `realm` when the KDC names another, `server_time` |
//! | HTTP, banners | `Plain`, all other ports | `banner` (the first line a service sends unasked within 0.5 s), else one `GET /` → `http` with `status`, `server`, `title`, `admin_interface` |
//! | greetings | `Plain`, 21, 22, 23, 3306, 5900, 5901 (waiting a quarter of the budget, 1 s, for the greeting) and every port through plain | `ssh`, `ftp`, `vnc` (the probe answers with its version and reads the security types; never picks one), `telnet` (every option refused, never a user name), `mysql` (`version` or `error_code`) |
//! | RDP | `Rdp`, 3389; every other port after the steps above | an X.224 Connection Request offering TLS and CredSSP: `rdp` with `security` or `failure_code` |
//! | MS SQL | `Mssql`, 1433 | a TDS PRELOGIN: `mssql` with `version` and `encryption` |
//! | PostgreSQL | `Postgres`, 5432 | an SSLRequest: `postgres` with `tls` |
//! | IPP | `Plain`, 631 | `ipp` when the `Server` header of the `GET /` answer names CUPS or IPP |
//! | NetBIOS | `Netbios`, 139 | a session request to `*SMBSERVER`: `netbios` with `session`, then SMB as on 445 |
//! | Exchange (OWA) | in the HTTP answer of `Plain` and `Tls`, every port | nothing more: an `X-OWA-Version` header or a `Location` to `/owa/` → `http.exchange` with `build` (2–4 numbers), `product`, `support` (`supported`, `ended`, `unknown`; [`services::http::exchange`]) |
//! | RPC portmapper | `Portmapper`, 111/tcp; UDP 111 | one `PMAPPROC_DUMP` call (40 bytes; 44 over TCP with the record mark, a reply of at most 8 KiB read): `portmapper` with `programs` (at most 32: `program`, `name`, `version`, `protocol`, `port`) |
//! | LDAP, CLDAP | `Ldap`, 389/tcp; UDP 389 | one anonymous search of the root DSE, no bind (112–115 bytes; at most 16 KiB read over TCP): `ldap` with `naming_contexts` (at most 6), `dns_host_name`, `default_naming_context`, `supported_ldap_versions` (at most 4), `result_code` |
//! | WS-Discovery | UDP 3702 | one Probe for `wsdp:Device` with a random MessageID (624 bytes), answers from any source port of the visitor's address that relate to it (at most 16 KiB parsed, no DTD, at most 2048 nodes): `ws_discovery` with `types`, `xaddrs` (at most 4 each) |
//! | SQL Server resolution | UDP 1434 | `CLNT_UCAST_EX` (1 byte): `mssql_browser` with `instances` (at most 8: `server`, `instance`, `version` of at most 64 characters, `tcp_port`) |
//! | SIP | UDP 5060 | one `OPTIONS` with `Max-Forwards: 0` to the visitor's address (348–416 bytes): `sip` with `status`, `server`, `user_agent` (a final answer replaces a provisional one) |
//! | SSDP/UPnP | 1900/udp (`Service::Ssdp`) | one M-SEARCH (two if the first got no answer): state `open`/`answered` with `upnp`: `server`, `location`, `st`, `usn` |
//! | DNS | UDP 53 | one query for `. NS` with recursion desired, no EDNS (17 bytes): `dns` with `recursion_available`, `rcode`, `answers` |
//! | NTP | UDP 123 | a client request (mode 3, 48 bytes), then ntpd's `monlist` (mode 7, `MON_GETLIST_1`, 8 bytes): `ntp` with `version`, `stratum`, `monlist`, `monlist_entries` (at most 600) |
//! | SNMP | UDP 161 | one v2c GetRequest for `sysDescr.0` with the community `public` (43 bytes): `snmp` with `version`, `sys_descr` (at most 200 characters), `error_status` |
//! | NetBIOS name service | UDP 137 | a node status request for `*` (50 bytes): `netbios_ns` with `names` (at most 16, 15 characters each), `computer`, `workgroup`, `mac` |
//! | mDNS | UDP 5353 | a legacy unicast query (from an ephemeral port, QU bit set) for PTR `_services._dns-sd._udp.local` (46 bytes): `mdns` with `services` (at most 16) and `names` (at most 8), 64 characters each |
//!
//! When the first guess is wrong, the others follow within the budget
//! (Kerberos last, unless the answer to `GET /` looked like Kerberos; a
//! hint from that answer — a TLS record, a Kerberos error, a TPKT packet —
//! narrows the rest to that step). RDP is tried on every open port, after
//! SMB/TLS/plain on the standard plan's ports: a port they identified never
//! sees it, and a silent port has ended identification before. A service
//! that closes the scan's own connection at once without a word ends
//! identification there ([`identify_on`]); one that closes the plain
//! step's connection before it was sent anything ends it at that step. SMB
//! stops after session setup (no tree connect, no share, no file, no
//! credentials beyond "unknown user, empty password" and "anonymous");
//! Kerberos after one AS-REQ; RDP, VNC, Telnet and the databases before
//! any login.
//!
//! # Budgets, caps and limits
//!
//! Every byte comes from a host the visitor controls. A service that never
//! answers, drips one byte a second or announces a gigabyte must not hold
//! the probe. Each open port gets [`Budget::time`] in all (4 s,
//! [`Budget::STANDARD`]), run in parallel with the connect scan and with
//! the other open ports; the most likely step may use half of it, and a
//! service that lets a whole step run out (silent or dripping) is not asked
//! again. Reads loop until their delimiter, a byte cap or the deadline,
//! never a single `read()`, and a length field is checked against the cap
//! before anything is read into memory. Caps per connection: 8 KiB per SMB
//! message, 32 KiB for the first flight of a TLS 1.0/1.1 probe, 52 KiB for
//! a TLS 1.2/1.3 connection (handshake and HTTP answer), 16 KiB for an HTTP
//! answer, 512 bytes for a banner, 1 KiB for a greeting, 256 bytes for a
//! VNC offer, 512 bytes for an RDP confirm, 1 KiB for a TDS answer,
//! 256 bytes for a PostgreSQL answer, 16 for a NetBIOS one, 8 KiB for a
//! Kerberos message. Over UDP (every UDP entry): its question at most
//! twice, the second a quarter of the wait after the first and only if
//! nothing came back; at most 8 datagrams of the visitor's read, 2048
//! bytes each; a wait of four round-trip times within 0.1–0.5 s plus the
//! service's delay (1 s for SSDP) after the last sending.
//! The reported services' parsers read a DNS answer of at most 512 bytes,
//! mDNS and SNMP answers within the datagram cap, a NetBIOS node status up
//! to its first 16 names, and the 48-byte header of an NTP answer or the
//! 8-byte one of a `monlist` answer; a DNS header whose record counts the
//! datagram cannot hold is rejected before the message is decoded.
//! Datagrams from any other address are dropped without counting and
//! without ending or shortening the wait. A budget that ran out is reported
//! (`"limit": "time"` or `"bytes"`, `IdentLimit`), never hidden; silence
//! over UDP is "no answer", never proof of absence. Identification
//! connections close with a reset, like the scan's; at most
//! [`MAX_CONNECTIONS_PER_PORT`] are open to one port at a time.
//!
//! # Adding a service
//!
//! Over TCP or UDP, a service is:
//!
//! 1. one module `src/probe/ident/services/<name>.rs` (or `<name>/mod.rs`
//!    with `conversation.rs`): the pure parser and request builder with
//!    their unit tests, and the conversation on `io::tcp` or `io::udp`;
//!    listed in `services/mod.rs`;
//! 2. its property tests in `tests/suite/ident/service_props.rs` and a fuzz
//!    target `fuzz/fuzz_targets/<name>.rs` (a `[[bin]]` in
//!    `fuzz/Cargo.toml`);
//! 3. its details type in `src/api.rs` (and `docs/openapi.yaml`);
//! 4. a `Service` variant and, for TCP, a `Step` with its row in
//!    `steps_for` and its arm in `steps.rs`; one plan entry in
//!    `src/plan/practice.rs` (a `PlannedPort` with its transport) and its
//!    IANA name in `plan::service_name`;
//! 5. one finding rule in `src/verdict/practice.rs`;
//! 6. its texts (the finding's explanation in both languages).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

use crate::api::PortDetails;
use crate::plan::Service;
use crate::probe::metrics::Held;

pub(crate) mod io;
mod progress;
pub use progress::read_in_pieces;
pub mod services;
mod steps;
pub mod text;
pub(crate) mod udp;

/// How long and how much identification may spend on one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Wall time for everything tried on one port.
    pub time: Duration,
    /// How long a service may stay silent before the probe speaks first
    /// (SSH, FTP and SMTP servers greet; HTTP servers wait).
    pub banner_wait: Duration,
}

impl Budget {
    /// The budget the service uses: 4 s per port, run in parallel with the
    /// rest of the scan, so a full check takes at most this much longer. The
    /// most likely protocol gets half of it; a service that lets that half
    /// run out is not asked again.
    pub const STANDARD: Budget = Budget {
        time: Duration::from_secs(4),
        banner_wait: Duration::from_millis(500),
    };
}

/// Most connections identification holds open to one port at a time: the
/// SMB step's five dialect negotiations, the SMB1 question and two session
/// setups (TLS uses three, plain one).
pub(crate) const MAX_CONNECTIONS_PER_PORT: usize = services::smb::DIALECTS.len() + 3;

/// The scan's own connection to a port it found open, handed to
/// identification.
#[derive(Debug)]
pub(crate) struct Opened {
    pub stream: TcpStream,
    /// When the handshake ended.
    pub connected_at: Instant,
    /// The handshake's round-trip time.
    pub rtt: Duration,
    /// Keeps the socket counted among the scan's while it is held (never
    /// read: dropping it is what counts).
    #[allow(dead_code)]
    pub counted: Held,
}

/// Shortest wait for a service to close the scan's connection unasked.
pub(crate) const CLOSED_AT_ONCE_MIN: Duration = Duration::from_millis(20);

/// How long after the handshake a close still counts as "at once": a
/// service that closes the moment it accepts is seen one round trip after
/// the handshake ended (the probe's ACK there, its FIN or RST back); half a
/// round trip more covers the link's jitter, and a busy server gets at
/// least [`CLOSED_AT_ONCE_MIN`].
pub(crate) fn closed_at_once_within(rtt: Duration) -> Duration {
    (rtt * 3 / 2).max(CLOSED_AT_ONCE_MIN)
}

/// Whether the service closed or reset `stream` before sending a single
/// byte, by `until`. A service that speaks, or stays connected that long,
/// did not.
async fn closed_unasked(stream: &TcpStream, until: Instant) -> bool {
    let mut byte = [0u8; 1];
    loop {
        match timeout_at(until, stream.readable()).await {
            Ok(Ok(())) => {}
            Err(_) | Ok(Err(_)) => return false,
        }
        match stream.try_read(&mut byte) {
            Ok(0) => return true,
            Ok(_) => return false,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return e.kind() == std::io::ErrorKind::ConnectionReset,
        }
    }
}

/// Identify the service on `addr`, which the scan found open, where the
/// port's plan entry expects `expects`.
pub async fn identify(addr: SocketAddr, expects: Service, budget: Budget) -> PortDetails {
    identify_on(addr, expects, budget, None).await
}

/// [`identify`], watching the scan's own connection meanwhile: a service
/// that closes it at once without a word (a port forwarded to something
/// that takes connections and drops them) ends identification there, as the
/// protocols' own connections would each find it closed too, one after the
/// other, a round trip or two each.
pub(crate) async fn identify_on(
    addr: SocketAddr,
    expects: Service,
    budget: Budget,
    opened: Option<Opened>,
) -> PortDetails {
    let steps = steps::run(addr, expects, budget);
    let Some(opened) = opened else {
        return steps.await;
    };
    tokio::pin!(steps);
    let until = opened.connected_at + closed_at_once_within(opened.rtt);
    let closed = tokio::select! {
        biased;
        details = &mut steps => return details,
        closed = closed_unasked(&opened.stream, until) => closed,
    };
    drop(opened);
    if closed {
        PortDetails::default()
    } else {
        steps.await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_counts_as_at_once_within_a_round_trip_and_a_half() {
        let ms = Duration::from_millis;
        assert_eq!(closed_at_once_within(ms(300)), ms(450));
        assert_eq!(closed_at_once_within(ms(80)), ms(120));
        assert_eq!(closed_at_once_within(ms(1)), CLOSED_AT_ONCE_MIN);
        assert_eq!(closed_at_once_within(Duration::ZERO), CLOSED_AT_ONCE_MIN);
    }
}
