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
//! The parsers are pure functions in [`smb`], [`ntlm`], [`tls`], [`http`]
//! and [`kerberos`]; the conversations around them are in `smb_client`,
//! `tls_client`, `plain_client` and `kerberos_client`, on the budgeted I/O
//! of `wire`. This module chooses what to try and in which order. What is
//! tried on a port depends on the port's plan entry ([`protocols_for`]): the
//! protocol the plan expects first, then the others while the budget lasts,
//! Kerberos last (a service that is something else has usually said so by
//! then). SMB stops after session setup: no tree connect, no share, no
//! file; Kerberos after one AS-REQ without a password.

pub mod http;
pub mod kerberos;
mod kerberos_client;
pub mod ntlm;
mod plain_client;
mod progress;
pub use progress::read_in_pieces;
pub mod smb;
mod smb_client;
pub mod tls;
mod tls_client;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::api::{IdentLimit, PortDetails};
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
pub fn protocols_for(first: Protocol) -> &'static [Protocol] {
    use Protocol::*;
    match first {
        Smb => &[Smb, Tls, Plain, Kerberos],
        Tls => &[Tls, Plain, Smb, Kerberos],
        Plain => &[Plain, Tls, Smb, Kerberos],
        Kerberos => &[Kerberos, Plain, Tls, Smb],
        // Identified by their banner or an HTTP answer until a protocol of
        // their own is tried first.
        Rdp | Vnc | Ftp | Ssh | Telnet | Netbios | Mysql | Mssql | Postgres | Ipp => {
            &[Plain, Tls, Smb, Kerberos]
        }
    }
}

/// Identify the service on `addr`, which the scan found open, trying
/// `first` first (from the port's plan entry).
pub async fn identify(addr: SocketAddr, first: Protocol, budget: Budget) -> PortDetails {
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
                match probe_plain(addr, step_deadline, budget.banner_wait, &limits).await {
                    Plain::Http(h) => {
                        details.http = Some(h);
                        break;
                    }
                    Plain::Banner(b) => {
                        details.banner = Some(b);
                        break;
                    }
                    Plain::Hint(p) => hint = Some(p),
                    Plain::Nothing => {}
                    Plain::Refused => break,
                }
            }
            // Never listed by `protocols_for` (yet).
            Protocol::Rdp
            | Protocol::Vnc
            | Protocol::Ftp
            | Protocol::Ssh
            | Protocol::Telnet
            | Protocol::Netbios
            | Protocol::Mysql
            | Protocol::Mssql
            | Protocol::Postgres
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
        ];
        for first in every {
            let tried = protocols_for(first);
            assert_eq!(tried[0], first);
            for p in every {
                assert!(tried.contains(&p), "{first:?} tries {p:?}");
            }
            assert_eq!(tried.len(), every.len());
            if first != Protocol::Kerberos {
                assert_eq!(tried.last(), Some(&Protocol::Kerberos));
            }
        }
    }
}
