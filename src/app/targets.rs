//! What `aidoctor check` checks: built-in ruleset ids, or paths to ruleset files.

use super::AppError;
use crate::rules::{self, Ruleset, RulesetError};
use std::path::Path;

/// A ruleset to evaluate and where it came from (`builtin`, a path, later a URL).
pub struct Target {
    pub ruleset: Ruleset,
    pub origin: String,
}

/// Resolve every target, collecting the errors of all of them. No target: `host`.
pub fn resolve(args: &[String], project: Option<&Path>) -> Result<Vec<Target>, AppError> {
    if let Some(dir) = project {
        // TODO(sharing): load aidoctor.yaml / .aidoctor.yaml at the root of `dir`.
        return Err(AppError::Usage(format!(
            "--project {}: project rulesets are not supported yet",
            dir.display()
        )));
    }
    let default = ["host".to_string()];
    let args: &[String] = if args.is_empty() { &default } else { args };
    let builtins = rules::builtin();
    let mut out = Vec::new();
    let mut errors: Vec<RulesetError> = Vec::new();
    for a in args {
        if a.starts_with("https://") || a.starts_with("http://") {
            // TODO(sharing): fetch (with cache, --offline and #sha256= pinning) via crate::remote.
            return Err(AppError::Usage(format!(
                "{a}: rulesets from URLs are not supported yet"
            )));
        }
        if let Some(rs) = builtins.iter().find(|r| r.id.value == *a) {
            out.push(Target {
                ruleset: rs.clone(),
                origin: "builtin".into(),
            });
            continue;
        }
        let path = Path::new(a);
        let looks_like_file = path.exists() || a.ends_with(".yaml") || a.ends_with(".yml");
        if !looks_like_file {
            let ids: Vec<&str> = builtins.iter().map(|r| r.id.value.as_str()).collect();
            return Err(AppError::Usage(format!(
                "unknown ruleset `{a}`: built-in rulesets are {}; or give a path to a ruleset file",
                if ids.is_empty() {
                    "(none)".to_string()
                } else {
                    ids.join(", ")
                }
            )));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::Io(format!("cannot read ruleset {a}"), e))?;
        match rules::load_str(&text, a) {
            Ok(rs) => out.push(Target {
                ruleset: rs,
                origin: a.clone(),
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
