//! Markdown output. `render_check` is `aidoctor check --format markdown`: a table per
//! ruleset. (The issue report of `aidoctor report` lives beside it.)

use super::text::{counts_line, mark};
use crate::report::Report;
use std::io::{self, Write};

/// Text from the report made inert in Markdown, for a table cell, a heading or a paragraph:
/// the one escaping function of every Markdown output (`check --format markdown` and
/// `report`). Facts and rulesets are untrusted, and GitHub renders raw HTML (`</details>`
/// would close the report's block, `<img src=…>` loads a URL when the issue is viewed) and
/// image links (`![](…)`): outside code spans `&`, `<` and `>` become entities and `\`, `[`
/// and `]` are backslash-escaped; code spans (matched backtick runs, as CommonMark pairs them)
/// stay as written, since nothing inside one is rendered, and an unmatched backtick is
/// escaped. A pipe is escaped everywhere (GFM splits table cells before anything else), a
/// line break is `<br>` (a space inside code). Text longer than `max` characters is cut with
/// `…`, and a code span left open by the cut is closed.
pub fn cell(s: &str, max: usize) -> String {
    let cut = s.chars().count() > max;
    let t: String = s.chars().take(max).filter(|&c| c != '\r').collect();
    let chars: Vec<char> = t.chars().collect();
    let mut out = String::with_capacity(t.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '`' {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\\' | '[' | ']' => {
                    out.push('\\');
                    out.push(c);
                }
                '|' => out.push_str("\\|"),
                '\n' => out.push_str("<br>"),
                c => out.push(c),
            }
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&c| c == '`').count();
        let body = i + run;
        // The closing run: the next run of exactly the same length.
        let mut j = body;
        let mut close = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let n = chars[j..].iter().take_while(|&&c| c == '`').count();
                if n == run {
                    close = Some(j);
                    break;
                }
                j += n;
            } else {
                j += 1;
            }
        }
        let end = match close {
            Some(j) => j,
            None if cut => chars.len(),
            None => {
                for _ in 0..run {
                    out.push_str("\\`");
                }
                i = body;
                continue;
            }
        };
        let fence: String = "`".repeat(run);
        out.push_str(&fence);
        for &c in &chars[body..end] {
            match c {
                '|' => out.push_str("\\|"),
                '\n' => out.push(' '),
                c => out.push(c),
            }
        }
        out.push_str(&fence);
        i = end + if close.is_some() { run } else { 0 };
    }
    if cut {
        out.push('…');
    }
    out
}

/// Text safe inside HTML (a `<summary>` line, where Markdown is not rendered).
pub fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', " ")
}

/// A cell of `check --format markdown`: never cut.
fn text(s: &str) -> String {
    cell(s, usize::MAX)
}

pub fn render_check(report: &Report, quiet: bool, w: &mut dyn Write) -> io::Result<()> {
    for rs in &report.rulesets {
        writeln!(w, "## {} (`{}`)\n", text(&rs.title), text(&rs.id))?;
        writeln!(
            w,
            "{}; facts checked {}.\n",
            counts_line(rs),
            text(&rs.checked)
        )?;
        for n in &rs.notices {
            writeln!(w, "> **Note:** {}\n", text(n))?;
        }
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
                text(&r.title),
                text(&facts.join(", ")),
                text(fix.trim())
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
        assert!(
            md.starts_with("## Demo &lt;&amp;&gt; \"project\" (`demo`)\n\n1 failure, 1 warning"),
            "{md}"
        );
        assert!(
            md.contains(
                "| ! warn | RAM 32000 MiB | `memory.total_mib` = 32000 | Add RAM \\| or swap |"
            ),
            "{md}"
        );
        assert!(md.contains("sudo apt install nvidia-driver-550<br>sudo reboot"));
        assert!(md.contains("| ? unknown | ROCm 6.3 | `rocm.version` unknown | rocm.version could not be determined"), "{md}");
    }

    fn gfm(md: &str) -> String {
        let mut o = comrak::Options::default();
        o.extension.table = true;
        o.render.r#unsafe = true;
        comrak::markdown_to_html(md, &o)
    }

    #[test]
    fn html_and_image_links_from_facts_stay_text() {
        let hostile = [
            "</details><img src=https://evil.example/p.png>",
            "![x](https://evil.example/p.png)",
            "\\![x](https://evil.example/p.png)",
            "`<img src=x>``",
            "``<img src=x>`",
            "[a]: https://evil.example/p.png",
        ];
        for h in hostile {
            let md = format!(
                "| a |\n|---|\n| {} |\n\n## {}\n",
                super::cell(h, usize::MAX),
                super::cell(h, 20)
            );
            let html = gfm(&md);
            assert!(!html.contains("<img"), "{h}: {html}");
            assert!(!html.contains("</details>"), "{h}: {html}");
            assert!(!html.contains("href="), "{h}: {html}");
        }
    }

    #[test]
    fn code_spans_keep_their_text_and_a_cut_one_is_closed() {
        assert_eq!(
            super::cell("run `a && b | c` & <x>", 100),
            "run `a && b \\| c` &amp; &lt;x&gt;"
        );
        assert_eq!(super::cell("``a`b`` [x]", 100), "``a`b`` \\[x\\]");
        assert_eq!(super::cell("a ` b", 100), "a \\` b");
        assert_eq!(super::cell("run `pip install torch`", 12), "run `pip ins`…");
        assert_eq!(super::cell("C:\\Users", 100), "C:\\\\Users");
    }
}
