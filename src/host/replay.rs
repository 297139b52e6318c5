//! A recorded machine, answered from a snapshot directory.

use super::snapshot::{self, RecordedCommand, Snapshot};
use super::{
    CommandOutput, Host, MAX_FILE_BYTES, Memory, PathAccess, Platform, RegValue, SpawnError,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A snapshot that cannot be replayed, with where the problem is.
#[derive(Debug)]
pub struct SnapshotError {
    pub path: PathBuf,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SnapshotError {}

pub struct ReplayHost {
    dir: PathBuf,
    snap: Snapshot,
    commands: BTreeMap<Vec<String>, RecordedCommand>,
    /// Make commands take time, as real tools do (benchmarks).
    latency: Option<Latency>,
}

/// How long replayed commands take: as recorded (`duration_ms`), or as a spec says
/// ("nvidia-smi=300,docker info=100": the longest key that prefixes the command line wins).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Latency {
    pub rules: Vec<(String, Duration)>,
}

impl Latency {
    /// Parse "CMD PREFIX=MS,CMD PREFIX=MS"; empty = as recorded.
    pub fn parse(spec: &str) -> Result<Latency, String> {
        let mut rules = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .rsplit_once('=')
                .ok_or_else(|| format!("latency {part:?}: expected COMMAND=MILLISECONDS"))?;
            let ms: u64 = v
                .trim()
                .parse()
                .map_err(|_| format!("latency {part:?}: {v:?} is not a number of milliseconds"))?;
            rules.push((k.trim().to_string(), Duration::from_millis(ms)));
        }
        Ok(Latency { rules })
    }

    fn for_command(&self, argv: &[&str], recorded: Option<Duration>) -> Option<Duration> {
        let line = argv.join(" ");
        let name = |a: &str| {
            a.rsplit(['/', '\\'])
                .next()
                .unwrap_or(a)
                .trim_end_matches(".exe")
                .to_string()
        };
        let short = std::iter::once(argv.first().map(|a| name(a)).unwrap_or_default())
            .chain(argv.iter().skip(1).map(|a| a.to_string()))
            .collect::<Vec<_>>()
            .join(" ");
        self.rules
            .iter()
            .filter(|(k, _)| line.starts_with(k.as_str()) || short.starts_with(k.as_str()))
            .max_by_key(|(k, _)| k.len())
            .map(|(_, d)| *d)
            .or(recorded)
    }
}

/// The most a snapshot.yaml may weigh: bigger is not a snapshot we wrote.
const MAX_SNAPSHOT_BYTES: u64 = 64 * 1024 * 1024;

impl ReplayHost {
    pub fn open(dir: &Path) -> Result<ReplayHost, SnapshotError> {
        let path = dir.join(snapshot::SNAPSHOT_FILE);
        let err = |message: String| SnapshotError {
            path: path.clone(),
            line: None,
            column: None,
            message,
        };
        if !dir.is_dir() {
            return Err(SnapshotError {
                path: dir.to_path_buf(),
                line: None,
                column: None,
                message: "not a snapshot directory (it does not exist or is not a directory)"
                    .into(),
            });
        }
        let mut text = String::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_SNAPSHOT_BYTES).read_to_string(&mut text))
            .map_err(|e| err(format!("cannot read: {e}")))?;
        let snap: Snapshot = crate::yaml::from_str(&text).map_err(|e| {
            let loc = e.location();
            SnapshotError {
                path: path.clone(),
                line: loc.as_ref().map(|l| l.line()),
                column: loc.as_ref().map(|l| l.column()),
                message: crate::yaml::message(&e),
            }
        })?;
        if snap.format != snapshot::FORMAT {
            // Point at the `format:` line (a top-level key, so at the start of a line).
            let line = text
                .lines()
                .position(|l| l.starts_with("format:"))
                .map(|i| i as u64 + 1);
            return Err(SnapshotError {
                line,
                column: line.map(|_| 9),
                ..err(format!(
                    "snapshot format {} is not supported (this aidoctor reads format {})",
                    snap.format,
                    snapshot::FORMAT
                ))
            });
        }
        let mut commands = BTreeMap::new();
        for c in &snap.commands {
            for (name, file) in [
                ("stdout_file", &c.stdout_file),
                ("stderr_file", &c.stderr_file),
            ] {
                if let Some(f) = file {
                    let p = dir.join(f);
                    if f.contains("..") || !p.is_file() {
                        return Err(err(format!(
                            "command {:?}: {name} {f:?} is not a file in the snapshot",
                            c.argv
                        )));
                    }
                }
            }
            commands.insert(snapshot::argv_key(&c.argv), c.clone());
        }
        Ok(ReplayHost {
            dir: dir.to_path_buf(),
            snap,
            commands,
            latency: None,
        })
    }

    /// Make each command take as long as `latency` says (capped by its timeout).
    pub fn with_latency(mut self, latency: Option<Latency>) -> Self {
        self.latency = latency;
        self
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snap
    }

    fn file_path(&self, path: &str) -> Option<PathBuf> {
        snapshot::file_rel_path(path).map(|rel| self.dir.join(rel))
    }

    fn read_output(&self, inline: &Option<String>, file: &Option<String>) -> Vec<u8> {
        if let Some(f) = file {
            return std::fs::read(self.dir.join(f)).unwrap_or_default();
        }
        inline.clone().unwrap_or_default().into_bytes()
    }
}

/// What the OS says of a missing file (ENOENT / ERROR_FILE_NOT_FOUND, both 2), so that a
/// replayed machine reads exactly like the live one did.
fn not_found() -> io::Error {
    io::Error::from_raw_os_error(2)
}

impl Host for ReplayHost {
    fn platform(&self) -> Platform {
        self.snap.platform
    }

    fn arch(&self) -> String {
        self.snap.arch.clone()
    }

    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        let p = self.file_path(path).ok_or_else(not_found)?;
        if let Some(a) = self.snap.paths.get(path)
            && a.exists
            && !a.readable
        {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "recorded as unreadable",
            ));
        }
        if !p.is_file() {
            return Err(not_found());
        }
        let mut buf = Vec::new();
        std::fs::File::open(p)?
            .take(MAX_FILE_BYTES)
            .read_to_end(&mut buf)?;
        Ok(buf)
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        let mut names = BTreeSet::new();
        let mut found = false;
        if let Some(p) = self.file_path(path)
            && let Ok(rd) = std::fs::read_dir(&p)
        {
            found = true;
            for e in rd.flatten() {
                names.insert(e.file_name().to_string_lossy().into_owned());
            }
        }
        let prefix = format!("{}/", path.trim_end_matches('/'));
        for (p, a) in &self.snap.paths {
            if let Some(rest) = p.strip_prefix(&prefix) {
                found = true;
                let child = rest.split('/').next().unwrap_or("");
                // A path recorded as absent does not make its parent list it.
                if !child.is_empty() && (a.exists || rest.contains('/')) {
                    names.insert(child.to_string());
                }
            } else if p.trim_end_matches('/') == path.trim_end_matches('/') && a.exists {
                found = true;
            }
        }
        if found {
            Ok(names.into_iter().collect())
        } else {
            Err(not_found())
        }
    }

    fn access(&self, path: &str) -> PathAccess {
        if let Some(a) = self.snap.paths.get(path) {
            return *a;
        }
        match self.file_path(path) {
            Some(p) if p.exists() => PathAccess {
                exists: true,
                readable: true,
                writable: false,
            },
            _ => PathAccess::default(),
        }
    }

    fn run(&self, argv: &[&str], timeout: Duration) -> CommandOutput {
        let Some(c) = self.commands.get(&snapshot::argv_key(argv)) else {
            return CommandOutput::not_found();
        };
        let delay = self
            .latency
            .as_ref()
            .and_then(|l| l.for_command(argv, c.duration_ms.map(Duration::from_millis)));
        if let Some(d) = delay {
            std::thread::sleep(d.min(timeout));
        }
        let spawn_error = c.spawn_error.as_deref().map(|e| match e {
            "not_found" => SpawnError::NotFound,
            "permission_denied" => SpawnError::PermissionDenied,
            other => SpawnError::Other(other.to_string()),
        });
        // A command that took longer at capture than we now allow times out here too.
        let too_slow = delay.is_some_and(|d| d > timeout);
        CommandOutput {
            exit: if too_slow { None } else { c.exit },
            timed_out: c.timed_out || too_slow,
            signal: c.signal,
            stdout: self.read_output(&c.stdout, &c.stdout_file),
            stderr: self.read_output(&c.stderr, &c.stderr_file),
            truncated: false,
            spawn_error,
        }
    }

    fn which(&self, name: &str) -> Option<String> {
        self.snap.executables.get(name).cloned()
    }

    fn env(&self, name: &str) -> Option<String> {
        self.snap.env.get(name).cloned()
    }

    fn groups(&self) -> Vec<String> {
        self.snap.user.groups.clone()
    }

    fn cwd(&self) -> Option<String> {
        self.snap.cwd.clone()
    }

    fn free_disk_bytes(&self) -> Option<u64> {
        self.snap.disk_free_bytes
    }

    fn memory(&self) -> Option<Memory> {
        self.snap.memory
    }

    fn registry(&self, key: &str, name: &str) -> Option<RegValue> {
        self.snap.registry.get(key)?.get(name).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_spec_longest_prefix_wins() {
        let l = Latency::parse("docker=11, docker info=100,nvidia-smi=300").unwrap();
        let ms = |argv: &[&str]| l.for_command(argv, None).map(|d| d.as_millis());
        assert_eq!(ms(&["docker", "info", "--format", "{{json .}}"]), Some(100));
        assert_eq!(ms(&["docker", "version"]), Some(11));
        assert_eq!(ms(&["/usr/lib/wsl/lib/nvidia-smi", "-q"]), Some(300));
        assert_eq!(ms(&["rocminfo"]), None);
        assert!(Latency::parse("x=abc").is_err());
        assert_eq!(Latency::parse("").unwrap(), Latency::default());
    }
}
