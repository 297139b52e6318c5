//! `--format junit`: JUnit XML for CI. One `<testsuite>` per ruleset, one `<testcase>` per
//! rule (classname = ruleset id, name = rule id).
//!
//! Mapping, consistent with the exit code: `fail` is a `<failure>`; `warn` and `unknown` are
//! `<failure>`s only with `--strict` (otherwise passing cases whose message is in
//! `<system-out>`); `skip` is `<skipped>`; `pass` and `info` pass.

use crate::report::{Outcome, Report, RuleResult};
use std::io::{self, Write};

/// XML-escape text and attribute values; drop characters XML 1.0 cannot hold.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn is_failure(o: Outcome, strict: bool) -> bool {
    o == Outcome::Fail || (strict && matches!(o, Outcome::Warn | Outcome::Unknown))
}

fn details(r: &RuleResult) -> String {
    let mut d = Vec::new();
    if let Some(u) = &r.unknown_reason {
        d.push(u.clone());
    }
    if let Some(f) = &r.find_out {
        d.push(format!("Find out: {f}"));
    }
    if let Some(s) = &r.skip_reason {
        d.push(s.clone());
    }
    if let Some(f) = &r.fix {
        d.push(format!("Fix: {f}"));
    }
    d.push(format!("Why: {}", r.why));
    d.push(format!("Source: {}", r.source));
    d.join("\n")
}

pub fn render(report: &Report, strict: bool, w: &mut dyn Write) -> io::Result<()> {
    let total = report.counts();
    let failures = report
        .rulesets
        .iter()
        .flat_map(|rs| &rs.results)
        .filter(|r| is_failure(r.outcome, strict))
        .count();
    let tests: usize = report.rulesets.iter().map(|rs| rs.results.len()).sum();
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="aidoctor" tests="{tests}" failures="{failures}" skipped="{}">"#,
        total.skip
    )?;
    for rs in &report.rulesets {
        let c = rs.counts();
        let fails = rs
            .results
            .iter()
            .filter(|r| is_failure(r.outcome, strict))
            .count();
        writeln!(
            w,
            r#"  <testsuite name="{}" tests="{}" failures="{fails}" errors="0" skipped="{}">"#,
            escape(&rs.id),
            rs.results.len(),
            c.skip
        )?;
        for r in &rs.results {
            write!(
                w,
                r#"    <testcase classname="{}" name="{}">"#,
                escape(&rs.id),
                escape(&r.id)
            )?;
            let msg = format!("{}: {}", r.outcome.as_str(), r.title);
            if r.outcome == Outcome::Skip {
                write!(w, "<skipped/>")?;
            } else if is_failure(r.outcome, strict) {
                write!(
                    w,
                    r#"<failure type="{}" message="{}">{}</failure>"#,
                    r.outcome.as_str(),
                    escape(&msg),
                    escape(&details(r))
                )?;
            } else if r.outcome != Outcome::Pass {
                write!(
                    w,
                    "<system-out>{}\n{}</system-out>",
                    escape(&msg),
                    escape(&details(r))
                )?;
            }
            writeln!(w, "</testcase>")?;
        }
        writeln!(w, "  </testsuite>")?;
    }
    writeln!(w, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xml(strict: bool) -> String {
        let mut out = Vec::new();
        render(&crate::render::sample::report(), strict, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn failures_follow_strict() {
        let x = xml(false);
        assert!(
            x.contains(r#"<testsuite name="demo" tests="6" failures="1" errors="0" skipped="1">"#),
            "{x}"
        );
        assert!(x.contains(r#"name="demo/skip"><skipped/></testcase>"#));
        assert!(x.contains(r#"name="demo/pass"></testcase>"#));
        assert!(x.contains("<system-out>warn: RAM 32000 MiB"));
        let x = xml(true);
        assert!(x.contains(r#"failures="3""#), "{x}");
        assert!(
            x.contains(r#"<failure type="unknown" message="unknown: ROCm 6.3">"#),
            "{x}"
        );
        // An unknown says how to find out, not the failure's fix.
        assert!(x.contains("Find out: Run `rocminfo`"), "{x}");
        assert!(!x.contains("Install ROCm &lt;6.3&gt;"));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("a<b>&\"c'\u{1}\n"), "a&lt;b&gt;&amp;&quot;c&apos;\n");
    }
}
