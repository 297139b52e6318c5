//! `aidoctor snapshot DIR`: record every input the probes read while they run live.

use super::snapshot::{self, RecordedCommand, Snapshot, User};
use super::{
    CommandOutput, ENV_ALLOW_LIST, Host, Memory, PathAccess, Platform, RegValue, SpawnError,
};
use crate::redact::Redactor;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Default)]
struct Log {
    files: BTreeMap<String, Vec<u8>>,
    paths: BTreeMap<String, PathAccess>,
    commands: Vec<(RecordedCommand, Vec<u8>, Vec<u8>)>,
    executables: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
    groups: Option<Vec<String>>,
    cwd: Option<String>,
    disk_free: Option<u64>,
    memory: Option<Memory>,
    registry: BTreeMap<String, BTreeMap<String, RegValue>>,
    drm_fdinfo: Option<super::DrmFdinfoScan>,
}

/// Wraps a host and remembers everything asked of it.
pub struct RecordingHost<'a> {
    inner: &'a dyn Host,
    log: Mutex<Log>,
}

impl<'a> RecordingHost<'a> {
    pub fn new(inner: &'a dyn Host) -> Self {
        RecordingHost {
            inner,
            log: Mutex::new(Log::default()),
        }
    }

    fn with_log<T>(&self, f: impl FnOnce(&mut Log) -> T) -> T {
        // A poisoned lock only means another probe thread panicked mid-insert; the map
        // itself is still consistent, so keep recording.
        let mut guard = self.log.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Write the snapshot directory. `redactor` scrubs what must not leave the machine.
    pub fn write(&self, dir: &Path, redactor: Option<&Redactor>) -> io::Result<()> {
        let log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        let mut tree = NewTree::start(dir)?;
        let scrub_text = |s: &str| match redactor {
            Some(r) => r.text(s),
            None => s.to_string(),
        };
        let scrub = |b: &[u8]| -> Vec<u8> {
            match (redactor, std::str::from_utf8(b)) {
                (Some(r), Ok(s)) => r.text(s).into_bytes(),
                // Not UTF-8 (UTF-16 from wsl.exe, binary): kept byte for byte unless
                // redaction has something to remove, then kept as redacted UTF-8.
                (Some(r), Err(_)) => {
                    let decoded = crate::text::decode(b);
                    let scrubbed = r.text(&decoded);
                    if scrubbed == decoded {
                        b.to_vec()
                    } else {
                        scrubbed.into_bytes()
                    }
                }
                (None, _) => b.to_vec(),
            }
        };
        for (path, content) in &log.files {
            // Scrubbed like every other path (`C:\Users\NAME\.wslconfig` -> `~\.wslconfig`),
            // which is also where replay looks, since recorded variables are scrubbed alike.
            if let Some(rel) = snapshot::file_rel_path(&scrub_text(path)) {
                tree.file(&rel, &scrub(&kept_of(path, content)))?;
            }
        }
        let mut commands = Vec::new();
        let mut n = 0;
        for (c, out, err) in &log.commands {
            let mut c = c.clone();
            c.argv = c.argv.iter().map(|a| scrub_text(a)).collect();
            for (bytes, inline, file, stream) in [
                (out, &mut c.stdout, &mut c.stdout_file, "stdout"),
                (err, &mut c.stderr, &mut c.stderr_file, "stderr"),
            ] {
                if bytes.is_empty() {
                    continue;
                }
                let bytes = scrub(bytes);
                match String::from_utf8(bytes.clone()) {
                    Ok(s) if snapshot::yaml_safe_text(&s) => *inline = Some(s),
                    _ => {
                        n += 1;
                        let name = format!("commands/{n:02}-{}.{stream}", slug(&c.argv));
                        tree.file(&name, &bytes)?;
                        *file = Some(name);
                    }
                }
            }
            commands.push(c);
        }
        let snap = Snapshot {
            format: snapshot::FORMAT,
            platform: self.inner.platform(),
            arch: self.inner.arch(),
            notes: None,
            recorded_by: Some(format!("aidoctor {}", env!("CARGO_PKG_VERSION"))),
            redacted: redactor.is_some(),
            cwd: log.cwd.as_deref().map(scrub_text),
            disk_free_bytes: log.disk_free,
            memory: log.memory,
            env: log
                .env
                .iter()
                .map(|(k, v)| (k.clone(), scrub_text(v)))
                .collect(),
            user: User {
                // A user's own group usually bears their name.
                groups: log.groups.iter().flatten().map(|g| scrub_text(g)).collect(),
            },
            executables: log
                .executables
                .iter()
                .map(|(k, v)| (k.clone(), scrub_text(v)))
                .collect(),
            paths: log.paths.iter().map(|(k, v)| (scrub_text(k), *v)).collect(),
            commands,
            registry: log
                .registry
                .iter()
                .map(|(k, values)| {
                    let values = values
                        .iter()
                        .map(|(n, v)| {
                            let v = match v {
                                RegValue::Text(t) => RegValue::Text(scrub_text(t)),
                                n => n.clone(),
                            };
                            (n.clone(), v)
                        })
                        .collect();
                    (k.clone(), values)
                })
                .collect(),
            drm_fdinfo: log.drm_fdinfo.as_ref().map(|scan| {
                let mut scan = scan.clone();
                for fd in &mut scan.fds {
                    fd.comm = scrub_text(&fd.comm);
                    fd.fdinfo = scrub_text(&fd.fdinfo);
                }
                scan
            }),
        };
        let text = serde_saphyr::to_string(&snap)
            .map_err(|e| io::Error::other(format!("cannot write snapshot.yaml: {e}")))?;
        // What we write must read back as what we meant; YAML styles have corners.
        let back: Snapshot = crate::yaml::from_str(&text)
            .map_err(|e| io::Error::other(format!("snapshot.yaml does not read back: {e}")))?;
        if back != snap {
            return Err(io::Error::other(
                "snapshot.yaml does not read back as written (a YAML quoting corner)",
            ));
        }
        let mut text = text;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        tree.file(snapshot::SNAPSHOT_FILE, text.as_bytes())
    }
}

/// What of a file read while probing goes into the snapshot: all of it, except where a probe
/// reads a few settings from a file that holds many others.
fn kept_of(path: &str, content: &[u8]) -> Vec<u8> {
    crate::probes::updates::kept_in_snapshot(path, content).unwrap_or_else(|| content.to_vec())
}

/// The snapshot directory, filled with entries that are all new: each directory is made by
/// us and each file created with `O_EXCL`, so nothing that appears in DIR while the probes
/// run (a link planted to redirect a write) is followed or written over.
struct NewTree<'a> {
    root: &'a Path,
    made: BTreeSet<PathBuf>,
}

impl<'a> NewTree<'a> {
    /// DIR is made now, or was an empty directory (not a link) and still is.
    fn start(root: &'a Path) -> io::Result<NewTree<'a>> {
        match std::fs::symlink_metadata(root) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = root.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::create_dir(root).map_err(|e| appeared(root, e))?;
            }
            Err(e) => return Err(e),
            Ok(m) if m.is_dir() => {
                if std::fs::read_dir(root)?.next().is_some() {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "it is no longer empty (something was put in it while probing)",
                    ));
                }
            }
            Ok(m) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("it is {}, not a directory", super::untrusted::kind_name(&m)),
                ));
            }
        }
        Ok(NewTree {
            root,
            made: BTreeSet::new(),
        })
    }

    /// Write `bytes` to the new file `rel` (slash-separated), making its directories.
    fn file(&mut self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let mut p = self.root.to_path_buf();
        let parts: Vec<&str> = rel.split('/').filter(|c| !c.is_empty()).collect();
        let Some((name, dirs)) = parts.split_last() else {
            return Ok(());
        };
        for d in dirs {
            p.push(d);
            if !self.made.contains(&p) {
                std::fs::create_dir(&p).map_err(|e| appeared(&p, e))?;
                self.made.insert(p.clone());
            }
        }
        p.push(name);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
            .map_err(|e| appeared(&p, e))?
            .write_all(bytes)
    }
}

fn appeared(p: &Path, e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::AlreadyExists {
        io::Error::new(
            e.kind(),
            format!(
                "{} appeared while probing; nothing is written over it",
                p.display()
            ),
        )
    } else {
        e
    }
}

fn slug(argv: &[String]) -> String {
    let s: String = argv
        .iter()
        .take(2)
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    s.trim_matches('-').chars().take(40).collect()
}

impl Host for RecordingHost<'_> {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }

    fn arch(&self) -> String {
        self.inner.arch()
    }

    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        let r = self.inner.read_file(path);
        self.with_log(|l| match &r {
            Ok(b) => {
                l.files.insert(path.to_string(), b.clone());
            }
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                l.paths.insert(
                    path.to_string(),
                    PathAccess {
                        exists: true,
                        readable: false,
                        writable: false,
                    },
                );
            }
            Err(_) => {}
        });
        r
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        let r = self.inner.read_dir(path);
        if let Ok(names) = &r {
            // Record each entry so that replay lists it even if no probe reads under it.
            for n in names {
                let child = format!("{}/{n}", path.trim_end_matches('/'));
                let a = self.inner.access(&child);
                self.with_log(|l| {
                    l.paths.entry(child).or_insert(a);
                });
            }
        }
        r
    }

    fn access(&self, path: &str) -> PathAccess {
        let a = self.inner.access(path);
        self.with_log(|l| {
            l.paths.insert(path.to_string(), a);
        });
        a
    }

    fn run(&self, argv: &[&str], timeout: Duration) -> CommandOutput {
        let start = Instant::now();
        let out = self.inner.run(argv, timeout);
        let took = start.elapsed();
        let rec = RecordedCommand {
            argv: snapshot::argv_key(argv),
            exit: out.exit,
            timed_out: out.timed_out,
            signal: out.signal,
            duration_ms: Some(took.as_millis() as u64),
            spawn_error: out.spawn_error.as_ref().map(|e| match e {
                SpawnError::NotFound => "not_found".to_string(),
                SpawnError::PermissionDenied => "permission_denied".to_string(),
                SpawnError::Other(m) => m.clone(),
            }),
            ..Default::default()
        };
        // A command that is not installed is recorded by its absence.
        if out.spawn_error != Some(SpawnError::NotFound) {
            self.with_log(|l| {
                l.commands
                    .push((rec, out.stdout.clone(), out.stderr.clone()))
            });
        }
        out
    }

    fn which(&self, name: &str) -> Option<String> {
        let r = self.inner.which(name);
        if let Some(p) = &r {
            self.with_log(|l| {
                l.executables.insert(name.to_string(), p.clone());
            });
        }
        r
    }

    fn env(&self, name: &str) -> Option<String> {
        let r = self.inner.env(name);
        if let Some(v) = &r
            && ENV_ALLOW_LIST.contains(&name)
        {
            self.with_log(|l| {
                l.env.insert(name.to_string(), v.clone());
            });
        }
        r
    }

    fn groups(&self) -> Vec<String> {
        let g = self.inner.groups();
        self.with_log(|l| l.groups = Some(g.clone()));
        g
    }

    /// Passed through for the redactor, never written to the snapshot.
    fn user_name(&self) -> Option<String> {
        self.inner.user_name()
    }

    fn cwd(&self) -> Option<String> {
        let c = self.inner.cwd();
        self.with_log(|l| l.cwd = c.clone());
        c
    }

    fn free_disk_bytes(&self) -> Option<u64> {
        let d = self.inner.free_disk_bytes();
        self.with_log(|l| l.disk_free = d);
        d
    }

    fn memory(&self) -> Option<Memory> {
        let m = self.inner.memory();
        self.with_log(|l| l.memory = m);
        m
    }

    fn registry(&self, key: &str, name: &str) -> Option<RegValue> {
        let v = self.inner.registry(key, name);
        if let Some(v) = &v {
            self.with_log(|l| {
                l.registry
                    .entry(key.to_string())
                    .or_default()
                    .insert(name.to_string(), v.clone());
            });
        }
        v
    }

    fn read_head(&self, path: &str, max: u64) -> io::Result<Vec<u8>> {
        // Model files are the user's, not the machine's: never copied into a snapshot.
        self.inner.read_head(path, max)
    }

    fn drm_fdinfo(&self) -> io::Result<super::DrmFdinfoScan> {
        let r = self.inner.drm_fdinfo();
        if let Ok(scan) = &r {
            self.with_log(|l| l.drm_fdinfo = Some(scan.clone()));
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;
    use crate::host::replay::ReplayHost;

    #[test]
    fn the_drm_client_scan_replays() {
        let fdinfo = "drm-driver:\tamdgpu\ndrm-pdev:\t0000:03:00.0\ndrm-client-id:\t7\n\
                      drm-resident-vram:\t2048 KiB\n";
        let scan = crate::host::DrmFdinfoScan {
            processes: 2,
            unreadable: 1,
            truncated: false,
            fds: vec![crate::host::DrmFdinfo {
                pid: 1500,
                fd: 9,
                comm: "gnome-shell".into(),
                fdinfo: fdinfo.into(),
            }],
        };
        let fake = FakeHost::new().drm_scan(scan.clone());
        let rec = RecordingHost::new(&fake);
        assert_eq!(rec.drm_fdinfo().unwrap(), scan);
        let dir = tempfile::tempdir().unwrap();
        rec.write(dir.path(), None).unwrap();
        let replay = ReplayHost::open(dir.path()).unwrap();
        assert_eq!(replay.drm_fdinfo().unwrap(), scan);
        // A snapshot from before the scan existed says so, rather than "no clients".
        let old = tempfile::tempdir().unwrap();
        RecordingHost::new(&FakeHost::new())
            .write(old.path(), None)
            .unwrap();
        let e = ReplayHost::open(old.path())
            .unwrap()
            .drm_fdinfo()
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn what_is_recorded_replays_byte_for_byte() {
        let utf16: Vec<u8> = "WSL version: 2.0.9.0\r\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let ansi = "\u{1b}[37mROCk module is loaded\u{1b}[0m\n";
        let fake = FakeHost::new()
            .file("/etc/os-release", "ID=ubuntu\n")
            .file("/sys/class/drm/card0/device/vendor", "0x10de\n")
            .path("/dev/kfd", true, true, false)
            .cmd(&["nvidia-smi", "-q"], "Driver Version : 550.54.14\n")
            .cmd(&["wsl.exe", "--version"], &utf16)
            .cmd(&["rocminfo"], ansi)
            .cmd(&["python3", "-c", "print(1)"], "{\"a\": 1}\n")
            .cmd(&["trailing"], "value   \n  indented first\n")
            .cmd_exit(
                &["docker", "info"],
                1,
                "",
                "Cannot connect to the Docker daemon\n",
            )
            .cmd_timeout(&["hang"])
            .env("WSL_DISTRO_NAME", "Ubuntu")
            .env("HF_TOKEN", "hf_secret")
            .groups(&["video", "render"])
            .cwd("/mnt/c/work")
            .free_disk(123);
        let rec = RecordingHost::new(&fake);
        let t = Duration::from_secs(1);
        let calls = |h: &dyn Host| {
            (
                h.read_file("/etc/os-release").ok(),
                h.read_dir("/sys/class/drm").ok(),
                h.access("/dev/kfd"),
                h.access("/dev/dxg"),
                [
                    h.run(&["nvidia-smi", "-q"], t),
                    h.run(&["wsl.exe", "--version"], t),
                    h.run(&["rocminfo"], t),
                    h.run(&["python3", "-c", "print(2)"], t),
                    h.run(&["trailing"], t),
                    h.run(&["docker", "info"], t),
                    h.run(&["hang"], t),
                    h.run(&["not-installed"], t),
                ],
                h.which("nvidia-smi"),
                h.env("WSL_DISTRO_NAME"),
                h.env("HF_TOKEN").filter(|_| false),
                h.groups(),
                h.cwd(),
                h.free_disk_bytes(),
            )
        };
        let live = calls(&rec);
        let dir = tempfile::tempdir().unwrap();
        rec.write(dir.path(), None).unwrap();
        let text = std::fs::read_to_string(dir.path().join("snapshot.yaml")).unwrap();
        assert!(
            !text.contains("hf_secret"),
            "env outside the allow-list leaked"
        );
        let replay = ReplayHost::open(dir.path()).unwrap();
        let again = calls(&replay);
        assert_eq!(live.0, again.0);
        assert_eq!(live.1, again.1);
        assert_eq!(live.2, again.2);
        assert_eq!(live.3, again.3);
        for (a, b) in live.4.iter().zip(again.4.iter()) {
            assert_eq!(a.stdout, b.stdout);
            assert_eq!(a.stderr, b.stderr);
            assert_eq!(a.exit, b.exit);
            assert_eq!(a.timed_out, b.timed_out);
            assert_eq!(a.spawn_error, b.spawn_error);
        }
        assert_eq!(live.5, again.5);
        assert_eq!(live.6, again.6);
        assert_eq!(again.7, None);
        assert_eq!(live.8, again.8);
        assert_eq!(live.9, again.9);
        assert_eq!(live.10, again.10);
        assert_eq!(replay.snapshot().platform, Platform::Linux);
    }

    /// A recording of one file read, ready to be written.
    fn recorded() -> (FakeHost, &'static str) {
        let fake = FakeHost::new().file("/etc/os-release", "ID=ubuntu\n");
        (fake, "/etc/os-release")
    }

    #[cfg(unix)]
    #[test]
    fn what_appears_in_dir_while_probing_is_never_written_through() {
        let (fake, path) = recorded();
        let rec = RecordingHost::new(&fake);
        rec.read_file(path).unwrap();
        let outside = tempfile::tempdir().unwrap();
        // DIR was empty when the run began; a link appeared in it while the probes ran.
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("files")).unwrap();
        let e = rec.write(dir.path(), None).unwrap_err();
        assert!(e.to_string().contains("no longer empty"), "{e}");
        // DIR itself a link (to an empty directory somewhere else).
        let parent = tempfile::tempdir().unwrap();
        let link = parent.path().join("snap");
        std::os::unix::fs::symlink(outside.path(), &link).unwrap();
        let e = rec.write(&link, None).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        // A new DIR is made, with its parents.
        let fresh = parent.path().join("a/b/snap");
        rec.write(&fresh, None).unwrap();
        assert_eq!(
            std::fs::read(fresh.join("files/etc/os-release")).unwrap(),
            b"ID=ubuntu\n"
        );
        // Written once: a second write over it is refused, not merged.
        let e = rec.write(&fresh, None).unwrap_err();
        assert!(e.to_string().contains("no longer empty"), "{e}");
    }

    #[test]
    fn apt_settings_other_than_those_read_are_not_recorded() {
        let proxy = "Acquire::http::Proxy \"http://build:hunter22@proxy.corp.internal:3128/\";\n";
        let fake = FakeHost::new()
            .file("/etc/apt/apt.conf.d/01proxy", proxy)
            .file(
                "/etc/apt/apt.conf.d/20auto-upgrades",
                "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n",
            )
            .file(
                "/etc/apt/apt.conf.d/50unattended-upgrades",
                "Unattended-Upgrade::Mail \"ops@corp.internal\";\nUnattended-Upgrade::Automatic-Reboot \"true\";\n",
            );
        let ctx = crate::probes::Ctx::default();
        let live = (crate::probes::updates::PROBE.run)(&RecordingHost::new(&fake), &ctx);
        let rec = RecordingHost::new(&fake);
        (crate::probes::updates::PROBE.run)(&rec, &ctx);
        let dir = tempfile::tempdir().unwrap();
        rec.write(dir.path(), Some(&Redactor::from_host(&fake)))
            .unwrap();
        let mut all = String::new();
        for n in ["01proxy", "20auto-upgrades", "50unattended-upgrades"] {
            let p = dir.path().join("files/etc/apt/apt.conf.d").join(n);
            all.push_str(&std::fs::read_to_string(p).unwrap());
        }
        assert!(!all.contains("corp.internal"), "{all}");
        assert!(!all.contains("Update-Package-Lists"), "{all}");
        let replay = ReplayHost::open(dir.path()).unwrap();
        let again = (crate::probes::updates::PROBE.run)(&replay, &ctx);
        assert_eq!(live, again);
        assert_eq!(again.get_bool("updates.auto_reboot"), Some(true));
    }

    #[test]
    fn malformed_snapshots_are_located_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("snapshot.yaml"),
            "format: 1\nplatform: linux\narch: x86_64\ncommands:\n  - argv: [a]\n    exit: zero\n",
        )
        .unwrap();
        let e = ReplayHost::open(dir.path()).err().unwrap();
        assert_eq!(e.line, Some(6), "{e}");
        assert!(e.to_string().contains("snapshot.yaml:6:"), "{e}");
        std::fs::write(
            dir.path().join("snapshot.yaml"),
            "format: 2\nplatform: linux\narch: x\n",
        )
        .unwrap();
        let e = ReplayHost::open(dir.path()).err().unwrap();
        assert!(e.message.contains("format 2"), "{e}");
        let e = ReplayHost::open(&dir.path().join("nope")).err().unwrap();
        assert!(e.message.contains("not a snapshot directory"), "{e}");
    }
}
