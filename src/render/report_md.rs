//! `aidoctor report`: Markdown made to be pasted into a GitHub or GitLab issue.
//!
//! One summary line, a compact facts table, then a collapsible `<details>` block per ruleset
//! with failures and warnings first. GitHub refuses an issue body over 65,536 characters, so
//! the report is built to a budget: long cells are cut, process lists and GPU rows are capped
//! with a note, and if it is still too long the passed rules are dropped, then the text is cut
//! at a line with a note. A `<summary>` is followed by a blank line, or GitHub does not render
//! the Markdown inside.

use super::facts_text::value_text;
use super::text::{counts_line, mark};
use crate::facts::{Facts, Gpu};
use crate::report::{Outcome, Report, RulesetReport};
use std::fmt::Write as _;
use std::io::{self, Write};

/// GitHub's limit on an issue or comment body, in characters.
pub const GITHUB_BODY_LIMIT: usize = 65_536;
/// What the report aims for, leaving room for the user's own words around it.
pub const BUDGET: usize = 60_000;
/// Longest text kept in one table cell.
const MAX_CELL: usize = 300;
/// GPU rows shown in the facts table; the rest are counted.
const MAX_GPU_ROWS: usize = 16;
/// Processes listed per GPU; the rest are counted.
const MAX_PROCESSES: usize = 5;

/// Facts shown in the table, in order: a label, then each fact with a template for its value
/// (`{}`), joined with " · ".
const ROWS: &[(&str, &[(&str, &str)])] = &[
    ("OS", &[("os.pretty_name", "{}"), ("os.arch", "{}")]),
    ("Kernel", &[("os.kernel", "{}")]),
    (
        "WSL",
        &[
            ("wsl.version", "WSL{}"),
            ("wsl.distro", "{}"),
            ("wsl.cwd_on_windows_drive", "cwd on a Windows drive: {}"),
        ],
    ),
    ("Container", &[("container.kind", "{}")]),
    (
        "Memory",
        &[
            ("memory.total_mib", "{} MiB"),
            ("memory.available_mib", "{} MiB available"),
        ],
    ),
    ("Swap", &[("swap.total_mib", "{} MiB")]),
    ("Free disk", &[("disk.free_gib", "{} GiB")]),
    (
        "CPU",
        &[
            ("cpu.model", "{}"),
            ("cpu.cores", "{} cores"),
            ("cpu.threads", "{} threads"),
        ],
    ),
    (
        "NVIDIA driver",
        &[
            ("nvidia.driver_version", "{}"),
            ("nvidia.cuda_version", "CUDA {}"),
        ],
    ),
    ("CUDA toolkit", &[("cuda.toolkit_version", "{}")]),
    (
        "ROCm",
        &[
            ("rocm.version", "{}"),
            (
                "rocm.hsa_override_gfx_version",
                "HSA_OVERRIDE_GFX_VERSION={}",
            ),
        ],
    ),
    (
        "Docker",
        &[
            ("docker.client_version", "client {}"),
            ("docker.server_version", "server {}"),
            ("docker.default_runtime", "default runtime {}"),
            ("docker.gpu_runtime", "GPU runtime: {}"),
        ],
    ),
    ("NVIDIA Container Toolkit", &[("nvidia_ctk.version", "{}")]),
    (
        "Python",
        &[
            ("python.version", "{}"),
            ("python.env", "{}"),
            ("python.executable", "{}"),
        ],
    ),
    (
        "PyTorch",
        &[
            ("torch.version", "{}"),
            ("torch.cuda", "CUDA {}"),
            ("torch.hip", "HIP {}"),
            ("torch.gpu_available", "GPU available: {}"),
        ],
    ),
    (
        "Display",
        &[
            ("display.server", "{}"),
            ("display.vram_tax_mib", "desktop holds {} MiB VRAM"),
        ],
    ),
    (
        "Model",
        &[
            ("model.name", "{}"),
            ("model.total_mib", "needs {} MiB"),
            ("model.verdict", "{}"),
        ],
    ),
    ("Groups", &[("user.groups", "{}")]),
    (
        "Auto updates",
        &[
            ("updates.mechanism", "{}"),
            ("updates.auto_reboot", "auto reboot: {}"),
        ],
    ),
];

/// Areas whose `error` facts are worth a row.
const ERROR_AREAS: &[&str] = &[
    "nvidia", "rocm", "cuda", "docker", "python", "torch", "wsl", "os", "cpu", "drm",
];

/// Escape text for a Markdown table cell: no column breaks, no raw HTML, no links, no line
/// breaks, bounded length.
fn cell(s: &str) -> String {
    cell_n(s, MAX_CELL)
}

fn cell_n(s: &str, max: usize) -> String {
    super::markdown::cell(s, max)
}

use super::markdown::html;

fn gib(mib: u64) -> String {
    let g = mib as f64 / 1024.0;
    if g >= 10.0 || (g - g.round()).abs() < 0.05 {
        format!("{g:.0} GiB")
    } else {
        format!("{g:.1} GiB")
    }
}

/// "Ubuntu 22.04 · WSL2 · 2× RTX 4090 (24 GiB) · driver 550.54 · CUDA 12.4 · …"
pub fn summary_line(f: &Facts) -> String {
    let mut parts: Vec<String> = Vec::new();
    match (f.get_str("os.pretty_name"), f.get_str("os.family")) {
        (Some(p), _) => parts.push(p.to_string()),
        (None, Some(fam)) => parts.push(fam.to_string()),
        _ => parts.push("unknown OS".into()),
    }
    if let Some(v) = f.get_u64("wsl.version") {
        parts.push(format!("WSL{v}"));
    }
    // Group identical GPUs: a 16-GPU box is one phrase, not sixteen.
    let mut groups: Vec<(String, usize)> = Vec::new();
    for g in &f.gpus {
        let name = g
            .name
            .clone()
            .unwrap_or_else(|| format!("{} GPU", g.vendor.as_str()));
        let label = match g.vram_total_mib {
            Some(m) => format!("{name} ({})", gib(m)),
            None => name,
        };
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, n)) => *n += 1,
            None => groups.push((label, 1)),
        }
    }
    if groups.is_empty() {
        parts.push("no GPU found".into());
    }
    for (label, n) in groups.iter().take(4) {
        parts.push(if *n > 1 {
            format!("{n}× {label}")
        } else {
            label.clone()
        });
    }
    if groups.len() > 4 {
        parts.push(format!("{} more GPU models", groups.len() - 4));
    }
    match (
        f.get_str("nvidia.driver_version"),
        f.get_str("nvidia.error"),
    ) {
        (Some(d), _) => parts.push(format!("driver {d}")),
        (None, Some(e)) if e != "not_installed" => parts.push(format!("NVIDIA driver: {e}")),
        _ => {}
    }
    if let Some(c) = f.get_str("nvidia.cuda_version") {
        parts.push(format!("CUDA {c}"));
    }
    if let Some(r) = f.get_str("rocm.version") {
        parts.push(format!("ROCm {r}"));
    }
    match (
        f.get_str("docker.server_version"),
        f.get_str("docker.client_version"),
    ) {
        (Some(v), _) | (None, Some(v)) => parts.push(format!("Docker {v}")),
        _ => {}
    }
    if let Some(p) = f.get_str("python.version") {
        let mut s = format!("Python {p}");
        if let Some(t) = f.get_str("torch.version") {
            let _ = write!(s, " / PyTorch {t}");
        }
        parts.push(s);
    }
    parts.join(" · ")
}

fn fact_row(f: &Facts, facts: &[(&str, &str)]) -> Option<String> {
    let vals: Vec<String> = facts
        .iter()
        .filter_map(|(n, tpl)| f.get(n).map(|v| tpl.replace("{}", &value_text(v))))
        .collect();
    (!vals.is_empty()).then(|| vals.join(" · "))
}

fn gpu_cell(g: &Gpu) -> String {
    let mut s = super::facts_text::gpu_line(g);
    if !g.processes.is_empty() {
        let names: Vec<String> = g
            .processes
            .iter()
            .take(MAX_PROCESSES)
            .map(|p| {
                // Command lines run long (Chrome's is 600 characters): the start names it.
                let mut name: String = p.name.chars().take(60).collect();
                if p.name.chars().count() > 60 {
                    name.push('…');
                }
                match p.used_mib {
                    Some(m) => format!("{name} {m} MiB"),
                    None => name,
                }
            })
            .collect();
        let _ = write!(s, "; processes: {}", names.join(", "));
        if g.processes.len() > MAX_PROCESSES {
            let _ = write!(s, " and {} more", g.processes.len() - MAX_PROCESSES);
        }
    }
    s
}

fn facts_table(f: &Facts, out: &mut String) {
    out.push_str("| Fact | Value |\n|---|---|\n");
    for (label, names) in ROWS {
        if let Some(v) = fact_row(f, names) {
            let _ = writeln!(out, "| {label} | {} |", cell(&v));
        }
    }
    for (i, g) in f.gpus.iter().take(MAX_GPU_ROWS).enumerate() {
        let idx = g.index.map(|x| x as usize).unwrap_or(i);
        let _ = writeln!(
            out,
            "| GPU {idx} | {} |",
            cell_n(&gpu_cell(g), 3 * MAX_CELL)
        );
    }
    if f.gpus.len() > MAX_GPU_ROWS {
        let _ = writeln!(
            out,
            "| … | {} more GPUs not listed (see `aidoctor facts`) |",
            f.gpus.len() - MAX_GPU_ROWS
        );
    }
    // "not installed" is one short row; other errors carry the tool's own words.
    let mut missing = Vec::new();
    for area in ERROR_AREAS {
        let Some(code) = f.get_str(&format!("{area}.error")) else {
            continue;
        };
        if code == "not_installed" {
            missing.push(*area);
            continue;
        }
        let msg = f
            .get_str(&format!("{area}.error_message"))
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {area} problem | {} |",
            cell(&format!("{code}{msg}"))
        );
    }
    if !missing.is_empty() {
        let _ = writeln!(out, "| Not installed | {} |", missing.join(", "));
    }
}

/// How much of each ruleset to show: everything when the report focuses on a project or two;
/// the problems only (no "why", passes counted) when it covers every built-in ruleset.
#[derive(Clone, Copy)]
struct Detail {
    why: bool,
    passes: bool,
    /// Fixes shortened to their first sentences (only when the budget demands it).
    short_fixes: bool,
}

/// A fix as a table cell: whole, since a cut command is worse than none. Shortened only when
/// `short`, and then only at the end of a sentence outside a code span, keeping at least the
/// first sentence, with a pointer to the rest.
fn fix_cell(fix: &str, short: bool, id: &str) -> String {
    if !short || fix.chars().count() <= MAX_CELL {
        return cell_n(fix, usize::MAX);
    }
    let cut = sentence_cut(fix, MAX_CELL);
    if cut >= fix.len() {
        return cell_n(fix, usize::MAX);
    }
    let head = fix[..cut].trim_end();
    cell_n(
        &format!("{head} (the rest: `aidoctor rules show {id}`)"),
        usize::MAX,
    )
}

/// The byte offset after the last sentence that ends within `max` characters (outside a code
/// span); after the first sentence when none does; the whole text when it has one sentence.
fn sentence_cut(s: &str, max: usize) -> usize {
    let mut in_code = false;
    let mut best = None;
    let mut chars = s.char_indices().enumerate().peekable();
    while let Some((n, (i, c))) = chars.next() {
        if c == '`' {
            in_code = !in_code;
            continue;
        }
        let ends = matches!(c, '.' | '!' | '?')
            && !in_code
            && chars
                .peek()
                .is_some_and(|(_, (_, next))| next.is_whitespace());
        if ends {
            let at = i + c.len_utf8();
            if n < max || best.is_none() {
                best = Some(at);
            }
            if n >= max {
                break;
            }
        }
    }
    best.unwrap_or(s.len())
}

fn ruleset_block(rs: &RulesetReport, d: Detail, out: &mut String) {
    let c = rs.counts();
    let icon = if c.fail > 0 {
        "❌"
    } else if c.warnings() > 0 {
        "⚠️"
    } else if c.not_applicable() {
        "➖"
    } else {
        "✅"
    };
    let _ = writeln!(
        out,
        "<details{}><summary>{icon} <b>{}</b> (<code>{}</code>): {}</summary>\n",
        if c.fail > 0 { " open" } else { "" },
        html(&rs.title),
        html(&rs.id),
        html(&counts_line(rs))
    );
    for n in &rs.notices {
        let _ = writeln!(out, "> **Note:** {}\n", cell(n));
    }
    let mut problems: Vec<_> = rs
        .results
        .iter()
        .filter(|r| r.outcome.is_problem() || r.outcome == Outcome::Info)
        .collect();
    problems.sort_by_key(|r| r.outcome.rank());
    if !problems.is_empty() {
        if d.why {
            out.push_str("| | Rule | Why | Fix |\n|---|---|---|---|\n");
        } else {
            out.push_str("| | Rule | Fix |\n|---|---|---|\n");
        }
        for r in problems {
            let fix = match (&r.unknown_reason, &r.find_out) {
                (Some(u), Some(f)) => format!("{u}. Find out: {f}"),
                (Some(u), None) => format!("{u}."),
                _ => r.fix.clone().unwrap_or_default(),
            };
            let why = if d.why {
                format!(" {} |", cell(&r.why))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "| {} {} | {} (`{}`) |{why} {} |",
                mark(r.outcome),
                r.outcome.as_str(),
                cell(&r.title),
                cell(&r.id),
                fix_cell(fix.trim(), d.short_fixes, &r.id)
            );
        }
        out.push('\n');
    }
    let passed: Vec<String> = rs
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Pass)
        .map(|r| cell(&r.title))
        .collect();
    if !passed.is_empty() {
        if d.passes {
            let _ = writeln!(out, "Passed: {}.\n", passed.join("; "));
        } else {
            let _ = writeln!(
                out,
                "Passed: {} {} (list omitted for length).\n",
                passed.len(),
                if passed.len() == 1 { "rule" } else { "rules" }
            );
        }
    }
    let _ = writeln!(
        out,
        "<sub>Ruleset from {}, facts checked {}.</sub>\n\n</details>\n",
        cell(&rs.origin),
        cell(&rs.checked)
    );
}

/// The whole report as a string, within [`BUDGET`].
pub fn report_markdown(report: &Report) -> String {
    let focused = report.rulesets.len() <= 2;
    let full = build(
        report,
        Detail {
            why: focused,
            passes: focused,
            short_fixes: false,
        },
    );
    if full.chars().count() <= BUDGET {
        return full;
    }
    let short = build(
        report,
        Detail {
            why: false,
            passes: false,
            short_fixes: false,
        },
    );
    if short.chars().count() <= BUDGET {
        return short;
    }
    let short = build(
        report,
        Detail {
            why: false,
            passes: false,
            short_fixes: true,
        },
    );
    if short.chars().count() <= BUDGET {
        return short;
    }
    // Still too long (thousands of rules): cut at a line and say so.
    let note = "\n\n**Report cut to fit GitHub's size limit; attach `aidoctor report --format json` for the rest.**\n";
    let mut out = String::new();
    for line in short.lines() {
        if out.chars().count() + line.chars().count() + note.len() + 1 > BUDGET {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    // Close any <details> left open by the cut, so the rest of the issue renders.
    let open = out.matches("<details").count();
    let closed = out.matches("</details>").count();
    for _ in closed..open {
        out.push_str("\n</details>\n");
    }
    out.push_str(note);
    out
}

fn build(report: &Report, d: Detail) -> String {
    let f = &report.facts;
    let mut out = String::new();
    out.push_str("### Environment (aidoctor report)\n\n");
    let _ = writeln!(out, "**{}**\n", cell(&summary_line(f)));
    let c = report.counts();
    let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    let _ = writeln!(
        out,
        "{}, {}, {}, {} across {} (platform: {}).\n",
        n(c.fail, "failure", "failures"),
        n(c.warn, "warning", "warnings"),
        n(c.unknown, "unknown", "unknown"),
        n(c.pass, "passed", "passed"),
        n(report.rulesets.len(), "ruleset", "rulesets"),
        crate::report::platform_key(f)
    );
    facts_table(f, &mut out);
    out.push('\n');
    // Rulesets with problems first; then the rest in their given order.
    let mut rulesets: Vec<&RulesetReport> = report.rulesets.iter().collect();
    rulesets.sort_by_key(|rs| {
        let c = rs.counts();
        (c.fail == 0, c.warnings() == 0)
    });
    // Without a focus, rulesets with nothing to say are one line, not a block each.
    let mut quiet = Vec::new();
    for rs in rulesets {
        let c = rs.counts();
        if !d.passes && c.fail + c.warnings() == 0 && rs.notices.is_empty() {
            quiet.push(format!(
                "{} `{}` ({})",
                if c.not_applicable() { "➖" } else { "✅" },
                cell(&rs.id),
                cell(&counts_line(rs))
            ));
        } else {
            ruleset_block(rs, d, &mut out);
        }
    }
    if !quiet.is_empty() {
        let _ = writeln!(out, "Also checked: {}.\n", quiet.join("; "));
    }
    let _ = writeln!(
        out,
        "<sub>Generated by aidoctor {}. {}</sub>",
        env!("CARGO_PKG_VERSION"),
        if report.redacted {
            "Redacted: host name, user name, UUIDs, serial numbers, MAC/IP addresses and secrets were removed."
        } else {
            "NOT redacted (--no-redact): it may contain host name, user name, serial numbers, addresses and secrets."
        }
    );
    out
}

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    w.write_all(report_markdown(report).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{GpuProcess, ProcessKind, Vendor};

    fn gfm_html(md: &str) -> String {
        let mut o = comrak::Options::default();
        o.extension.table = true;
        o.render.r#unsafe = true;
        comrak::markdown_to_html(md, &o)
    }

    #[test]
    fn renders_as_gfm_with_a_table_and_details() {
        let md = report_markdown(&crate::render::sample::report());
        let html = gfm_html(&md);
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<details open><summary>"), "{html}");
        assert!(html.contains("</details>"));
        // The rule table inside <details> rendered as a table too (blank line after summary).
        assert_eq!(html.matches("<table>").count(), 2, "{html}");
        // The failure comes before the warning, and both before the pass line.
        let fail = md.find("Driver &gt;= 550").unwrap();
        let warn = md.find("RAM 32000 MiB").unwrap();
        let pass = md.find("Passed: Linux").unwrap();
        assert!(fail < warn && warn < pass, "{md}");
        // Title text with HTML characters is escaped, not rendered as tags.
        assert!(md.contains("Demo &lt;&amp;&gt; \"project\""), "{md}");
        assert!(md.contains("NOT redacted"));
    }

    #[test]
    fn summary_line_groups_gpus() {
        let mut f = Facts::new();
        f.set("os.pretty_name", "Ubuntu 22.04.4 LTS");
        f.set("wsl.version", 2u64);
        f.set("nvidia.driver_version", "550.54.15");
        f.set("nvidia.cuda_version", "12.4");
        f.set("docker.server_version", "26.1.0");
        f.set("python.version", "3.11.9");
        f.set("torch.version", "2.3.0+cu121");
        for _ in 0..2 {
            let mut g = Gpu::new(Vendor::Nvidia);
            g.name = Some("NVIDIA GeForce RTX 4090".into());
            g.vram_total_mib = Some(24564);
            f.gpus.push(g);
        }
        assert_eq!(
            summary_line(&f),
            "Ubuntu 22.04.4 LTS · WSL2 · 2× NVIDIA GeForce RTX 4090 (24 GiB) · driver 550.54.15 · CUDA 12.4 · Docker 26.1.0 · Python 3.11.9 / PyTorch 2.3.0+cu121"
        );
    }

    /// A 16-GPU box, each GPU with 200 processes with long names, and a ruleset of 500
    /// rules, still fits GitHub's limit and renders.
    #[test]
    fn a_huge_machine_stays_under_githubs_limit() {
        let mut r = crate::render::sample::report();
        r.facts.gpus.clear();
        for i in 0..16u32 {
            let mut g = Gpu::new(Vendor::Nvidia);
            g.name = Some("NVIDIA H100 80GB HBM3".into());
            g.index = Some(i);
            g.vram_total_mib = Some(81559);
            g.pci_address = Some(format!("0000:{:02x}:00.0", i + 1));
            for p in 0..200 {
                g.processes.push(GpuProcess {
                    pid: Some(p),
                    name: format!(
                        "/opt/very/long/path/to/some/python/env/bin/python3.11 worker {p}"
                    ),
                    kind: ProcessKind::Compute,
                    used_mib: Some(1000),
                });
            }
            r.facts.gpus.push(g);
        }
        let base = r.rulesets[0].results.clone();
        for i in 0..500 {
            let mut x = base[i % base.len()].clone();
            x.id = format!("demo/r{i}");
            x.why = "w".repeat(400);
            r.rulesets[0].results.push(x);
        }
        let md = report_markdown(&r);
        assert!(md.chars().count() <= GITHUB_BODY_LIMIT, "{}", md.len());
        assert!(
            md.contains("and 195 more"),
            "process lists are capped with a note"
        );
        let html = gfm_html(&md);
        assert!(html.contains("<table>"));
        assert_eq!(
            md.matches("<details").count(),
            md.matches("</details>").count()
        );
        // 32 GPUs: the table lists 16 and counts the rest.
        let more = r.facts.gpus.clone();
        r.facts.gpus.extend(more);
        let md = report_markdown(&r);
        assert!(md.contains("16 more GPUs not listed"), "{md}");
        assert!(md.chars().count() <= GITHUB_BODY_LIMIT);
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc<d>"), "a\\|b<br>c&lt;d&gt;");
        // Code spans keep their text: entities are not decoded inside them.
        assert_eq!(
            cell("run `a && b | c` & <x>"),
            "run `a && b \\| c` &amp; &lt;x&gt;"
        );
        let html = super::tests::gfm_html(&format!("| a |\n|---|\n| {} |\n", cell("`x && y | z`")));
        assert!(html.contains("<code>x &amp;&amp; y | z</code>"), "{html}");
        assert!(cell(&"x".repeat(1000)).chars().count() <= MAX_CELL + 1);
    }
}
