//! The live machine: the only code in aidoctor that touches the OS.

use super::{
    CommandOutput, Host, MAX_FILE_BYTES, MAX_OUTPUT_BYTES, Memory, PathAccess, Platform, RegValue,
    SpawnError,
};
use std::io::{self, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

#[cfg(windows)]
#[path = "live_windows.rs"]
mod windows;

/// After the child exits (or is killed), how long we still wait for its pipes to close. A
/// grandchild that left our process group can hold them open forever; we do not wait for it.
const PIPE_GRACE: Duration = Duration::from_millis(50);

#[derive(Debug, Default)]
pub struct LiveHost {
    _private: (),
}

impl LiveHost {
    pub fn new() -> Self {
        LiveHost { _private: () }
    }
}

/// What a reader thread has collected so far; shared so that a pipe held open by a stray
/// grandchild still gives back what was printed before.
#[derive(Default)]
struct Collected {
    bytes: Vec<u8>,
    truncated: bool,
}

type Shared = std::sync::Arc<std::sync::Mutex<Collected>>;

/// Read a stream to its end, keeping at most `cap` bytes; the rest is read and dropped so
/// the child never blocks on a full pipe. The receiver hears when the stream closed.
fn drain<R: Read + Send + 'static>(mut r: R, cap: usize) -> (Shared, mpsc::Receiver<()>) {
    let shared: Shared = Default::default();
    let (tx, rx) = mpsc::channel();
    let mine = shared.clone();
    thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let mut c = mine.lock().unwrap_or_else(|p| p.into_inner());
                    let room = cap.saturating_sub(c.bytes.len());
                    if n > room {
                        c.truncated = true;
                    }
                    c.bytes.extend_from_slice(&buf[..n.min(room)]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        // The receiver may have given up on us; that is fine.
        let _ = tx.send(());
    });
    (shared, rx)
}

/// Wait until `deadline` for the stream to close, then take what it printed.
fn collect(stream: Option<(Shared, mpsc::Receiver<()>)>, deadline: Instant) -> (Vec<u8>, bool) {
    let Some((shared, closed)) = stream else {
        return (Vec::new(), false);
    };
    let _ = closed.recv_timeout(deadline.saturating_duration_since(Instant::now()));
    let mut c = shared.lock().unwrap_or_else(|p| p.into_inner());
    (std::mem::take(&mut c.bytes), c.truncated)
}

#[cfg(unix)]
fn kill_group(child: &mut std::process::Child) {
    // The child leads its own process group (process_group(0) below), so this also kills
    // anything it forked that kept our pipes open.
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is touched.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

/// Child process groups still alive, so that Ctrl-C (SIGINT) or SIGTERM ends them too instead
/// of leaving every running tool behind. Plain atomics: the signal handler may only touch
/// async-signal-safe state. A slot holds a pgid or 0; with more live children than slots the
/// extra ones are not tracked (probes run far fewer at once).
#[cfg(unix)]
mod groups {
    use std::sync::Once;
    use std::sync::atomic::{AtomicI32, Ordering};

    const SLOTS: usize = 64;
    static LIVE: [AtomicI32; SLOTS] = [const { AtomicI32::new(0) }; SLOTS];
    static INSTALL: Once = Once::new();

    /// Remember a child's process group; returns the slot to give back at reap.
    pub fn register(pgid: i32) -> Option<usize> {
        install();
        (0..SLOTS).find(|&i| {
            LIVE[i]
                .compare_exchange(0, pgid, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        })
    }

    pub fn unregister(slot: Option<usize>) {
        if let Some(i) = slot {
            LIVE[i].store(0, Ordering::SeqCst);
        }
    }

    extern "C" fn on_signal(signo: libc::c_int) {
        for slot in &LIVE {
            let pgid = slot.load(Ordering::SeqCst);
            if pgid > 0 {
                // SAFETY: kill(2) is async-signal-safe; a negative pid names the group.
                unsafe {
                    libc::kill(-pgid, libc::SIGKILL);
                }
            }
        }
        // SAFETY: _exit(2) is async-signal-safe; the shell convention is 128 + signal.
        unsafe { libc::_exit(128 + signo) }
    }

    /// Installed on the first spawn only, so code that never runs a tool keeps the default.
    fn install() {
        INSTALL.call_once(|| {
            for sig in [libc::SIGINT, libc::SIGTERM] {
                // SAFETY: a zeroed sigaction is valid; the handler only calls
                // async-signal-safe functions and reads atomics.
                unsafe {
                    let mut sa: libc::sigaction = std::mem::zeroed();
                    sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                    libc::sigemptyset(&mut sa.sa_mask);
                    sa.sa_flags = libc::SA_RESTART;
                    libc::sigaction(sig, &sa, std::ptr::null_mut());
                }
            }
        });
    }
}

#[cfg(not(unix))]
fn kill_group(child: &mut std::process::Child) {
    let _ = child.kill();
}

impl Host for LiveHost {
    fn platform(&self) -> Platform {
        Platform::current()
    }

    fn arch(&self) -> String {
        std::env::consts::ARCH.to_string()
    }

    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        // Files under /proc and /sys are regular files; a FIFO or a device where a probe
        // expects a file would block or never end.
        let (buf, _) = super::untrusted::read_capped(
            std::path::Path::new(path),
            MAX_FILE_BYTES,
            super::untrusted::Links::Follow,
        )?;
        Ok(buf)
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        let mut names: Vec<String> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    fn access(&self, path: &str) -> PathAccess {
        access(path)
    }

    fn run(&self, argv: &[&str], timeout: Duration) -> CommandOutput {
        let Some((prog, args)) = argv.split_first() else {
            return CommandOutput::not_found();
        };
        let Some(exe) = which::which(prog).ok() else {
            return CommandOutput::not_found();
        };
        let mut cmd = Command::new(exe);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Tools answer in English so parsers see the labels they know.
            .env("LC_ALL", "C")
            .env("LANG", "C")
            .env("WSL_UTF8", "1");
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                let err = match e.kind() {
                    io::ErrorKind::NotFound => SpawnError::NotFound,
                    io::ErrorKind::PermissionDenied => SpawnError::PermissionDenied,
                    _ => SpawnError::Other(e.to_string()),
                };
                return CommandOutput {
                    spawn_error: Some(err),
                    ..Default::default()
                };
            }
        };
        #[cfg(unix)]
        let slot = i32::try_from(child.id()).ok().and_then(groups::register);
        // Windows has no process groups: a Job Object ends the tree instead.
        #[cfg(windows)]
        let job = windows::Job::for_child(&child);
        let out_rx = child.stdout.take().map(|s| drain(s, MAX_OUTPUT_BYTES));
        let err_rx = child.stderr.take().map(|s| drain(s, MAX_OUTPUT_BYTES));

        let mut result = CommandOutput::default();
        match child.wait_timeout(timeout) {
            Ok(Some(status)) => {
                result.exit = status.code();
                #[cfg(unix)]
                {
                    use std::os::unix::process::ExitStatusExt;
                    result.signal = status.signal();
                }
                // Reap anything the tool left behind holding our pipes.
                #[cfg(windows)]
                if let Some(j) = &job {
                    j.kill();
                }
                kill_group(&mut child);
            }
            Ok(None) | Err(_) => {
                result.timed_out = true;
                #[cfg(windows)]
                if let Some(j) = &job {
                    j.kill();
                }
                kill_group(&mut child);
                let _ = child.wait();
            }
        }
        #[cfg(unix)]
        groups::unregister(slot);
        // The child is gone; its pipes close at once unless a grandchild that escaped our
        // process group holds them. Wait only a moment for that, keeping what was printed.
        let deadline = Instant::now() + PIPE_GRACE;
        let (stdout, t1) = collect(out_rx, deadline);
        let (stderr, t2) = collect(err_rx, deadline);
        result.stdout = stdout;
        result.stderr = stderr;
        result.truncated = t1 || t2;
        result
    }

    fn which(&self, name: &str) -> Option<String> {
        which::which(name)
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
    }

    fn env(&self, name: &str) -> Option<String> {
        std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
    }

    fn groups(&self) -> Vec<String> {
        groups()
    }

    fn user_name(&self) -> Option<String> {
        user_name()
    }

    fn cwd(&self) -> Option<String> {
        std::env::current_dir()
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
    }

    fn read_head(&self, path: &str, max: u64) -> io::Result<Vec<u8>> {
        // Looked at before it is opened: opening a FIFO named like a model would block.
        // Links are followed: the Hugging Face cache is made of them.
        let (buf, _) = super::untrusted::read_capped(
            std::path::Path::new(path),
            max,
            super::untrusted::Links::Follow,
        )?;
        Ok(buf)
    }

    fn drm_fdinfo(&self) -> io::Result<super::DrmFdinfoScan> {
        drm_fdinfo_scan(std::path::Path::new("/proc"))
    }

    fn free_disk_bytes(&self) -> Option<u64> {
        free_disk_bytes(".")
    }

    fn memory(&self) -> Option<Memory> {
        // Linux and macOS probes read memory from files; only Windows needs the call.
        #[cfg(windows)]
        return windows::memory();
        #[cfg(not(windows))]
        None
    }

    fn registry(&self, key: &str, name: &str) -> Option<RegValue> {
        #[cfg(windows)]
        return windows::registry(key, name);
        #[cfg(not(windows))]
        {
            let _ = (key, name);
            None
        }
    }
}

#[cfg(unix)]
/// Walk `proc`/<pid>/fd, keep the fds whose link points into /dev/dri, and read their
/// fdinfo. Only the links are read for other fds, so the cost is one readlink per fd.
fn drm_fdinfo_scan(proc: &std::path::Path) -> io::Result<super::DrmFdinfoScan> {
    use super::{
        DRM_FDINFO_MAX_BYTES, DRM_SCAN_MAX_DRM_FDS, DRM_SCAN_MAX_FDS_PER_PROCESS,
        DRM_SCAN_MAX_PROCESSES, DrmFdinfo, DrmFdinfoScan,
    };
    let read_small = |p: &std::path::Path, cap: u64| -> Option<String> {
        let mut buf = Vec::new();
        std::fs::File::open(p)
            .ok()?
            .take(cap)
            .read_to_end(&mut buf)
            .ok()?;
        Some(String::from_utf8_lossy(&buf).into_owned())
    };
    // No DRM device, no DRM client: skip the walk (containers, servers without a GPU).
    if !std::path::Path::new("/dev/dri").exists() {
        return Ok(DrmFdinfoScan::default());
    }
    let mut pids: Vec<u32> = std::fs::read_dir(proc)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
        .collect();
    pids.sort_unstable();
    let mut scan = DrmFdinfoScan::default();
    if pids.len() > DRM_SCAN_MAX_PROCESSES {
        pids.truncate(DRM_SCAN_MAX_PROCESSES);
        scan.truncated = true;
    }
    'procs: for pid in pids {
        scan.processes += 1;
        let dir = proc.join(pid.to_string());
        let entries = match std::fs::read_dir(dir.join("fd")) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                scan.unreadable += 1;
                continue;
            }
            // The process ended meanwhile.
            Err(_) => continue,
        };
        let mut comm: Option<String> = None;
        for (n, entry) in entries.filter_map(|e| e.ok()).enumerate() {
            if n >= DRM_SCAN_MAX_FDS_PER_PROCESS {
                scan.truncated = true;
                break;
            }
            let Ok(target) = std::fs::read_link(entry.path()) else {
                continue;
            };
            if !target.starts_with("/dev/dri/") {
                continue;
            }
            let Some(fd) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Some(fdinfo) = read_small(
                &dir.join("fdinfo").join(fd.to_string()),
                DRM_FDINFO_MAX_BYTES,
            ) else {
                continue;
            };
            let comm = comm
                .get_or_insert_with(|| {
                    read_small(&dir.join("comm"), 256)
                        .map(|c| c.trim_end().to_string())
                        .unwrap_or_default()
                })
                .clone();
            scan.fds.push(DrmFdinfo {
                pid,
                fd,
                comm,
                fdinfo,
            });
            if scan.fds.len() >= DRM_SCAN_MAX_DRM_FDS {
                scan.truncated = true;
                break 'procs;
            }
        }
    }
    Ok(scan)
}

/// /proc exists on Linux only; elsewhere there is nothing to scan.
#[cfg(not(unix))]
fn drm_fdinfo_scan(_proc: &std::path::Path) -> io::Result<super::DrmFdinfoScan> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "DRM clients are read from /proc (Linux only)",
    ))
}

#[cfg(unix)]
fn access(path: &str) -> PathAccess {
    use std::ffi::CString;
    let Ok(c) = CString::new(path) else {
        return PathAccess::default();
    };
    // SAFETY: `c` is a valid NUL-terminated string that outlives the calls.
    let ok = |mode| unsafe { libc::access(c.as_ptr(), mode) == 0 };
    let exists = std::fs::symlink_metadata(path).is_ok();
    PathAccess {
        exists,
        readable: exists && ok(libc::R_OK),
        writable: exists && ok(libc::W_OK),
    }
}

#[cfg(not(unix))]
fn access(path: &str) -> PathAccess {
    match std::fs::metadata(path) {
        Ok(m) => PathAccess {
            exists: true,
            readable: true,
            writable: !m.permissions().readonly(),
        },
        Err(_) => PathAccess::default(),
    }
}

#[cfg(unix)]
fn groups() -> Vec<String> {
    use std::ffi::CStr;
    // SAFETY: getgroups with size 0 returns the count; the second call fills a buffer of
    // exactly that size. getgrgid returns a pointer into static storage that we copy at once
    // (we are the only thread calling it: probes ask the host for groups once).
    unsafe {
        let n = libc::getgroups(0, std::ptr::null_mut());
        if n < 0 {
            return Vec::new();
        }
        let mut gids = vec![0 as libc::gid_t; n as usize];
        let n = libc::getgroups(n, gids.as_mut_ptr());
        if n < 0 {
            return Vec::new();
        }
        gids.truncate(n as usize);
        let egid = libc::getegid();
        if !gids.contains(&egid) {
            gids.push(egid);
        }
        let mut names: Vec<String> = gids
            .into_iter()
            .map(|gid| {
                let gr = libc::getgrgid(gid);
                if gr.is_null() || (*gr).gr_name.is_null() {
                    gid.to_string()
                } else {
                    CStr::from_ptr((*gr).gr_name).to_string_lossy().into_owned()
                }
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The effective user's name from the user database (getpwuid_r: passwd, LDAP, sssd alike).
#[cfg(unix)]
fn user_name() -> Option<String> {
    use std::ffi::CStr;
    let mut buf = vec![0 as libc::c_char; 1024];
    loop {
        // SAFETY: `pwd` and `buf` outlive the call and `buf.len()` is the buffer's size;
        // on success `result` points at `pwd`, whose strings point into `buf`, read before
        // either goes away. getpwuid_r is the thread-safe form.
        unsafe {
            let mut pwd: libc::passwd = std::mem::zeroed();
            let mut result: *mut libc::passwd = std::ptr::null_mut();
            let rc = libc::getpwuid_r(
                libc::geteuid(),
                &mut pwd,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            );
            if rc == libc::ERANGE && buf.len() < 1 << 20 {
                buf.resize(buf.len() * 4, 0);
                continue;
            }
            if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
                return None;
            }
            let name = CStr::from_ptr(pwd.pw_name).to_string_lossy().into_owned();
            return (!name.is_empty()).then_some(name);
        }
    }
}

#[cfg(not(unix))]
fn user_name() -> Option<String> {
    None
}

#[cfg(not(unix))]
fn groups() -> Vec<String> {
    Vec::new()
}

#[cfg(unix)]
fn free_disk_bytes(path: &str) -> Option<u64> {
    use std::ffi::CString;
    let c = CString::new(path).ok()?;
    // SAFETY: statvfs fills the zeroed struct we own; `c` is a valid C string.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(c.as_ptr(), &mut st) != 0 {
            return None;
        }
        #[allow(clippy::unnecessary_cast)]
        Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
    }
}

#[cfg(windows)]
fn free_disk_bytes(path: &str) -> Option<u64> {
    windows::free_disk_bytes(path)
}

#[cfg(not(any(unix, windows)))]
fn free_disk_bytes(_path: &str) -> Option<u64> {
    None
}

/// The Windows calls, run for real (under Wine in CI): they answer, and the tree dies.
#[cfg(all(test, windows))]
mod windows_tests {
    use super::*;

    #[test]
    fn memory_disk_and_registry_answer() {
        let h = LiveHost::new();
        let m = h.memory().expect("GlobalMemoryStatusEx");
        assert!(
            m.total_bytes > 0 && m.available_bytes <= m.total_bytes,
            "{m:?}"
        );
        assert!(h.free_disk_bytes().is_some());
        let cv = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion";
        let build = h.registry(cv, "CurrentBuildNumber");
        assert!(
            build
                .as_ref()
                .and_then(|b| b.text())
                .is_some_and(|b| b.parse::<u32>().is_ok()),
            "{build:?}"
        );
        assert_eq!(h.registry(cv, "NoSuchValueHere"), None);
        assert_eq!(h.registry(r"HKLM\SOFTWARE\NoSuchKeyHere", "x"), None);
        assert_eq!(h.registry(r"HKXX\SOFTWARE", "x"), None);
    }

    #[test]
    fn a_hung_tool_costs_its_timeout() {
        // A busy loop in cmd that would run for minutes; the job ends it at the timeout.
        let start = Instant::now();
        let out = LiveHost::new().run(
            &["cmd", "/c", "for /L %i in (1,1,1000000000) do @rem"],
            Duration::from_millis(1500),
        );
        assert!(out.timed_out, "{out:?}");
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A fake tool: a shell script written by the test.
    fn tool(dir: &std::path::Path, name: &str, body: &str) -> String {
        let p = dir.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p.to_string_lossy().into_owned()
    }

    // The bound asserted here is the contract (timeout + 100 ms); the margin absorbs process
    // start-up on a loaded machine but not a hang.
    const SLACK: Duration = Duration::from_millis(100);
    const LIMIT: Duration = Duration::from_millis(400);

    #[test]
    fn a_hung_tool_costs_its_timeout() {
        let d = tempfile::tempdir().unwrap();
        let t = tool(d.path(), "hang", "echo started; sleep 60");
        let start = Instant::now();
        let out = LiveHost::new().run(&[&t], LIMIT);
        let took = start.elapsed();
        assert!(out.timed_out);
        assert_eq!(out.exit, None);
        assert_eq!(out.stdout, b"started\n");
        assert!(took < LIMIT + SLACK, "took {took:?}");
    }

    #[test]
    fn a_forked_child_holding_the_pipe_does_not_keep_us_waiting() {
        let d = tempfile::tempdir().unwrap();
        let t = tool(d.path(), "fork", "sleep 60 &\necho parent done");
        let start = Instant::now();
        let out = LiveHost::new().run(&[&t], LIMIT);
        assert!(!out.timed_out);
        assert_eq!(out.exit, Some(0));
        assert_eq!(out.stdout, b"parent done\n");
        assert!(
            start.elapsed() < LIMIT + SLACK,
            "took {:?}",
            start.elapsed()
        );
    }

    #[test]
    fn a_child_that_left_our_process_group_is_not_waited_for() {
        let d = tempfile::tempdir().unwrap();
        // setsid puts the sleeper in a new session: killing our group cannot reach it.
        let t = tool(d.path(), "escape", "setsid sleep 60 &\necho ok");
        let start = Instant::now();
        let out = LiveHost::new().run(&[&t], LIMIT);
        assert_eq!(out.exit, Some(0));
        assert_eq!(out.stdout, b"ok\n");
        // Done as soon as the tool exits, plus the short grace for its pipes.
        assert!(
            start.elapsed() < PIPE_GRACE + SLACK,
            "took {:?}",
            start.elapsed()
        );
    }

    #[test]
    fn huge_output_is_capped_and_drained() {
        let d = tempfile::tempdir().unwrap();
        let t = tool(
            d.path(),
            "chatty",
            "head -c 100000000 /dev/zero | tr '\\0' 'x'",
        );
        let out = LiveHost::new().run(&[&t], Duration::from_secs(20));
        assert_eq!(out.exit, Some(0), "{out:?}");
        assert!(out.truncated);
        assert_eq!(out.stdout.len(), MAX_OUTPUT_BYTES);
    }

    #[test]
    fn death_by_signal_is_reported() {
        let d = tempfile::tempdir().unwrap();
        let t = tool(d.path(), "crash", "echo before >&2; kill -SEGV $$");
        let out = LiveHost::new().run(&[&t], Duration::from_secs(5));
        assert_eq!(out.exit, None);
        assert_eq!(out.signal, Some(libc::SIGSEGV));
        assert!(!out.timed_out);
        assert_eq!(out.stderr, b"before\n");
    }

    #[test]
    fn garbage_output_is_kept_as_bytes() {
        let d = tempfile::tempdir().unwrap();
        let t = tool(
            d.path(),
            "garbage",
            "printf '\\377\\376\\000\\033[31mred\\r\\n'",
        );
        let out = LiveHost::new().run(&[&t], Duration::from_secs(5));
        assert_eq!(out.exit, Some(0));
        assert_eq!(out.stdout, b"\xff\xfe\x00\x1b[31mred\r\n");
    }

    #[test]
    fn missing_and_unexecutable_tools_are_spawn_errors() {
        let h = LiveHost::new();
        let out = h.run(&["aidoctor-no-such-tool-xyz"], Duration::from_secs(1));
        assert_eq!(out.spawn_error, Some(SpawnError::NotFound));
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("noexec");
        std::fs::write(&p, "#!/bin/sh\necho hi\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = h.run(&[p.to_str().unwrap()], Duration::from_secs(1));
        assert!(out.spawn_error.is_some(), "{out:?}");
        assert_eq!(out.exit, None);
    }

    #[test]
    fn the_user_name_is_the_os_account_of_the_effective_uid() {
        // id(1) asks the same database; it is on every Unix this runs on.
        let Ok(out) = Command::new("id").arg("-un").output() else {
            return;
        };
        let want = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert_eq!(
            LiveHost::new().user_name(),
            Some(want).filter(|w| !w.is_empty())
        );
    }

    #[test]
    fn files_are_read_with_a_cap() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big");
        std::fs::write(&p, vec![b'a'; (MAX_FILE_BYTES + 10) as usize]).unwrap();
        let b = LiveHost::new().read_file(p.to_str().unwrap()).unwrap();
        assert_eq!(b.len() as u64, MAX_FILE_BYTES);
    }
}
