//! On a terminal, what is still running once a run has been quiet for a second: "waiting
//! for python3 (importing torch)… 3 s" on standard error, redrawn in place and cleared when
//! the probes are done. Never on a pipe or a file, on a dumb terminal, or with `--quiet`.
//!
//! [`Watched`] is a [`Host`] that passes everything through and keeps the list of commands
//! in flight; [`show_while`] draws that list while the probes run.

use crate::host::{CommandOutput, DrmFdinfoScan, Host, Memory, PathAccess, Platform, RegValue};
use std::io::{self, IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Silence before the line appears.
const AFTER: Duration = Duration::from_secs(1);
/// How often it is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// A host that knows which of its commands are running, and since when.
pub struct Watched<'a> {
    inner: &'a dyn Host,
    running: Mutex<Vec<(u64, String, Instant)>>,
    next: std::sync::atomic::AtomicU64,
}

/// What the line calls a command: the tool, its first argument, and what the Python probe
/// is doing.
pub fn label(argv: &[&str]) -> String {
    let tool = argv.first().copied().unwrap_or("");
    let tool = tool.rsplit(['/', '\\']).next().unwrap_or(tool);
    if tool.starts_with("python") && argv.get(1) == Some(&"-c") {
        return format!("{tool} (importing torch)");
    }
    match argv.get(1) {
        Some(a) if !a.starts_with('-') || a.len() <= 3 => format!("{tool} {a}"),
        _ => tool.to_string(),
    }
}

impl<'a> Watched<'a> {
    pub fn new(inner: &'a dyn Host) -> Watched<'a> {
        Watched {
            inner,
            running: Mutex::new(Vec::new()),
            next: Default::default(),
        }
    }

    /// The commands in flight and how long the oldest has run.
    pub fn status(&self) -> Option<(Vec<String>, Duration)> {
        let r = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let oldest = r.iter().map(|(_, _, t)| *t).min()?;
        let mut names: Vec<String> = r.iter().map(|(_, l, _)| l.clone()).collect();
        names.dedup();
        Some((names, oldest.elapsed()))
    }
}

impl Host for Watched<'_> {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }
    fn arch(&self) -> String {
        self.inner.arch()
    }
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        self.inner.read_file(path)
    }
    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        self.inner.read_dir(path)
    }
    fn access(&self, path: &str) -> PathAccess {
        self.inner.access(path)
    }
    fn run(&self, argv: &[&str], timeout: Duration) -> CommandOutput {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let lock = || self.running.lock().unwrap_or_else(|e| e.into_inner());
        lock().push((id, label(argv), Instant::now()));
        let out = self.inner.run(argv, timeout);
        lock().retain(|(i, ..)| *i != id);
        out
    }
    fn which(&self, name: &str) -> Option<String> {
        self.inner.which(name)
    }
    fn env(&self, name: &str) -> Option<String> {
        self.inner.env(name)
    }
    fn groups(&self) -> Vec<String> {
        self.inner.groups()
    }
    fn user_name(&self) -> Option<String> {
        self.inner.user_name()
    }
    fn cwd(&self) -> Option<String> {
        self.inner.cwd()
    }
    fn free_disk_bytes(&self) -> Option<u64> {
        self.inner.free_disk_bytes()
    }
    fn memory(&self) -> Option<Memory> {
        self.inner.memory()
    }
    fn registry(&self, key: &str, name: &str) -> Option<RegValue> {
        self.inner.registry(key, name)
    }
    fn drm_fdinfo(&self) -> io::Result<DrmFdinfoScan> {
        self.inner.drm_fdinfo()
    }
    fn read_head(&self, path: &str, max: u64) -> io::Result<Vec<u8>> {
        self.inner.read_head(path, max)
    }
}

/// Whether a progress line may be drawn: standard error is a capable terminal.
pub fn wanted(quiet: bool) -> bool {
    !quiet && io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// The line for these commands after `took`.
pub fn line(names: &[String], took: Duration) -> String {
    let mut l = format!("waiting for {}… {} s", names.join(", "), took.as_secs());
    // One terminal line: a long list is cut.
    if l.chars().count() > 76 {
        l = l.chars().take(75).collect::<String>() + "…";
    }
    l
}

/// Run `work`, drawing the line on stderr while `watched` has commands in flight after
/// [`AFTER`]; the line is cleared before this returns.
pub fn show_while<T>(watched: &Watched<'_>, work: impl FnOnce() -> T) -> T {
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let start = Instant::now();
            let mut drawn = String::new();
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(TICK);
                if start.elapsed() < AFTER {
                    continue;
                }
                let mut err = io::stderr().lock();
                // Redrawn only when it changes.
                let now = watched
                    .status()
                    .map(|(names, took)| line(&names, took))
                    .unwrap_or_default();
                if now != drawn {
                    let _ = write!(err, "\r\u{1b}[2K{now}");
                    drawn = now;
                }
                let _ = err.flush();
            }
            if !drawn.is_empty() {
                let _ = write!(io::stderr().lock(), "\r\u{1b}[2K");
            }
        });
        let t = work();
        done.store(true, Ordering::Relaxed);
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;

    #[test]
    fn labels_say_what_runs() {
        assert_eq!(
            label(&["python3", "-c", "import torch"]),
            "python3 (importing torch)"
        );
        assert_eq!(label(&["nvidia-smi", "-q"]), "nvidia-smi -q");
        assert_eq!(
            label(&["/usr/bin/docker", "info", "--format", "x"]),
            "docker info"
        );
        assert_eq!(label(&["rocminfo"]), "rocminfo");
        assert_eq!(
            label(&["nvidia-smi", "--query-gpu=compute_cap"]),
            "nvidia-smi"
        );
    }

    #[test]
    fn the_line_names_what_is_in_flight() {
        assert_eq!(
            line(
                &["python3 (importing torch)".into()],
                Duration::from_millis(3400)
            ),
            "waiting for python3 (importing torch)… 3 s"
        );
        assert!(
            line(&vec!["x".repeat(50); 3], Duration::ZERO)
                .chars()
                .count()
                <= 76
        );
    }

    #[test]
    fn a_finished_command_is_no_longer_in_flight() {
        let fake = FakeHost::new();
        let w = Watched::new(&fake);
        assert!(w.status().is_none());
        let _ = w.run(&["nvidia-smi", "-q"], Duration::from_secs(1));
        assert!(w.status().is_none());
    }
}
