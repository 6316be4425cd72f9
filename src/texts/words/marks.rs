//! What the page writes into the DOM about a state besides words: the wire
//! name (`data-state`, `data-verdict`, `data-finding`, `data-family` and the
//! CSS class suffixes) and the icon beside the word.
//!
//! Wire names come from the API's serde names through [`wire_name`], so a
//! test hook always reads exactly what the probe's JSON says.

use serde::Serialize;

use crate::api::{Level, PortState};

/// The id of the consent form the probe writes into `index.html` for
/// browsers without WebAssembly (`probe::html`); the app removes it when
/// it starts, so only one start view is on the page.
pub(crate) const STATIC_PAGE_ID: &str = "static-page";

/// The name serde gives a unit variant (`smb-exposed`, `critical`, `ipv6`).
pub(crate) fn wire_name(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .map(|s| s.trim_matches('"').to_owned())
        .unwrap_or_default()
}

/// `data-state` value and CSS suffix of a port: `pending` while it is being
/// checked, else its state's wire name.
pub(crate) fn state_hook(state: Option<PortState>) -> String {
    state.map_or_else(|| "pending".to_owned(), |s| wire_name(&s))
}

/// Icon beside a port state; decorative, the word is always there too.
pub(crate) fn state_icon(state: Option<PortState>) -> &'static str {
    match state {
        None => "…",
        Some(PortState::Open) => "!",
        Some(PortState::Closed) => "○",
        Some(PortState::Filtered) => "✓",
        Some(PortState::OpenFiltered) => "~",
        Some(PortState::Error) => "?",
    }
}

/// Icon beside a level; decorative, the word is always there too.
pub(crate) fn level_icon(level: Level) -> &'static str {
    match level {
        Level::Ok => "✓",
        Level::Notice => "i",
        Level::Warning => "!",
        Level::Critical => "✕",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Family, FindingId};

    #[test]
    fn hooks_are_the_api_names() {
        assert_eq!(state_hook(None), "pending");
        let states = [
            (PortState::Open, "open"),
            (PortState::Closed, "closed"),
            (PortState::Filtered, "filtered"),
            (PortState::Error, "error"),
        ];
        for (s, name) in states {
            assert_eq!(state_hook(Some(s)), name);
        }
        assert_eq!(wire_name(&Level::Critical), "critical");
        assert_eq!(wire_name(&Level::Ok), "ok");
        assert_eq!(wire_name(&FindingId::SmbExposed), "smb-exposed");
        assert_eq!(wire_name(&FindingId::RangeReachable), "range-reachable");
        assert_eq!(wire_name(&Family::Ipv6), "ipv6");
    }
}
