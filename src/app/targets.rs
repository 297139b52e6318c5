//! What `aidoctor check` checks: built-in ruleset ids, paths to ruleset files, https:// URLs
//! (see [`crate::remote`]), and a project's own `aidoctor.yaml` (`--project DIR`).

use super::AppError;
use crate::rules::{self, Ruleset, RulesetError};
use std::ffi::{OsStr, OsString};
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
/// Arguments are OS strings: a ruleset file's path need not be UTF-8.
pub fn resolve(
    args: &[OsString],
    project: Option<&Path>,
    offline: bool,
) -> Result<Vec<Target>, AppError> {
    let mut args: Vec<OsString> = args.to_vec();
    if let Some(dir) = project {
        args.push(project_file(dir)?.into_os_string());
    }
    if args.is_empty() {
        args.push("host".into());
    }
    // `check vllm vllm` checks vllm once.
    let mut seen = std::collections::HashSet::new();
    args.retain(|a| seen.insert(a.clone()));
    let mut out = Vec::new();
    let mut errors: Vec<RulesetError> = Vec::new();
    for raw in &args {
        let a = &raw.to_string_lossy().into_owned();
        // Not UTF-8: only a file's path can be that.
        let text_arg = raw.to_str().is_some();
        if text_arg && a.contains("://") {
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
        if let Some(rs) = rules::load::builtin_one(a).filter(|_| text_arg) {
            out.push(Target {
                ruleset: rs,
                origin: "builtin".into(),
                notices: Vec::new(),
            });
            continue;
        }
        let path = Path::new(raw);
        let looks_like_file =
            !text_arg || a == "-" || path.exists() || a.ends_with(".yaml") || a.ends_with(".yml");
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
        let text = read_source(raw)?;
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

/// The text of a ruleset file, or of standard input for `-`, with the limits of a fetched
/// ruleset (see [`rules::load::read_file`]); not UTF-8 is an error at the line and column of
/// the first bad byte.
pub fn read_source(path: &OsStr) -> Result<String, AppError> {
    use std::io::Read;
    let max = crate::remote::MAX_BYTES;
    let a = &*path.to_string_lossy();
    let name = if path == "-" { "standard input" } else { a };
    let mut bytes = Vec::new();
    let read = if path == "-" {
        std::io::stdin()
            .lock()
            .take(max + 1)
            .read_to_end(&mut bytes)
            .and_then(|n| {
                if n as u64 > max {
                    Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("larger than {}", crate::host::untrusted::size_words(max)),
                    ))
                } else {
                    Ok(n)
                }
            })
    } else {
        use crate::host::untrusted::{Links, read_whole};
        // The user named the file: a link to it is theirs to give.
        read_whole(Path::new(path), max, Links::Follow).map(|b| {
            bytes = b;
            bytes.len()
        })
    };
    read.map_err(|e| AppError::Io(format!("cannot read ruleset {name}"), e))?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, col, byte) = crate::text::utf8_error_at(&e);
        AppError::Usage(format!(
            "{name}:{line}:{col}: not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8"
        ))
    })
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
