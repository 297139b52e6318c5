//! aidoctor runs wherever its user is, often inside a cloned repository: nothing in the
//! current directory may run. The Python probe's `python3 -c` puts the cwd first on
//! `sys.path`; a `json.py` there (imported by the probe) and a `torch/` package (which would
//! fake the PyTorch facts) must both be ignored. Uses this machine's python3; skipped without.

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn the_python_probe_imports_nothing_from_the_cwd() {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("python3 not installed here; skipping");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let marker = d.path().join("MARKER");
    std::fs::write(
        d.path().join("json.py"),
        format!(
            "open({:?}, 'w').write('ran')\n",
            marker.display().to_string()
        ),
    )
    .unwrap();
    std::fs::create_dir(d.path().join("torch")).unwrap();
    std::fs::write(
        d.path().join("torch/__init__.py"),
        format!(
            "open({:?}, 'w').write('ran')\n__version__ = '6.6.6+hostile'\n",
            marker.display().to_string()
        ),
    )
    .unwrap();
    let out = Command::cargo_bin("aidoctor")
        .unwrap()
        .current_dir(d.path())
        .args(["facts", "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!marker.exists(), "code from the cwd ran");
    assert!(
        !stdout.contains("6.6.6"),
        "torch faked from the cwd: {stdout}"
    );
    let j: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        j["python"]["version"].is_string(),
        "the probe still ran: {}",
        j["python"]
    );
}
