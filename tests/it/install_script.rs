//! install.sh against a local HTTP server (python3 -m http.server on 127.0.0.1): it picks this
//! machine's artifact, checks its SHA-256 against SHA256SUMS, runs it with the arguments given,
//! and refuses to run a binary whose checksum does not match.

use sha2::{Digest, Sha256};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Serve `dir` on a free loopback port; `None` when python3 is not installed.
fn serve(dir: &Path) -> Option<(Server, u16)> {
    let port = TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            &port.to_string(),
        ])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let server = Server(child);
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "http.server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((server, port))
}

fn artifact() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "aidoctor-aarch64-unknown-linux-musl",
        _ => "aidoctor-x86_64-unknown-linux-musl",
    }
}

fn run_script(port: u16, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/install.sh"))
        .args(args)
        .env("AIDOCTOR_BASE_URL", format!("http://127.0.0.1:{port}/"))
        .env_remove("AIDOCTOR_INSTALL_DIR")
        .output()
        .expect("sh runs")
}

#[test]
fn install_sh_checks_the_sha256_then_runs_the_binary() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let bin = std::fs::read(env!("CARGO_BIN_EXE_aidoctor")).unwrap();
    std::fs::write(d.path().join(artifact()), &bin).unwrap();
    let sum = format!("{:x}", Sha256::digest(&bin));
    std::fs::write(
        d.path().join("SHA256SUMS"),
        format!(
            "{}  aidoctor-other-target\n{sum}  {}\n",
            "0".repeat(64),
            artifact()
        ),
    )
    .unwrap();
    let Some((_server, port)) = serve(d.path()) else {
        eprintln!("python3 is not installed: install.sh not tested");
        return;
    };
    let o = run_script(port, &["--version"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("aidoctor "));

    // The exit code of the check is the script's.
    let o = run_script(port, &["rules", "show", "no-such-rule-xyz"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // A tampered binary is not run.
    let mut bad = bin.clone();
    bad.extend_from_slice(b"tampered");
    std::fs::write(d.path().join(artifact()), &bad).unwrap();
    let o = run_script(port, &["--version"]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("checksum mismatch"), "{err}");
    assert!(o.stdout.is_empty(), "nothing ran");
}
