//! `aidoctor` with no command: the machine in one line per area, one line per built-in
//! ruleset, then the top fixes. Exits as `aidoctor check host` does.

use super::{AppError, Probed, out_err};
use crate::cli::{ColorChoice, ProbeArgs};
use crate::facts::Facts;
use crate::render::facts_text::value_text;
use crate::render::style::Styler;
use crate::render::text::{counts_line, styled_mark};
use crate::report::{Exit, Outcome, Report, RuleResult, RulesetReport};
use crate::rules::{builtin, evaluate};
use std::io::Write;

/// How many fixes the summary lists.
const TOP_FIXES: usize = 5;

pub fn run(p: &ProbeArgs, color: ColorChoice, strict: bool, quiet: bool) -> Result<Exit, AppError> {
    let (Probed { g, redactor }, rulesets) = super::gather_quietly(p, quiet, builtin)?;
    let reports: Vec<RulesetReport> = rulesets
        .iter()
        .map(|rs| evaluate(rs, &g.facts, "builtin"))
        .collect();
    // Identifiers stay off the screen (and out of pasted terminal logs): issue sharing.
    let all = super::shown(
        &Report {
            facts: g.facts,
            rulesets: reports,
            redacted: false,
        },
        Some(&redactor),
    );
    let s = Styler::for_stdout(color);
    let mut w = super::output::stdout();
    render(&all.facts, &all.rulesets, quiet, super::today(), &s, &mut w).map_err(out_err)?;
    let host = Report {
        facts: all.facts,
        rulesets: all
            .rulesets
            .into_iter()
            .filter(|r| r.id == "host")
            .collect(),
        redacted: true,
    };
    Ok(host.exit(strict))
}

/// One line per area of the machine: (label, text).
pub fn system_lines(f: &Facts) -> Vec<(&'static str, String)> {
    let get = |n: &str| f.get(n).map(value_text);
    let mut lines = Vec::new();
    let os = get("os.pretty_name")
        .or_else(|| {
            let parts: Vec<String> = ["os.id", "os.version"]
                .iter()
                .filter_map(|n| get(n))
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })
        .or_else(|| get("os.family"))
        .unwrap_or_else(|| "unknown".into());
    let mut os_line = os;
    // Windows' "build 10.0.22621.1105" already is its kernel version.
    if let Some(k) = get("os.kernel").filter(|k| !os_line.contains(k.as_str())) {
        os_line.push_str(&format!(", kernel {k}"));
    }
    if let Some(v) = get("wsl.version") {
        os_line.push_str(&format!(", WSL{v}"));
        if let Some(d) = get("wsl.distro") {
            os_line.push_str(&format!(" ({d})"));
        }
    }
    if let Some(t) = get("memory.total_mib") {
        os_line.push_str(&format!(", RAM {t} MiB"));
        if let Some(a) = get("memory.available_mib") {
            os_line.push_str(&format!(" ({a} MiB free)"));
        }
    }
    if let Some(d) = get("disk.free_gib") {
        os_line.push_str(&format!(", disk {d} GiB free"));
    }
    lines.push(("System", os_line));
    let gpus = if f.gpus.is_empty() {
        "no GPU found".to_string()
    } else {
        f.gpus
            .iter()
            .map(|g| {
                let name = g
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{} GPU", g.vendor.as_str()));
                match g.vram_total_mib {
                    Some(v) => format!("{name} ({v} MiB)"),
                    None => name,
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    lines.push(("GPUs", gpus));
    let area = |name: &str, ok: Option<String>| -> Option<String> {
        ok.or_else(|| {
            f.error_for(&format!("{name}.x")).map(|(c, m)| match m {
                Some(m) => format!("{c}: {m}"),
                None => c,
            })
        })
    };
    let nvidia = get("nvidia.driver_version").map(|d| match get("nvidia.cuda_version") {
        Some(c) => format!("driver {d}, CUDA {c}"),
        None => format!("driver {d}"),
    });
    if let Some(n) = area("nvidia", nvidia).filter(|n| !n.starts_with("not_installed")) {
        lines.push(("NVIDIA", n));
    }
    if let Some(r) = area("rocm", get("rocm.version")).filter(|r| !r.starts_with("not_installed")) {
        lines.push(("ROCm", r));
    }
    let docker = get("docker.server_version")
        .or_else(|| get("docker.client_version"))
        .map(|v| {
            let gpu = match f.get_bool("docker.gpu_runtime") {
                Some(true) => ", GPU runtime",
                Some(false) => ", no GPU runtime",
                None => "",
            };
            // Only the client answered: say why the daemon did not.
            let daemon = match f.get_str("docker.error") {
                Some("daemon_not_running") => " (daemon not running)",
                Some("permission_denied") => " (no permission to use the daemon)",
                Some(_) if f.get("docker.server_version").is_none() => " (daemon did not answer)",
                _ => "",
            };
            format!("{v}{daemon}{gpu}")
        });
    if let Some(d) = area("docker", docker) {
        lines.push(("Docker", d));
    }
    let python = get("python.version").map(|v| {
        let env = get("python.env")
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        let torch = match (get("torch.version"), get("torch.cuda"), get("torch.hip")) {
            (Some(t), Some(c), _) => format!(", PyTorch {t} (CUDA {c})"),
            (Some(t), None, Some(h)) => format!(", PyTorch {t} (ROCm {h})"),
            (Some(t), None, None) if f.get_bool("torch.mps_available") == Some(true) => {
                format!(", PyTorch {t} (MPS)")
            }
            (Some(t), None, None) => format!(", PyTorch {t} (CPU)"),
            (None, ..) => ", no PyTorch".into(),
        };
        format!("{v}{env}{torch}")
    });
    if let Some(py) = area("python", python) {
        lines.push(("Python", py));
    }
    lines
}

/// `quiet`: only the rulesets with something wrong, and the fixes.
pub fn render(
    facts: &Facts,
    reports: &[RulesetReport],
    quiet: bool,
    today: i64,
    s: &Styler,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    if !quiet {
        let lines = system_lines(facts);
        for (label, text) in &lines {
            writeln!(w, "{} {text}", s.bold(&format!("{label:<7}")))?;
        }
        writeln!(w)?;
    }
    let width = reports.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for rs in reports {
        let c = rs.counts();
        let (mark, text) = if c.not_applicable() {
            (s.dim("-"), "not applicable".to_string())
        } else if c.fail > 0 {
            (styled_mark(Outcome::Fail, s), counts_line(rs))
        } else if c.warnings() > 0 {
            (styled_mark(Outcome::Warn, s), counts_line(rs))
        } else {
            (styled_mark(Outcome::Pass, s), "ready".to_string())
        };
        if quiet && c.fail + c.warnings() == 0 {
            continue;
        }
        writeln!(w, "{mark} {:<width$}  {text}", rs.id)?;
    }
    stale_line(reports, today, s, w)?;
    // The same fix from several rulesets (the driver, for host, comfyui and vllm) is said
    // once, naming them.
    let mut fixes: Vec<(&RuleResult, Vec<&str>)> = Vec::new();
    for rs in reports {
        for r in rs
            .results
            .iter()
            .filter(|r| r.outcome.is_problem() && r.fix.is_some())
        {
            match fixes.iter_mut().find(|(f, _)| f.fix == r.fix) {
                Some((f, ids)) => {
                    if r.outcome.rank() < f.outcome.rank() {
                        *f = r;
                    }
                    if !ids.contains(&rs.id.as_str()) {
                        ids.push(&rs.id);
                    }
                }
                None => fixes.push((r, vec![&rs.id])),
            }
        }
    }
    fixes.sort_by_key(|(r, _)| r.outcome.rank());
    for (i, (r, ids)) in fixes.iter().take(TOP_FIXES).enumerate() {
        if i == 0 {
            writeln!(w, "\n{}", s.bold("Top fixes"))?;
        }
        let whose = if ids.len() > 1 {
            format!("{}; for {}", r.id, ids.join(", "))
        } else {
            r.id.clone()
        };
        writeln!(w, "{} {} ({whose})", styled_mark(r.outcome, s), r.title)?;
        let fix = r.fix.as_deref().unwrap_or("");
        writeln!(w, "    {}", fix.trim().replace('\n', "\n    "))?;
    }
    let nothing_to_say = quiet && fixes.is_empty();
    if !reports.is_empty() && !nothing_to_say {
        writeln!(
            w,
            "\nDetails: aidoctor check RULESET (e.g. aidoctor check {})",
            reports[0].id
        )?;
    }
    Ok(())
}

/// One line when built-in rulesets' facts are older than six months, and how to get newer ones.
fn stale_line(
    reports: &[RulesetReport],
    today: i64,
    s: &Styler,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let stale: Vec<(&str, &str, i64)> = reports
        .iter()
        .filter(|r| r.origin == "builtin")
        .filter_map(|r| {
            let age = crate::age::age_days(&r.checked, today)?;
            (age > crate::age::STALE_AFTER_DAYS).then_some((r.id.as_str(), r.checked.as_str(), age))
        })
        .collect();
    let Some(oldest) = stale.iter().max_by_key(|x| x.2) else {
        return Ok(());
    };
    let ids: Vec<&str> = stale.iter().map(|x| x.0).collect();
    writeln!(
        w,
        "{} The built-in rules for {} were checked against their sources more than six months ago (oldest {}, {}): update aidoctor for newer ones, or use the project's own ruleset (`aidoctor check --project DIR`).",
        s.yellow("!"),
        ids.join(", "),
        oldest.1,
        crate::age::describe(oldest.2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_with_its_daemon_down_says_so() {
        let mut f = Facts::new();
        f.set("docker.client_version", "28.2.2");
        f.set_error(
            "docker",
            "daemon_not_running",
            "Cannot connect to the Docker daemon",
        );
        let lines = system_lines(&f);
        let docker = lines.iter().find(|(l, _)| *l == "Docker").unwrap();
        assert_eq!(docker.1, "28.2.2 (daemon not running)");
    }

    #[test]
    fn areas_rulesets_and_top_fixes() {
        let mut report = crate::render::sample::report();
        report.facts.set("os.pretty_name", "Ubuntu 24.04.1 LTS");
        report.facts.set("nvidia.cuda_version", "12.2");
        report.facts.set("python.version", "3.12.3");
        report.facts.set("torch.version", "2.5.1+cu124");
        report.facts.set("torch.cuda", "12.4");
        report.facts.set_error(
            "docker",
            "permission_denied",
            "permission denied on /var/run/docker.sock",
        );
        let mut na = report.rulesets[0].clone();
        na.id = "skipped".into();
        na.results
            .retain(|r: &RuleResult| r.outcome == Outcome::Skip);
        let mut ok = report.rulesets[0].clone();
        ok.id = "fine".into();
        ok.results.retain(|r| r.outcome == Outcome::Pass);
        report.rulesets.push(na);
        report.rulesets.push(ok);
        let mut out = Vec::new();
        let today = crate::age::parse_date("2026-12-01").unwrap();
        render(
            &report.facts,
            &report.rulesets,
            false,
            today,
            &Styler::plain(),
            &mut out,
        )
        .unwrap();
        let t = String::from_utf8(out).unwrap();
        let want_start = "\
System  Ubuntu 24.04.1 LTS, RAM 32000 MiB
GPUs    nvidia GPU
NVIDIA  driver 535.104.05, CUDA 12.2
Docker  permission_denied: permission denied on /var/run/docker.sock
Python  3.12.3, PyTorch 2.5.1+cu124 (CUDA 12.4)

✘ demo     1 failure, 1 warning, 1 unknown, 1 note, 1 passed, 1 skipped
- skipped  not applicable
✔ fine     ready

Top fixes
✘ Driver >= 550 (demo/fail)
    sudo apt install nvidia-driver-550
    sudo reboot
! RAM 32000 MiB (demo/warn)
    Add RAM | or swap

Details:";
        assert!(t.starts_with(want_start), "{t}");
    }

    #[test]
    fn a_fix_shared_by_rulesets_is_listed_once_naming_them() {
        let report = crate::render::sample::report();
        let mut other = report.rulesets[0].clone();
        other.id = "vllm".into();
        let both = [report.rulesets[0].clone(), other];
        let mut out = Vec::new();
        render(&report.facts, &both, false, 0, &Styler::plain(), &mut out).unwrap();
        let t = String::from_utf8(out).unwrap();
        assert_eq!(
            t.matches("sudo apt install nvidia-driver-550").count(),
            1,
            "{t}"
        );
        assert!(
            t.contains("Driver >= 550 (demo/fail; for demo, vllm)"),
            "{t}"
        );
        let mut out = Vec::new();
        render(&report.facts, &both, true, 0, &Styler::plain(), &mut out).unwrap();
        let t = String::from_utf8(out).unwrap();
        assert!(!t.contains("System") && t.contains("Top fixes"), "{t}");
    }
}
