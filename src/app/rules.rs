//! `aidoctor rules list | lint FILE... | show ID`.

use super::{AppError, out_err};
use crate::cli::{ColorChoice, RulesCommand};
use crate::render::style::Styler;
use crate::report::Exit;
use crate::rules::types::{Rule, Ruleset};
use crate::rules::{builtin, load_str};
use std::io::Write;

pub fn run(color: ColorChoice, cmd: &RulesCommand) -> Result<Exit, AppError> {
    let s = Styler::for_stdout(color);
    let mut w = super::output::stdout();
    match cmd {
        RulesCommand::List => {
            let all = builtin();
            let width = all.iter().map(|r| r.id.value.len()).max().unwrap_or(0);
            for rs in &all {
                writeln!(
                    w,
                    "{:<width$}  {}  {}",
                    rs.id.value,
                    s.dim(&format!(
                        "checked {} ({}), {:>3} rules",
                        rs.checked.value,
                        crate::age::age_days(&rs.checked.value, super::today())
                            .map(crate::age::describe)
                            .unwrap_or_else(|| "age unknown".into()),
                        rs.rules.len()
                    )),
                    rs.title
                )
                .map_err(out_err)?;
            }
            Ok(Exit::Ok)
        }
        RulesCommand::Lint { files } => {
            // Results on stdout, errors on stderr (as `check` does).
            let mut bad = false;
            for f in files {
                let name = f.display().to_string();
                let result = super::targets::read_source(f.as_os_str())
                    .map_err(|e| vec![e.message()])
                    .and_then(|t| {
                        load_str(&t, &name).map_err(|es| es.iter().map(|e| e.to_string()).collect())
                    });
                match result {
                    Ok(rs) => writeln!(
                        w,
                        "{}: ok ({})",
                        crate::printable::text(&name),
                        plural(rs.rules.len(), "rule", "rules")
                    )
                    .map_err(out_err)?,
                    Err(errors) => {
                        bad = true;
                        for e in errors {
                            super::output::note(&crate::printable::text(&e));
                        }
                    }
                }
            }
            Ok(if bad { Exit::Usage } else { Exit::Ok })
        }
        RulesCommand::Show { id, rule } => {
            let path = std::path::Path::new(id);
            let from_file =
                id == "-" || id.ends_with(".yaml") || id.ends_with(".yml") || path.is_file();
            let all = if from_file {
                let text = super::targets::read_source(id.as_ref())?;
                vec![load_str(&text, id).map_err(AppError::Ruleset)?]
            } else {
                if rule.is_some() {
                    return Err(AppError::Usage(format!(
                        "`rules show {id} RULE-ID`: the second argument picks a rule of a ruleset file; \
                         for a built-in rule use `aidoctor rules show RULE-ID`"
                    )));
                }
                builtin()
            };
            // A ruleset file is untrusted: shown plain, and made safe to print as a whole.
            let mut buf = Vec::new();
            let s = if from_file { Styler::plain() } else { s };
            let wanted = rule.as_deref().unwrap_or(id);
            let found = all
                .iter()
                .flat_map(|rs| rs.rules.iter())
                .find(|r| r.id.value == wanted);
            match (
                rule,
                all.iter().find(|r| from_file || r.id.value == *id),
                found,
            ) {
                (None, Some(rs), _) => show_ruleset(rs, &s, &mut buf).map_err(out_err)?,
                (_, _, Some(r)) => show_rule(r, &s, &mut buf).map_err(out_err)?,
                _ if from_file => {
                    return Err(AppError::Usage(format!(
                        "{id}: no rule `{wanted}` in this ruleset"
                    )));
                }
                _ => {
                    return Err(AppError::Usage(format!(
                        "no built-in ruleset or rule `{id}` (see `aidoctor rules list`; \
                         a ruleset file is shown with `aidoctor rules show FILE`)"
                    )));
                }
            }
            let text = String::from_utf8_lossy(&buf);
            let text = if from_file {
                crate::printable::text(&text)
            } else {
                text
            };
            w.write_all(text.as_bytes()).map_err(out_err)?;
            w.flush().map_err(out_err)?;
            Ok(Exit::Ok)
        }
    }
}

/// "1 rule", "3 rules".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn show_ruleset(rs: &Ruleset, s: &Styler, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "{} ({})", s.bold(&rs.title), rs.id.value)?;
    if !rs.description.is_empty() {
        writeln!(w, "{}", rs.description.trim())?;
    }
    if let Some(h) = &rs.homepage {
        writeln!(w, "Homepage: {h}")?;
    }
    writeln!(w, "Facts last checked: {}\n", rs.checked.value)?;
    for r in &rs.rules {
        writeln!(
            w,
            "  {:<5} {}  {}",
            format!("{:?}", r.severity).to_lowercase(),
            r.id.value,
            s.dim(&r.title.value)
        )?;
    }
    writeln!(w, "\n`aidoctor rules show RULE-ID` explains a rule.")
}

/// One rule: the text its docs are made of.
pub fn show_rule(r: &Rule, s: &Styler, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "{} ({})", s.bold(&r.title.value), r.id.value)?;
    writeln!(
        w,
        "Severity: {}",
        format!("{:?}", r.severity).to_lowercase()
    )?;
    if let Some(c) = &r.when {
        writeln!(w, "Applies when: {c}")?;
    }
    writeln!(w, "Requires: {}", r.require)?;
    writeln!(w, "\nWhy: {}", r.why.value.trim())?;
    writeln!(w, "\nFix:")?;
    for v in r.fix.value.variants() {
        writeln!(w, "  when {}: {}", v.when, v.text.trim())?;
    }
    for (k, t) in r.fix.value.texts() {
        if k == "*" {
            writeln!(w, "  {}", t.trim())?;
        } else {
            writeln!(w, "  {k}: {}", t.trim())?;
        }
    }
    writeln!(w, "\nSource: {}", r.source.value)?;
    if let Some(e) = &r.evidence {
        writeln!(w, "Evidence: {}", e.value.trim())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_rule_prints_why_fix_and_source() {
        let rs = load_str(
            "id: t\ntitle: T\nchecked: 2026-01-01\nrules:\n  - id: t/a\n    title: A\n    severity: warn\n    when: {any_gpu: {fact: vendor, equals: nvidia}}\n    require: {all: [{fact: nvidia.cuda_version, version: \">=12.4\"}, {not: {fact: nvidia.error, exists: true}}]}\n    fix: {linux: Update., default: Reinstall.}\n    why: Because.\n    source: https://example.com\n",
            "t.yaml",
        )
        .unwrap();
        let mut out = Vec::new();
        show_rule(&rs.rules[0], &Styler::plain(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A (t/a)\nSeverity: warn\nApplies when: any_gpu(vendor = nvidia)\n\
             Requires: all(nvidia.cuda_version version >=12.4, not(nvidia.error is known))\n\n\
             Why: Because.\n\nFix:\n  linux: Update.\n  default: Reinstall.\n\n\
             Source: https://example.com\n"
        );
    }
}
