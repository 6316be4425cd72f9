//! What changed between two checks of the same connection: which ports
//! opened or closed and which findings are new or gone. A firmware update, a
//! new technician or a "temporary" forwarding shows up here as a difference
//! to the last check rather than as one more full result to read.
//!
//! Pure functions over two reports, compiled for the page ("check again"
//! shows them next to the new result) and the terminal client
//! (`portcheck check --compare FILE`), with their words in both languages.

use super::Lang;
use super::explain::explain;
use super::words::port_list;
use crate::api::{Finding, FindingId, PortResult, PortState, Report};
use crate::plan::Plan;

/// The differences between a previous and a current report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    /// Open now, not open before (ascending).
    pub opened: Vec<u16>,
    /// Open before, not open now (ascending).
    pub closed: Vec<u16>,
    /// Findings of the current report whose kind the previous one lacked.
    pub new_findings: Vec<Finding>,
    /// Findings of the previous report whose kind the current one lacks.
    pub gone_findings: Vec<Finding>,
}

impl Changes {
    /// Nothing opened, closed, appeared or went away.
    pub(crate) fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// Compares two reports. Ports only one of the reports checked (another
/// plan) are left out: there is nothing to compare them with.
pub(crate) fn changes(previous: &Report, current: &Report) -> Changes {
    let before = open_ports(previous);
    let now = open_ports(current);
    let checked_before = checked_ports(previous);
    let checked_now = checked_ports(current);
    let mut opened: Vec<u16> = now
        .iter()
        .copied()
        .filter(|p| !before.contains(p) && checked_before.contains(p))
        .collect();
    let mut closed: Vec<u16> = before
        .iter()
        .copied()
        .filter(|p| !now.contains(p) && checked_now.contains(p))
        .collect();
    opened.sort_unstable();
    closed.sort_unstable();
    Changes {
        opened,
        closed,
        new_findings: findings_missing_from(current, previous),
        gone_findings: findings_missing_from(previous, current),
    }
}

fn results(report: &Report) -> impl Iterator<Item = &PortResult> {
    report.ports.iter().chain(&report.control)
}

/// The open TCP ports. Opened and closed ports are TCP's: a UDP port's
/// changes show in its findings (an `open|filtered` UDP port that answers
/// next time may only have lost its datagram before).
fn open_ports(report: &Report) -> Vec<u16> {
    results(report)
        .filter(|p| p.state == PortState::Open && p.transport.is_tcp())
        .map(|p| p.port)
        .collect()
}

fn checked_ports(report: &Report) -> Vec<u16> {
    results(report)
        .filter(|p| p.transport.is_tcp())
        .map(|p| p.port)
        .collect()
}

/// The findings of `report` whose kind `other` does not have.
fn findings_missing_from(report: &Report, other: &Report) -> Vec<Finding> {
    let kinds: Vec<FindingId> = other.verdict.findings.iter().map(|f| f.id).collect();
    report
        .verdict
        .findings
        .iter()
        .filter(|f| !kinds.contains(&f.id))
        .cloned()
        .collect()
}

/// The heading of the changes.
pub(crate) fn heading(lang: Lang) -> &'static str {
    match lang {
        Lang::De => "Was sich seit der letzten Prüfung geändert hat",
        Lang::En => "What changed since the previous check",
    }
}

/// The changes in sentences, one per line; one sentence saying that
/// nothing changed when that is so. Finding titles come from
/// [`explain`] for `plan`.
pub(crate) fn change_lines(changes: &Changes, plan: &Plan, lang: Lang) -> Vec<String> {
    if changes.is_empty() {
        return vec![
            match lang {
                Lang::De => "Nichts: dieselben Ports offen, dieselben Befunde.",
                Lang::En => "Nothing: the same ports open, the same findings.",
            }
            .to_owned(),
        ];
    }
    let mut lines = Vec::new();
    let ports = |label_de: &str, label_en: &str, ports: &[u16]| {
        let list = port_list(ports, lang);
        let one = ports.len() == 1;
        match lang {
            Lang::De => format!("{label_de}: {} {list}", if one { "Port" } else { "Ports" }),
            Lang::En => format!("{label_en}: {} {list}", if one { "port" } else { "ports" }),
        }
    };
    if !changes.opened.is_empty() {
        lines.push(ports("Neu offen", "Newly open", &changes.opened));
    }
    if !changes.closed.is_empty() {
        lines.push(ports("Nicht mehr offen", "No longer open", &changes.closed));
    }
    for f in &changes.new_findings {
        let title = explain(f, plan, lang).title;
        lines.push(match lang {
            Lang::De => format!("Neuer Befund: {title}"),
            Lang::En => format!("New finding: {title}"),
        });
    }
    for f in &changes.gone_findings {
        let title = explain(f, plan, lang).title;
        lines.push(match lang {
            Lang::De => format!("Behoben: {title}"),
            Lang::En => format!("Resolved: {title}"),
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Level;

    fn forwarded(open: &[u16]) -> Report {
        Plan::standard().sample_forwarded("198.51.100.7".parse().unwrap(), open)
    }

    #[test]
    fn an_opened_and_a_closed_port_and_their_findings() {
        let before = forwarded(&[443]);
        let after = forwarded(&[445]);
        let c = changes(&before, &after);
        assert_eq!(c.opened, vec![445]);
        assert_eq!(c.closed, vec![443]);
        let new: Vec<FindingId> = c.new_findings.iter().map(|f| f.id).collect();
        let gone: Vec<FindingId> = c.gone_findings.iter().map(|f| f.id).collect();
        assert_eq!(new, vec![FindingId::SmbExposed]);
        assert_eq!(gone, vec![FindingId::HttpsExposed]);
        assert_eq!(after.verdict.level, Level::Critical);

        let plan = Plan::standard();
        let de = change_lines(&c, &plan, Lang::De);
        assert_eq!(de[0], "Neu offen: Port 445");
        assert_eq!(de[1], "Nicht mehr offen: Port 443");
        assert!(
            de[2].starts_with("Neuer Befund: Windows-Dateifreigabe"),
            "{de:?}"
        );
        assert!(de[3].starts_with("Behoben: "), "{de:?}");
        let en = change_lines(&c, &plan, Lang::En);
        assert_eq!(en[0], "Newly open: port 445");
        assert!(
            en[2].starts_with("New finding: Windows file sharing"),
            "{en:?}"
        );
    }

    #[test]
    fn the_same_result_twice_changes_nothing() {
        let r = forwarded(&[443, 445]);
        let c = changes(&r, &r);
        assert!(c.is_empty());
        let lines = change_lines(&c, &Plan::standard(), Lang::En);
        assert_eq!(
            lines,
            vec!["Nothing: the same ports open, the same findings."]
        );
    }

    #[test]
    fn ports_of_another_plan_are_not_compared() {
        let before = forwarded(&[]);
        let mut after = forwarded(&[445]);
        after.ports.retain(|p| p.port != 445);
        let mut other = forwarded(&[]);
        other.ports.retain(|p| p.port != 445);
        assert!(changes(&before, &after).opened.is_empty());
        let opened_where_unchecked = changes(&other, &forwarded(&[445]));
        assert!(opened_where_unchecked.opened.is_empty());
    }
}
