//! The one door to the operating system.
//!
//! Every probe reads the machine through [`Host`]. [`live::LiveHost`] is the only code in
//! aidoctor that touches the OS; [`replay::ReplayHost`] answers from a snapshot directory and
//! [`fake::FakeHost`] is a builder for unit tests. Because the platform is a runtime value, a
//! Windows machine replays on Linux and its code paths are tested here.

pub mod fake;
pub mod live;
pub mod record;
pub mod replay;
pub mod snapshot;
pub mod untrusted;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io;
use std::time::Duration;

/// The largest file a probe reads. Files under /proc and /sys are small; a bigger file is
/// not what we think it is.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// The most output kept from each stream of a command; the rest is drained and dropped.
pub const MAX_OUTPUT_BYTES: usize = 1024 * 1024;
/// Default per-command time limit.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Linux,
    Windows,
    Macos,
}

impl Platform {
    pub fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else if cfg!(target_os = "macos") {
            Platform::Macos
        } else {
            Platform::Linux
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Linux => "linux",
            Platform::Windows => "windows",
            Platform::Macos => "macos",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `access(2)` would say about a path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathAccess {
    pub exists: bool,
    #[serde(default)]
    pub readable: bool,
    #[serde(default)]
    pub writable: bool,
}

/// Physical memory as the OS counts it, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Memory {
    pub total_bytes: u64,
    pub available_bytes: u64,
}

/// A value read from the Windows registry: DWORD and QWORD values are numbers, REG_SZ and
/// REG_EXPAND_SZ are text (unexpanded); other types are not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RegValue {
    Number(u64),
    Text(String),
}

impl RegValue {
    pub fn number(&self) -> Option<u64> {
        match self {
            RegValue::Number(n) => Some(*n),
            RegValue::Text(_) => None,
        }
    }
    pub fn text(&self) -> Option<&str> {
        match self {
            RegValue::Text(s) => Some(s),
            RegValue::Number(_) => None,
        }
    }
}

/// Why a command produced no exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpawnError {
    /// Not on PATH / no such file.
    NotFound,
    /// Found but not executable by this user.
    PermissionDenied,
    Other(String),
}

/// Everything a command did, kept whole: a non-zero exit with "couldn't communicate with the
/// NVIDIA driver" on stdout *is* the diagnosis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// Exit code; `None` when it could not start, timed out, or died by a signal.
    pub exit: Option<i32>,
    pub timed_out: bool,
    /// Signal that ended it (Unix), when it was not our timeout kill.
    pub signal: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Output went over [`MAX_OUTPUT_BYTES`] and was cut.
    pub truncated: bool,
    pub spawn_error: Option<SpawnError>,
}

impl CommandOutput {
    pub fn not_found() -> Self {
        CommandOutput {
            spawn_error: Some(SpawnError::NotFound),
            ..Default::default()
        }
    }
    pub fn success(&self) -> bool {
        self.exit == Some(0)
    }
    /// stdout decoded for parsing (UTF-8, UTF-16LE or lossy; CRLF and NULs normalised).
    pub fn stdout_text(&self) -> String {
        crate::text::decode(&self.stdout)
    }
    pub fn stderr_text(&self) -> String {
        crate::text::decode(&self.stderr)
    }
    /// stdout and stderr together, for error messages.
    pub fn combined_text(&self) -> String {
        let mut s = self.stdout_text();
        let e = self.stderr_text();
        if !e.trim().is_empty() {
            if !s.is_empty() && !s.ends_with('\n') {
                s.push('\n');
            }
            s.push_str(&e);
        }
        s
    }
}

/// The seam between aidoctor and the machine.
pub trait Host: Sync {
    fn platform(&self) -> Platform;
    /// e.g. `x86_64`, `aarch64`.
    fn arch(&self) -> String;
    /// Read a file, at most [`MAX_FILE_BYTES`].
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>>;
    /// Names of the entries of a directory, sorted.
    fn read_dir(&self, path: &str) -> io::Result<Vec<String>>;
    fn access(&self, path: &str) -> PathAccess;
    /// Run `argv` (argv[0] looked up on PATH) with a time limit; never panics, never hangs.
    fn run(&self, argv: &[&str], timeout: Duration) -> CommandOutput;
    /// Where PATH lookup finds an executable.
    fn which(&self, name: &str) -> Option<String>;
    fn env(&self, name: &str) -> Option<String>;
    /// Names of the current user's groups.
    fn groups(&self) -> Vec<String>;
    /// The account name of the effective user, from the OS's user database (not the
    /// environment: cron, `docker exec -u` and CI leave USER unset). Known to the redactor,
    /// never recorded: a snapshot does not hold it, so a replay answers `None`.
    fn user_name(&self) -> Option<String> {
        None
    }
    /// The current directory.
    fn cwd(&self) -> Option<String>;
    /// Free bytes on the file system of the current directory (available to this user).
    fn free_disk_bytes(&self) -> Option<u64>;
    /// Memory size from an OS call (Windows: GlobalMemoryStatusEx). `None` where probes read
    /// it from files instead (Linux: /proc/meminfo) or the OS would not say.
    fn memory(&self) -> Option<Memory>;
    /// One value of the Windows registry; `key` starts with `HKLM\` or `HKCU\`. `None` when
    /// the key or value does not exist, has another type, or this is not Windows.
    fn registry(&self, key: &str, name: &str) -> Option<RegValue>;
    /// The DRM clients of the processes this user may inspect (Linux): the fdinfo of every
    /// fd that points into /dev/dri. Bounded by [`DRM_SCAN_MAX_PROCESSES`] and friends.
    fn drm_fdinfo(&self) -> io::Result<DrmFdinfoScan>;

    /// The first `max` bytes of a regular file (model headers: `aidoctor fit`). Not recorded
    /// in snapshots; replay and fakes answer from their files, bounded by [`MAX_FILE_BYTES`].
    fn read_head(&self, path: &str, max: u64) -> io::Result<Vec<u8>> {
        let mut b = self.read_file(path)?;
        b.truncate(usize::try_from(max).unwrap_or(usize::MAX));
        Ok(b)
    }

    /// A file as text (see [`crate::text::decode`]); `None` when it cannot be read.
    fn read_text(&self, path: &str) -> Option<String> {
        self.read_file(path).ok().map(|b| crate::text::decode(&b))
    }
    fn exists(&self, path: &str) -> bool {
        self.access(path).exists
    }
}

/// The most processes, fds per process and DRM fds a [`Host::drm_fdinfo`] scan looks at.
pub const DRM_SCAN_MAX_PROCESSES: usize = 8192;
pub const DRM_SCAN_MAX_FDS_PER_PROCESS: usize = 4096;
pub const DRM_SCAN_MAX_DRM_FDS: usize = 2048;
/// An fdinfo file is a few dozen lines; more is not what we think it is.
pub const DRM_FDINFO_MAX_BYTES: u64 = 64 * 1024;

/// What `/proc/<pid>/fdinfo/<fd>` says of each open DRM file (kernel
/// Documentation/gpu/drm-usage-stats.rst): per-client memory by region, per GPU (`drm-pdev`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrmFdinfoScan {
    /// Processes looked at.
    pub processes: u32,
    /// Processes whose fds this user may not inspect (other users' without root): any GPU
    /// memory they hold is not in `fds`.
    #[serde(default)]
    pub unreadable: u32,
    /// A bound stopped the scan early.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    #[serde(default)]
    pub fds: Vec<DrmFdinfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrmFdinfo {
    pub pid: u32,
    pub fd: u32,
    /// `/proc/<pid>/comm`.
    pub comm: String,
    /// The fdinfo text, verbatim.
    pub fdinfo: String,
}

/// Environment variables a snapshot may keep: those that change what aidoctor concludes.
/// Anything else (tokens, paths with user names) never leaves the machine.
pub const ENV_ALLOW_LIST: &[&str] = &[
    "WSL_DISTRO_NAME",
    "WSL_INTEROP",
    "HSA_OVERRIDE_GFX_VERSION",
    "HIP_VISIBLE_DEVICES",
    "ROCR_VISIBLE_DEVICES",
    "CUDA_VISIBLE_DEVICES",
    "HSA_ENABLE_DXG_DETECTION",
    "XDG_SESSION_TYPE",
    "WAYLAND_DISPLAY",
    "DISPLAY",
    "VIRTUAL_ENV",
    "CONDA_PREFIX",
    "CONDA_DEFAULT_ENV",
    "DOCKER_HOST",
    "PROCESSOR_ARCHITECTURE",
    "PROCESSOR_IDENTIFIER",
    "NUMBER_OF_PROCESSORS",
    // Where .wslconfig lives; recorded redacted (the user's name becomes `~`).
    "USERPROFILE",
];
