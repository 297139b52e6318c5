//! `aidoctor report`: probe, evaluate every built-in ruleset (or the ones named with
//! `--ruleset`), redact, and write Markdown for an issue tracker (or JSON).

use super::{AppError, Probed, gather_with, out_err, targets};
use crate::cli::{ProbeArgs, ReportArgs, ReportFormat};
use crate::report::Exit;
use crate::rules::builtin;
use std::io::Write;

pub fn run(p: &ProbeArgs, a: &ReportArgs) -> Result<Exit, AppError> {
    let named: Vec<std::ffi::OsString> = a.targets.iter().chain(&a.rulesets).cloned().collect();
    let (Probed { g, redactor }, targets) = gather_with(p, || {
        if named.is_empty() && a.project.is_none() {
            Ok(builtin()
                .into_iter()
                .map(|rs| targets::Target {
                    ruleset: rs,
                    origin: "builtin".into(),
                    notices: Vec::new(),
                })
                .collect())
        } else {
            targets::resolve(&named, a.project.as_deref(), false)
        }
    })?;
    let targets: Vec<targets::Target> = targets?;
    let mut facts = g.facts;
    super::fit::add_model_facts(&a.model, &mut facts)?;
    let report = targets::report(&targets, facts, super::today());
    // The live machine teaches its names; a replayed one is redacted by pattern.
    let report = super::shown(&report, (!a.no_redact).then_some(&redactor));
    let mut w: Box<dyn Write> = match &a.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|e| AppError::Io(format!("cannot write {}", path.display()), e))?,
        ),
        None => Box::new(super::output::stdout()),
    };
    match a.format {
        ReportFormat::Markdown => crate::render::report_md::render(&report, &mut w),
        ReportFormat::Json => serde_json::to_writer_pretty(&mut w, &report.to_json())
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(w)),
    }
    .map_err(out_err)?;
    w.flush().map_err(out_err)?;
    if let Some(path) = &a.output {
        super::output::note(&format!(
            "Wrote {}. Paste it into the issue (it is {}).",
            path.display(),
            if report.redacted {
                "redacted"
            } else {
                "NOT redacted"
            }
        ));
    }
    // A report is written whatever the machine's state: that is its job.
    Ok(Exit::Ok)
}
