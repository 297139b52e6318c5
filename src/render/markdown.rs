//! Markdown output. `render_check` is `aidoctor check --format markdown`: a table per
//! ruleset. (The issue report of `aidoctor report` lives beside it.)

use super::text::{counts_line, mark};
use crate::report::Report;
use std::io::{self, Write};

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', "<br>")
}

pub fn render_check(report: &Report, quiet: bool, w: &mut dyn Write) -> io::Result<()> {
    for rs in &report.rulesets {
        writeln!(w, "## {} (`{}`)\n", rs.title, rs.id)?;
        writeln!(w, "{}; facts checked {}.\n", counts_line(rs), rs.checked)?;
        let rows: Vec<_> = rs
            .results
            .iter()
            .filter(|r| !quiet || r.outcome.is_problem())
            .collect();
        if rows.is_empty() {
            writeln!(w, "Nothing to fix.\n")?;
            continue;
        }
        writeln!(w, "| | Rule | Facts | Fix |")?;
        writeln!(w, "|---|---|---|---|")?;
        for r in rows {
            let facts: Vec<String> = r
                .facts
                .iter()
                .map(|f| match (&f.value, &f.absent) {
                    (None, None) => format!("`{}` unknown", f.name),
                    _ => format!("`{}` = {}", f.name, f.shown()),
                })
                .collect();
            let fix = match (&r.unknown_reason, &r.find_out, &r.skip_reason) {
                (Some(u), Some(f), _) => format!("{u}. Find out: {f}"),
                (Some(u), None, _) => format!("{u}."),
                (None, _, Some(s)) => s.clone(),
                _ => r.fix.clone().unwrap_or_default(),
            };
            writeln!(
                w,
                "| {} {} | {} | {} | {} |",
                mark(r.outcome),
                r.outcome.as_str(),
                cell(&r.title),
                cell(&facts.join(", ")),
                cell(fix.trim())
            )?;
        }
        writeln!(w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_table_per_ruleset_with_cells_escaped() {
        let mut out = Vec::new();
        super::render_check(&crate::render::sample::report(), false, &mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(md.starts_with("## Demo <&> \"project\" (`demo`)\n\n1 failure, 1 warning"));
        assert!(
            md.contains(
                "| ! warn | RAM 32000 MiB | `memory.total_mib` = 32000 | Add RAM \\| or swap |"
            ),
            "{md}"
        );
        assert!(md.contains("sudo apt install nvidia-driver-550<br>sudo reboot"));
        assert!(md.contains("| ? unknown | ROCm 6.3 | `rocm.version` unknown | rocm.version could not be determined"), "{md}");
    }
}
