//! Checking both address families: when the operator names an IPv4-only and
//! an IPv6-only origin (`/api/v1/site`), the page runs one stream scan
//! against each and shows the two results side by side.
//!
//! Each family is a [`Side`] with its own ports, result or failure, so one
//! family failing (a computer without IPv6 is common) leaves the other
//! intact. The texts here say plainly what each result cannot tell: an IPv4
//! address behind carrier-grade NAT / DS-Lite may be the provider's, and an
//! IPv6 check reaches only this computer, not the file server.

use std::collections::BTreeMap;

use super::Lang;
use super::failure::Failure;
use super::sse::StreamMsg;
use super::state::CheckEvent;
use super::summary::summary;
use super::text::texts;
use crate::api::{Family, Level, PortGroup, PortResult, PortState, Report, SiteInfo};

/// Where the scan stream lives on each origin.
pub const STREAM_PATH: &str = "/api/v1/scan/stream";

/// The two origins to check, IPv4 first; `None` unless both are configured
/// (then the page keeps its single same-origin check).
pub fn dual_origins(site: &SiteInfo) -> Option<[(Family, String); 2]> {
    let v4 = site
        .ipv4_origin
        .as_deref()
        .filter(|o| !o.trim().is_empty())?;
    let v6 = site
        .ipv6_origin
        .as_deref()
        .filter(|o| !o.trim().is_empty())?;
    Some([
        (Family::Ipv4, v4.trim().to_owned()),
        (Family::Ipv6, v6.trim().to_owned()),
    ])
}

/// The scan stream's address on `origin` (`https://v4.example` →
/// `https://v4.example/api/v1/scan/stream`).
pub fn stream_url(origin: &str) -> String {
    format!("{}{STREAM_PATH}", origin.trim_end_matches('/'))
}

pub fn family_name(f: Family) -> &'static str {
    match f {
        Family::Ipv4 => "IPv4",
        Family::Ipv6 => "IPv6",
    }
}

/// The `data-family` value of a result panel.
pub fn family_hook(f: Family) -> &'static str {
    match f {
        Family::Ipv4 => "ipv4",
        Family::Ipv6 => "ipv6",
    }
}

/// How far one family's check is.
#[derive(Debug, Clone, PartialEq)]
pub enum SideStatus {
    Running,
    Done(Box<Report>),
    Failed(Failure),
}

/// One address family's check.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub family: Family,
    pub status: SideStatus,
    pub range: BTreeMap<u16, PortResult>,
    pub control: BTreeMap<u16, PortResult>,
}

impl Side {
    pub fn new(family: Family) -> Side {
        Side {
            family,
            status: SideStatus::Running,
            range: BTreeMap::new(),
            control: BTreeMap::new(),
        }
    }

    /// Applies one event of this family's stream; a settled side stays as it is.
    pub fn apply(&mut self, event: CheckEvent) {
        if self.status != SideStatus::Running {
            return;
        }
        match event {
            CheckEvent::Stream(StreamMsg::Started(_)) => {}
            CheckEvent::Stream(StreamMsg::Port(p)) => {
                let map = match p.group {
                    PortGroup::Range => &mut self.range,
                    PortGroup::Control => &mut self.control,
                };
                map.insert(p.result.port, p.result);
            }
            CheckEvent::Stream(StreamMsg::Finished(report)) => {
                self.range = report.ports.iter().map(|p| (p.port, p.clone())).collect();
                self.control = report.control.iter().map(|p| (p.port, p.clone())).collect();
                self.status = SideStatus::Done(report);
            }
            CheckEvent::Stream(StreamMsg::Error(body)) => {
                self.status = SideStatus::Failed(Failure::from_error_body(body, None));
            }
            CheckEvent::Fail(f) => self.status = SideStatus::Failed(f),
            CheckEvent::Ended => self.status = SideStatus::Failed(Failure::Interrupted),
        }
    }

    pub fn settled(&self) -> bool {
        self.status != SideStatus::Running
    }

    /// Ports of the range known so far, and the range's size.
    pub fn progress(&self) -> (usize, usize) {
        let range = crate::plan::Plan::standard().range_ports();
        let done = range.iter().filter(|p| self.range.contains_key(p)).count();
        (done, range.len())
    }

    pub fn port_state(&self, port: u16) -> Option<PortState> {
        self.range.get(&port).map(|p| p.state)
    }

    pub fn report(&self) -> Option<&Report> {
        match &self.status {
            SideStatus::Done(r) => Some(r),
            _ => None,
        }
    }
}

/// The worst verdict of the families that have one.
pub fn worst_level(sides: &[Side]) -> Option<Level> {
    sides
        .iter()
        .filter_map(|s| s.report().map(|r| r.verdict.level))
        .max()
}

/// What a result of `family` cannot tell, in plain words.
pub fn family_limit(family: Family, lang: Lang) -> &'static str {
    let t = texts(lang);
    match family {
        Family::Ipv4 => t.dual_limit_ipv4,
        Family::Ipv6 => t.dual_limit_ipv6,
    }
}

/// Why one family could not be checked. No answer at all from that family's
/// origin means this computer has no connection over it.
pub fn side_failure_text(family: Family, failure: &Failure, lang: Lang) -> &'static str {
    let t = texts(lang);
    match (failure, family) {
        (Failure::Network, Family::Ipv4) => t.no_ipv4,
        (Failure::Network, Family::Ipv6) => t.no_ipv6,
        (Failure::RateLimited { .. }, _) => t.err_rate_limited,
        (Failure::Busy { .. }, _) => t.err_busy,
        (Failure::ShuttingDown { .. }, _) => t.err_shutting_down,
        (Failure::NotAllowed { .. }, _) => t.err_not_allowed,
        (Failure::BadRequest { .. }, _) => t.err_bad_request,
        (Failure::Unreachable { .. }, _) => t.err_unreachable,
        (Failure::Interrupted, _) => t.err_interrupted,
        (Failure::Probe { .. }, _) => t.err_probe,
    }
}

/// The summary for the IT service provider with both families: each
/// family's full summary (or why it could not be checked) and its limit.
pub fn dual_summary(sides: &[Side], lang: Lang) -> String {
    let mut parts = Vec::with_capacity(sides.len());
    for side in sides {
        let name = family_name(side.family);
        let body = match &side.status {
            SideStatus::Done(r) => {
                format!("{}{}\n", summary(r, lang), family_limit(side.family, lang))
            }
            SideStatus::Failed(f) => format!("{}\n", side_failure_text(side.family, f, lang)),
            SideStatus::Running => String::new(),
        };
        parts.push(format!("=== {name} ===\n{body}"));
    }
    parts.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{PortEvent, Reason, Target, service_name};
    use crate::verdict::evaluate;

    fn report(ip: &str, open: &[u16]) -> Report {
        let pr = |port: u16| PortResult {
            port,
            service: service_name(port).into(),
            state: if open.contains(&port) {
                PortState::Open
            } else {
                PortState::Closed
            },
            reason: Reason::Refused,
            rtt_ms: None,
            attempts: 1,
            details: None,
        };
        let ports: Vec<PortResult> = crate::plan::Plan::standard()
            .range_ports()
            .iter()
            .map(|&p| pr(p))
            .collect();
        let control: Vec<PortResult> = crate::plan::Plan::standard()
            .control_ports()
            .iter()
            .map(|&p| pr(p))
            .collect();
        Report {
            target: Target::new(ip.parse().unwrap()),
            verdict: evaluate(&crate::plan::Plan::standard(), &ports, &control),
            ports,
            control,
            groups: vec![],
            started_at: "2026-11-29T08:15:00Z".into(),
            duration_ms: 5,
            timeout_ms: 100,
        }
    }

    #[test]
    fn both_origins_are_needed_for_a_dual_check() {
        let mut site = SiteInfo::default();
        assert_eq!(dual_origins(&site), None);
        site.ipv4_origin = Some("https://v4.check.example".into());
        assert_eq!(dual_origins(&site), None);
        site.ipv6_origin = Some(" ".into());
        assert_eq!(dual_origins(&site), None);
        site.ipv6_origin = Some("https://v6.check.example".into());
        let [(f4, o4), (f6, o6)] = dual_origins(&site).unwrap();
        assert_eq!((f4, f6), (Family::Ipv4, Family::Ipv6));
        assert_eq!(
            stream_url(&o4),
            "https://v4.check.example/api/v1/scan/stream"
        );
        assert_eq!(
            stream_url(&o6),
            "https://v6.check.example/api/v1/scan/stream"
        );
        assert_eq!(
            stream_url("http://v6.portcheck.test:8080/"),
            "http://v6.portcheck.test:8080/api/v1/scan/stream"
        );
    }

    #[test]
    fn a_side_fills_in_and_settles_once() {
        let mut s = Side::new(Family::Ipv6);
        let r = report("::1", &[443]);
        s.apply(CheckEvent::Stream(StreamMsg::Port(PortEvent {
            group: PortGroup::Range,
            group_name: None,
            result: r.ports[3].clone(),
        })));
        assert_eq!(s.progress(), (1, 10));
        assert_eq!(s.port_state(443), Some(PortState::Open));
        assert!(!s.settled());
        s.apply(CheckEvent::Stream(StreamMsg::Finished(Box::new(r.clone()))));
        assert!(s.settled());
        assert_eq!(s.progress(), (10, 10));
        // The stream closing after the report changes nothing.
        s.apply(CheckEvent::Ended);
        assert_eq!(s.report(), Some(&r));
    }

    #[test]
    fn no_answer_on_a_family_is_said_plainly() {
        let mut s = Side::new(Family::Ipv6);
        s.apply(CheckEvent::Fail(Failure::Network));
        let SideStatus::Failed(f) = &s.status else {
            panic!("{s:?}")
        };
        assert!(side_failure_text(s.family, f, Lang::De).contains("Keine IPv6-Verbindung"));
        assert!(side_failure_text(s.family, f, Lang::En).contains("No IPv6 connection"));
        assert!(
            side_failure_text(Family::Ipv4, &Failure::Network, Lang::En)
                .contains("No IPv4 connection")
        );
        let mut cut = Side::new(Family::Ipv4);
        cut.apply(CheckEvent::Ended);
        assert_eq!(cut.status, SideStatus::Failed(Failure::Interrupted));
    }

    #[test]
    fn limits_of_each_family_exist_in_both_languages() {
        for lang in Lang::ALL {
            let t = texts(lang);
            for text in [
                t.dual_note,
                t.dual_heading,
                t.dual_limit_ipv4,
                t.dual_limit_ipv6,
                t.no_ipv4,
                t.no_ipv6,
            ] {
                assert!(!text.trim().is_empty(), "{lang:?}");
            }
        }
        let (de, en) = (Lang::De, Lang::En);
        for family in [Family::Ipv4, Family::Ipv6] {
            assert_ne!(family_limit(family, de), family_limit(family, en));
        }
        assert!(family_limit(Family::Ipv4, de).contains("DS-Lite"));
        assert!(family_limit(Family::Ipv4, en).contains("carrier-grade NAT"));
        assert!(family_limit(Family::Ipv6, de).contains("Dateiserver"));
        assert!(family_limit(Family::Ipv6, en).contains("file server"));
    }

    #[test]
    fn summary_holds_both_families() {
        let mut v4 = Side::new(Family::Ipv4);
        v4.apply(CheckEvent::Stream(StreamMsg::Finished(Box::new(report(
            "127.0.0.1",
            &[445],
        )))));
        let mut v6 = Side::new(Family::Ipv6);
        v6.apply(CheckEvent::Stream(StreamMsg::Finished(Box::new(report(
            "::1",
            &[443],
        )))));
        let sides = [v4, v6];
        assert_eq!(worst_level(&sides), Some(Level::Critical));
        let s = dual_summary(&sides, Lang::De);
        let (a, b) = s.split_once("=== IPv6 ===").expect(&s);
        assert!(a.starts_with("=== IPv4 ==="), "{s}");
        assert!(a.contains("Geprüfte Adresse: 127.0.0.1 (IPv4)"), "{s}");
        assert!(a.contains("445   microsoft-ds   offen"), "{s}");
        assert!(a.contains("DS-Lite"), "{s}");
        assert!(b.contains("Geprüfte Adresse: ::1 (IPv6)"), "{s}");
        assert!(b.contains("443   https          offen"), "{s}");
        assert!(b.contains("Dateiserver"), "{s}");

        let mut gone = Side::new(Family::Ipv6);
        gone.apply(CheckEvent::Fail(Failure::Network));
        let sides = [sides[0].clone(), gone];
        let s = dual_summary(&sides, Lang::En);
        assert!(s.contains("=== IPv6 ===\nNo IPv6 connection"), "{s}");
        assert_eq!(worst_level(&sides), Some(Level::Critical));
    }
}
