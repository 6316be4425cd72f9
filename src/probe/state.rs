//! The probe's shared state, the parts each router takes from it, and the
//! admission of a scan request.
//!
//! Every scan goes through [`ProbeState::admit`]: find whose address the
//! request comes from (the peer, or the client a trusted proxy names), check
//! that it may be scanned, take a scan slot, and count it against the
//! address's rate limit. Nothing in the request names a target or ports.
//!
//! The page's routes take only [`Page`] and `/metrics` only [`Metrics`]
//! (axum's `FromRef`), so they know nothing of admission or scans.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::FromRef;
use axum::http::{HeaderMap, HeaderValue};
use tokio::sync::OwnedSemaphorePermit;

use super::assets::Assets;
use super::config::{Metrics as MetricsMode, Settings};
use super::error::ApiError;
use super::forwarded::{Trust, client_address};
use super::ident;
use super::limits::{RateLimit, ScanSlots};
use super::metrics::Metrics;
use super::policy::{TargetPolicy, normalise};
use super::proxied::via_proxy;
use super::scan::{RttEstimate, ScanSetup};
use super::shutdown::Shutdown;
use super::www::Page;
use crate::api::Target;
use crate::plan::Plan;

/// What the listener knows about the connection a request arrived on; the
/// handlers read it with axum's `ConnectInfo` (tests mock it).
#[derive(Debug, Clone, Copy)]
pub struct ConnInfo {
    pub peer: SocketAddr,
    /// TCP's round-trip estimate for the connection (`TCP_INFO`), when known.
    pub rtt: Option<RttEstimate>,
}

/// Shared state of a running probe.
pub struct ProbeState {
    /// The ports every scan checks: [`Plan::standard`] (tests choose others).
    pub plan: Plan,
    pub policy: TargetPolicy,
    pub trust: Trust,
    /// Timeouts, identification budget and this probe's socket gauge.
    pub scan: ScanSetup,
    pub limiter: RateLimit,
    pub slots: ScanSlots,
    /// Running connections and scans, and the signal to stop taking more.
    pub shutdown: Shutdown,
    pub page: Page,
    pub metrics: Metrics,
    pub metrics_mode: MetricsMode,
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
pub struct Admitted {
    pub target: Target,
    pub rtt: Option<RttEstimate>,
    pub slot: OwnedSemaphorePermit,
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
            plan: Plan::standard(),
            policy: TargetPolicy::new(
                settings.allow_targets.clone(),
                settings.listen.ip(),
                !settings.trusted_proxies.is_empty(),
            ),
            trust: Trust {
                proxies: settings.trusted_proxies.clone(),
                header: settings.forwarded_header,
            },
            scan: ScanSetup {
                timing: settings.timing,
                identify: Some(ident::Budget::STANDARD),
                sockets: metrics.open_sockets.clone(),
            },
            limiter: RateLimit::new(settings.rate),
            slots: ScanSlots::new(settings.max_scans),
            shutdown: Shutdown::new(settings.shutdown_grace),
            page: Page::new(assets, settings.site.clone()),
            metrics,
            metrics_mode: settings.metrics,
        })
    }

    /// The address this request must be checked at.
    pub fn visitor(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<IpAddr, ApiError> {
        let values = headers
            .get_all(self.trust.header.name())
            .iter()
            .map(HeaderValue::as_bytes);
        client_address(conn.peer.ip(), values, &self.trust).map_err(ApiError::BadForwarding)
    }

    /// The address this request must be checked at, marked when the request
    /// shows signs of a proxy the probe does not trust.
    pub fn target(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<Target, ApiError> {
        let ip = self.visitor(conn, headers)?;
        let proxied = via_proxy(conn.peer.ip(), ip, headers, &self.trust);
        Ok(Target::new(ip).via_proxy(proxied))
    }

    /// Admit one scan for the request, or say why not (and count refusals).
    pub fn admit(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<Admitted, ApiError> {
        self.try_admit(conn, headers).inspect_err(|e| {
            self.metrics.record_refused(e.code());
        })
    }

    fn try_admit(&self, conn: &ConnInfo, headers: &HeaderMap) -> Result<Admitted, ApiError> {
        let target = self.target(conn, headers)?;
        self.policy.check(target.ip).map_err(ApiError::NotAllowed)?;
        if self.shutdown.is_begun() {
            return Err(ApiError::ShuttingDown);
        }
        // Take the slot before counting the scan, so a busy probe does not
        // use up the visitor's allowance.
        let slot = self.slots.try_acquire()?;
        self.limiter.check(target.ip)?;
        // The handshake RTT describes the path to the visitor only when the
        // visitor is the peer, not a proxy.
        let rtt = (target.ip == normalise(conn.peer.ip()))
            .then_some(conn.rtt)
            .flatten();
        Ok(Admitted { target, rtt, slot })
    }
}
