//! Configuration: command-line flags, `PORTCHECK_…` environment variables and
//! an optional TOML file, in that order of precedence, over built-in defaults
//! that work with no configuration at all.
//!
//! Every option has the same name in all three places: `--rate-burst`,
//! `PORTCHECK_RATE_BURST`, `rate_burst = …` in the file.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use ipnet::IpNet;
use serde::Deserialize;

use super::forwarded::ForwardedHeader;
use super::limits::RateSettings;
use super::scan::Timing;

#[derive(Debug, Parser)]
#[command(
    name = "portcheck",
    version,
    about = "Checks whether the visitor's own internet connection exposes TCP ports 440-449, and serves the self-test page that explains the result.",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the self-test page and the probe API (default: http://127.0.0.1:8080).
    Serve(ServeArgs),
    /// Ask a running `portcheck serve` (same options) whether it is healthy;
    /// exit status 0 if `/healthz` answers 200 within 3 seconds. For container
    /// health checks in images without a shell or HTTP client.
    Healthcheck(ServeArgs),
}

/// Options of `portcheck serve`. Each is also an environment variable and a
/// key of the TOML file given with `--config`.
#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// TOML file with any of the options below (keys as the flag names with
    /// `_` for `-`, e.g. `rate_burst = 10`, `trusted_proxy = ["10.0.0.1"]`).
    /// Flags and environment variables override it.
    #[arg(long, env = "PORTCHECK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Address and port to listen on. `[::]:8080` listens on IPv6 and IPv4.
    /// [default: 127.0.0.1:8080]
    #[arg(long, env = "PORTCHECK_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// A reverse proxy (address or CIDR) whose forwarding header is believed.
    /// Repeatable; comma-separated in the environment. Requests from other
    /// peers are checked at their own address whatever headers they send.
    /// [default: none]
    #[arg(long, env = "PORTCHECK_TRUSTED_PROXY", value_name = "CIDR", value_delimiter = ',', value_parser = parse_net)]
    pub trusted_proxy: Vec<IpNet>,

    /// Which header the trusted proxies write: `x-forwarded-for` or RFC 7239
    /// `forwarded`. Only this one is read. [default: x-forwarded-for]
    #[arg(long, env = "PORTCHECK_FORWARDED_HEADER", value_name = "HEADER")]
    pub forwarded_header: Option<ForwardedHeader>,

    /// Allow checking addresses in this CIDR even though they are not global
    /// (private, loopback, documentation, …). Repeatable; comma-separated in
    /// the environment. [default: none; when listening on loopback:
    /// 127.0.0.0/8 and ::1]
    #[arg(long, env = "PORTCHECK_ALLOW_TARGET", value_name = "CIDR", value_delimiter = ',', value_parser = parse_net)]
    pub allow_target: Vec<IpNet>,

    /// Shortest connect timeout per attempt, in milliseconds, however short
    /// the visitor's round-trip time. [default: 150]
    #[arg(long, env = "PORTCHECK_TIMEOUT_FLOOR_MS", value_name = "MS")]
    pub timeout_floor_ms: Option<u64>,

    /// Longest connect timeout per attempt, in milliseconds; used until the
    /// round-trip time is known. A silent port costs two attempts.
    /// [default: 1500]
    #[arg(long, env = "PORTCHECK_TIMEOUT_CEILING_MS", value_name = "MS")]
    pub timeout_ceiling_ms: Option<u64>,

    /// Scans one address (IPv6: one /64) may start at once. [default: 5]
    #[arg(long, env = "PORTCHECK_RATE_BURST", value_name = "N")]
    pub rate_burst: Option<u32>,

    /// After the burst, one more scan per address every this many seconds.
    /// [default: 60]
    #[arg(long, env = "PORTCHECK_RATE_REFILL_SECS", value_name = "SECS")]
    pub rate_refill_secs: Option<u64>,

    /// Most addresses the rate limiter remembers at once; beyond it new
    /// visitors get 503 busy until entries expire. [default: 100000]
    #[arg(long, env = "PORTCHECK_RATE_TABLE_SIZE", value_name = "N")]
    pub rate_table_size: Option<usize>,

    /// Most scans running at once (each holds up to 14 sockets); beyond it
    /// 503 busy with Retry-After. [default: 64]
    #[arg(long, env = "PORTCHECK_MAX_SCANS", value_name = "N")]
    pub max_scans: Option<usize>,

    /// Most open client connections; further connections are closed at once.
    /// [default: 1024]
    #[arg(long, env = "PORTCHECK_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<usize>,

    /// Most open connections from one peer address (trusted proxies are
    /// exempt). [default: 16]
    #[arg(long, env = "PORTCHECK_MAX_CONNECTIONS_PER_ADDRESS", value_name = "N")]
    pub max_connections_per_address: Option<usize>,

    /// Seconds a client has to send a request's headers, and to send the next
    /// one on a kept-alive connection. [default: 10]
    #[arg(long, env = "PORTCHECK_HEADER_TIMEOUT_SECS", value_name = "SECS")]
    pub header_timeout_secs: Option<u64>,

    /// Seconds after which any client connection is closed, whatever it is
    /// doing; a scan takes a few seconds at most. [default: 60]
    #[arg(long, env = "PORTCHECK_CONNECTION_LIFETIME_SECS", value_name = "SECS")]
    pub connection_lifetime_secs: Option<u64>,

    /// Seconds to let running scans finish after SIGTERM or Ctrl-C before
    /// exiting anyway. [default: 10]
    #[arg(long, env = "PORTCHECK_SHUTDOWN_GRACE_SECS", value_name = "SECS")]
    pub shutdown_grace_secs: Option<u64>,

    /// Serve the page from this folder (Trunk's output) instead of the copy
    /// built into the binary; read once at start. [default: the built-in page]
    #[arg(long, env = "PORTCHECK_WWW", value_name = "DIR")]
    pub www: Option<PathBuf>,

    /// The origin the page is served under, as visitors see it
    /// (`https://portcheck.example`). Allowed to read the API; with https, HSTS
    /// is sent. [default: none; same-origin use needs no setting]
    #[arg(long, env = "PORTCHECK_PUBLIC_ORIGIN", value_name = "URL", value_parser = parse_origin)]
    pub public_origin: Option<String>,

    /// Origin of an IPv4-only hostname of this service
    /// (`https://v4.portcheck.example`); with --ipv6-origin, the page checks
    /// both address families side by side. [default: none]
    #[arg(long, env = "PORTCHECK_IPV4_ORIGIN", value_name = "URL", value_parser = parse_origin)]
    pub ipv4_origin: Option<String>,

    /// Origin of an IPv6-only hostname of this service
    /// (`https://v6.portcheck.example`). [default: none]
    #[arg(long, env = "PORTCHECK_IPV6_ORIGIN", value_name = "URL", value_parser = parse_origin)]
    pub ipv6_origin: Option<String>,

    /// A site allowed to embed the check (`https://www.aerztekammer.example`):
    /// it may frame /embed and read the API. Repeatable; comma-separated in
    /// the environment. Without any, /embed cannot be framed. [default: none]
    #[arg(long, env = "PORTCHECK_EMBED_ORIGIN", value_name = "URL", value_delimiter = ',', value_parser = parse_origin)]
    pub embed_origin: Vec<String>,

    /// Accent colour of the page (`#RRGGBB`); it must keep 4.5:1 contrast
    /// with white text (WCAG AA). [default: the built-in blue]
    #[arg(long, env = "PORTCHECK_ACCENT_COLOR", value_name = "HEX", value_parser = parse_accent)]
    pub accent_color: Option<String>,

    /// Name of the organisation offering the check, shown on the page.
    /// [default: none]
    #[arg(long, env = "PORTCHECK_ORG_NAME", value_name = "TEXT", value_parser = plain_text)]
    pub org_name: Option<String>,

    /// Where practices get help, shown next to the fix guide (a phone number,
    /// an e-mail address or a web address). [default: none]
    #[arg(long, env = "PORTCHECK_HELP_CONTACT", value_name = "TEXT", value_parser = plain_text)]
    pub help_contact: Option<String>,

    /// Prometheus metrics: `on` (at /metrics on the main listener), `off`, or
    /// an address for a separate listener (`127.0.0.1:9090`). [default: on]
    #[arg(long, env = "PORTCHECK_METRICS", value_name = "on|off|ADDR", value_parser = parse_metrics)]
    pub metrics: Option<Metrics>,

    /// Contact for security and abuse reports (`mailto:abuse@example.org` or
    /// an https URL), served as /.well-known/security.txt. [default: none]
    #[arg(long, env = "PORTCHECK_SECURITY_CONTACT", value_name = "URI", value_parser = parse_contact_uri)]
    pub security_contact: Option<String>,
}

/// Where metrics are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Metrics {
    /// At `/metrics` on the main listener.
    #[default]
    On,
    Off,
    /// On a listener of their own.
    Listen(SocketAddr),
}

/// Parse `on`, `off` or a socket address.
pub fn parse_metrics(s: &str) -> Result<Metrics, String> {
    match s.trim() {
        "on" | "true" | "yes" => Ok(Metrics::On),
        "off" | "false" | "no" => Ok(Metrics::Off),
        other => other
            .parse()
            .map(Metrics::Listen)
            .map_err(|_| format!("`{other}` is not on, off or an address like 127.0.0.1:9090")),
    }
}

/// Parse a web origin (`https://host[:port]`, no path), normalised.
pub fn parse_origin(s: &str) -> Result<String, String> {
    let url = url::Url::parse(s.trim()).map_err(|e| format!("`{s}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{s}`: an origin must be http:// or https://"));
    }
    if url.host().is_none()
        || url.path() != "/"
        || url.query().is_some()
        || !url.username().is_empty()
    {
        return Err(format!(
            "`{s}`: give only scheme, host and port, like https://portcheck.example"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// Parse a `#RRGGBB` accent colour that keeps 4.5:1 contrast with white.
pub fn parse_accent(s: &str) -> Result<String, String> {
    let hex = s.trim().strip_prefix('#').unwrap_or(s.trim());
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{s}` is not a colour like #1a5fb4"));
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
    let ratio = contrast_with_white([channel(0), channel(2), channel(4)]);
    if ratio < 4.5 {
        return Err(format!(
            "`{s}` has a contrast of {ratio:.2}:1 with white text; WCAG AA needs 4.5:1 (pick a darker colour)"
        ));
    }
    Ok(format!("#{}", hex.to_ascii_lowercase()))
}

/// WCAG 2.1 contrast ratio of an sRGB colour against white.
pub fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
    1.05 / (l + 0.05)
}

/// Parse a security contact: `mailto:` or `https:` URI.
pub fn parse_contact_uri(s: &str) -> Result<String, String> {
    let s = s.trim();
    let url = url::Url::parse(s).map_err(|e| format!("`{s}` is not a URI: {e}"))?;
    match url.scheme() {
        "mailto" | "https" | "tel" => Ok(url.to_string()),
        _ => Err(format!("`{s}`: use a mailto:, https: or tel: URI")),
    }
}

/// The TOML file: the same options, all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    trusted_proxy: Option<Vec<String>>,
    forwarded_header: Option<ForwardedHeader>,
    allow_target: Option<Vec<String>>,
    timeout_floor_ms: Option<u64>,
    timeout_ceiling_ms: Option<u64>,
    rate_burst: Option<u32>,
    rate_refill_secs: Option<u64>,
    rate_table_size: Option<usize>,
    max_scans: Option<usize>,
    max_connections: Option<usize>,
    max_connections_per_address: Option<usize>,
    header_timeout_secs: Option<u64>,
    connection_lifetime_secs: Option<u64>,
    shutdown_grace_secs: Option<u64>,
    www: Option<PathBuf>,
    public_origin: Option<String>,
    ipv4_origin: Option<String>,
    ipv6_origin: Option<String>,
    embed_origin: Option<Vec<String>>,
    accent_color: Option<String>,
    org_name: Option<String>,
    help_contact: Option<String>,
    metrics: Option<String>,
    security_contact: Option<String>,
}

/// The resolved configuration the server runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub listen: SocketAddr,
    pub trusted_proxies: Vec<IpNet>,
    pub forwarded_header: ForwardedHeader,
    pub allow_targets: Vec<IpNet>,
    pub timing: Timing,
    pub rate: RateSettings,
    pub max_scans: usize,
    pub max_connections: usize,
    pub max_connections_per_address: usize,
    pub header_timeout: Duration,
    pub connection_lifetime: Duration,
    pub shutdown_grace: Duration,
    /// `None`: the page built into the binary.
    pub www: Option<PathBuf>,
    pub site: Site,
    pub metrics: Metrics,
}

/// What the operator says about the site: origins, branding, contacts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Site {
    pub public_origin: Option<String>,
    pub ipv4_origin: Option<String>,
    pub ipv6_origin: Option<String>,
    pub embed_origins: Vec<String>,
    pub accent_color: Option<String>,
    pub org_name: Option<String>,
    pub help_contact: Option<String>,
    pub security_contact: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            trusted_proxies: Vec::new(),
            forwarded_header: ForwardedHeader::XForwardedFor,
            allow_targets: Vec::new(),
            timing: Timing {
                floor: Duration::from_millis(150),
                ceiling: Duration::from_millis(1500),
            },
            rate: RateSettings {
                burst: 5,
                refill: Duration::from_secs(60),
                table_size: 100_000,
            },
            max_scans: 64,
            max_connections: 1024,
            max_connections_per_address: 16,
            header_timeout: Duration::from_secs(10),
            connection_lifetime: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(10),
            www: None,
            site: Site::default(),
            metrics: Metrics::On,
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

/// Parse an address or CIDR; a bare address is a single-host network.
pub fn parse_net(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    if let Ok(net) = s.parse::<IpNet>() {
        return Ok(net.trunc());
    }
    s.parse::<IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("`{s}` is neither an IP address nor a CIDR like 10.0.0.0/8"))
}

impl ServeArgs {
    /// Resolve flags and environment (already in `self`) over the file named
    /// by `--config`, over the defaults.
    pub fn resolve(&self) -> Result<Settings, ConfigError> {
        let file = match &self.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        self.merge(file)
    }

    fn merge(&self, file: FileConfig) -> Result<Settings, ConfigError> {
        let d = Settings::default();
        let nets = |flag: &Vec<IpNet>, from_file: Option<Vec<String>>, key: &str| {
            if !flag.is_empty() {
                return Ok(flag.clone());
            }
            from_file
                .unwrap_or_default()
                .iter()
                .map(|s| parse_net(s).map_err(|e| ConfigError(format!("{key}: {e}"))))
                .collect::<Result<Vec<_>, _>>()
        };
        let ms = |v: Option<u64>, f: Option<u64>, d: Duration| {
            v.or(f).map(Duration::from_millis).unwrap_or(d)
        };
        let secs = |v: Option<u64>, f: Option<u64>, d: Duration| {
            v.or(f).map(Duration::from_secs).unwrap_or(d)
        };
        let settings = Settings {
            listen: self.listen.or(file.listen).unwrap_or(d.listen),
            trusted_proxies: nets(&self.trusted_proxy, file.trusted_proxy, "trusted_proxy")?,
            forwarded_header: self
                .forwarded_header
                .or(file.forwarded_header)
                .unwrap_or(d.forwarded_header),
            allow_targets: nets(&self.allow_target, file.allow_target, "allow_target")?,
            timing: Timing {
                floor: ms(self.timeout_floor_ms, file.timeout_floor_ms, d.timing.floor),
                ceiling: ms(
                    self.timeout_ceiling_ms,
                    file.timeout_ceiling_ms,
                    d.timing.ceiling,
                ),
            },
            rate: RateSettings {
                burst: self.rate_burst.or(file.rate_burst).unwrap_or(d.rate.burst),
                refill: secs(self.rate_refill_secs, file.rate_refill_secs, d.rate.refill),
                table_size: self
                    .rate_table_size
                    .or(file.rate_table_size)
                    .unwrap_or(d.rate.table_size),
            },
            max_scans: self.max_scans.or(file.max_scans).unwrap_or(d.max_scans),
            max_connections: self
                .max_connections
                .or(file.max_connections)
                .unwrap_or(d.max_connections),
            max_connections_per_address: self
                .max_connections_per_address
                .or(file.max_connections_per_address)
                .unwrap_or(d.max_connections_per_address),
            header_timeout: secs(
                self.header_timeout_secs,
                file.header_timeout_secs,
                d.header_timeout,
            ),
            connection_lifetime: secs(
                self.connection_lifetime_secs,
                file.connection_lifetime_secs,
                d.connection_lifetime,
            ),
            shutdown_grace: secs(
                self.shutdown_grace_secs,
                file.shutdown_grace_secs,
                d.shutdown_grace,
            ),
            www: self.www.clone().or(file.www).or(d.www),
            site: Site {
                public_origin: pick(
                    &self.public_origin,
                    file.public_origin,
                    "public_origin",
                    parse_origin,
                )?,
                ipv4_origin: pick(
                    &self.ipv4_origin,
                    file.ipv4_origin,
                    "ipv4_origin",
                    parse_origin,
                )?,
                ipv6_origin: pick(
                    &self.ipv6_origin,
                    file.ipv6_origin,
                    "ipv6_origin",
                    parse_origin,
                )?,
                embed_origins: if self.embed_origin.is_empty() {
                    file.embed_origin
                        .unwrap_or_default()
                        .iter()
                        .map(|o| {
                            parse_origin(o).map_err(|e| ConfigError(format!("embed_origin: {e}")))
                        })
                        .collect::<Result<_, _>>()?
                } else {
                    self.embed_origin.clone()
                },
                accent_color: pick(
                    &self.accent_color,
                    file.accent_color,
                    "accent_color",
                    parse_accent,
                )?,
                org_name: pick(&self.org_name, file.org_name, "org_name", plain_text)?,
                help_contact: pick(
                    &self.help_contact,
                    file.help_contact,
                    "help_contact",
                    plain_text,
                )?,
                security_contact: pick(
                    &self.security_contact,
                    file.security_contact,
                    "security_contact",
                    parse_contact_uri,
                )?,
            },
            metrics: match (self.metrics, file.metrics) {
                (Some(m), _) => m,
                (None, Some(f)) => {
                    parse_metrics(&f).map_err(|e| ConfigError(format!("metrics: {e}")))?
                }
                (None, None) => d.metrics,
            },
        };
        settings.validate()?;
        Ok(settings)
    }
}

/// The flag's value (already parsed by clap) or the file's, parsed here.
fn pick(
    flag: &Option<String>,
    file: Option<String>,
    key: &str,
    parse: fn(&str) -> Result<String, String>,
) -> Result<Option<String>, ConfigError> {
    match (flag, file) {
        (Some(v), _) => Ok(Some(v.clone())),
        (None, Some(f)) => parse(&f)
            .map(Some)
            .map_err(|e| ConfigError(format!("{key}: {e}"))),
        (None, None) => Ok(None),
    }
}

/// Text shown on the page: one line, no markup characters, at most 200 chars.
fn plain_text(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty()
        || s.chars().count() > 200
        || s.chars().any(|c| c.is_control() || c == '<' || c == '>')
    {
        return Err(format!(
            "`{s}` must be one line of 1 to 200 characters without < or >"
        ));
    }
    Ok(s.to_owned())
}

impl Settings {
    /// Reject settings that cannot work, with the reason.
    pub fn validate(&self) -> Result<(), ConfigError> {
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

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
    parse_file(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))
}

fn parse_file(text: &str) -> Result<FileConfig, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(argv: &[&str]) -> ServeArgs {
        let mut full = vec!["portcheck", "serve"];
        full.extend_from_slice(argv);
        match Cli::try_parse_from(full).expect("parses").command {
            Command::Serve(a) | Command::Healthcheck(a) => a,
        }
    }

    #[test]
    fn defaults_need_no_configuration() {
        let s = ServeArgs::default().merge(FileConfig::default()).unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn flags_are_parsed() {
        let a = args(&[
            "--listen",
            "[::]:9000",
            "--trusted-proxy",
            "10.0.0.0/8",
            "--trusted-proxy",
            "192.168.1.1",
            "--allow-target",
            "198.51.100.0/24,2001:db8::/32",
            "--forwarded-header",
            "forwarded",
            "--timeout-floor-ms",
            "50",
            "--rate-burst",
            "9",
        ]);
        let s = a.merge(FileConfig::default()).unwrap();
        assert_eq!(s.listen.to_string(), "[::]:9000");
        assert_eq!(
            s.trusted_proxies,
            vec![
                "10.0.0.0/8".parse::<IpNet>().unwrap(),
                "192.168.1.1/32".parse().unwrap()
            ]
        );
        assert_eq!(s.allow_targets.len(), 2);
        assert_eq!(s.forwarded_header, ForwardedHeader::Forwarded);
        assert_eq!(s.timing.floor, Duration::from_millis(50));
        assert_eq!(s.rate.burst, 9);
    }

    #[test]
    fn flags_override_file_which_overrides_defaults() {
        let file = parse_file(
            r#"
            listen = "0.0.0.0:80"
            trusted_proxy = ["10.0.0.1", "fd00::/8"]
            rate_burst = 3
            rate_refill_secs = 30
            max_scans = 7
            forwarded_header = "forwarded"
            "#,
        )
        .unwrap();
        let s = args(&["--rate-burst", "8"]).merge(file).unwrap();
        assert_eq!(s.listen.to_string(), "0.0.0.0:80");
        assert_eq!(s.rate.burst, 8, "flag wins");
        assert_eq!(
            s.rate.refill,
            Duration::from_secs(30),
            "file wins over default"
        );
        assert_eq!(s.max_scans, 7);
        assert_eq!(s.trusted_proxies.len(), 2);
        assert_eq!(s.forwarded_header, ForwardedHeader::Forwarded);
        assert_eq!(s.timing, Settings::default().timing);
    }

    #[test]
    fn bad_configuration_is_refused_with_a_reason() {
        assert!(
            parse_file("rate_brust = 3")
                .unwrap_err()
                .contains("rate_brust")
        );
        assert!(parse_file("rate_burst = \"many\"").is_err());
        let file = parse_file(r#"trusted_proxy = ["10.0.0.0/33"]"#).unwrap();
        let e = ServeArgs::default().merge(file).unwrap_err();
        assert!(e.0.contains("trusted_proxy"), "{e}");
        let e = args(&["--timeout-floor-ms", "500", "--timeout-ceiling-ms", "100"])
            .merge(FileConfig::default())
            .unwrap_err();
        assert!(e.0.contains("timeout_ceiling_ms"), "{e}");
        let e = args(&["--rate-burst", "0"])
            .merge(FileConfig::default())
            .unwrap_err();
        assert!(e.0.contains("rate_burst"), "{e}");
        assert!(
            Cli::try_parse_from(["portcheck", "serve", "--trusted-proxy", "nonsense"]).is_err()
        );
        assert!(Cli::try_parse_from(["portcheck", "serve", "--listen", "localhost"]).is_err());
    }

    #[test]
    fn missing_file_is_an_error() {
        let a = ServeArgs {
            config: Some(PathBuf::from("/nonexistent/portcheck.toml")),
            ..ServeArgs::default()
        };
        assert!(a.resolve().unwrap_err().0.contains("cannot read"));
    }

    #[test]
    fn every_option_is_documented_in_help() {
        use clap::CommandFactory;
        let mut cmd = Cli::command();
        let serve = cmd.find_subcommand_mut("serve").unwrap();
        let help = serve.render_long_help().to_string();
        for flag in [
            "--config",
            "--listen",
            "--trusted-proxy",
            "--forwarded-header",
            "--allow-target",
            "--timeout-floor-ms",
            "--timeout-ceiling-ms",
            "--rate-burst",
            "--rate-refill-secs",
            "--rate-table-size",
            "--max-scans",
            "--max-connections",
            "--max-connections-per-address",
            "--header-timeout-secs",
            "--connection-lifetime-secs",
            "--shutdown-grace-secs",
            "--www",
            "--public-origin",
            "--ipv4-origin",
            "--ipv6-origin",
            "--embed-origin",
            "--accent-color",
            "--org-name",
            "--help-contact",
            "--metrics",
            "--security-contact",
        ] {
            assert!(help.contains(flag), "{flag} missing from --help");
            let env = format!(
                "PORTCHECK_{}",
                flag.trim_start_matches("--")
                    .replace('-', "_")
                    .to_uppercase()
            );
            assert!(help.contains(&env), "{env} missing from --help");
        }
    }

    #[test]
    fn origins_are_normalised_and_checked() {
        assert_eq!(
            parse_origin("https://Portcheck.Example/").unwrap(),
            "https://portcheck.example"
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            parse_origin("https://[2001:db8::1]:8443").unwrap(),
            "https://[2001:db8::1]:8443"
        );
        assert_eq!(
            parse_origin("https://example.org:443").unwrap(),
            "https://example.org"
        );
        for bad in [
            "example.org",
            "ftp://example.org",
            "https://example.org/path",
            "https://example.org/?q",
            "https://u@example.org",
            "javascript:alert(1)",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn accent_colour_must_be_hex_with_aa_contrast() {
        assert_eq!(parse_accent("#1A5FB4").unwrap(), "#1a5fb4");
        assert_eq!(parse_accent("005a9c").unwrap(), "#005a9c");
        let e = parse_accent("#ffff00").unwrap_err();
        assert!(e.contains("4.5:1"), "{e}");
        for bad in [
            "red",
            "#12345",
            "#1234567",
            "#12345g",
            "#fff;}body{x:y",
            "url(x)",
        ] {
            assert!(parse_accent(bad).is_err(), "{bad}");
        }
        assert!((contrast_with_white([0, 0, 0]) - 21.0).abs() < 0.01);
        assert!((contrast_with_white([255, 255, 255]) - 1.0).abs() < 0.01);
    }

    #[test]
    fn site_settings_from_flags_and_file() {
        let file = parse_file(
            r#"
            embed_origin = ["https://www.kammer.example"]
            org_name = "Zahnärztekammer Beispiel"
            help_contact = "0511 123456"
            metrics = "127.0.0.1:9090"
            security_contact = "mailto:abuse@kammer.example"
            "#,
        )
        .unwrap();
        let s = args(&[
            "--public-origin",
            "https://check.kammer.example",
            "--ipv6-origin",
            "https://v6.check.kammer.example",
        ])
        .merge(file)
        .unwrap();
        assert_eq!(
            s.site.public_origin.as_deref(),
            Some("https://check.kammer.example")
        );
        assert_eq!(
            s.site.ipv6_origin.as_deref(),
            Some("https://v6.check.kammer.example")
        );
        assert_eq!(
            s.site.embed_origins,
            vec!["https://www.kammer.example".to_owned()]
        );
        assert_eq!(s.site.org_name.as_deref(), Some("Zahnärztekammer Beispiel"));
        assert_eq!(
            s.metrics,
            Metrics::Listen("127.0.0.1:9090".parse().unwrap())
        );
        assert_eq!(
            s.site.security_contact.as_deref(),
            Some("mailto:abuse@kammer.example")
        );

        let bad = parse_file(r#"org_name = "<script>""#).unwrap();
        assert!(ServeArgs::default().merge(bad).is_err());
        let bad = parse_file(r#"embed_origin = ["https://x.example/path"]"#).unwrap();
        assert!(
            ServeArgs::default()
                .merge(bad)
                .unwrap_err()
                .0
                .contains("embed_origin")
        );
        assert_eq!(parse_metrics("off"), Ok(Metrics::Off));
        assert!(parse_metrics("sometimes").is_err());
        assert!(parse_contact_uri("http://insecure.example").is_err());
    }
}
