//! A stranger's snapshot or ruleset, built as an attacker would: links out of the snapshot,
//! absolute and `..` paths, FIFOs, devices, gigabyte sparse files. Each must end at once with
//! exit 2 and a message naming the file, never follow the link, never hang.
//!
//! Every run has a watchdog: a hang is a failure after WATCHDOG, not a stuck test.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::Duration;

const WATCHDOG: Duration = Duration::from_secs(30);
/// A file outside every snapshot, standing for /etc/shadow or a private key.
const SECRET: &str = "SECRET-d41d8cd98f00b204";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn aidoctor() -> Command {
    let mut cmd = Command::cargo_bin("aidoctor").expect("binary built");
    cmd.env_remove("AIDOCTOR_CACHE_DIR")
        .env("NO_COLOR", "1")
        .timeout(WATCHDOG);
    cmd
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A writable copy of a fixture, and a secret file outside it.
struct Scene {
    _tmp: tempfile::TempDir,
    snap: PathBuf,
    secret: PathBuf,
}

fn scene(fixture: &str) -> Scene {
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snap");
    copy_tree(&root().join("fixtures").join(fixture), &snap);
    let secret = tmp.path().join("secret");
    std::fs::write(&secret, format!("{SECRET}\n")).unwrap();
    Scene {
        _tmp: tmp,
        snap,
        secret,
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run aidoctor");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn replay(snap: &Path, command: &[&str]) -> Run {
    run(aidoctor().arg("--replay").arg(snap).args(command))
}

/// Exit 2, a message on stderr with every one of `wanted`, and no secret anywhere.
fn refused(r: &Run, wanted: &[&str]) {
    assert_eq!(r.code, Some(2), "exit code; stderr: {}", r.stderr);
    for w in wanted {
        assert!(r.stderr.contains(w), "{w:?} not in: {}", r.stderr);
    }
    assert!(
        !r.stdout.contains(SECRET),
        "the secret leaked: {}",
        r.stdout
    );
    assert!(
        !r.stderr.contains(SECRET),
        "the secret leaked: {}",
        r.stderr
    );
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

fn set_yaml(snap: &Path, from: &str, to: &str) {
    let p = snap.join("snapshot.yaml");
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{from:?} not in the fixture");
    std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
}

/// The line and column where `needle` starts in the snapshot.yaml (1-based).
fn position(snap: &Path, needle: &str) -> String {
    let t = std::fs::read_to_string(snap.join("snapshot.yaml")).unwrap();
    let (i, l) = t
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap();
    format!(
        "{}:{}:{}",
        snap.join("snapshot.yaml").display(),
        i + 1,
        l.find(needle).unwrap() + 1
    )
}

// ---- 1. nothing outside the snapshot is read ----

#[test]
fn a_link_under_files_is_refused() {
    let s = scene("no-gpu");
    let f = s.snap.join("files/proc/sys/kernel/osrelease");
    std::fs::remove_file(&f).unwrap();
    std::os::unix::fs::symlink(&s.secret, &f).unwrap();
    let r = replay(&s.snap, &["report"]);
    refused(&r, &[&f.display().to_string(), "symbolic link"]);
}

#[test]
fn a_linked_directory_under_files_is_refused() {
    let s = scene("no-gpu");
    let outside = s.secret.parent().unwrap().join("outside/sys/kernel");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::copy(&s.secret, outside.join("osrelease")).unwrap();
    let proc = s.snap.join("files/proc");
    std::fs::remove_dir_all(&proc).unwrap();
    std::os::unix::fs::symlink(outside.parent().unwrap().parent().unwrap(), &proc).unwrap();
    let r = replay(&s.snap, &["facts", "--format", "json"]);
    refused(&r, &[&proc.display().to_string(), "symbolic link"]);
}

#[test]
fn a_linked_command_output_is_refused() {
    let s = scene("h100-server");
    let f = s.snap.join("commands/nvidia-smi-q.txt");
    std::fs::remove_file(&f).unwrap();
    std::os::unix::fs::symlink(&s.secret, &f).unwrap();
    let r = replay(&s.snap, &["report"]);
    refused(&r, &["nvidia-smi-q.txt", "symbolic link"]);
}

#[test]
fn an_absolute_output_path_is_a_located_error() {
    let s = scene("h100-server");
    let abs = s.secret.display().to_string();
    set_yaml(
        &s.snap,
        "stdout_file: commands/nvidia-smi-q.txt",
        &format!("stdout_file: {abs}"),
    );
    let at = position(&s.snap, &abs);
    let r = replay(&s.snap, &["report"]);
    refused(&r, &[&at, "relative path inside the snapshot"]);
}

#[test]
fn a_dotdot_output_path_is_a_located_error() {
    let s = scene("h100-server");
    set_yaml(
        &s.snap,
        "stdout_file: commands/nvidia-smi-q.txt",
        "stdout_file: \"commands/../../secret\"",
    );
    let at = position(&s.snap, "\"commands/../../secret\"");
    let r = replay(&s.snap, &["report"]);
    refused(&r, &[&at, "relative path inside the snapshot"]);
}

// ---- 2. recorded outputs are capped like live ones ----

#[test]
fn a_two_gigabyte_sparse_output_costs_one_mebibyte() {
    let s = scene("h100-server");
    let f = s.snap.join("commands/nvidia-smi-q.txt");
    std::fs::File::create(&f).unwrap().set_len(2 << 30).unwrap();
    // Read whole, 2 GB would not fit in this address space; capped, it needs a few MB.
    let r = run(Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1500000; exec \"$0\" --replay \"$1\" facts --format json")
        .arg(assert_cmd::cargo::cargo_bin("aidoctor"))
        .arg(&s.snap)
        .env("NO_COLOR", "1")
        .timeout(WATCHDOG));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("\"nvidia\""), "{}", r.stdout);
}

// ---- 3. FIFOs and devices in a snapshot ----

#[test]
fn a_fifo_as_snapshot_yaml_is_refused_at_once() {
    let s = scene("no-gpu");
    let y = s.snap.join("snapshot.yaml");
    std::fs::remove_file(&y).unwrap();
    mkfifo(&y);
    let r = replay(&s.snap, &["facts"]);
    refused(&r, &[&y.display().to_string(), "FIFO"]);
}

#[test]
fn a_fifo_under_files_is_refused_at_once() {
    let s = scene("no-gpu");
    let f = s.snap.join("files/etc/os-release");
    std::fs::remove_file(&f).unwrap();
    mkfifo(&f);
    let r = replay(&s.snap, &["report"]);
    refused(&r, &[&f.display().to_string(), "FIFO"]);
}

#[test]
fn a_fifo_as_a_command_output_is_refused_at_once() {
    let s = scene("h100-server");
    let f = s.snap.join("commands/nvidia-smi-q.txt");
    std::fs::remove_file(&f).unwrap();
    mkfifo(&f);
    let r = replay(&s.snap, &["facts"]);
    refused(&r, &["nvidia-smi-q.txt", "FIFO"]);
}

// ---- 4. local rulesets: regular files of at most 1 MiB ----

#[test]
fn a_fifo_ruleset_is_refused_at_once() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("f.yaml");
    mkfifo(&f);
    let no_gpu = root().join("fixtures/no-gpu");
    let r = replay(&no_gpu, &["check", f.to_str().unwrap()]);
    refused(&r, &["f.yaml", "FIFO"]);
    let r = run(aidoctor().args(["rules", "lint"]).arg(&f));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    // lint reports errors on stderr, as check does.
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
}

#[test]
fn a_device_ruleset_is_refused_at_once() {
    let no_gpu = root().join("fixtures/no-gpu");
    let r = replay(&no_gpu, &["check", "/dev/zero"]);
    refused(&r, &["/dev/zero", "device"]);
    let r = run(aidoctor().args(["rules", "lint", "/dev/zero"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("device"), "{}", r.stderr);
}

#[test]
fn an_oversized_ruleset_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("big.yaml");
    std::fs::File::create(&f).unwrap().set_len(2 << 30).unwrap();
    let no_gpu = root().join("fixtures/no-gpu");
    let r = replay(&no_gpu, &["check", f.to_str().unwrap()]);
    refused(&r, &["big.yaml", "larger than 1 MiB"]);
}

#[test]
fn a_fifo_project_ruleset_is_refused_at_once() {
    let d = tempfile::tempdir().unwrap();
    mkfifo(&d.path().join("aidoctor.yaml"));
    let no_gpu = root().join("fixtures/no-gpu");
    let r = run(aidoctor()
        .arg("--replay")
        .arg(&no_gpu)
        .arg("check")
        .arg("--project")
        .arg(d.path()));
    refused(&r, &["aidoctor.yaml", "FIFO"]);
}

#[test]
fn a_project_ruleset_linked_to_a_device_is_refused() {
    let d = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.path().join("aidoctor.yaml")).unwrap();
    let no_gpu = root().join("fixtures/no-gpu");
    let r = run(aidoctor()
        .arg("--replay")
        .arg(&no_gpu)
        .arg("check")
        .arg("--project")
        .arg(d.path()));
    refused(&r, &["aidoctor.yaml", "device"]);
}

// ---- 13. the user name is known without USER and LOGNAME ----

#[test]
fn the_account_name_is_redacted_with_the_environment_cleared() {
    let Ok(id) = std::process::Command::new("id").arg("-un").output() else {
        return;
    };
    let name = String::from_utf8_lossy(&id.stdout).trim().to_string();
    let probe = aidoctor::host::fake::FakeHost::new().user_name(&name);
    if aidoctor::redact::Redactor::from_host(&probe).text(&name) == name {
        // root, runner: names that identify no one are kept on purpose.
        eprintln!("skipped: the account name {name:?} is generic");
        return;
    }
    let r = run(aidoctor()
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .current_dir(std::env::temp_dir())
        .args(["report", "--fast"]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let words = r
        .stdout
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .collect::<Vec<_>>();
    assert!(!words.contains(&name.as_str()), "{name} in {}", r.stdout);
}

// ---- the same class elsewhere: a model path that is a FIFO or a device (`aidoctor fit`) ----

#[test]
fn a_fifo_or_device_as_a_model_is_refused_at_once() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("model.gguf");
    mkfifo(&fifo);
    for model in [fifo.to_str().unwrap(), "/dev/zero"] {
        // Live: a replay answers model files from the snapshot.
        let r = run(aidoctor().args(["fit", "--fast", model]));
        assert_ne!(r.code, Some(0), "{model}: {}{}", r.stdout, r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains("not a regular file"), "{model}: {all}");
    }
}
