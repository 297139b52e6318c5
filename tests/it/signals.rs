//! Ctrl-C and SIGTERM end the tools aidoctor started, then exit 128 + signal.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// A process is gone when it no longer exists or is a zombie waiting for init to reap it.
fn gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

fn interrupted_run_ends_its_tools(signo: i32, want: i32) {
    let d = tempfile::tempdir().unwrap();
    let pidfile = d.path().join("sleeper.pid");
    let tool = d.path().join("nvidia-smi");
    std::fs::write(
        &tool,
        format!(
            "#!/bin/sh\necho $$ > '{}'\nexec sleep 60\n",
            pidfile.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("aidoctor"))
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", d.path().display()))
        .args(["facts", "--fast", "--format", "json", "--timeout", "30"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let pid: i32 = loop {
        if let Some(p) = std::fs::read_to_string(&pidfile)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            break p;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "tool never ran");
        std::thread::sleep(Duration::from_millis(20));
    };
    // SAFETY: kill(2) on our own child; no memory is touched.
    unsafe {
        libc::kill(child.id() as i32, signo);
    }
    let status = child
        .wait_timeout(Duration::from_secs(5))
        .unwrap()
        .unwrap_or_else(|| {
            let _ = child.kill();
            panic!("aidoctor did not exit after signal {signo}")
        });
    assert_eq!(status.code(), Some(want));
    let start = Instant::now();
    while !gone(pid) {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "tool {pid} still running after signal {signo}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigint_ends_child_tools_and_exits_130() {
    interrupted_run_ends_its_tools(libc::SIGINT, 130);
}

#[test]
fn sigterm_ends_child_tools_and_exits_143() {
    interrupted_run_ends_its_tools(libc::SIGTERM, 143);
}
