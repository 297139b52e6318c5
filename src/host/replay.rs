//! A recorded machine, answered from a snapshot directory.

use super::snapshot::{self, RecordedCommand, Snapshot};
use super::untrusted::{self, Links};
use super::{
    CommandOutput, Host, MAX_FILE_BYTES, MAX_OUTPUT_BYTES, Memory, PathAccess, Platform, RegValue,
    SpawnError,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io;
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

/// Where `stdout_file:` and `stderr_file:` values are in snapshot.yaml, read only when one
/// of them is refused (the [`Snapshot`] itself carries no locations).
#[derive(serde::Deserialize)]
struct LocatedCommands {
    #[serde(default)]
    commands: Vec<LocatedCommand>,
}

#[derive(serde::Deserialize)]
struct LocatedCommand {
    #[serde(default)]
    stdout_file: Option<serde_saphyr::Spanned<String>>,
    #[serde(default)]
    stderr_file: Option<serde_saphyr::Spanned<String>>,
}

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
        let bytes = untrusted::read_whole(&path, MAX_SNAPSHOT_BYTES, Links::Refuse)
            .map_err(|e| err(format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let (line, column, byte) = crate::text::utf8_error_at(&e);
            SnapshotError {
                line: Some(line as u64),
                column: Some(column as u64),
                ..err(format!("not UTF-8 text (byte 0x{byte:02x})"))
            }
        })?;
        let snap: Snapshot = crate::yaml::from_str(&text).map_err(|e| {
            let loc = e.location();
            SnapshotError {
                path: path.clone(),
                line: loc.as_ref().map(|l| l.line()),
                column: loc.as_ref().map(|l| l.column()),
                message: crate::yaml::message_in(&e, &text),
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
        // `snapshot` writes only regular files and directories: a link could lead anywhere
        // on this machine and a FIFO would hang the replay, so either one refuses the lot.
        match untrusted::first_special(dir) {
            Ok(None) => {}
            Ok(Some((p, what))) => {
                return Err(SnapshotError {
                    path: p,
                    line: None,
                    column: None,
                    message: format!(
                        "is {what}; a snapshot holds only regular files and directories"
                    ),
                });
            }
            Err(e) => {
                return Err(SnapshotError {
                    path: dir.to_path_buf(),
                    line: None,
                    column: None,
                    message: format!("cannot list the snapshot: {e}"),
                });
            }
        }
        let mut commands = BTreeMap::new();
        for (i, c) in snap.commands.iter().enumerate() {
            for (name, file) in [
                ("stdout_file", &c.stdout_file),
                ("stderr_file", &c.stderr_file),
            ] {
                let Some(f) = file else { continue };
                let why = if !untrusted::is_plain_relative(f) {
                    Some("must be a relative path inside the snapshot (no `/` in front, no `..`)")
                } else {
                    match untrusted::confined(dir, f)
                        .and_then(|p| untrusted::open_regular(&p, Links::Refuse).map(drop))
                    {
                        Ok(()) => None,
                        Err(_) => Some("is not a file in the snapshot"),
                    }
                };
                if let Some(why) = why {
                    let at = value_location(&text, i, name);
                    return Err(SnapshotError {
                        line: at.map(|(l, _)| l),
                        column: at.map(|(_, c)| c),
                        ..err(format!("command {:?}: {name} {f:?} {why}", c.argv))
                    });
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

    /// The snapshot's copy of the file at absolute `path`, checked to lie inside DIR.
    fn file_path(&self, path: &str) -> Result<PathBuf, io::Error> {
        let rel = snapshot::file_rel_path(path).ok_or_else(not_found)?;
        untrusted::confined(&self.dir, &rel).map_err(replay_error)
    }

    /// A recorded stream, capped as the live host caps it.
    fn read_output(&self, inline: &Option<String>, file: &Option<String>) -> (Vec<u8>, bool) {
        if let Some(f) = file {
            // Checked by `open`; a file that went away since reads as no output.
            return untrusted::confined(&self.dir, f)
                .and_then(|p| untrusted::read_capped(&p, MAX_OUTPUT_BYTES as u64, Links::Refuse))
                .unwrap_or_default();
        }
        let mut b = inline.clone().unwrap_or_default().into_bytes();
        let over = b.len() > MAX_OUTPUT_BYTES;
        b.truncate(MAX_OUTPUT_BYTES);
        (b, over)
    }
}

/// Line and column of command `i`'s `field` value in snapshot.yaml.
fn value_location(text: &str, i: usize, field: &str) -> Option<(u64, u64)> {
    let located: LocatedCommands = crate::yaml::from_str(text).ok()?;
    let c = located.commands.get(i)?;
    let v = if field == "stdout_file" {
        c.stdout_file.as_ref()
    } else {
        c.stderr_file.as_ref()
    }?;
    let at = v.referenced;
    (at.line() > 0).then(|| (at.line(), at.column()))
}

/// A missing file. The message is fixed, not the OS's (`from_raw_os_error(2)` reads "The
/// system cannot find the file specified." on Windows), so a replay reads the same on every
/// OS; it is the text Linux gives, so a Linux machine replays as it read live.
fn not_found() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        "No such file or directory (os error 2)",
    )
}

fn replay_error(e: untrusted::ReadError) -> io::Error {
    if e.is_not_found() {
        not_found()
    } else {
        e.into()
    }
}

impl Host for ReplayHost {
    fn platform(&self) -> Platform {
        self.snap.platform
    }

    fn arch(&self) -> String {
        self.snap.arch.clone()
    }

    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        if let Some(a) = self.snap.paths.get(path)
            && a.exists
            && !a.readable
        {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "recorded as unreadable",
            ));
        }
        let p = self.file_path(path)?;
        let (bytes, _) =
            untrusted::read_capped(&p, MAX_FILE_BYTES, Links::Refuse).map_err(replay_error)?;
        Ok(bytes)
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        let mut names = BTreeSet::new();
        let mut found = false;
        if let Some(rel) = snapshot::file_rel_path(path)
            && let Ok(entries) = untrusted::confined_dir(&self.dir, &rel)
        {
            found = true;
            names.extend(entries);
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
            Ok(p) if std::fs::symlink_metadata(&p).is_ok() => PathAccess {
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
        let (stdout, out_cut) = self.read_output(&c.stdout, &c.stdout_file);
        let (stderr, err_cut) = self.read_output(&c.stderr, &c.stderr_file);
        CommandOutput {
            exit: if too_slow { None } else { c.exit },
            timed_out: c.timed_out || too_slow,
            signal: c.signal,
            stdout,
            stderr,
            truncated: out_cut || err_cut,
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

    fn drm_fdinfo(&self) -> io::Result<super::DrmFdinfoScan> {
        self.snap.drm_fdinfo.clone().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "this snapshot has no DRM client scan (recorded before it existed)",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot_dir(yaml: &str) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("snapshot.yaml"),
            format!("format: 1\nplatform: linux\narch: x86_64\n{yaml}"),
        )
        .unwrap();
        d
    }

    #[test]
    fn recorded_outputs_are_capped_like_live_ones() {
        let d = snapshot_dir(&format!(
            "commands:\n  - argv: [big]\n    exit: 0\n    stdout_file: commands/big.out\n  - argv: [inline]\n    exit: 0\n    stdout: {}\n",
            "x".repeat(MAX_OUTPUT_BYTES + 10)
        ));
        std::fs::create_dir(d.path().join("commands")).unwrap();
        // Sparse: 64 MiB on paper, nothing on disk.
        std::fs::File::create(d.path().join("commands/big.out"))
            .unwrap()
            .set_len(64 << 20)
            .unwrap();
        let h = ReplayHost::open(d.path()).unwrap();
        for argv in [["big"], ["inline"]] {
            let out = h.run(&argv, Duration::from_secs(1));
            assert_eq!(out.stdout.len(), MAX_OUTPUT_BYTES, "{argv:?}");
            assert!(out.truncated, "{argv:?}");
        }
    }

    #[test]
    fn a_missing_file_reads_the_same_on_every_os() {
        let d = snapshot_dir("");
        let h = ReplayHost::open(d.path()).unwrap();
        let e = h.read_file("/proc/driver/nvidia/version").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        // Not the OS's text for error 2 ("The system cannot find the file specified." on
        // Windows): a replay prints the same everywhere.
        assert_eq!(e.to_string(), "No such file or directory (os error 2)");
        assert_eq!(
            h.read_dir("/sys/class/drm").unwrap_err().to_string(),
            "No such file or directory (os error 2)"
        );
    }

    #[test]
    fn output_paths_outside_the_snapshot_are_located_errors() {
        for (bad, col) in [("/etc/shadow", 18), ("../x", 18), ("commands/../../x", 18)] {
            let d = snapshot_dir(&format!(
                "commands:\n  - argv: [a]\n    exit: 0\n    stderr_file: {bad}\n"
            ));
            let e = ReplayHost::open(d.path()).err().unwrap();
            assert_eq!((e.line, e.column), (Some(7), Some(col)), "{e}");
            assert!(
                e.message.contains("relative path inside the snapshot"),
                "{e}"
            );
        }
    }

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
