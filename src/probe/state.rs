//! The probe's shared state, the parts each router takes from it, and the
//! admission of a scan request.
//!
//! Every scan goes through [`ProbeState::admit`]: find whose address the
//! request comes from (the peer, or the client a trusted proxy names), check
//! that it may be scanned, take a scan slot or a place in the queue for one
//! ([`ProbeState::wait_turn`]), and count it against the address's rate
//! limit once it may run. Nothing in the request names a target or ports.
//!
//! Every request of any kind first counts against its site network's
//! request allowance ([`ProbeState::count_request`]), so that cheap
//! requests from one network cannot slow everybody else's.
//!
//! The page's routes take only [`Page`] and `/metrics` only [`Metrics`]
//! (axum's `FromRef`), so they know nothing of admission or scans.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use axum::http::{HeaderMap, HeaderValue};

use crate::api::Target;
use crate::plan::Plan;
use crate::probe::admission::limits::{RateLimit, Refused, retry_after_secs};
use crate::probe::admission::queue::{self, Entry, InQueue, ScanSlot, ScanSlots};
use crate::probe::config::{MetricsMode, Settings, TrustedProxy};
use crate::probe::error::ApiError;
use crate::probe::ident;
use crate::probe::metrics::Metrics;
use crate::probe::scan::{RttEstimate, ScanSetup};
use crate::probe::shutdown::Shutdown;
use crate::probe::visitor::forwarded::{Peer, Trust, client_address};
use crate::probe::visitor::policy::{TargetPolicy, normalise};
use crate::probe::visitor::proxied::via_proxy;
use crate::probe::visitor::undeclared_proxy;
use crate::probe::www::Page;
use crate::probe::www::assets::Assets;

/// What the listener knows about the connection a request arrived on; the
/// handlers read it with axum's `ConnectInfo` (tests mock it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnInfo {
    pub peer: Peer,
    /// TCP's round-trip estimate for the connection (`TCP_INFO`), when known.
    pub rtt: Option<RttEstimate>,
}

/// Shared state of a running probe.
pub struct ProbeState {
    /// The plans a scan can pick by name, the default first:
    /// [`Plan::catalogue`] (tests choose others).
    pub plans: Vec<Plan>,
    pub(crate) policy: TargetPolicy,
    pub(crate) trust: Trust,
    /// Timeouts, identification budget and this probe's socket gauge.
    pub(crate) scan: ScanSetup,
    /// The scan rate limit per network.
    pub limiter: RateLimit,
    /// Every request's allowance, per site network.
    pub(crate) requests: RateLimit,
    /// The scan slots and their queue.
    pub slots: ScanSlots,
    /// Running connections and scans, and the signal to stop taking more.
    pub(crate) shutdown: Shutdown,
    pub(crate) page: Page,
    /// The Prometheus counters.
    pub metrics: Metrics,
    pub(crate) metrics_mode: MetricsMode,
    /// Every connection is closed after this long (a queued request too).
    pub(crate) connection_lifetime: Duration,
}

impl FromRef<Arc<ProbeState>> for Page {
    fn from_ref(st: &Arc<ProbeState>) -> Page {
        st.page.clone()
    }
}

impl FromRef<Arc<ProbeState>> for Metrics {
    fn from_ref(st: &Arc<ProbeState>) -> Metrics {
        st.metrics.clone()
    }
}

/// An admitted scan: whom to scan (and whether a proxy seems to stand in
/// for the visitor), what the handshake said about the path, and the scan
/// slot it holds until it ends.
pub(crate) struct Admitted {
    pub target: Target,
    pub rtt: Option<RttEstimate>,
    pub slot: ScanSlot,
}

/// A scan request waiting in the queue for a slot.
pub(crate) struct Waiting {
    pub target: Target,
    pub rtt: Option<RttEstimate>,
    pub place: InQueue,
}

/// A request's way to its scan: it may run now, or it waits.
pub(crate) enum Admission {
    Now(Admitted),
    Queued(Waiting),
}

impl ProbeState {
    /// State for `settings`; reads the page from `--www` if given, else uses
    /// the built-in copy.
    pub fn new(settings: &Settings) -> std::io::Result<Self> {
        let assets = match &settings.www {
            Some(dir) => Assets::from_dir(dir)?,
            None => Assets::embedded(),
        };
        let metrics = Metrics::new();
        Ok(ProbeState {
            plans: Plan::catalogue(),
            policy: TargetPolicy::new(settings.allow_targets.clone(), settings.allow_loopback),
            trust: Trust {
                proxies: settings
                    .trusted_proxies
                    .iter()
                    .filter_map(|p| match p {
                        TrustedProxy::Net(net) => Some(*net),
                        TrustedProxy::Unix => None,
                    })
                    .collect(),
                unix: settings.trusted_proxies.contains(&TrustedProxy::Unix),
                header: settings.forwarded_header,
            },
            scan: ScanSetup {
                timing: settings.timing,
                identify: Some(ident::Budget::STANDARD),
                sockets: metrics.open_sockets.clone(),
            },
            limiter: RateLimit::new(settings.rate),
            requests: RateLimit::new(settings.requests.rate(settings.rate.table_size)),
            slots: ScanSlots::new(settings.max_scans),
            shutdown: Shutdown::new(settings.shutdown_grace),
            page: Page::new(assets, settings.site.clone()),
            metrics,
            metrics_mode: settings.metrics,
            connection_lifetime: settings.connection_lifetime,
        })
    }

    /// The plan a request's query picks (`?plan=NAME`), the default plan
    /// without one. Any other value, or two of them, is refused.
    pub(crate) fn plan(&self, query: Option<&str>) -> Result<&Plan, ApiError> {
        let mut named = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .filter(|(key, _)| key == "plan")
            .map(|(_, value)| value);
        match (named.next(), named.next()) {
            (None, _) => self.plan_named(None),
            (Some(name), None) => self.plan_named(Some(&name)),
            (Some(_), Some(_)) => Err(self.unknown_plan()),
        }
    }

    /// The plan called `name`; without a name, the default (first) plan.
    pub(crate) fn plan_named(&self, name: Option<&str>) -> Result<&Plan, ApiError> {
        let found = match name {
            None => self.plans.first(),
            Some(name) => self.plans.iter().find(|p| p.name == name),
        };
        found.ok_or_else(|| self.unknown_plan())
    }

    fn unknown_plan(&self) -> ApiError {
        let offered: Vec<&str> = self.plans.iter().map(|p| p.name.as_str()).collect();
        ApiError::UnknownPlan(offered.join(", "))
    }

    /// The address this request must be checked at.
    pub(crate) fn visitor(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<IpAddr, ApiError> {
        let values = headers
            .get_all(self.trust.header.name())
            .iter()
            .map(HeaderValue::as_bytes);
        client_address(conn.peer, values, &self.trust).map_err(ApiError::BadForwarding)
    }

    /// Count one request of any kind against the site network of the
    /// address it comes from (the visitor a trusted proxy names, else the
    /// peer), or refuse it with the wait. Counted in the metrics.
    pub(crate) fn count_request(
        &self,
        conn: &ConnInfo,
        path: &str,
        headers: &HeaderMap,
    ) -> Result<(), ApiError> {
        let from = self
            .visitor(conn, headers)
            .unwrap_or_else(|_| normalise(conn.peer.ip()));
        if uncounted(from, path) {
            return Ok(());
        }
        self.requests.check_site(from).map_err(|refused| {
            let e = match refused {
                Refused::RateLimited(d) | Refused::Busy(d) => ApiError::TooManyRequests(d),
            };
            self.metrics.record_refused(e.code());
            e
        })
    }

    /// The address this request must be checked at, marked when the request
    /// shows signs of a proxy the probe does not trust.
    pub(crate) fn target(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<Target, ApiError> {
        undeclared_proxy::refuse(&self.policy, &self.trust, conn.peer, headers)?;
        let ip = self.visitor(conn, headers)?;
        let proxied = via_proxy(conn.peer, ip, headers, &self.trust);
        Ok(Target::new(ip).via_proxy(proxied))
    }

    /// Admit one scan for the request, or queue it, or say why not (and
    /// count refusals).
    pub(crate) fn admit(
        &self,
        conn: &ConnInfo,
        headers: &HeaderMap,
    ) -> Result<Admission, ApiError> {
        self.try_admit(conn, headers).inspect_err(|e| {
            self.metrics.record_refused(e.code());
        })
    }

    fn try_admit(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<Admission, ApiError> {
        let target = self.target(conn, headers)?;
        self.policy.check(target.ip).map_err(ApiError::NotAllowed)?;
        if self.shutdown.is_begun() {
            return Err(ApiError::ShuttingDown);
        }
        // The handshake RTT describes the path to the visitor only when the
        // visitor is the peer, not a proxy.
        let rtt = (conn.peer != Peer::Unix && target.ip == normalise(conn.peer.ip()))
            .then_some(conn.rtt)
            .flatten();
        // Take the slot before counting the scan, so a busy probe does not
        // use up the visitor's allowance.
        match self.slots.enter(target.ip)? {
            Entry::Running(slot) => {
                self.limiter.check(target.ip)?;
                Ok(Admission::Now(Admitted { target, rtt, slot }))
            }
            Entry::Queued(place) => Ok(Admission::Queued(Waiting { target, rtt, place })),
        }
    }

    /// Wait in the queue (at most [`ProbeState::queue_limit`]), telling
    /// `on_place` each new place, then count the scan like [`Self::admit`].
    pub(crate) async fn wait_turn(
        &self,
        queued: Waiting,
        on_place: impl FnMut(usize),
    ) -> Result<Admitted, ApiError> {
        let Waiting { target, rtt, place } = queued;
        let waited = async {
            let slot = place.wait(self.queue_limit(), on_place).await?;
            if self.shutdown.is_begun() {
                return Err(ApiError::ShuttingDown);
            }
            self.limiter.check(target.ip)?;
            Ok(Admitted { target, rtt, slot })
        };
        waited.await.inspect_err(|e| {
            self.metrics.record_refused(e.code());
        })
    }

    /// The longest one scan of any offered plan holds its slot (its
    /// enforced worst case; for the queue's estimates and wait limit).
    pub(crate) fn scan_bound(&self) -> Duration {
        self.plans
            .iter()
            .map(|plan| self.scan.worst_case(plan))
            .max()
            .unwrap_or_default()
    }

    /// The longest a visitor waits in the queue before it is refused: the
    /// queue's limit, but at most half the connection's lifetime, so that
    /// the scan still has time to run on the same connection.
    pub(crate) fn queue_limit(&self) -> Duration {
        queue::queue_limit(self.slots.shares(), self.scan_bound()).min(self.connection_lifetime / 2)
    }

    /// The `queued` event for a visitor at `position` in the queue.
    pub(crate) fn queued(&self, position: usize) -> crate::api::Queued {
        let wait = queue::wait_estimate(position, self.slots.shares().total, self.scan_bound());
        crate::api::Queued {
            position: u32::try_from(position).unwrap_or(u32::MAX),
            wait_s: u32::try_from(retry_after_secs(wait)).unwrap_or(u32::MAX),
        }
    }
}

/// Whether a request is left out of the request limit: the operator's own
/// health checks and metrics scrapes from this machine (`portcheck
/// healthcheck`, a container's health check, a local Prometheus), so that
/// a flood cannot make the service look dead. A request a proxy forwards
/// for a visitor counts at the visitor's address, so it is counted.
pub(crate) fn uncounted(from: IpAddr, path: &str) -> bool {
    normalise(from).is_loopback() && matches!(path, "/healthz" | "/metrics")
}
