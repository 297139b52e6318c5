//! `aidoctor check` as text: per ruleset a header with counts, then each rule with its
//! outcome mark, the facts it read, and the fix for this platform, indented.

use super::style::Styler;
use crate::report::{Outcome, Report, RuleResult, RulesetReport};
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Only warnings, failures and unknowns (with their fixes).
    pub quiet: bool,
}

pub fn mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "✔",
        Outcome::Warn => "!",
        Outcome::Fail => "✘",
        Outcome::Info => "i",
        Outcome::Skip => "-",
        Outcome::Unknown => "?",
    }
}

pub fn styled_mark(o: Outcome, s: &Styler) -> String {
    let m = mark(o);
    match o {
        Outcome::Pass => s.green(m),
        Outcome::Warn | Outcome::Unknown => s.yellow(m),
        Outcome::Fail => s.red(m),
        Outcome::Info => s.cyan(m),
        Outcome::Skip => s.dim(m),
    }
}

/// "2 failures, 1 warning, 5 passed" for a ruleset.
pub fn counts_line(rs: &RulesetReport) -> String {
    let c = rs.counts();
    if c.not_applicable() {
        return "not applicable".into();
    }
    let mut parts = Vec::new();
    let mut n = |k: usize, one: &str, many: &str| {
        if k > 0 {
            parts.push(format!("{k} {}", if k == 1 { one } else { many }));
        }
    };
    n(c.fail, "failure", "failures");
    n(c.warn, "warning", "warnings");
    n(c.unknown, "unknown", "unknown");
    n(c.info, "note", "notes");
    n(c.pass, "passed", "passed");
    n(c.skip, "skipped", "skipped");
    parts.join(", ")
}

pub fn render(report: &Report, opts: TextOptions, s: &Styler, w: &mut dyn Write) -> io::Result<()> {
    let mut first = true;
    for rs in &report.rulesets {
        // --quiet: a ruleset with nothing wrong says nothing (not even its header).
        if opts.quiet && !rs.results.iter().any(|r| r.outcome.is_problem()) && rs.notices.is_empty()
        {
            continue;
        }
        if !first {
            writeln!(w)?;
        }
        first = false;
        let origin = if rs.origin == "builtin" {
            String::new()
        } else {
            format!(" [{}]", rs.origin)
        };
        writeln!(
            w,
            "{} {}",
            s.bold(&rs.title),
            s.dim(&format!("({}, checked {}){origin}", rs.id, rs.checked))
        )?;
        writeln!(w, "  {}", counts_line(rs))?;
        for n in &rs.notices {
            writeln!(w, "  {}", s.yellow(n))?;
        }
        for r in &rs.results {
            if opts.quiet && !r.outcome.is_problem() {
                continue;
            }
            rule(r, opts, s, w)?;
        }
    }
    Ok(())
}

fn rule(r: &RuleResult, opts: TextOptions, s: &Styler, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "  {} {}", styled_mark(r.outcome, s), r.title)?;
    if r.outcome == Outcome::Skip {
        if let Some(why) = &r.skip_reason {
            writeln!(w, "      {}", s.dim(why))?;
        }
        return Ok(());
    }
    if !opts.quiet || r.outcome == Outcome::Unknown {
        let facts: Vec<String> = r
            .facts
            .iter()
            .map(|f| match (&f.value, &f.absent, &f.error) {
                (Some(_), ..) | (None, Some(_), _) => format!("{} = {}", f.name, f.shown()),
                // The unknown reason below says why; otherwise say it here.
                (None, None, Some(e)) if r.unknown_reason.is_none() => {
                    format!("{} unknown ({e})", f.name)
                }
                (None, None, _) => format!("{} unknown", f.name),
            })
            .collect();
        if !facts.is_empty() {
            writeln!(w, "      {}", s.dim(&facts.join(", ")))?;
        }
    }
    if let Some(u) = &r.unknown_reason {
        writeln!(w, "      {}", s.yellow(u))?;
    }
    if let Some(f) = &r.find_out {
        writeln!(w, "      {} {f}", s.bold("find out:"))?;
    }
    if let Some(fix) = &r.fix {
        let mut lines = fix.lines();
        if let Some(first) = lines.next() {
            writeln!(w, "      {} {first}", s.bold("fix:"))?;
        }
        for l in lines {
            writeln!(w, "           {l}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(quiet: bool) -> String {
        let mut out = Vec::new();
        render(
            &crate::render::sample::report(),
            TextOptions { quiet },
            &Styler::plain(),
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_outcome_with_facts_and_fixes() {
        let t = text(false);
        let want = "\
Demo <&> \"project\" (demo, checked 2026-09-24)
  1 failure, 1 warning, 1 unknown, 1 note, 1 passed, 1 skipped
  ✔ Linux
      os.family = linux
  ! RAM 32000 MiB
      memory.total_mib = 32000
      fix: Add RAM | or swap
  ✘ Driver >= 550
      nvidia.driver_version = 535.104.05
      fix: sudo apt install nvidia-driver-550
           sudo reboot
  ? ROCm 6.3
      rocm.version unknown
      rocm.version could not be determined: not_installed (rocminfo: command not found)
      find out: Run `rocminfo` (the GPU's gfx target) and `cat /opt/rocm/.info/version` (the ROCm version).
  - AMD only
  i A note
      os.family = linux
      fix: Just so you know.
";
        assert_eq!(t, want);
    }

    #[test]
    fn quiet_shows_only_problems() {
        let t = text(true);
        assert!(!t.contains("✔ Linux"));
        assert!(!t.contains("A note"));
        assert!(t.contains("✘ Driver >= 550"));
        assert!(t.contains("? ROCm 6.3"));
        assert!(!t.contains("memory.total_mib = "), "{t}");
    }

    #[test]
    fn quiet_says_nothing_about_a_ruleset_with_nothing_wrong() {
        let mut r = crate::render::sample::report();
        r.rulesets[0].results.retain(|x| !x.outcome.is_problem());
        let mut out = Vec::new();
        render(&r, TextOptions { quiet: true }, &Styler::plain(), &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "");
    }
}
