//! The client's own texts in German and English: expected ports, the one
//! line a monitoring system shows, live progress. Everything else it says
//! comes from the shared texts (`texts::page_texts`, `texts::words`,
//! `texts::explain`).

use super::evaluation::{Evaluation, ExpectedPort};
use crate::api::PortEvent;
use crate::plan::Plan;
use crate::texts::Lang;
use crate::texts::explain::explain;
use crate::texts::words::{level_sentence, level_word, port_list, state_word};

/// One expected port and whether it was found open.
pub(super) fn expected_line(e: &ExpectedPort, lang: Lang) -> String {
    let port = e.port;
    match (e.state, lang) {
        (_, Lang::De) if e.met => format!("Erwartet offen: Port {port} – offen, wie erwartet"),
        (_, Lang::En) if e.met => format!("Expected open: port {port} – open as expected"),
        (Some(s), Lang::De) => format!(
            "Erwartet offen: Port {port} – {}: die Weiterleitung fehlt",
            state_word(s, lang)
        ),
        (Some(s), Lang::En) => format!(
            "Expected open: port {port} – {}: the forwarding is missing",
            state_word(s, lang)
        ),
        (None, Lang::De) => format!("Erwartet offen: Port {port} – nicht Teil der Prüfung"),
        (None, Lang::En) => format!("Expected open: port {port} – not part of the check"),
    }
}

/// The result in one line: the level and the findings' titles, or the
/// level's sentence when there is no finding; expected ports that are
/// missing follow.
pub(super) fn one_line(eval: &Evaluation, plan: &Plan, lang: Lang) -> String {
    let v = &eval.verdict;
    let mut parts = vec![if v.findings.is_empty() {
        level_sentence(v.level, plan, lang)
    } else {
        let titles: Vec<String> = v
            .findings
            .iter()
            .map(|f| explain(f, plan, lang).title)
            .collect();
        format!("{}: {}", level_word(v.level, lang), titles.join("; "))
    }];
    let missing: Vec<u16> = eval
        .expected
        .iter()
        .filter(|e| !e.met)
        .map(|e| e.port)
        .collect();
    if !missing.is_empty() {
        let ports = port_list(&missing, lang);
        parts.push(match lang {
            Lang::De => format!("erwartet offen, aber nicht offen: {ports}"),
            Lang::En => format!("expected open but not open: {ports}"),
        });
    }
    parts.join("; ")
}

/// A port's state as soon as the probe knows it, with how far the check is.
pub(super) fn progress_line(e: &PortEvent, done: usize, total: usize, lang: Lang) -> String {
    let r = &e.result;
    format!(
        "[{done:>2}/{total}] {:<5} {:<14} {}",
        r.transport.label(r.port),
        r.service,
        state_word(r.state, lang)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PortState;

    #[test]
    fn expected_ports_in_both_languages() {
        let met = ExpectedPort {
            port: 443,
            state: Some(PortState::Open),
            met: true,
        };
        assert_eq!(
            expected_line(&met, Lang::En),
            "Expected open: port 443 – open as expected"
        );
        let gone = ExpectedPort {
            state: Some(PortState::Filtered),
            met: false,
            ..met
        };
        assert_eq!(
            expected_line(&gone, Lang::De),
            "Erwartet offen: Port 443 – gefiltert: die Weiterleitung fehlt"
        );
    }
}
