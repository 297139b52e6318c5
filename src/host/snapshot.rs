//! The snapshot directory, format 1: a recorded machine.
//!
//! ```text
//! DIR/snapshot.yaml      this file's `Snapshot`
//! DIR/files/<path>       every file a probe read, at its absolute path without the leading '/'
//! DIR/commands/*.txt     outputs YAML cannot hold verbatim (see `stdout_file`)
//! ```

use super::{Memory, PathAccess, Platform, RegValue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FORMAT: u32 = 1;
pub const SNAPSHOT_FILE: &str = "snapshot.yaml";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub format: u32,
    pub platform: Platform,
    pub arch: String,
    /// Free text: where the recorded outputs came from. Fixtures cite their sources here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The aidoctor version that recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    /// False when recorded with `--no-redact`.
    #[serde(default = "yes")]
    pub redacted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_free_bytes: Option<u64>,
    /// Memory size as an OS call gave it (Windows); Linux snapshots keep /proc/meminfo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Memory>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub user: User,
    #[serde(default)]
    pub executables: BTreeMap<String, String>,
    #[serde(default)]
    pub paths: BTreeMap<String, PathAccess>,
    #[serde(default)]
    pub commands: Vec<RecordedCommand>,
    /// Windows registry values a probe read: key (`HKLM\...`) -> value name -> value.
    /// A key or value not listed did not exist.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub registry: BTreeMap<String, BTreeMap<String, RegValue>>,
    /// The DRM client scan (`Host::drm_fdinfo`); absent when it was not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drm_fdinfo: Option<super::DrmFdinfoScan>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    #[serde(default)]
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedCommand {
    pub argv: Vec<String>,
    /// `null` when it could not start, timed out or was killed by a signal.
    pub exit: Option<i32>,
    #[serde(default)]
    pub timed_out: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    /// How long it took at capture; replay can reproduce it (benchmarks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Why it could not start: `not_found`, `permission_denied` or a message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spawn_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdout_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stderr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stderr_file: Option<String>,
}

/// The argument vector as it is matched in replay: an inline script (`python3 -c SCRIPT`)
/// is matched by position, not by its text, so improving a script does not orphan every
/// recorded machine.
pub fn argv_key<S: AsRef<str>>(argv: &[S]) -> Vec<String> {
    let mut key = Vec::with_capacity(argv.len());
    let mut after_c = false;
    for a in argv {
        let a = a.as_ref();
        if after_c {
            key.push(SCRIPT_PLACEHOLDER.to_string());
        } else {
            key.push(a.to_string());
        }
        after_c = a == "-c" && key.len() == 2;
    }
    key
}

pub const SCRIPT_PLACEHOLDER: &str = "<script>";

/// Where a file at absolute `path` lives under `DIR/files/`.
pub fn file_rel_path(path: &str) -> Option<String> {
    let p = path.replace('\\', "/");
    let p = p.trim_start_matches('/');
    // "C:/Windows/..." -> "C/Windows/..."
    let p = match p.split_once(':') {
        Some((drive, rest)) if drive.len() == 1 => format!("{drive}{rest}"),
        _ => p.to_string(),
    };
    if p.is_empty() || p.split('/').any(|c| c == ".." || c == ".") {
        return None;
    }
    Some(format!("files/{}", p.trim_end_matches('/')))
}

/// True when `s` survives a YAML literal block unchanged: what is written is what is read.
pub fn yaml_safe_text(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let first = s.lines().find(|l| !l.is_empty()).unwrap_or("");
    s.chars()
        .all(|c| c == '\n' || (!c.is_control() && c != '\u{feff}' && c != '\u{fffd}'))
        && !first.starts_with(' ')
        && !s.starts_with('\n')
        && s.lines().all(|l| l.trim_end() == l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_match_by_position() {
        assert_eq!(
            argv_key(&["python3", "-c", "print(1)"]),
            vec!["python3", "-c", "<script>"]
        );
        assert_eq!(argv_key(&["nvidia-smi", "-q"]), vec!["nvidia-smi", "-q"]);
        // only a -c in first position introduces a script
        assert_eq!(argv_key(&["x", "y", "-c", "z"]), vec!["x", "y", "-c", "z"]);
    }

    #[test]
    fn file_paths_map_under_files() {
        assert_eq!(
            file_rel_path("/etc/os-release").unwrap(),
            "files/etc/os-release"
        );
        assert_eq!(
            file_rel_path("C:\\Windows\\x.txt").unwrap(),
            "files/C/Windows/x.txt"
        );
        assert!(file_rel_path("/etc/../root/.ssh/id_rsa").is_none());
    }

    #[test]
    fn yaml_safety() {
        assert!(yaml_safe_text("a\nb\n"));
        assert!(!yaml_safe_text("\u{1b}[37mx"));
        assert!(!yaml_safe_text("  leading"));
        assert!(!yaml_safe_text("trailing \n"));
    }
}
