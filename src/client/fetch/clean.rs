//! Server text made safe to print: every string the client got from the
//! probe (service and group names, plan titles, error messages, the site's
//! origins, …) passes [`text`] before any output sees it, so that a hostile
//! or intercepted server can neither drive the terminal (escape sequences:
//! window title, clear screen, colours), nor reorder what is shown (bidi
//! overrides), nor start a line of its own in the Checkmk or Nagios output
//! (a forged service state).
//!
//! The rule, the same for every format: line breaks and tabs (LF, CR, VT,
//! FF, TAB, NEL U+0085, U+2028, U+2029) become a space; every other control
//! character (C0, DEL, C1) and every format character (Unicode category
//! Cf: bidi embeddings, overrides and isolates, zero-width characters, the
//! byte order mark, soft hyphen, tags, …) is removed. Ordinary text,
//! umlauts and other scripts included, is kept as it is. JSON output could
//! carry controls escaped, but it is the input of `--compare` and of
//! scripts that print it; one rule for all formats keeps them alike.
//!
//! [`json`] applies the rule to every string of a JSON answer before it is
//! decoded: that is where server data enter the client (`fetch`), so no
//! output path can forget it.

use std::borrow::Cow;

use serde_json::Value;

/// `s` with line breaks and tabs as spaces and without other control or
/// format characters.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| breaks_line(c) || removed(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter(|&c| !removed(c))
            .map(|c| if breaks_line(c) { ' ' } else { c })
            .collect(),
    )
}

/// The JSON text `raw` with [`text`] applied to every string in it (object
/// keys are kept: only known keys are read, and they never reach output).
/// Text that is no JSON comes back cleaned as a whole; it fails to decode
/// anyway.
pub(crate) fn json(raw: &str) -> String {
    // Without an escape, the strings are as raw as the text: nothing to do
    // when the text is clean (the common case, kept cheap for long streams).
    if !raw.contains('\\') && matches!(text(raw), Cow::Borrowed(_)) {
        return raw.to_owned();
    }
    match serde_json::from_str::<Value>(raw) {
        Ok(mut v) => {
            clean_value(&mut v);
            v.to_string()
        }
        Err(_) => text(raw).into_owned(),
    }
}

fn clean_value(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Cow::Owned(clean) = text(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean_value),
        Value::Object(fields) => fields.values_mut().for_each(clean_value),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Characters that end a line somewhere (terminals, Checkmk's and Nagios's
/// line-based formats, Unicode's own separators), and the tab.
fn breaks_line(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Control characters (C0, DEL, C1) that are no line break, and format
/// characters.
fn removed(c: char) -> bool {
    (c.is_control() && !breaks_line(c)) || is_format(c)
}

/// Unicode general category Cf (format characters), as of Unicode 15.1.
pub fn is_format(c: char) -> bool {
    matches!(
        u32::from(c),
        0xAD
            | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x890..=0x891
            | 0x8E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Nothing a terminal or a line-based format would act on.
    fn inert(s: &str) -> bool {
        !s.chars()
            .any(|c| c.is_control() || is_format(c) || breaks_line(c))
    }

    #[test]
    fn escape_sequences_lose_their_escape() {
        assert_eq!(text("\x1b]0;title\x07ok"), "]0;titleok");
        assert_eq!(text("\x1b[2J\x1b[31mred"), "[2J[31mred");
        assert_eq!(text("a\u{9b}31mb\u{7f}c"), "a31mbc");
    }

    #[test]
    fn line_breaks_become_spaces() {
        assert_eq!(
            text("x\n0 \"Injected service\" - all good"),
            "x 0 \"Injected service\" - all good"
        );
        assert_eq!(
            text("a\r\nb\u{0B}c\u{0C}d\u{85}e\u{2028}f\u{2029}g\th"),
            "a  b c d e f g h"
        );
    }

    #[test]
    fn format_characters_are_removed() {
        // Bidi override, isolates, zero-width space and joiner, BOM, tag.
        assert_eq!(
            text("\u{202E}gnp.exe\u{202C} \u{2066}x\u{2069}\u{200B}\u{200D}\u{FEFF}y\u{E0041}"),
            "gnp.exe xy"
        );
        for c in [
            '\u{AD}', '\u{61C}', '\u{200E}', '\u{200F}', '\u{2060}', '\u{206F}',
        ] {
            assert!(is_format(c), "{c:?}");
        }
        for c in ['a', 'ä', ' ', '–', '✓', '\u{FE0F}', '😀'] {
            assert!(!is_format(c), "{c:?}");
        }
    }

    #[test]
    fn ordinary_text_is_kept_and_not_copied() {
        for s in [
            "Prüfung für Ärzte: Größe, Maß – 440–449 ✓",
            "CN=fritz.box, O=AVM",
            "Портчек",
            "",
        ] {
            assert!(matches!(text(s), Cow::Borrowed(b) if b == s), "{s}");
        }
    }

    #[test]
    fn every_string_of_a_json_answer_is_cleaned() {
        let raw = r#"{"plan":{"groups":[{"name":"x\n0 \"Injected\" - ok","ports":[]}],"title":{"de":"\u001b[2JÄrger"}},"n":3,"ok":true,"s":null}"#;
        let v: Value = serde_json::from_str(&json(raw)).unwrap();
        assert_eq!(v["plan"]["groups"][0]["name"], "x 0 \"Injected\" - ok");
        assert_eq!(v["plan"]["title"]["de"], "[2JÄrger");
        assert_eq!(v["n"], 3);
        assert_eq!(v["ok"], true);
        assert!(v["s"].is_null());
        assert_eq!(json("not \u{1b}json\n"), "not json ");
    }

    proptest! {
        #[test]
        fn output_is_inert_and_cleaning_is_idempotent(s in any::<String>()) {
            let once = text(&s);
            prop_assert!(inert(&once), "{:?}", once);
            let twice = text(&once).into_owned();
            prop_assert_eq!(twice.as_str(), once.as_ref());
            // Each character is kept, removed or replaced by one space.
            prop_assert!(once.chars().count() <= s.chars().count());
        }

        #[test]
        fn ordinary_text_is_unchanged(s in "[ a-zA-Z0-9äöüÄÖÜß.,:;!?()/'\"<>=&%+*#@€–—✓-]{0,80}") {
            let kept = text(&s).into_owned();
            prop_assert_eq!(kept, s);
        }

        #[test]
        fn json_strings_come_out_inert(s in any::<String>(), k in "[a-z]{1,8}") {
            let raw = serde_json::json!({ k.clone(): [s.clone(), {"inner": s}] }).to_string();
            let v: Value = serde_json::from_str(&json(&raw)).unwrap();
            prop_assert!(inert(v[&k][0].as_str().unwrap()));
            prop_assert!(inert(v[&k][1]["inner"].as_str().unwrap()));
            prop_assert_eq!(json(&json(&raw)), json(&raw));
        }
    }
}
