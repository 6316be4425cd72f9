//! Identification: on a port the scan found open, ask the service what it is
//! — SMB (dialects, SMB1, signing, guest and anonymous sessions), TLS
//! (versions, certificate) with the web server behind it, plain HTTP, the
//! banner a service sends unasked, or a Kerberos KDC's error — within a
//! fixed per-port budget.
//!
//! Why a budget: every byte comes from a host the visitor controls. A
//! service that never answers, drips one byte a second or announces a
//! gigabyte must not hold the probe, so each port gets [`Budget::time`] in
//! all, each read loops until its delimiter, its byte cap or the deadline
//! (never a single `read()`), each protocol has its own byte cap, and a
//! length field is checked against the cap before anything is read into
//! memory. Running out of a budget is reported ([`IdentLimit`]), not
//! hidden.
//!
//! The parsers are pure functions in [`smb`], [`ntlm`], [`tls`], [`http`],
//! [`kerberos`], and for the practice check's services [`greeting`] (SSH,
//! FTP), [`vnc`], [`telnet`], [`mysql`], [`rdp`], [`mssql`], [`postgres`],
//! [`netbios`] and [`ipp`]; the conversations around them are in
//! `smb_client`, `tls_client`, `plain_client` (with `greeting_client` for
//! services that speak first), `kerberos_client` and `ask_client`, on the
//! budgeted I/O of `wire`. This module chooses what to try and in which
//! order. What is tried on a port depends on the port's plan entry
//! ([`protocols_for`]): the protocol the plan expects first, then the
//! others while the budget lasts, RDP on every port (it is often moved off
//! 3389), Kerberos last (a service that is something else has usually said
//! so by then). SMB stops after session setup: no tree connect, no share,
//! no file; Kerberos after one AS-REQ without a password; RDP, VNC, Telnet
//! and the databases before any login.

mod ask_client;
pub mod greeting;
mod greeting_client;
pub mod http;
pub mod ipp;
pub mod kerberos;
mod kerberos_client;
pub mod mssql;
pub mod mysql;
pub mod netbios;
pub mod ntlm;
mod plain_client;
mod progress;
pub use progress::read_in_pieces;
pub mod postgres;
pub mod rdp;
pub mod smb;
mod smb_client;
pub mod telnet;
pub mod tls;
mod tls_client;
pub mod vnc;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

use crate::api::{IdentLimit, PortDetails};
use crate::probe::metrics::Held;
use ask_client::{probe_mssql, probe_netbios, probe_postgres, probe_rdp};
use kerberos_client::probe_kerberos;
use plain_client::{Plain, probe_plain};
use smb_client::probe_smb;
use tls_client::probe_tls;
use wire::Limits;

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
pub const MAX_CONNECTIONS_PER_PORT: usize = smb::DIALECTS.len() + 3;

pub use crate::plan::Protocol;

/// What to try on a port whose plan entry names `first`, most likely first.
///
/// Services that greet (SSH, FTP, Telnet, VNC, MySQL) are recognised by
/// `Plain`, which waits for a greeting before it asks `GET /`; so is IPP,
/// from the HTTP answer. RDP is tried on every port, after the protocols
/// that name most services, so it costs one connection only on a port
/// nothing else recognised (a silent port ends identification before).
pub fn protocols_for(first: Protocol) -> &'static [Protocol] {
    use Protocol::*;
    match first {
        Smb => &[Smb, Tls, Plain, Rdp, Kerberos],
        Tls => &[Tls, Plain, Rdp, Smb, Kerberos],
        Plain | Ipp => &[Plain, Tls, Rdp, Smb, Kerberos],
        Kerberos => &[Kerberos, Plain, Tls, Rdp, Smb],
        Rdp => &[Rdp, Plain, Tls, Smb, Kerberos],
        Ftp | Ssh | Telnet | Vnc | Mysql => &[Plain, Rdp, Tls, Smb, Kerberos],
        Mssql => &[Mssql, Plain, Rdp, Tls, Smb, Kerberos],
        Postgres => &[Postgres, Plain, Rdp, Tls, Smb, Kerberos],
        // The session service first, then SMB on the same port.
        Netbios => &[Netbios, Smb, Plain, Rdp, Tls, Kerberos],
    }
}

/// Whether services expected on a port with this plan entry speak first,
/// so that `Plain` waits longer for their greeting (MariaDB, for one, may
/// look up the client's name before it sends its handshake).
fn greets(first: Protocol) -> bool {
    use Protocol::*;
    matches!(first, Ftp | Ssh | Telnet | Vnc | Mysql)
}

/// The scan's own connection to a port it found open, handed to
/// identification.
#[derive(Debug)]
pub struct Opened {
    pub stream: TcpStream,
    /// When the handshake ended.
    pub connected_at: Instant,
    /// The handshake's round-trip time.
    pub rtt: Duration,
    /// Keeps the socket counted among the scan's while it is held.
    pub counted: Held,
}

/// Shortest wait for a service to close the scan's connection unasked.
pub const CLOSED_AT_ONCE_MIN: Duration = Duration::from_millis(20);

/// How long after the handshake a close still counts as "at once": a
/// service that closes the moment it accepts is seen one round trip after
/// the handshake ended (the probe's ACK there, its FIN or RST back); half a
/// round trip more covers the link's jitter, and a busy server gets at
/// least [`CLOSED_AT_ONCE_MIN`].
pub fn closed_at_once_within(rtt: Duration) -> Duration {
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

/// Identify the service on `addr`, which the scan found open, trying
/// `first` first (from the port's plan entry).
pub async fn identify(addr: SocketAddr, first: Protocol, budget: Budget) -> PortDetails {
    identify_on(addr, first, budget, None).await
}

/// [`identify`], watching the scan's own connection meanwhile: a service
/// that closes it at once without a word (a port forwarded to something
/// that takes connections and drops them) ends identification there, as the
/// protocols' own connections would each find it closed too, one after the
/// other, a round trip or two each.
pub async fn identify_on(
    addr: SocketAddr,
    first: Protocol,
    budget: Budget,
    opened: Option<Opened>,
) -> PortDetails {
    let steps = try_protocols(addr, first, budget);
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

/// What [`identify`] does on connections of its own.
async fn try_protocols(addr: SocketAddr, first: Protocol, budget: Budget) -> PortDetails {
    let limits = Arc::new(Limits::default());
    let deadline = Instant::now() + budget.time;
    let mut details = PortDetails::default();
    let protocols = protocols_for(first);
    // What the plain answer showed the service to be, if it was neither
    // HTTP nor a banner: from then on only that protocol is worth trying.
    let mut hint = None;
    for (i, proto) in protocols.iter().enumerate() {
        if hint.is_some_and(|h| h != *proto) {
            continue;
        }
        let now = Instant::now();
        if now >= deadline {
            limits.hit(Limits::TIME);
            break;
        }
        // The first guess may use half the budget; later ones what is left.
        let step_deadline = if i == 0 {
            now + (deadline - now) / 2
        } else {
            deadline
        };
        match proto {
            Protocol::Smb => {
                if let Some(s) = probe_smb(addr, step_deadline, &limits).await {
                    details.smb = Some(s);
                    break;
                }
                // A NetBIOS session service that SMB did not answer on.
                if details.service.netbios.is_some() {
                    break;
                }
            }
            Protocol::Tls => {
                if let Some((t, h)) = probe_tls(addr, step_deadline, &limits).await {
                    details.tls = Some(t);
                    details.http = h;
                    break;
                }
            }
            Protocol::Kerberos => {
                if let Some(k) = probe_kerberos(addr, step_deadline, &limits).await {
                    details.kerberos = Some(k);
                    break;
                }
            }
            Protocol::Plain => {
                // A service expected to greet gets half the step for it; the
                // other half is left for `GET /` should it stay silent.
                let wait = if i == 0 && greets(first) {
                    (step_deadline - now) / 2
                } else {
                    budget.banner_wait
                };
                match probe_plain(addr, first, step_deadline, wait, &limits).await {
                    Plain::Http(h) => {
                        details.service.ipp = ipp::recognise(&h);
                        details.http = Some(h);
                        break;
                    }
                    Plain::Banner(b) => {
                        details.banner = Some(b);
                        break;
                    }
                    Plain::Service(s, line) => {
                        details.service = *s;
                        details.banner = line;
                        break;
                    }
                    Plain::Hint(p) => hint = Some(p),
                    Plain::Nothing => {}
                    Plain::Refused | Plain::Closed => break,
                }
            }
            Protocol::Rdp => {
                if let Some(r) = probe_rdp(addr, step_deadline, &limits).await {
                    details.service.rdp = Some(r);
                    break;
                }
            }
            Protocol::Mssql => {
                if let Some(m) = probe_mssql(addr, step_deadline, &limits).await {
                    details.service.mssql = Some(m);
                    break;
                }
            }
            Protocol::Postgres => {
                if let Some(p) = probe_postgres(addr, step_deadline, &limits).await {
                    details.service.postgres = Some(p);
                    break;
                }
            }
            // Not a break: SMB is asked next on the same port.
            Protocol::Netbios => {
                details.service.netbios = probe_netbios(addr, step_deadline, &limits).await;
            }
            // Recognised by `Plain`; never listed by `protocols_for`.
            Protocol::Vnc
            | Protocol::Ftp
            | Protocol::Ssh
            | Protocol::Telnet
            | Protocol::Mysql
            | Protocol::Ipp => {}
        }
        // A service that let a whole step run out of time is silent or
        // dripping: another protocol would only wait the same way.
        if limits.reported() == Some(IdentLimit::Time) {
            break;
        }
        if hint.is_some_and(|h| !protocols[i + 1..].contains(&h)) {
            break;
        }
    }
    details.limit = limits.reported();
    details
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

    #[test]
    fn port_plans() {
        let plan = crate::plan::Plan::standard();
        assert_eq!(protocols_for(plan.protocol(445))[0], Protocol::Smb);
        assert_eq!(protocols_for(plan.protocol(443))[0], Protocol::Tls);
        assert_eq!(protocols_for(plan.protocol(448))[0], Protocol::Tls);
        assert_eq!(protocols_for(plan.protocol(440))[0], Protocol::Plain);
        let both = crate::plan::Plan::standard();
        assert_eq!(protocols_for(both.protocol(88))[0], Protocol::Kerberos);
        assert_eq!(protocols_for(both.protocol(80))[0], Protocol::Plain);
        let every = [
            Protocol::Smb,
            Protocol::Tls,
            Protocol::Plain,
            Protocol::Kerberos,
            Protocol::Rdp,
        ];
        let practice = crate::plan::Plan::practice();
        let firsts = practice
            .groups
            .iter()
            .flat_map(|g| &g.ports)
            .map(|s| s.protocol);
        for first in every.into_iter().chain(firsts) {
            let tried = protocols_for(first);
            // A protocol recognised through `Plain` starts with it.
            let starts = if greets(first) || first == Protocol::Ipp {
                Protocol::Plain
            } else {
                first
            };
            assert_eq!(tried[0], starts, "{first:?}");
            // RDP and the standard protocols everywhere, once each.
            for p in every {
                assert_eq!(
                    tried.iter().filter(|&&t| t == p).count(),
                    1,
                    "{first:?} tries {p:?}"
                );
            }
            if first != Protocol::Kerberos {
                assert_eq!(tried.last(), Some(&Protocol::Kerberos));
            }
        }
        // On the standard plan's ports, RDP comes after the protocols
        // that name most services.
        for first in [Protocol::Smb, Protocol::Tls, Protocol::Plain] {
            let tried = protocols_for(first);
            let rdp = tried.iter().position(|&p| p == Protocol::Rdp);
            let plain = tried.iter().position(|&p| p == Protocol::Plain);
            assert!(rdp > plain, "{first:?}");
        }
    }
}
