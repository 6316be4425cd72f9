//! The page's texts that carry numbers, ports or states, in German and
//! English: port and level words, the plan's ranges in words, progress,
//! wait times, dates.
//!
//! Every text that names ports takes them from the plan the probe announced,
//! so a plan with other groups reads right without a change here.

use super::Lang;
use super::page_texts::texts;
use crate::api::{Family, Level, PortResult, PortState};
use crate::plan::{Group, Plan};

pub(crate) mod marks;

/// The ports of a group in words: `440 bis 449` for a run of consecutive
/// ports, otherwise a list (`80 und 443`).
pub(crate) fn range_words(ports: &[u16], lang: Lang) -> String {
    match ports {
        [first, .., last] if ports.windows(2).all(|w| w[0].checked_add(1) == Some(w[1])) => {
            match lang {
                Lang::De => format!("{first} bis {last}"),
                Lang::En => format!("{first} to {last}"),
            }
        }
        _ => port_list(ports, lang),
    }
}

/// Every group of a plan in words: `440 bis 449`, or
/// `20 bis 23 und 8000 bis 8003`.
pub(crate) fn plan_words(plan: &Plan, lang: Lang) -> String {
    let groups: Vec<String> = plan
        .groups
        .iter()
        .map(|g| range_words(&g.port_numbers(), lang))
        .collect();
    join_words(&groups, lang)
}

/// The page's name: `Portcheck 440–449`.
pub(crate) fn title(plan: &Plan) -> String {
    let labels: Vec<String> = plan.groups.iter().map(Group::label).collect();
    format!("Portcheck {}", labels.join(", "))
}

/// A text of [`super::page_texts::Texts`] with `{ports}` filled in with the
/// plan's ranges in words.
pub(crate) fn about_plan(template: &str, plan: &Plan, lang: Lang) -> String {
    template.replace("{ports}", &plan_words(plan, lang))
}

/// A text with `{ports}` filled in with one group's range in words, and
/// `(UDP)` after them for a group reached over UDP.
pub(crate) fn about_group(template: &str, group: &Group, lang: Lang) -> String {
    let mut words = range_words(&group.port_numbers(), lang);
    if group
        .ports
        .iter()
        .chain(&group.control)
        .any(|p| p.transport == crate::plan::Transport::Udp)
    {
        words.push_str(" (UDP)");
    }
    template.replace("{ports}", &words)
}

/// Name of an address family.
pub(crate) fn family_name(family: Family) -> &'static str {
    match family {
        Family::Ipv4 => "IPv4",
        Family::Ipv6 => "IPv6",
    }
}

/// Each port as `443 open`, `1900/udp open|filtered` (in `lang`): the one
/// line the control ports of a group get in print and in the summary.
pub(crate) fn port_states<'a>(
    ports: impl IntoIterator<Item = &'a PortResult>,
    lang: Lang,
) -> Vec<String> {
    ports
        .into_iter()
        .map(|p| {
            format!(
                "{} {}",
                p.transport.label(p.port),
                state_word(p.state, lang)
            )
        })
        .collect()
}

/// Short word for a port state.
pub(crate) fn state_word(state: PortState, lang: Lang) -> &'static str {
    texts(lang).state_words[state as usize]
}

/// One sentence on what a port state means.
pub(crate) fn state_meaning(state: PortState, lang: Lang) -> &'static str {
    texts(lang).state_meanings[state as usize]
}

/// Name of a result level.
pub(crate) fn level_word(level: Level, lang: Lang) -> &'static str {
    texts(lang).level_words[level as usize]
}

/// The verdict in one plain sentence about the plan's ports.
pub(crate) fn level_sentence(level: Level, plan: &Plan, lang: Lang) -> String {
    about_plan(texts(lang).level_sentences[level as usize], plan, lang)
}

/// Progress in words, for the live region and the progress bar.
pub(crate) fn progress(done: usize, total: usize, lang: Lang) -> String {
    match lang {
        Lang::De => format!("{done} von {total} Ports geprüft"),
        Lang::En => format!("{done} of {total} ports checked"),
    }
}

/// A check waiting in the probe's queue: its place and the longest wait.
pub(crate) fn queued_line(position: u32, wait_s: u32, lang: Lang) -> String {
    let wait = duration_words(u64::from(wait_s), lang);
    match lang {
        Lang::De => format!(
            "Gerade prüfen viele. Ihre Prüfung wartet auf Platz {position} und beginnt spätestens in etwa {wait}."
        ),
        Lang::En => format!(
            "Many checks are running. Yours waits at place {position} and starts in about {wait} at most."
        ),
    }
}

/// What the live region says when the result is in.
pub(crate) fn finished_announcement(level: Level, lang: Lang) -> String {
    let word = level_word(level, lang);
    match lang {
        Lang::De => format!("Prüfung abgeschlossen. Ergebnis: {word}."),
        Lang::En => format!("Check finished. Result: {word}."),
    }
}

/// A wait time in words, rounded up to whole minutes from two minutes on.
pub(crate) fn duration_words(secs: u64, lang: Lang) -> String {
    let (n, unit_de, unit_en) = if secs < 120 {
        (secs, ("Sekunde", "Sekunden"), ("second", "seconds"))
    } else {
        (
            secs.div_ceil(60),
            ("Minute", "Minuten"),
            ("minute", "minutes"),
        )
    };
    let one = n == 1;
    match lang {
        Lang::De => format!("{n} {}", if one { unit_de.0 } else { unit_de.1 }),
        Lang::En => format!("{n} {}", if one { unit_en.0 } else { unit_en.1 }),
    }
}

/// "You can check again in …".
pub(crate) fn retry_in(secs: u64, lang: Lang) -> String {
    let wait = duration_words(secs, lang);
    match lang {
        Lang::De => format!("Sie können in {wait} wieder prüfen."),
        Lang::En => format!("You can check again in {wait}."),
    }
}

/// Date, address and duration line of a finished check.
pub(crate) fn checked_line(when: &str, ip: &str, duration_ms: u64, lang: Lang) -> String {
    match lang {
        Lang::De => format!("Geprüft am {when} · Adresse {ip} · Dauer {duration_ms} ms"),
        Lang::En => format!("Checked on {when} · address {ip} · took {duration_ms} ms"),
    }
}

/// A list of ports in words: "440, 441 und 445".
pub(crate) fn port_list(ports: &[u16], lang: Lang) -> String {
    let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    join_words(&ports, lang)
}

/// Items joined as a sentence lists them: "a, b und c".
fn join_words(items: &[String], lang: Lang) -> String {
    let and = match lang {
        Lang::De => "und",
        Lang::En => "and",
    };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {and} {last}", rest.join(", ")),
    }
}

/// Formats an RFC 3339 UTC timestamp (`2026-11-29T19:03:05.123Z`) for people:
/// `29.11.2026, 19:03 UTC` in German, `2026-11-29 19:03 UTC` in English.
/// Anything else is shown as it came.
pub(crate) fn format_timestamp(rfc3339: &str, lang: Lang) -> String {
    let b = rfc3339.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let ok = b.len() >= 16
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't' | b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16);
    if !ok {
        return rfc3339.to_string();
    }
    let (y, mo, d, hm) = (
        &rfc3339[0..4],
        &rfc3339[5..7],
        &rfc3339[8..10],
        &rfc3339[11..16],
    );
    match lang {
        Lang::De => format!("{d}.{mo}.{y}, {hm} UTC"),
        Lang::En => format!("{y}-{mo}-{d} {hm} UTC"),
    }
}
/// What a result over `family` cannot tell, in plain words; `beside`: shown
/// beside the other family's result, so it speaks of "the IPv4 result".
pub(crate) fn family_limit(family: Family, beside: bool, lang: Lang) -> &'static str {
    let t = texts(lang);
    match (family, beside) {
        (Family::Ipv4, true) => t.dual_limit_ipv4,
        (Family::Ipv6, true) => t.dual_limit_ipv6,
        (Family::Ipv4, false) => t.limit_cgnat,
        (Family::Ipv6, false) => t.limit_ipv6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_level_has_words() {
        for lang in Lang::ALL {
            for s in [
                PortState::Open,
                PortState::Closed,
                PortState::Filtered,
                PortState::OpenFiltered,
                PortState::Error,
            ] {
                assert!(!state_word(s, lang).is_empty());
                assert!(!state_meaning(s, lang).is_empty());
            }
            for l in [Level::Ok, Level::Notice, Level::Warning, Level::Critical] {
                assert!(!level_word(l, lang).is_empty());
                assert!(!level_sentence(l, &Plan::standard(), lang).is_empty());
            }
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_words(1, Lang::De), "1 Sekunde");
        assert_eq!(duration_words(42, Lang::En), "42 seconds");
        assert_eq!(duration_words(119, Lang::De), "119 Sekunden");
        assert_eq!(duration_words(120, Lang::En), "2 minutes");
        assert_eq!(duration_words(121, Lang::De), "3 Minuten");
        assert_eq!(retry_in(60, Lang::En), "You can check again in 60 seconds.");
    }

    #[test]
    fn a_queue_place_reads_plainly() {
        assert_eq!(
            queued_line(2, 20, Lang::En),
            "Many checks are running. Yours waits at place 2 and starts in about 20 seconds at most."
        );
        assert!(queued_line(1, 1, Lang::De).contains("Platz 1"));
    }

    #[test]
    fn port_lists() {
        assert_eq!(port_list(&[], Lang::De), "");
        assert_eq!(port_list(&[445], Lang::De), "445");
        assert_eq!(port_list(&[440, 441, 445], Lang::De), "440, 441 und 445");
        assert_eq!(port_list(&[443, 445], Lang::En), "443 and 445");
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            format_timestamp("2026-11-29T19:03:05.123Z", Lang::De),
            "29.11.2026, 19:03 UTC"
        );
        assert_eq!(
            format_timestamp("2026-11-29T19:03:05Z", Lang::En),
            "2026-11-29 19:03 UTC"
        );
        assert_eq!(format_timestamp("yesterday", Lang::En), "yesterday");
        assert_eq!(format_timestamp("2026-11-29", Lang::De), "2026-11-29");
    }

    #[test]
    fn progress_words() {
        assert_eq!(progress(3, 10, Lang::De), "3 von 10 Ports geprüft");
        assert_eq!(progress(10, 10, Lang::En), "10 of 10 ports checked");
    }

    #[test]
    fn plan_texts_name_the_plan_ports() {
        let p = Plan::standard();
        assert_eq!(title(&p), "Portcheck 440–449, 80–89");
        let (de, en) = (texts(Lang::De), texts(Lang::En));
        let g = &p.groups[0];
        assert_eq!(about_group(de.grid_label, g, Lang::De), "Ports 440 bis 449");
        assert_eq!(about_group(en.grid_label, g, Lang::En), "Ports 440 to 449");
        let g = &p.groups[1];
        assert_eq!(about_group(en.grid_label, g, Lang::En), "Ports 80 to 89");
        let print = about_plan(de.print_title, &p, Lang::De);
        assert_eq!(print, "Prüfbericht: Ports 440 bis 449 und 80 bis 89");
        let tagline = about_plan(de.tagline, &p, Lang::De);
        assert!(tagline.contains("die Ports 440 bis 449 und 80 bis 89 nach außen"));
        let what = about_plan(en.start_what, &p, Lang::En);
        assert!(what.contains("on ports 440 to 449 and 80 to 89 from outside"));
        assert_eq!(
            level_sentence(Level::Ok, &p, Lang::De),
            "Auf den Ports 440 bis 449 und 80 bis 89 ist von außen kein Dienst erreichbar."
        );
        assert_eq!(range_words(&[80, 443], Lang::De), "80 und 443");
        assert_eq!(range_words(&[22], Lang::En), "22");
    }

    #[test]
    fn words_follow_the_order_of_the_api_enums() {
        let states = PortState::ALL;
        let words = states.map(|s| state_word(s, Lang::En));
        assert_eq!(
            words,
            [
                "open",
                "reachable, closed",
                "filtered",
                "no answer",
                "not tested"
            ]
        );
        // Silence over UDP is never told as absence.
        for lang in Lang::ALL {
            let m = state_meaning(PortState::OpenFiltered, lang).to_lowercase();
            assert!(m.contains("kein beweis") || m.contains("no proof"), "{m}");
        }
        let levels = [Level::Ok, Level::Notice, Level::Warning, Level::Critical];
        let words = levels.map(|l| level_word(l, Lang::De));
        assert_eq!(words, ["Unauffällig", "Hinweis", "Warnung", "Kritisch"]);
        assert!(state_meaning(PortState::Filtered, Lang::De).starts_with("Keine Antwort"));
    }
}
