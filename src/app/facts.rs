//! `aidoctor facts` and `aidoctor snapshot`.

use super::{AppError, Probed, ctx, gather_with, out_err};
use crate::cli::{ColorChoice, FactsFormat, ProbeArgs};
use crate::host::live::LiveHost;
use crate::host::record::RecordingHost;
use crate::probes;
use crate::redact::Redactor;
use crate::render::style::Styler;
use crate::report::Exit;
use std::io::Write;
use std::path::Path;

pub fn run(p: &ProbeArgs, color: ColorChoice, format: FactsFormat) -> Result<Exit, AppError> {
    let (Probed { mut g, redactor }, ()) = gather_with(p, || ())?;
    // Identifiers stay off the screen and out of pasted logs (issue: sharing).
    g.facts = crate::printable::facts(&redactor.facts(&g.facts));
    let mut out = super::output::stdout();
    match format {
        FactsFormat::Json => {
            let mut j = g.facts.to_json();
            if let serde_json::Value::Object(m) = &mut j {
                m.insert(
                    "probes".into(),
                    serde_json::Value::Array(
                        g.runs
                            .iter()
                            .map(|r| {
                                serde_json::json!({
                                    "name": r.name,
                                    // To the microsecond: seconds * 1000.0 carries float noise
                                    // (12.345000000000001).
                                    "duration_ms": r.duration.as_micros() as f64 / 1000.0,
                                })
                            })
                            .collect(),
                    ),
                );
            }
            serde_json::to_writer_pretty(&mut out, &j).map_err(|e| out_err(e.into()))?;
            writeln!(out).map_err(out_err)?;
        }
        FactsFormat::Text => {
            let s = Styler::for_stdout(color);
            crate::render::facts_text::render(&g.facts, &s, &mut out).map_err(out_err)?;
        }
    }
    Ok(Exit::Ok)
}

pub fn snapshot(p: &ProbeArgs, dir: &Path, no_redact: bool) -> Result<Exit, AppError> {
    if p.replay.is_some() {
        return Err(AppError::Usage(
            "snapshot records the live machine; it cannot be combined with --replay".into(),
        ));
    }
    // Checked again when writing, where every entry is created new (see record.rs): this
    // early look only saves probing for nothing.
    if let Ok(m) = std::fs::symlink_metadata(dir) {
        if !m.is_dir() {
            return Err(AppError::Usage(format!(
                "{}: is a file, not a directory; choose a new directory",
                dir.display()
            )));
        }
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(AppError::Usage(format!(
                "{}: exists and is not empty; choose a new directory",
                dir.display()
            )));
        }
    }
    let ctx = ctx(p)?;
    let live = LiveHost::new();
    let rec = RecordingHost::new(&live);
    let g = probes::gather(&rec, &ctx, p.fast);
    let redactor = (!no_redact).then(|| Redactor::from_host(&live));
    rec.write(dir, redactor.as_ref())
        .map_err(|e| AppError::Io(format!("cannot write snapshot to {}", dir.display()), e))?;
    super::output::note(&format!(
        "Recorded {} probes ({} GPU{}) into {}{}.\nReplay it with: aidoctor facts --replay {}",
        g.runs.len(),
        g.facts.gpus.len(),
        if g.facts.gpus.len() == 1 { "" } else { "s" },
        crate::printable::text(&dir.display().to_string()),
        if no_redact {
            format!(" (NOT redacted: {NOT_REDACTED})")
        } else {
            ", redacted".to_string()
        },
        crate::printable::text(&shell_quote(&dir.display().to_string()))
    ));
    Ok(Exit::Ok)
}

/// What `snapshot --no-redact` keeps (its help says the same).
pub const NOT_REDACTED: &str = "it holds the host name, the user name (also in home paths), \
     GPU UUIDs and serial numbers, MAC and IP addresses, and every secret in the recorded \
     files and tool output: tokens and API keys, passwords in URLs and settings (a proxy in \
     apt.conf.d or docker info)";

/// A path as a POSIX shell word, quoted only when it needs it.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,@%=".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_are_quoted_for_the_shell_only_when_needed() {
        use super::shell_quote;
        assert_eq!(shell_quote("./my-machine"), "./my-machine");
        assert_eq!(shell_quote("my machine"), "'my machine'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$(x)"), "'$(x)'");
    }
}
