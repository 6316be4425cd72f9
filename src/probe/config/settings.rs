//! The resolved configuration the probe runs with, its built-in defaults
//! (which work with no configuration at all), and the checks between options
//! that no single value can make on its own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;

use super::values::{Listen, MetricsMode, TrustedProxy};
use crate::probe::admission::limits::{RateSettings, RequestSettings};
use crate::probe::scan::Timing;
use crate::probe::visitor::forwarded::ForwardedHeader;

/// The resolved configuration the server runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Where to listen (`--listen`).
    pub listen: Listen,
    /// Proxies whose forwarding header is believed (`--trusted-proxy`).
    pub trusted_proxies: Vec<TrustedProxy>,
    /// The one header the trusted proxies write (`--forwarded-header`).
    pub forwarded_header: ForwardedHeader,
    /// Networks that may be checked although not global (`--allow-target`).
    pub allow_targets: Vec<IpNet>,
    /// Loopback may be checked (a laptop checking itself), only when asked.
    pub allow_loopback: bool,
    /// Connect timeouts per attempt (`--timeout-floor-ms`, `--timeout-ceiling-ms`).
    pub timing: Timing,
    /// The scan rate limit per network (`--rate-burst`, `--rate-refill-secs`, `--rate-table-size`).
    pub rate: RateSettings,
    /// Every request's allowance per site network (its table is as large
    /// as the rate limiter's).
    pub requests: RequestSettings,
    /// Most scans running at once (`--max-scans`).
    pub max_scans: usize,
    /// Most open client connections (`--max-connections`).
    pub max_connections: usize,
    /// Most open connections from one host network (`--max-connections-per-address`).
    pub max_connections_per_address: usize,
    /// Time a client has to send a request's headers (`--header-timeout-secs`).
    pub header_timeout: Duration,
    /// Any connection is closed after this long (`--connection-lifetime-secs`).
    pub connection_lifetime: Duration,
    /// Time running scans get to finish on shutdown (`--shutdown-grace-secs`).
    pub shutdown_grace: Duration,
    /// `None`: the page built into the binary.
    pub www: Option<PathBuf>,
    /// What the operator says about the site.
    pub site: Site,
    /// Whether and where metrics are served (`--metrics`).
    pub metrics: MetricsMode,
}

/// What the operator says about the site: origins, branding, contacts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Site {
    /// The origin visitors see the page under (`--public-origin`).
    pub public_origin: Option<String>,
    /// Origin of the IPv4-only hostname (`--ipv4-origin`).
    pub ipv4_origin: Option<String>,
    /// Origin of the IPv6-only hostname (`--ipv6-origin`).
    pub ipv6_origin: Option<String>,
    /// Sites allowed to embed the check (`--embed-origin`).
    pub embed_origins: Vec<String>,
    /// The page's accent colour, `#RRGGBB` (`--accent-color`).
    pub accent_color: Option<String>,
    /// Name of the organisation offering the check (`--org-name`).
    pub org_name: Option<String>,
    /// Where practices get help (`--help-contact`).
    pub help_contact: Option<String>,
    /// Contact for security reports, served as security.txt (`--security-contact`).
    pub security_contact: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: Listen::Tcp(SocketAddr::from(([127, 0, 0, 1], 8080))),
            trusted_proxies: Vec::new(),
            forwarded_header: ForwardedHeader::XForwardedFor,
            allow_targets: Vec::new(),
            allow_loopback: false,
            timing: Timing {
                floor: Duration::from_millis(150),
                ceiling: Duration::from_millis(1500),
            },
            rate: RateSettings {
                burst: 5,
                refill: Duration::from_secs(60),
                table_size: 100_000,
            },
            // A page load is about ten requests (the page, its script,
            // wasm, style sheets and icon, the site's settings, the scan
            // stream): 600 at once is sixty page loads, then five a second.
            requests: RequestSettings {
                burst: 600,
                per_second: 50,
            },
            max_scans: 64,
            max_connections: 1024,
            max_connections_per_address: 16,
            header_timeout: Duration::from_secs(10),
            connection_lifetime: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(10),
            www: None,
            site: Site::default(),
            metrics: MetricsMode::Off,
        }
    }
}

/// A configuration that cannot be used, with a message for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Settings {
    /// Reject settings that cannot work, with the reason.
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        let err = |m: &str| Err(ConfigError(m.to_owned()));
        if self.timing.floor.is_zero() {
            return err("timeout_floor_ms must be at least 1");
        }
        if self.timing.ceiling < self.timing.floor {
            return err("timeout_ceiling_ms must not be below timeout_floor_ms");
        }
        if self.timing.ceiling > Duration::from_secs(30) {
            return err("timeout_ceiling_ms must be at most 30000");
        }
        if self.rate.burst == 0 {
            return err("rate_burst must be at least 1");
        }
        if self.rate.refill.is_zero() {
            return err("rate_refill_secs must be at least 1");
        }
        if self.rate.table_size == 0 {
            return err("rate_table_size must be at least 1");
        }
        if self.requests.burst == 0 {
            return err("request_burst must be at least 1");
        }
        if self.requests.per_second == 0 {
            return err("request_rate must be at least 1");
        }
        if self.max_scans == 0 || self.max_connections == 0 || self.max_connections_per_address == 0
        {
            return err(
                "max_scans, max_connections and max_connections_per_address must be at least 1",
            );
        }
        if self.header_timeout.is_zero() || self.connection_lifetime.is_zero() {
            return err("header_timeout_secs and connection_lifetime_secs must be at least 1");
        }
        Ok(())
    }
}
