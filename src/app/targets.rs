//! What `aidoctor check` checks: built-in ruleset ids, paths to ruleset files, https:// URLs
//! (see [`crate::remote`]), and a project's own `aidoctor.yaml` (`--project DIR`).

use super::AppError;
use crate::rules::{self, Ruleset, RulesetError};
use std::path::Path;

/// A ruleset to evaluate and where it came from (`builtin`, a path, later a URL).
pub struct Target {
    pub ruleset: Ruleset,
    pub origin: String,
    /// What the report should say about how it was obtained (a cached copy used offline).
    pub notices: Vec<String>,
}

/// The file names `--project DIR` looks for at the root of a checkout, in order.
pub const PROJECT_FILES: &[&str] = &["aidoctor.yaml", ".aidoctor.yaml"];

/// The ruleset file at the root of a project checkout.
pub fn project_file(dir: &Path) -> Result<std::path::PathBuf, AppError> {
    if !dir.is_dir() {
        return Err(AppError::Usage(format!(
            "--project {}: not a directory",
            dir.display()
        )));
    }
    PROJECT_FILES
        .iter()
        .map(|n| dir.join(n))
        // Whatever is there is the project's file: a FIFO or a device under that name is
        // refused by name when it is read, not silently passed over.
        .find(|p| std::fs::symlink_metadata(p).is_ok())
        .ok_or_else(|| {
            AppError::Usage(format!(
                "--project {}: no aidoctor.yaml or .aidoctor.yaml at its root",
                dir.display()
            ))
        })
}

/// Resolve every target, collecting the errors of all of them. No target: `host`.
/// `offline`: remote rulesets come from the cache only.
pub fn resolve(
    args: &[String],
    project: Option<&Path>,
    offline: bool,
) -> Result<Vec<Target>, AppError> {
    let mut args: Vec<String> = args.to_vec();
    if let Some(dir) = project {
        args.push(project_file(dir)?.to_string_lossy().into_owned());
    }
    if args.is_empty() {
        args.push("host".to_string());
    }
    let mut out = Vec::new();
    let mut errors: Vec<RulesetError> = Vec::new();
    for a in &args {
        if a.contains("://") {
            match crate::remote::load(a, offline) {
                Ok(l) => out.push(Target {
                    ruleset: l.ruleset,
                    origin: l.url,
                    notices: l.notices,
                }),
                Err(crate::remote::RemoteError::Ruleset(e)) => errors.extend(e),
                Err(crate::remote::RemoteError::Fetch(m)) => return Err(AppError::Usage(m)),
            }
            continue;
        }
        if let Some(rs) = rules::load::builtin_one(a) {
            out.push(Target {
                ruleset: rs,
                origin: "builtin".into(),
                notices: Vec::new(),
            });
            continue;
        }
        let path = Path::new(a);
        let looks_like_file = path.exists() || a.ends_with(".yaml") || a.ends_with(".yml");
        if !looks_like_file {
            let ids = rules::load::builtin_ids();
            return Err(AppError::Usage(format!(
                "unknown ruleset `{a}`: built-in rulesets are {}; or give a path to a ruleset file",
                if ids.is_empty() {
                    "(none)".to_string()
                } else {
                    ids.join(", ")
                }
            )));
        }
        let text = rules::load::read_file(path)
            .map_err(|e| AppError::Io(format!("cannot read ruleset {a}"), e))?;
        match rules::load_str(&text, a) {
            Ok(rs) => out.push(Target {
                ruleset: rs,
                origin: a.clone(),
                notices: Vec::new(),
            }),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Ruleset(errors))
    }
}

/// Evaluate every target on the facts: the report each renderer reads. A built-in ruleset
/// whose facts are older than six months on `today` says so.
pub fn report(targets: &[Target], facts: crate::facts::Facts, today: i64) -> crate::report::Report {
    crate::report::Report {
        rulesets: targets
            .iter()
            .map(|t| {
                let mut r = rules::evaluate(&t.ruleset, &facts, &t.origin);
                r.notices.extend(t.notices.iter().cloned());
                if t.origin == "builtin" {
                    r.notices
                        .extend(crate::age::stale_notice(&r.checked, today));
                }
                r
            })
            .collect(),
        facts,
        redacted: false,
    }
}
