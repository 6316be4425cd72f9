//! Every option of `portcheck serve`, declared once. The one struct is the
//! flags (with their environment variables) for clap and the TOML file for
//! serde; its fields are all optional (or lists, empty unless given) so that
//! each source says only what it sets, and [`Options::settings`] fills the
//! rest from the defaults.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use serde::Deserialize;

use super::settings::{ConfigError, Settings, Site};
use super::values::{
    Accent, ContactUri, Listen, MetricsMode, Net, Origin, PlainText, TrustedProxy,
};
use crate::probe::admission::limits::{RateSettings, RequestSettings};
use crate::probe::scan::Timing;
use crate::probe::visitor::forwarded::ForwardedHeader;

/// Options of `portcheck serve`. Each is also an environment variable
/// (`PORTCHECK_` and the key in capitals, see [`super::ServeArgs`]) and a key
/// of the TOML file given with `--config`.
#[derive(Debug, Default, Args, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Options {
    /// Address and port to listen on (`[::]:8080` listens on IPv6 and
    /// IPv4), or `unix:PATH`, a Unix socket created with mode 0660: only the
    /// probe's user and group can connect, so put the reverse proxy in that
    /// group (the deployment files do). [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<Listen>,

    /// A reverse proxy whose forwarding header is believed: `unix` (the
    /// connections on the `--listen unix:PATH` socket, which only the proxy
    /// can open; recommended), or an address or CIDR its requests come from.
    /// Any process that can connect from a trusted address can name the
    /// address to check, so a trusted 127.0.0.1 trusts every local process.
    /// Repeatable; comma-separated in the environment. Requests from other
    /// peers are checked at their own address whatever headers they send.
    /// [default: none]
    #[arg(long, value_name = "unix|CIDR")]
    pub trusted_proxy: Vec<TrustedProxy>,

    /// Which header the trusted proxies write: `x-forwarded-for` or RFC 7239
    /// `forwarded`. Only this one is read. [default: x-forwarded-for]
    #[arg(long, value_name = "HEADER")]
    pub forwarded_header: Option<ForwardedHeader>,

    /// Allow checking addresses in this CIDR even though they are not global
    /// (private, loopback, documentation, …). Repeatable; comma-separated in
    /// the environment. [default: none]
    #[arg(long, value_name = "CIDR")]
    pub allow_target: Vec<Net>,

    /// Allow checking loopback (127.0.0.0/8, ::1): this host itself, for a
    /// laptop that checks its own ports (`scripts/run` sets it). Never with a
    /// relay or proxy in front: every visitor would arrive from loopback and
    /// be shown this host's ports. Without it a request from loopback is
    /// refused (403 target_not_allowed). [default: false]
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        default_missing_value = "true",
        value_parser = clap::builder::BoolishValueParser::new(),
    )]
    pub allow_loopback: Option<bool>,

    /// Shortest connect timeout per attempt, in milliseconds, however short
    /// the visitor's round-trip time. [default: 150]
    #[arg(long, value_name = "MS")]
    pub timeout_floor_ms: Option<u64>,

    /// Longest connect timeout per attempt, in milliseconds; used until the
    /// round-trip time is known. A silent port costs two attempts.
    /// [default: 1500]
    #[arg(long, value_name = "MS")]
    pub timeout_ceiling_ms: Option<u64>,

    /// Scans one address (IPv6: one /64) may start at once. [default: 5]
    #[arg(long, value_name = "N")]
    pub rate_burst: Option<u32>,

    /// After the burst, one more scan per address every this many seconds.
    /// [default: 60]
    #[arg(long, value_name = "SECS")]
    pub rate_refill_secs: Option<u64>,

    /// Most allowances the rate limiter remembers at once (and the request
    /// limiter too). Each address (IPv6: /64) has its own, up to 256 of one
    /// /24 (IPv6: /48) and at most a sixteenth of the table; that site's
    /// further addresses share one. A full table forgets the stalest
    /// allowance, which starts full again: a newcomer is never refused
    /// for want of room. About 100 bytes an entry. [default: 100000]
    #[arg(long, value_name = "N")]
    pub rate_table_size: Option<usize>,

    /// Requests of any kind one /24 (IPv6: one /48) may make at once; beyond
    /// it, and beyond --request-rate, 429 with Retry-After. `/healthz` and
    /// `/metrics` asked from this machine are not counted. A page load is
    /// about ten requests. [default: 600]
    #[arg(long, value_name = "N")]
    pub request_burst: Option<u32>,

    /// After the burst, requests per second one /24 (IPv6: one /48) may
    /// make. [default: 50]
    #[arg(long, value_name = "N")]
    pub request_rate: Option<u32>,

    /// Most scans running at once (each holds two sockets per planned port
    /// while it connects, more while it identifies open ones: at most 252);
    /// beyond it 503 busy with
    /// Retry-After. Lowered at start, with a warning, when the open-file
    /// limit cannot serve that many at their most. [default: 64]
    #[arg(long, value_name = "N")]
    pub max_scans: Option<usize>,

    /// Most open client connections; further connections are closed at once.
    /// [default: 1024]
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,

    /// Most open connections from one host network (an IPv4 address, an
    /// IPv6 /64); a site network (IPv4 /24, IPv6 /48) may hold eight times
    /// as many. It counts the TCP peer, and trusted proxies are exempt, so
    /// behind a reverse proxy it limits no visitor (see the deployment
    /// files for what to use there). [default: 16]
    #[arg(long, value_name = "N")]
    pub max_connections_per_address: Option<usize>,

    /// Seconds a client has to send a request's headers, and to send the next
    /// one on a kept-alive connection. [default: 10]
    #[arg(long, value_name = "SECS")]
    pub header_timeout_secs: Option<u64>,

    /// Seconds after which any client connection is closed, whatever it is
    /// doing; a scan takes a few seconds at most. [default: 60]
    #[arg(long, value_name = "SECS")]
    pub connection_lifetime_secs: Option<u64>,

    /// Seconds to let running scans finish after SIGTERM or Ctrl-C before
    /// exiting anyway. [default: 10]
    #[arg(long, value_name = "SECS")]
    pub shutdown_grace_secs: Option<u64>,

    /// Serve the page from this folder (Trunk's output) instead of the copy
    /// built into the binary; read once at start. [default: the built-in page]
    #[arg(long, value_name = "DIR")]
    pub www: Option<PathBuf>,

    /// The origin the page is served under, as visitors see it
    /// (`https://portcheck.example`). Allowed to read the API; with https, HSTS
    /// is sent. [default: none; same-origin use needs no setting]
    #[arg(long, value_name = "URL")]
    pub public_origin: Option<Origin>,

    /// Origin of an IPv4-only hostname of this service
    /// (`https://v4.portcheck.example`); with --ipv6-origin, the page checks
    /// both address families side by side. [default: none]
    #[arg(long, value_name = "URL")]
    pub ipv4_origin: Option<Origin>,

    /// Origin of an IPv6-only hostname of this service
    /// (`https://v6.portcheck.example`). [default: none]
    #[arg(long, value_name = "URL")]
    pub ipv6_origin: Option<Origin>,

    /// A site allowed to embed the check (`https://www.aerztekammer.example`):
    /// it may frame /embed and read the API. Repeatable; comma-separated in
    /// the environment. Without any, /embed cannot be framed. [default: none]
    #[arg(long, value_name = "URL")]
    pub embed_origin: Vec<Origin>,

    /// Accent colour of the page (`#RRGGBB`); it must keep 4.5:1 contrast
    /// with white text (WCAG AA). [default: the built-in blue]
    #[arg(long, value_name = "HEX")]
    pub accent_color: Option<Accent>,

    /// Name of the organisation offering the check, shown on the page.
    /// [default: none]
    #[arg(long, value_name = "TEXT")]
    pub org_name: Option<PlainText>,

    /// Where practices get help, shown next to the fix guide (a phone number,
    /// an e-mail address or a web address). [default: none]
    #[arg(long, value_name = "TEXT")]
    pub help_contact: Option<PlainText>,

    /// Prometheus metrics: `on` (at /metrics on the main listener), `off`, or
    /// an address for a separate listener (`127.0.0.1:9090`). Off by default:
    /// on a public listener, a quiet probe's counters tell individual
    /// results. [default: off]
    #[arg(long, value_name = "on|off|ADDR")]
    pub metrics: Option<MetricsMode>,

    /// Contact for security and abuse reports (`mailto:abuse@example.org` or
    /// an https URL), served as /.well-known/security.txt. [default: none]
    #[arg(long, value_name = "URI")]
    pub security_contact: Option<ContactUri>,
}

impl Options {
    /// The settings these options ask for, with the defaults where they say
    /// nothing, refused if they cannot work.
    pub(crate) fn settings(self) -> Result<Settings, ConfigError> {
        let d = Settings::default();
        let ms = |v: Option<u64>, d| v.map_or(d, Duration::from_millis);
        let secs = |v: Option<u64>, d| v.map_or(d, Duration::from_secs);
        let nets = |v: Vec<Net>| v.into_iter().map(|n| n.0).collect();
        let settings = Settings {
            listen: self.listen.unwrap_or(d.listen),
            trusted_proxies: self.trusted_proxy,
            forwarded_header: self.forwarded_header.unwrap_or(d.forwarded_header),
            allow_targets: nets(self.allow_target),
            allow_loopback: self.allow_loopback.unwrap_or(d.allow_loopback),
            timing: Timing {
                floor: ms(self.timeout_floor_ms, d.timing.floor),
                ceiling: ms(self.timeout_ceiling_ms, d.timing.ceiling),
            },
            rate: RateSettings {
                burst: self.rate_burst.unwrap_or(d.rate.burst),
                refill: secs(self.rate_refill_secs, d.rate.refill),
                table_size: self.rate_table_size.unwrap_or(d.rate.table_size),
            },
            requests: RequestSettings {
                burst: self.request_burst.unwrap_or(d.requests.burst),
                per_second: self.request_rate.unwrap_or(d.requests.per_second),
            },
            max_scans: self.max_scans.unwrap_or(d.max_scans),
            max_connections: self.max_connections.unwrap_or(d.max_connections),
            max_connections_per_address: self
                .max_connections_per_address
                .unwrap_or(d.max_connections_per_address),
            header_timeout: secs(self.header_timeout_secs, d.header_timeout),
            connection_lifetime: secs(self.connection_lifetime_secs, d.connection_lifetime),
            shutdown_grace: secs(self.shutdown_grace_secs, d.shutdown_grace),
            www: self.www.or(d.www),
            site: Site {
                public_origin: self.public_origin.map(|o| o.0),
                ipv4_origin: self.ipv4_origin.map(|o| o.0),
                ipv6_origin: self.ipv6_origin.map(|o| o.0),
                embed_origins: self.embed_origin.into_iter().map(|o| o.0).collect(),
                accent_color: self.accent_color.map(|a| a.0),
                org_name: self.org_name.map(|t| t.0),
                help_contact: self.help_contact.map(|t| t.0),
                security_contact: self.security_contact.map(|c| c.0),
            },
            metrics: self.metrics.unwrap_or(d.metrics),
        };
        settings.validate()?;
        Ok(settings)
    }
}
