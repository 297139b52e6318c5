//! `aidoctor check`: resolve the rulesets (while probing; errors exit 2), evaluate, render.

use super::{AppError, Probed, out_err, targets};
use crate::cli::{CheckArgs, CheckFormat, ColorChoice, ProbeArgs};
use crate::render::style::Styler;
use crate::render::text::TextOptions;
use crate::report::{Exit, Report};
use std::io::Write;

pub fn run(p: &ProbeArgs, color: ColorChoice, a: &CheckArgs) -> Result<Exit, AppError> {
    let (Probed { g, redactor }, targets) = super::gather_quietly(p, a.quiet, || {
        targets::resolve(&a.targets, a.project.as_deref(), a.offline)
    })?;
    let targets = targets?;
    let mut facts = g.facts;
    super::fit::add_model_facts(&a.model, &mut facts)?;
    let report = targets::report(&targets, facts, super::today());
    // Identifiers never reach the screen or a CI log either (issue: sharing).
    let report = super::shown(&report, Some(&redactor));
    let (mut w, styler): (Box<dyn Write>, Styler) = match &a.output {
        Some(path) => (
            Box::new(
                std::fs::File::create(path)
                    .map_err(|e| AppError::Io(format!("cannot write {}", path.display()), e))?,
            ),
            Styler::plain(),
        ),
        None => (Box::new(super::output::stdout()), Styler::for_stdout(color)),
    };
    render(&report, a, &styler, &mut w).map_err(out_err)?;
    w.flush().map_err(out_err)?;
    Ok(report.exit(a.strict))
}

pub fn render(
    report: &Report,
    a: &CheckArgs,
    s: &Styler,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    use crate::render::{json, junit, markdown, text};
    match a.format {
        CheckFormat::Text => text::render(report, TextOptions { quiet: a.quiet }, s, w),
        CheckFormat::Markdown => markdown::render_check(report, a.quiet, w),
        CheckFormat::Json => json::render(report, w),
        CheckFormat::Junit => junit::render(report, a.strict, w),
    }
}
