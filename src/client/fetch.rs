//! The client's HTTP side: asks the probe to check this machine's own
//! connection through `GET /api/v1/scan/stream`, reports each port as its
//! event arrives and ends with the report or the probe's refusal, read
//! exactly as the page reads it (`page::sse`, `texts::failure`).
//!
//! Requests go straight to the probe, never through a configured proxy:
//! the probe checks the address a request comes from, and a proxy's
//! address is not the practice's.
//!
//! Nothing is read without a bound ([`crate::api::bounds`]): error bodies
//! and `/api/v1/site` whole up to [`bounds::BODY`], the stream line by line
//! and event by event (`page::sse`) and in total up to [`bounds::STREAM`];
//! a bound passed ends the check with [`Problem::TooLarge`].
//!
//! Every JSON answer passes [`clean::json`] before it is decoded: no string
//! of the server reaches an output with control or format characters.
//!
//! Requests go only to the probe's own origin and to family origins of the
//! same site ([`origins`]); a redirect to another origin is not
//! followed but ends the check ([`Problem::ForeignOrigin`]).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use reqwest::header::{ACCEPT, RETRY_AFTER};
use url::Url;

pub mod clean;
pub(super) mod origins;

use super::outcome::{Foreign, Part, Problem};
use crate::api::{Family, PortEvent, Queued, Report, SiteInfo, bounds};
use crate::page::sse::{SseError, SseEvent, SseParser, StreamMsg, decode};
use crate::plan::Plan;
use crate::texts::failure::{Failure, classify_response};
use origins::{SiteHost, same_origin, same_site};

/// The probe's base URL from what the user gave: http or https with a
/// host; a path is kept (a probe behind a proxy under `/portcheck/`).
pub(super) fn base_url(given: &str) -> Result<Url, Problem> {
    let mut url = Url::parse(given.trim()).map_err(|e| Problem::BadUrl(format!("{given}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Problem::BadUrl(format!(
            "{given}: an http:// or https:// address with a host is needed"
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// An HTTP client whose connections use only `family`, if one is given.
pub(super) fn client(family: Option<Family>) -> Result<reqwest::Client, Problem> {
    let local: Option<IpAddr> = family.map(|f| match f {
        Family::Ipv4 => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        Family::Ipv6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    });
    reqwest::Client::builder()
        .no_proxy()
        .redirect(only_same_origin())
        .local_address(local)
        .user_agent(concat!("portcheck/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Problem::BadUrl(e.to_string()))
}

/// How many redirects within the origin are followed.
const REDIRECTS: usize = 5;

/// A redirect to another origin, refused.
#[derive(Debug)]
struct ForeignRedirect(Url);

impl std::fmt::Display for ForeignRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redirect to another origin: {}", self.0)
    }
}

impl std::error::Error for ForeignRedirect {}

/// Follows a redirect only to the origin of the request it answers.
fn only_same_origin() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let allowed = attempt
            .previous()
            .first()
            .is_some_and(|first| same_origin(first, attempt.url()));
        if !allowed {
            let to = attempt.url().clone();
            attempt.error(ForeignRedirect(to))
        } else if attempt.previous().len() > REDIRECTS {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// The problem of a request refused by [`only_same_origin`], if `e` is one.
fn foreign_redirect(e: &reqwest::Error) -> Option<Problem> {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(ForeignRedirect(to)) = err.downcast_ref::<ForeignRedirect>() {
            return Some(Problem::ForeignOrigin {
                origin: clean::text(&to.origin().ascii_serialization()).into_owned(),
                why: Foreign::Redirect,
            });
        }
        source = err.source();
    }
    None
}

/// The body of `resp` if it is at most `limit` bytes long; a body the
/// network cut short is what arrived.
async fn body_within(resp: &mut reqwest::Response, limit: usize) -> Result<Vec<u8>, ()> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(());
    }
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        if body.len() + chunk.len() > limit {
            return Err(());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The operator's settings (`/api/v1/site`); `None` when the probe does
/// not answer with them, an error when the answer passes its bound.
pub(super) async fn site(
    client: &reqwest::Client,
    base: &Url,
) -> Result<Option<SiteInfo>, Problem> {
    let Ok(url) = base.join("api/v1/site") else {
        return Ok(None);
    };
    let mut resp = match client.get(url).send().await {
        Ok(resp) => resp,
        Err(e) => return foreign_redirect(&e).map_or(Ok(None), Err),
    };
    if !resp.status().is_success() {
        return Ok(None);
    }
    let body = body_within(&mut resp, bounds::BODY)
        .await
        .map_err(|()| Problem::TooLarge(Part::Site))?;
    Ok(serde_json::from_str(&clean::json(&String::from_utf8_lossy(&body))).ok())
}

/// The origin to ask for a check over `family`: the probe's origin for
/// that family when its site names one of the same site as `base` (the
/// rule of [`origins`], with the `--site-domain`s given), else
/// `base` itself; a named origin of another site is refused.
pub(super) fn origin_for(
    site: Option<&SiteInfo>,
    family: Family,
    base: &Url,
    site_domains: &[SiteHost],
) -> Result<Url, Problem> {
    let named = site.and_then(|s| match family {
        Family::Ipv4 => s.ipv4_origin.as_deref(),
        Family::Ipv6 => s.ipv6_origin.as_deref(),
    });
    let Some(origin) = named else {
        return Ok(base.clone());
    };
    let url = base_url(origin)?;
    if !same_site(base, &url, site_domains) {
        return Err(Problem::ForeignOrigin {
            origin: url.origin().ascii_serialization(),
            why: Foreign::OtherSite(base.origin().ascii_serialization()),
        });
    }
    Ok(url)
}

/// What the check has got to, for live progress.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step<'a> {
    /// Waiting for a free scan slot.
    Queued(Queued),
    /// A port's state is known: `done` of `total`.
    Port {
        event: &'a PortEvent,
        done: usize,
        total: usize,
    },
}

/// The check of the address this request comes from, with `plan` if one
/// is named; `on_step` learns of a wait in the queue and of each port
/// (with the count done and the plan's total).
pub(super) async fn check(
    client: &reqwest::Client,
    base: &Url,
    plan: Option<&str>,
    mut on_step: impl FnMut(Step<'_>),
) -> Result<(Report, Plan), Problem> {
    let mut url = base
        .join("api/v1/scan/stream")
        .map_err(|e| Problem::BadUrl(e.to_string()))?;
    if let Some(name) = plan {
        url.query_pairs_mut().append_pair("plan", name);
    }
    let failed = |f: Failure| Problem::Failure(f);
    let mut resp = client
        .get(url)
        .header(ACCEPT, "text/event-stream")
        .send()
        .await
        .map_err(|e| foreign_redirect(&e).unwrap_or(failed(Failure::Network)))?;
    let status = resp.status();
    if !status.is_success() {
        let retry = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = body_within(&mut resp, bounds::BODY)
            .await
            .map_err(|()| Problem::TooLarge(Part::ErrorBody(status.as_u16())))?;
        let body = clean::json(&String::from_utf8_lossy(&body));
        return Err(failed(classify_response(
            status.as_u16(),
            &body,
            retry.as_deref(),
        )));
    }
    let is_stream = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/event-stream"));
    if !is_stream {
        return Err(failed(Failure::Unreachable {
            status: status.as_u16(),
        }));
    }
    let mut parser = SseParser::new();
    let mut announced: Option<Plan> = None;
    let mut done = 0;
    let mut received = 0;
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) | Err(_) => return Err(failed(Failure::Interrupted)),
        };
        received += chunk.len();
        if received > bounds::STREAM {
            return Err(Problem::TooLarge(Part::Stream));
        }
        let events = parser.push(&chunk).map_err(|e| {
            Problem::TooLarge(match e {
                SseError::LongLine => Part::Line,
                SseError::LargeEvent => Part::Event,
            })
        })?;
        for event in events {
            let event = SseEvent {
                data: clean::json(&event.data),
                ..event
            };
            let msg = decode(&event).map_err(|_| failed(Failure::Unreachable { status: 0 }))?;
            match msg {
                Some(StreamMsg::Started(s)) => announced = Some(s.plan),
                Some(StreamMsg::Port(e)) => {
                    done += 1;
                    let total = announced.as_ref().map_or(done, Plan::len);
                    on_step(Step::Port {
                        event: &e,
                        done,
                        total,
                    });
                }
                Some(StreamMsg::Finished(report)) => {
                    let plan = announced.unwrap_or_else(Plan::standard);
                    return Ok((*report, plan));
                }
                Some(StreamMsg::Error(body)) => {
                    return Err(failed(Failure::from_error_body(body, None)));
                }
                // Waiting for a scan slot: the scan starts later, the
                // timeout still counts.
                Some(StreamMsg::Queued(q)) => on_step(Step::Queued(q)),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        let u = base_url("https://portcheck.example").unwrap();
        assert_eq!(u.as_str(), "https://portcheck.example/");
        let u = base_url("http://127.0.0.1:8080/portcheck?x=1#y").unwrap();
        assert_eq!(
            u.join("api/v1/scan/stream").unwrap().as_str(),
            "http://127.0.0.1:8080/portcheck/api/v1/scan/stream"
        );
        for bad in ["portcheck.example", "ftp://x.example/", "http://", ""] {
            assert!(matches!(base_url(bad), Err(Problem::BadUrl(_))), "{bad}");
        }
    }

    #[test]
    fn family_origins_from_the_site() {
        let base = base_url("https://portcheck.example").unwrap();
        let site = SiteInfo {
            ipv4_origin: Some("https://v4.portcheck.example".into()),
            ..SiteInfo::default()
        };
        let v4 = origin_for(Some(&site), Family::Ipv4, &base, &[]).unwrap();
        assert_eq!(v4.as_str(), "https://v4.portcheck.example/");
        let v6 = origin_for(Some(&site), Family::Ipv6, &base, &[]).unwrap();
        assert_eq!(v6, base);
        assert_eq!(origin_for(None, Family::Ipv4, &base, &[]).unwrap(), base);
    }

    #[test]
    fn family_origins_of_another_site_are_refused() {
        let base = base_url("https://www.portcheck.example").unwrap();
        let site = SiteInfo {
            ipv4_origin: Some("https://v4.portcheck.example".into()),
            ipv6_origin: Some("https://v6.elsewhere.example".into()),
            ..SiteInfo::default()
        };
        let refused = origin_for(Some(&site), Family::Ipv4, &base, &[]);
        assert_eq!(
            refused,
            Err(Problem::ForeignOrigin {
                origin: "https://v4.portcheck.example".into(),
                why: Foreign::OtherSite("https://www.portcheck.example".into()),
            })
        );
        let domain = [origins::parse_site_host("portcheck.example").unwrap()];
        let v4 = origin_for(Some(&site), Family::Ipv4, &base, &domain).unwrap();
        assert_eq!(v4.as_str(), "https://v4.portcheck.example/");
        assert!(origin_for(Some(&site), Family::Ipv6, &base, &domain).is_err());
    }
}

/// The bounds of `api::bounds` against the largest answers a probe can
/// send.
#[cfg(test)]
mod sizes {
    use crate::api::*;
    use crate::plan::Plan;

    /// 300 characters (the longest any identification field is clipped
    /// to) of a 2-byte character.
    fn long() -> String {
        "ä".repeat(300)
    }

    /// Every detail of every protocol at once, each text at its longest:
    /// more than any real port carries (a port answers as one service); of
    /// the reported services and the UPnP answer, the largest
    /// ([`reported_services`]).
    fn everything() -> PortDetails {
        let s = || Some(long());
        let tcp = PortDetails {
            smb: Some(SmbDetails {
                dialects: ["2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"]
                    .map(Into::into)
                    .to_vec(),
                smb1: Some(true),
                signing_required: Some(false),
                guest_access: Some(true),
                anonymous_session: Some(true),
            }),
            tls: Some(TlsDetails {
                version: "TLSv1.2".into(),
                outdated_versions: vec!["TLSv1.0".into(), "TLSv1.1".into()],
                subject: s(),
                issuer: s(),
                not_before: Some("2026-11-29T08:15:00Z".into()),
                not_after: Some("2026-11-29T08:15:00Z".into()),
                self_signed: Some(true),
            }),
            http: Some(HttpDetails {
                status: 200,
                server: s(),
                title: s(),
                admin_interface: s(),
                exchange: Some(ExchangeDetails {
                    build: Some("999999.".repeat(4)),
                    product: Some("Exchange Server Subscription Edition".into()),
                    support: ExchangeSupport::Unknown,
                }),
            }),
            kerberos: Some(KerberosDetails {
                message: KerberosMessage::KrbError,
                error_code: Some(6),
                error: s(),
                realm: s(),
                server_time: Some("2026-11-29T08:15:00Z".into()),
            }),
            banner: s(),
            service: ServiceDetails {
                rdp: Some(RdpDetails {
                    security: Some(RdpSecurity::CredsspEarlyUserAuth),
                    failure_code: Some(2),
                }),
                vnc: Some(VncDetails {
                    version: long(),
                    security_types: (0..=255).collect(),
                    no_password: Some(true),
                }),
                ssh: Some(SshDetails {
                    protocol: "2.0".into(),
                    software: long(),
                    comment: s(),
                }),
                ftp: Some(FtpDetails {
                    code: 220,
                    text: long(),
                }),
                telnet: Some(TelnetDetails {
                    options: (0..=255).collect(),
                    greeting: s(),
                }),
                mysql: Some(MysqlDetails {
                    version: s(),
                    error_code: Some(1130),
                }),
                mssql: Some(MssqlDetails {
                    version: s(),
                    encryption: Some(MssqlEncryption::Required),
                }),
                postgres: Some(PostgresDetails { tls: Some(true) }),
                ipp: Some(IppDetails { server: s() }),
                netbios: Some(NetbiosDetails {
                    session: NetbiosSession::Negative,
                    error_code: Some(0x82),
                }),
            },
            reported: ReportedServiceDetails::default(),
            upnp: None,
            limit: Some(IdentLimit::Bytes),
        };
        // A UDP entry answers one question: the UPnP answer or one reported
        // service, whichever is larger.
        let upnp = PortDetails {
            upnp: Some(UpnpDetails {
                server: s(),
                location: s(),
                st: s(),
                usn: s(),
            }),
            ..tcp.clone()
        };
        let reported = PortDetails {
            reported: largest(reported_services()),
            ..tcp
        };
        [upnp, reported]
            .into_iter()
            .max_by_key(|d| serde_json::to_string(d).map_or(0, |j| j.len()))
            .expect("two candidates")
    }

    /// Each reported service's details at their caps, one service per
    /// value: a port carries at most one of them (a UDP entry asks one
    /// question; over TCP the portmapper and LDAP steps end identification
    /// when they answer).
    fn reported_services() -> Vec<ReportedServiceDetails> {
        let s = || Some(long());
        // The SQL Server resolution service's names are clipped shorter.
        let name = || Some("ä".repeat(64));
        vec![
            ReportedServiceDetails {
                dns: Some(DnsDetails {
                    recursion_available: true,
                    rcode: "RESERVED".into(),
                    answers: u16::MAX,
                }),
                ..ReportedServiceDetails::default()
            },
            ReportedServiceDetails {
                ntp: Some(NtpDetails {
                    version: Some(4),
                    stratum: Some(16),
                    monlist: true,
                    monlist_entries: Some(600),
                }),
                ..ReportedServiceDetails::default()
            },
            ReportedServiceDetails {
                snmp: Some(SnmpDetails {
                    version: "v2c".into(),
                    sys_descr: s(),
                    error_status: Some(u32::MAX),
                }),
                ..ReportedServiceDetails::default()
            },
            ReportedServiceDetails {
                // The cap of 16 names, each 15 printable ASCII characters
                // at their longest in JSON (quotes, escaped).
                netbios_ns: Some(NetbiosNsDetails {
                    names: vec![
                        NetbiosName {
                            name: "\"".repeat(15),
                            suffix: 0x20,
                            group: true,
                        };
                        16
                    ],
                    computer: Some("\"".repeat(15)),
                    workgroup: Some("\"".repeat(15)),
                    mac: Some("00:15:5d:01:02:0a".into()),
                }),
                ..ReportedServiceDetails::default()
            },
            ReportedServiceDetails {
                // 16 service types of 64 ASCII characters and 8 names of
                // 64 characters (UTF-8: up to 3 bytes each), the caps.
                mdns: Some(MdnsDetails {
                    services: vec!["\"".repeat(64); 16],
                    names: vec!["\u{fffd}".repeat(64); 8],
                }),
                ..ReportedServiceDetails::default()
            },
            ReportedServiceDetails {
                ws_discovery: Some(WsDiscoveryDetails {
                    types: vec![long(); 4],
                    xaddrs: vec![long(); 4],
                }),
                ..ReportedServiceDetails::default()
            },
            ReportedServiceDetails {
                mssql_browser: Some(MssqlBrowserDetails {
                    instances: vec![
                        MssqlInstance {
                            server: name(),
                            instance: name(),
                            version: name(),
                            tcp_port: Some(65535),
                        };
                        8
                    ],
                }),
                ..ReportedServiceDetails::default()
            },
            ReportedServiceDetails {
                sip: Some(SipDetails {
                    status: 200,
                    server: s(),
                    user_agent: s(),
                }),
                ..ReportedServiceDetails::default()
            },
            ReportedServiceDetails {
                portmapper: Some(PortmapperDetails {
                    programs: vec![
                        RpcProgram {
                            program: u32::MAX,
                            name: Some("portmapper".into()),
                            version: u32::MAX,
                            protocol: u32::MAX.to_string(),
                            port: u32::MAX,
                        };
                        32
                    ],
                }),
                ..ReportedServiceDetails::default()
            },
            ReportedServiceDetails {
                ldap: Some(LdapDetails {
                    naming_contexts: vec![long(); 6],
                    dns_host_name: s(),
                    default_naming_context: s(),
                    supported_ldap_versions: vec![u32::MAX; 4],
                    result_code: Some(u32::MAX),
                }),
                ..ReportedServiceDetails::default()
            },
        ]
    }

    /// The largest of `candidates` in JSON.
    fn largest(candidates: Vec<ReportedServiceDetails>) -> ReportedServiceDetails {
        candidates
            .into_iter()
            .max_by_key(|r| serde_json::to_string(r).map_or(0, |j| j.len()))
            .unwrap_or_default()
    }

    /// The report of `plan` with every port open and every port carrying
    /// [`everything`] (a UPnP answer with every header at its longest
    /// among it).
    fn largest_report(plan: &Plan) -> Report {
        let mut report = plan.sample_report("2001:db8::7".parse().unwrap(), |_, _| PortState::Open);
        for p in report.ports.iter_mut().chain(report.control.iter_mut()) {
            p.details = Some(Box::new(everything()));
        }
        report
    }

    #[test]
    fn the_largest_answers_fit_the_bounds() {
        let mut largest = 0;
        for plan in Plan::catalogue() {
            let report = serde_json::to_string(&largest_report(&plan)).unwrap();
            let started = serde_json::to_string(&Started::new(
                Target::new("2001:db8::7".parse().unwrap()),
                plan.clone(),
            ))
            .unwrap();
            eprintln!(
                "{}: {} ports, report {} bytes, started {} bytes",
                plan.name,
                plan.len(),
                report.len(),
                started.len()
            );
            // A fourfold margin over more than any real report (a real
            // port carries the details of one service, not of all).
            assert!(report.len() * 4 <= bounds::SSE_EVENT, "{}", report.len());
            assert!(!report.contains('\n'), "one line");
            assert!(started.len() * 8 <= bounds::SSE_EVENT);
            largest = largest.max(report.len());
        }
        // Each check (each family) is a stream of its own.
        assert!(largest * 8 <= bounds::STREAM);
        let site = SiteInfo {
            org_name: Some(long()),
            help_contact: Some(long()),
            ipv4_origin: Some(format!("https://{}.example", "v".repeat(250))),
            ipv6_origin: Some(format!("https://{}.example", "v".repeat(250))),
        };
        let site = serde_json::to_string(&site).unwrap();
        let error = serde_json::to_string(&ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::TargetNotAllowed,
                message: long(),
                retry_after_s: Some(3600),
            },
        })
        .unwrap();
        eprintln!(
            "site {} bytes, error body {} bytes",
            site.len(),
            error.len()
        );
        assert!(site.len() * 8 <= bounds::BODY && error.len() * 8 <= bounds::BODY);
    }
}
