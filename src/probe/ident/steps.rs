//! Which conversations identification runs on a port, in which order, and
//! how their results make one port's details.
//!
//! The plan names the service it expects ([`Service`]); [`steps_for`]
//! derives the steps from it, a pure table. The run then goes step by
//! step: choose the next one (a hint from the plain step narrows the
//! choice), give it its deadline (the first half of the budget, later ones
//! what is left), fold its result into the details, and decide whether to
//! stop (something answered, the port closed, or a step ran out of time).

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::time::Instant;

use super::Budget;
use super::io::Limits;
use super::services::greeting::{Hint, Plain, probe_plain};
use super::services::reported::{ldap, portmapper};
use super::services::{ipp, kerberos, mssql, netbios, postgres, rdp, smb, tls};
use crate::api::{IdentLimit, PortDetails};
use crate::plan::Service;

/// A conversation identification can have with a TCP service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Step {
    /// SMB2/3 negotiate, SMB1, session setup.
    Smb,
    /// A TLS handshake, then `GET /` over it.
    Tls,
    /// A greeting the service sends first, else the answer to `GET /`
    /// (SSH, FTP, Telnet, VNC, MySQL, HTTP, IPP, line banners).
    Plain,
    /// An AS-REQ for a made-up principal; a KDC answers with an error.
    Kerberos,
    /// Remote Desktop: an X.224 connection request.
    Rdp,
    /// Microsoft SQL Server: a TDS pre-login.
    Mssql,
    /// PostgreSQL: an SSLRequest.
    Postgres,
    /// NetBIOS session service: a session request (SMB follows).
    Netbios,
    /// The RPC portmapper: a `DUMP` call.
    Portmapper,
    /// LDAP: an anonymous search of the root DSE.
    Ldap,
}

/// What to try on a port whose plan entry expects `service`, most likely
/// first.
///
/// Services that greet (SSH, FTP, Telnet, VNC, MySQL) are recognised by
/// `Plain`, which waits for a greeting before it asks `GET /`; so is IPP,
/// from the HTTP answer. RDP is tried on every port, after the protocols
/// that name most services, so it costs one connection only on a port
/// nothing else recognised (a silent port ends identification before).
/// Kerberos comes last (a service that is something else has usually said
/// so by then); NetBIOS is followed by SMB on the same port.
pub(super) fn steps_for(service: Service) -> &'static [Step] {
    use Step::*;
    match service {
        Service::Smb => &[Smb, Tls, Plain, Rdp, Kerberos],
        Service::Https => &[Tls, Plain, Rdp, Smb, Kerberos],
        Service::Http | Service::Ipp => &[Plain, Tls, Rdp, Smb, Kerberos],
        Service::Kerberos => &[Kerberos, Plain, Tls, Rdp, Smb],
        Service::Rdp => &[Rdp, Plain, Tls, Smb, Kerberos],
        Service::Ftp | Service::Ssh | Service::Telnet | Service::Vnc | Service::Mysql => {
            &[Plain, Rdp, Tls, Smb, Kerberos]
        }
        Service::Mssql => &[Mssql, Plain, Rdp, Tls, Smb, Kerberos],
        Service::Postgres => &[Postgres, Plain, Rdp, Tls, Smb, Kerberos],
        // The session service first, then SMB on the same port.
        Service::Netbios => &[Netbios, Smb, Plain, Rdp, Tls, Kerberos],
        Service::Portmapper => &[Portmapper, Plain, Rdp, Tls, Smb, Kerberos],
        Service::Ldap => &[Ldap, Plain, Rdp, Tls, Smb, Kerberos],
        // UDP services: one question each, no TCP step (`super::udp`).
        Service::Ssdp
        | Service::Dns
        | Service::Ntp
        | Service::Snmp
        | Service::NetbiosNs
        | Service::Mdns
        | Service::WsDiscovery
        | Service::MssqlBrowser
        | Service::Sip => &[],
    }
}

/// Whether services expected on a port with this plan entry speak first,
/// so that `Plain` waits longer for their greeting (MariaDB, for one, may
/// look up the client's name before it sends its handshake).
pub(crate) fn greets(service: Service) -> bool {
    matches!(
        service,
        Service::Ftp | Service::Ssh | Service::Telnet | Service::Vnc | Service::Mysql
    )
}

/// What one step's result means for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The service answered this step: done.
    Found,
    /// Nothing recognised: the next step may tell.
    Nothing,
    /// The plain answer showed the service to be of another step's kind
    /// (a TLS record, a Kerberos error, a TPKT packet).
    Hint(Step),
    /// No step can tell more (the port refused or closed at once, or a
    /// NetBIOS service that SMB did not answer on).
    End,
}

/// One port's identification between its steps.
struct Run {
    addr: SocketAddr,
    expects: Service,
    budget: Budget,
    deadline: Instant,
    limits: Arc<Limits>,
    details: PortDetails,
    /// What the plain answer showed the service to be, if it was neither
    /// HTTP nor a banner: from then on only that step is worth trying.
    hint: Option<Step>,
}

/// Identify the service at `addr` on connections of its own, running the
/// steps of [`steps_for`]`(expects)` within `budget`.
pub(crate) async fn run(addr: SocketAddr, expects: Service, budget: Budget) -> PortDetails {
    let mut run = Run {
        addr,
        expects,
        budget,
        deadline: Instant::now() + budget.time,
        limits: Arc::new(Limits::default()),
        details: PortDetails::default(),
        hint: None,
    };
    let steps = steps_for(expects);
    for (i, &step) in steps.iter().enumerate() {
        if run.hint.is_some_and(|h| h != step) {
            continue;
        }
        let Some(until) = run.step_deadline(i == 0) else {
            break;
        };
        let outcome = run.step(step, i == 0, until).await;
        if run.stops(outcome, &steps[i + 1..]) {
            break;
        }
    }
    run.details.limit = run.limits.reported();
    run.details
}

impl Run {
    /// The deadline of the next step: the first guess may use half the
    /// budget, later ones what is left. `None` (and the time limit
    /// recorded) when nothing is left.
    fn step_deadline(&self, first: bool) -> Option<Instant> {
        let now = Instant::now();
        if now >= self.deadline {
            self.limits.hit(Limits::TIME);
            return None;
        }
        Some(match first {
            true => now + (self.deadline - now) / 2,
            false => self.deadline,
        })
    }

    /// Run one step until `until` and fold what it found into the details.
    async fn step(&mut self, step: Step, first: bool, until: Instant) -> Outcome {
        let (addr, limits, found) = (self.addr, &self.limits, &mut self.details);
        match step {
            Step::Smb => match smb::probe_smb(addr, until, limits).await {
                Some(s) => keep(&mut found.smb, s),
                // A NetBIOS session service that SMB did not answer on.
                None if found.service.netbios.is_some() => Outcome::End,
                None => Outcome::Nothing,
            },
            Step::Tls => match tls::probe_tls(addr, until, limits).await {
                Some((t, h)) => {
                    found.http = h;
                    keep(&mut found.tls, t)
                }
                None => Outcome::Nothing,
            },
            Step::Kerberos => fold(
                &mut found.kerberos,
                kerberos::probe_kerberos(addr, until, limits).await,
            ),
            Step::Plain => self.plain(first, until).await,
            Step::Rdp => fold(
                &mut found.service.rdp,
                rdp::probe_rdp(addr, until, limits).await,
            ),
            Step::Mssql => fold(
                &mut found.service.mssql,
                mssql::probe_mssql(addr, until, limits).await,
            ),
            Step::Postgres => fold(
                &mut found.service.postgres,
                postgres::probe_postgres(addr, until, limits).await,
            ),
            Step::Portmapper => fold(
                &mut found.reported.portmapper,
                portmapper::probe_portmapper(addr, until, limits).await,
            ),
            Step::Ldap => fold(
                &mut found.reported.ldap,
                ldap::probe_ldap(addr, until, limits).await,
            ),
            // Not the end: SMB is asked next on the same port.
            Step::Netbios => {
                found.service.netbios = netbios::probe_netbios(addr, until, limits).await;
                Outcome::Nothing
            }
        }
    }

    /// The plain step. A service expected to greet gets half the step for
    /// it; the other half is left for `GET /` should it stay silent.
    async fn plain(&mut self, first: bool, until: Instant) -> Outcome {
        let wait = match first && greets(self.expects) {
            true => (until - Instant::now()) / 2,
            false => self.budget.banner_wait,
        };
        let found = &mut self.details;
        match probe_plain(self.addr, self.expects, until, wait, &self.limits).await {
            Plain::Http(h) => {
                found.service.ipp = ipp::recognise(&h);
                found.http = Some(h);
                Outcome::Found
            }
            Plain::Banner(b) => keep(&mut found.banner, b),
            Plain::Service(s, line) => {
                found.service = *s;
                found.banner = line;
                Outcome::Found
            }
            Plain::Hint(Hint::Tls) => Outcome::Hint(Step::Tls),
            Plain::Hint(Hint::Kerberos) => Outcome::Hint(Step::Kerberos),
            Plain::Hint(Hint::Rdp) => Outcome::Hint(Step::Rdp),
            Plain::Nothing => Outcome::Nothing,
            Plain::Refused | Plain::Closed => Outcome::End,
        }
    }

    /// Whether identification ends after a step with `outcome`, `rest`
    /// being the steps still to come.
    fn stops(&mut self, outcome: Outcome, rest: &[Step]) -> bool {
        match outcome {
            Outcome::Found | Outcome::End => return true,
            Outcome::Hint(step) => self.hint = Some(step),
            Outcome::Nothing => {}
        }
        // A service that let a whole step run out of time is silent or
        // dripping: another protocol would only wait the same way.
        if self.limits.reported() == Some(IdentLimit::Time) {
            return true;
        }
        self.hint.is_some_and(|h| !rest.contains(&h))
    }
}

/// Keep what a step found: the step is done.
fn keep<T>(slot: &mut Option<T>, value: T) -> Outcome {
    *slot = Some(value);
    Outcome::Found
}

/// Keep what a step found, if it found anything.
fn fold<T>(slot: &mut Option<T>, value: Option<T>) -> Outcome {
    match value {
        Some(v) => keep(slot, v),
        None => Outcome::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The step that stands for a service on its own (the services that
    /// `Plain` recognises have none).
    fn own_step(service: Service) -> Step {
        match service {
            Service::Smb => Step::Smb,
            Service::Https => Step::Tls,
            Service::Kerberos => Step::Kerberos,
            Service::Rdp => Step::Rdp,
            Service::Mssql => Step::Mssql,
            Service::Postgres => Step::Postgres,
            Service::Netbios => Step::Netbios,
            Service::Portmapper => Step::Portmapper,
            Service::Ldap => Step::Ldap,
            _ => Step::Plain,
        }
    }

    #[test]
    fn port_plans() {
        let plan = crate::plan::Plan::standard();
        assert_eq!(
            steps_for(plan.expects(445, crate::plan::Transport::Tcp))[0],
            Step::Smb
        );
        assert_eq!(
            steps_for(plan.expects(443, crate::plan::Transport::Tcp))[0],
            Step::Tls
        );
        assert_eq!(
            steps_for(plan.expects(448, crate::plan::Transport::Tcp))[0],
            Step::Tls
        );
        assert_eq!(
            steps_for(plan.expects(440, crate::plan::Transport::Tcp))[0],
            Step::Plain
        );
        let both = crate::plan::Plan::standard();
        assert_eq!(
            steps_for(both.expects(88, crate::plan::Transport::Tcp))[0],
            Step::Kerberos
        );
        assert_eq!(
            steps_for(both.expects(80, crate::plan::Transport::Tcp))[0],
            Step::Plain
        );
        let every = [Step::Smb, Step::Tls, Step::Plain, Step::Kerberos, Step::Rdp];
        let standard = [
            Service::Smb,
            Service::Https,
            Service::Http,
            Service::Kerberos,
            Service::Rdp,
        ];
        let practice = crate::plan::Plan::practice();
        let firsts = practice
            .groups
            .iter()
            .flat_map(|g| &g.ports)
            // Steps are TCP conversations; UDP entries ask their question.
            .filter(|s| s.transport == crate::plan::Transport::Tcp)
            .map(|s| s.expects);
        for first in standard.into_iter().chain(firsts) {
            let tried = steps_for(first);
            // A service recognised through `Plain` starts with it.
            let starts = if greets(first) || first == Service::Ipp {
                Step::Plain
            } else {
                own_step(first)
            };
            assert_eq!(tried[0], starts, "{first:?}");
            // RDP and the standard steps everywhere, once each.
            for p in every {
                assert_eq!(
                    tried.iter().filter(|&&t| t == p).count(),
                    1,
                    "{first:?} tries {p:?}"
                );
            }
            if first != Service::Kerberos {
                assert_eq!(tried.last(), Some(&Step::Kerberos));
            }
        }
        // On the standard plan's ports, RDP comes after the steps that name
        // most services.
        for first in [Service::Smb, Service::Https, Service::Http] {
            let tried = steps_for(first);
            let rdp = tried.iter().position(|&p| p == Step::Rdp);
            let plain = tried.iter().position(|&p| p == Step::Plain);
            assert!(rdp > plain, "{first:?}");
        }
    }
}
