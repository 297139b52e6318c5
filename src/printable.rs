//! Text from outside the binary made safe to print.
//!
//! Snapshots, rulesets (local or fetched), tool output, file contents and the environment are
//! untrusted: a `PRETTY_NAME` holding `ESC ] 52 ; c ; …` would write the reader's clipboard,
//! `ESC ] 0 ;` retitles the window, `ESC [ 2 J` clears the screen, a carriage return
//! overwrites the line it is on, and U+202E reverses what follows. Every value a command
//! prints passes through [`report`] or [`facts`] (and error messages through [`text`]) before
//! any renderer sees it, so every format — text, Markdown, JUnit and JSON — carries the same
//! harmless text.
//!
//! What is replaced, each by a visible `\u{…}` escape (so that a planted sequence shows as
//! what it is, rather than vanishing):
//! - C0 controls except tab and newline (ESC, CR, BEL, backspace, …), and DEL;
//! - C1 controls, U+0080–U+009F (U+009B is a one-character CSI on terminals that honour
//!   8-bit controls; serde_json leaves them raw, so JSON needs this too);
//! - the Unicode bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
//!   U+2066–U+2069: the "Trojan Source" characters) and the line and paragraph separators
//!   U+2028 and U+2029.
//!
//! Tab and newline stay: renderers lay out multi-line values themselves. Colors are added by
//! the renderers after this step, from aidoctor's own code only.

use crate::facts::Facts;
use crate::report::{FactUse, Report, RuleResult, RulesetReport};
use serde_json::Value;
use std::borrow::Cow;

/// Whether `c` may change what a terminal (or a Unicode text view) shows beyond itself.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `s` with every unsafe character replaced by its `\u{…}` escape (borrowed when clean, which
/// is nearly always).
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn string(s: &str) -> String {
    text(s).into_owned()
}

/// Every string of a JSON value made safe, object keys included.
pub fn json(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(string(s)),
        Value::Array(a) => Value::Array(a.iter().map(json).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (string(k), json(x))).collect()),
        other => other.clone(),
    }
}

/// Facts (GPUs included) with every string made safe.
pub fn facts(f: &Facts) -> Facts {
    Facts::from_json(&json(&f.to_json()))
}

/// A report with every string made safe: facts, rules' texts, origins and notices. (Fields
/// are destructured so that a new one cannot be added without deciding here.)
pub fn report(r: &Report) -> Report {
    let Report {
        facts: f,
        rulesets,
        redacted,
    } = r;
    Report {
        facts: facts(f),
        rulesets: rulesets.iter().map(ruleset).collect(),
        redacted: *redacted,
    }
}

fn ruleset(rs: &RulesetReport) -> RulesetReport {
    let RulesetReport {
        id,
        title,
        origin,
        checked,
        notices,
        results,
    } = rs;
    RulesetReport {
        id: string(id),
        title: string(title),
        origin: string(origin),
        checked: string(checked),
        notices: notices.iter().map(|n| string(n)).collect(),
        results: results.iter().map(result).collect(),
    }
}

fn result(r: &RuleResult) -> RuleResult {
    let RuleResult {
        id,
        title,
        severity,
        outcome,
        facts,
        unknown_reason,
        find_out,
        skip_reason,
        fix,
        why,
        source,
    } = r;
    RuleResult {
        id: string(id),
        title: string(title),
        severity: *severity,
        outcome: *outcome,
        facts: facts
            .iter()
            .map(
                |FactUse {
                     name,
                     value,
                     error,
                     absent,
                 }| FactUse {
                    name: string(name),
                    value: value.as_ref().map(json),
                    error: error.as_deref().map(string),
                    absent: absent.as_deref().map(string),
                },
            )
            .collect(),
        unknown_reason: unknown_reason.as_deref().map(string),
        find_out: find_out.as_deref().map(string),
        skip_reason: skip_reason.as_deref().map(string),
        fix: fix.as_deref().map(string),
        why: string(why),
        source: string(source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible_text() {
        assert_eq!(
            text("Ubuntu\u{1b}]52;c;ZXZpbA==\u{7} LTS"),
            "Ubuntu\\u{1b}]52;c;ZXZpbA==\\u{7} LTS"
        );
        assert_eq!(
            text("a\rb\u{9b}2J\u{202e}c\u{7f}"),
            "a\\u{d}b\\u{9b}2J\\u{202e}c\\u{7f}"
        );
    }

    #[test]
    fn ordinary_text_is_borrowed_untouched() {
        for s in [
            "NVIDIA GeForce RTX 4090",
            "a\tb\nc",
            "Gerät · 日本語 · 😀",
            "",
        ] {
            assert!(matches!(text(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn every_report_string_is_cleaned() {
        let mut r = crate::render::sample::report();
        r.facts.set("os.pretty_name", "x\u{1b}[2Jy");
        r.rulesets[0].title = "t\u{1b}]0;pwned\u{7}".into();
        r.rulesets[0].results[0].fix = Some("f\u{9d}".into());
        let clean = report(&r);
        assert_eq!(clean.rulesets[0].title, "t\\u{1b}]0;pwned\\u{7}");
        assert_eq!(
            clean.rulesets[0].results[0].fix.as_deref(),
            Some("f\\u{9d}")
        );
        assert!(!format!("{}", clean.to_json()).chars().any(is_unsafe));
        assert_eq!(clean.facts.get_str("os.pretty_name"), Some("x\\u{1b}[2Jy"));
    }

    proptest::proptest! {
        #[test]
        fn output_is_always_safe(s in "\\PC*|[\\x00-\\x{ff}\\x{2000}-\\x{206f}]*") {
            proptest::prop_assert!(!text(&s).chars().any(is_unsafe));
        }
    }
}
