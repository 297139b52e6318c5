//! A machine made up in one expression, for unit tests:
//! `FakeHost::new().file("/proc/version", "...").cmd(&["nvidia-smi", "-q"], out)`.

use super::snapshot::argv_key;
use super::{CommandOutput, Host, Memory, PathAccess, Platform, RegValue};
use std::collections::BTreeMap;
use std::io;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct FakeHost {
    pub platform: Platform,
    pub arch: String,
    pub files: BTreeMap<String, Vec<u8>>,
    pub paths: BTreeMap<String, PathAccess>,
    pub commands: BTreeMap<Vec<String>, CommandOutput>,
    pub executables: BTreeMap<String, String>,
    pub env: BTreeMap<String, String>,
    pub groups: Vec<String>,
    pub user_name: Option<String>,
    pub cwd: Option<String>,
    pub free_disk: Option<u64>,
    pub memory: Option<Memory>,
    pub registry: BTreeMap<(String, String), RegValue>,
    pub drm_fdinfo: Option<super::DrmFdinfoScan>,
}

impl Default for FakeHost {
    fn default() -> Self {
        FakeHost {
            platform: Platform::Linux,
            arch: "x86_64".into(),
            files: BTreeMap::new(),
            paths: BTreeMap::new(),
            commands: BTreeMap::new(),
            executables: BTreeMap::new(),
            env: BTreeMap::new(),
            groups: Vec::new(),
            user_name: None,
            cwd: None,
            free_disk: None,
            memory: None,
            registry: BTreeMap::new(),
            drm_fdinfo: None,
        }
    }
}

impl FakeHost {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn platform(mut self, p: Platform) -> Self {
        self.platform = p;
        self
    }
    pub fn file(mut self, path: &str, content: impl AsRef<[u8]>) -> Self {
        self.files
            .insert(path.to_string(), content.as_ref().to_vec());
        self
    }
    pub fn path(mut self, path: &str, exists: bool, readable: bool, writable: bool) -> Self {
        self.paths.insert(
            path.to_string(),
            PathAccess {
                exists,
                readable,
                writable,
            },
        );
        self
    }
    /// A command that exits 0 with `stdout`; it is also put on PATH.
    pub fn cmd(self, argv: &[&str], stdout: impl AsRef<[u8]>) -> Self {
        self.cmd_full(
            argv,
            CommandOutput {
                exit: Some(0),
                stdout: stdout.as_ref().to_vec(),
                ..Default::default()
            },
        )
    }
    /// A command that exits with `code` and prints `stdout` and `stderr`.
    pub fn cmd_exit(
        self,
        argv: &[&str],
        code: i32,
        stdout: impl AsRef<[u8]>,
        stderr: impl AsRef<[u8]>,
    ) -> Self {
        self.cmd_full(
            argv,
            CommandOutput {
                exit: Some(code),
                stdout: stdout.as_ref().to_vec(),
                stderr: stderr.as_ref().to_vec(),
                ..Default::default()
            },
        )
    }
    pub fn cmd_timeout(self, argv: &[&str]) -> Self {
        self.cmd_full(
            argv,
            CommandOutput {
                timed_out: true,
                ..Default::default()
            },
        )
    }
    pub fn cmd_full(mut self, argv: &[&str], out: CommandOutput) -> Self {
        if let Some(first) = argv.first() {
            self.executables
                .entry(first.to_string())
                .or_insert_with(|| format!("/usr/bin/{first}"));
        }
        self.commands.insert(argv_key(argv), out);
        self
    }
    pub fn exe(mut self, name: &str, path: &str) -> Self {
        self.executables.insert(name.into(), path.into());
        self
    }
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.insert(name.into(), value.into());
        self
    }
    pub fn groups(mut self, groups: &[&str]) -> Self {
        self.groups = groups.iter().map(|g| g.to_string()).collect();
        self
    }
    /// The account name the OS gives for the user.
    pub fn user_name(mut self, name: &str) -> Self {
        self.user_name = Some(name.into());
        self
    }
    pub fn cwd(mut self, cwd: &str) -> Self {
        self.cwd = Some(cwd.into());
        self
    }
    pub fn free_disk(mut self, bytes: u64) -> Self {
        self.free_disk = Some(bytes);
        self
    }
    /// One DRM fd of process `pid` (named `comm`) with this fdinfo text.
    pub fn drm_fd(mut self, pid: u32, fd: u32, comm: &str, fdinfo: &str) -> Self {
        let scan = self.drm_fdinfo.get_or_insert_with(Default::default);
        scan.processes += 1;
        scan.fds.push(super::DrmFdinfo {
            pid,
            fd,
            comm: comm.into(),
            fdinfo: fdinfo.into(),
        });
        self
    }
    pub fn drm_scan(mut self, scan: super::DrmFdinfoScan) -> Self {
        self.drm_fdinfo = Some(scan);
        self
    }
    pub fn memory(mut self, total_bytes: u64, available_bytes: u64) -> Self {
        self.memory = Some(Memory {
            total_bytes,
            available_bytes,
        });
        self
    }
    /// A registry value: a number for DWORD/QWORD, text for REG_SZ.
    pub fn reg(mut self, key: &str, name: &str, value: impl Into<RegValue>) -> Self {
        self.registry
            .insert((key.to_string(), name.to_string()), value.into());
        self
    }
}

impl From<u64> for RegValue {
    fn from(n: u64) -> Self {
        RegValue::Number(n)
    }
}

impl From<&str> for RegValue {
    fn from(s: &str) -> Self {
        RegValue::Text(s.to_string())
    }
}

impl Host for FakeHost {
    fn platform(&self) -> Platform {
        self.platform
    }
    fn arch(&self) -> String {
        self.arch.clone()
    }
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        if let Some(a) = self.paths.get(path)
            && a.exists
            && !a.readable
        {
            return Err(io::Error::new(io::ErrorKind::PermissionDenied, "denied"));
        }
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }
    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let mut names: Vec<String> = self
            .files
            .keys()
            .chain(self.paths.iter().filter(|(_, a)| a.exists).map(|(k, _)| k))
            .filter_map(|p| p.strip_prefix(&prefix))
            .filter_map(|rest| rest.split('/').next())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            Err(io::Error::new(io::ErrorKind::NotFound, "no such directory"))
        } else {
            Ok(names)
        }
    }
    fn access(&self, path: &str) -> PathAccess {
        if let Some(a) = self.paths.get(path) {
            return *a;
        }
        let prefix = format!("{}/", path.trim_end_matches('/'));
        if self.files.contains_key(path) || self.files.keys().any(|k| k.starts_with(&prefix)) {
            PathAccess {
                exists: true,
                readable: true,
                writable: false,
            }
        } else {
            PathAccess::default()
        }
    }
    fn run(&self, argv: &[&str], _timeout: Duration) -> CommandOutput {
        self.commands
            .get(&argv_key(argv))
            .cloned()
            .unwrap_or_else(CommandOutput::not_found)
    }
    fn which(&self, name: &str) -> Option<String> {
        self.executables.get(name).cloned()
    }
    fn env(&self, name: &str) -> Option<String> {
        self.env.get(name).cloned()
    }
    fn groups(&self) -> Vec<String> {
        self.groups.clone()
    }
    fn user_name(&self) -> Option<String> {
        self.user_name.clone()
    }
    fn cwd(&self) -> Option<String> {
        self.cwd.clone()
    }
    fn free_disk_bytes(&self) -> Option<u64> {
        self.free_disk
    }
    fn memory(&self) -> Option<Memory> {
        self.memory
    }
    fn registry(&self, key: &str, name: &str) -> Option<RegValue> {
        self.registry
            .get(&(key.to_string(), name.to_string()))
            .cloned()
    }

    fn drm_fdinfo(&self) -> io::Result<super::DrmFdinfoScan> {
        self.drm_fdinfo
            .clone()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no DRM scan"))
    }
}
