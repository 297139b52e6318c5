//! examples/install-preflight.sh against recorded machines: it stops with the fixes when the
//! check fails, installs when it passes, can be overridden, and copes with aidoctor missing
//! or failing.

use std::path::Path;
use std::process::Command;
#[cfg(unix)]
use std::process::Output;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The example is a bash script: Unix only (Windows users run it inside WSL or Git Bash).
#[cfg(unix)]
fn script(ruleset: &str, extra_env: &[(&str, &str)]) -> Output {
    let mut c = Command::new("bash");
    c.arg(root().join("examples/install-preflight.sh"))
        .current_dir(root())
        .env("AIDOCTOR", env!("CARGO_BIN_EXE_aidoctor"))
        .env(
            "AIDOCTOR_ARGS",
            format!(
                "--replay {} --fast --color never",
                root().join("fixtures/planted-secrets").display()
            ),
        )
        .env("AIDOCTOR_RULESET", ruleset)
        .env("DRY_RUN", "1")
        .env_remove("VLLM_SKIP_PREFLIGHT")
        .env_remove("NO_COLOR");
    for (k, v) in extra_env {
        c.env(k, v);
    }
    c.output().expect("bash runs")
}

#[cfg(unix)]
fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn a_failing_check_stops_the_install_with_the_fix() {
    let o = script("tests/rulesets/needs-rocm.yaml", &[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(out.contains("Install ROCm 6.3"), "the fix is shown: {out}");
    assert!(
        err.contains("cannot run tests/rulesets/needs-rocm.yaml"),
        "{err}"
    );
    assert!(err.contains("VLLM_SKIP_PREFLIGHT=1"), "{err}");
    assert!(!out.contains("would run"), "nothing installed: {out}");
}

#[cfg(unix)]
#[test]
fn a_passing_check_installs() {
    let o = script("tests/rulesets/ok.yaml", &[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(out.contains("Pre-flight passed."), "{out}");
    assert!(
        out.contains("would run: python3 -m pip install vllm"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn the_override_installs_anyway() {
    let o = script(
        "tests/rulesets/needs-rocm.yaml",
        &[("VLLM_SKIP_PREFLIGHT", "1")],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(err.contains("skipping the pre-flight check"), "{err}");
    assert!(out.contains("would run: python3 -m pip install vllm"));
}

#[cfg(unix)]
#[test]
fn aidoctor_missing_says_how_to_install() {
    let o = script("vllm", &[("AIDOCTOR", "/nonexistent/aidoctor")]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(err.contains("pipx install aidoctor-cli"), "{err}");
    assert!(
        !err.contains("cargo install aidoctor"),
        "not published there: {err}"
    );
    assert!(out.contains("would run"));
}

#[cfg(unix)]
#[test]
fn aidoctor_unable_to_check_exits_2_and_the_script_goes_on() {
    let o = script("no-such-ruleset-anywhere", &[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(
        err.contains("unknown ruleset `no-such-ruleset-anywhere`"),
        "{err}"
    );
    assert!(err.contains("could not run the check (exit 2)"), "{err}");
}

/// The README's ruleset example is examples/aidoctor.yaml, which lints and is found by
/// --project. (The README's report block is kept current by tests/it/readme.rs.)
#[test]
fn the_readme_shows_a_valid_project_ruleset() {
    let doc = std::fs::read_to_string(root().join("README.md")).unwrap();
    let example = std::fs::read_to_string(root().join("examples/aidoctor.yaml")).unwrap();
    assert!(
        doc.contains(&format!("```yaml\n{example}```")),
        "the ruleset example differs from examples/aidoctor.yaml"
    );
    let lint = Command::new(env!("CARGO_BIN_EXE_aidoctor"))
        .current_dir(root())
        .args(["rules", "lint", "examples/aidoctor.yaml"])
        .output()
        .unwrap();
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    // --project finds it.
    let o = Command::new(env!("CARGO_BIN_EXE_aidoctor"))
        .current_dir(root())
        .args([
            "--replay",
            "fixtures/wsl2-nvidia",
            "check",
            "--project",
            "examples",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"id\": \"sdxl-studio\""));
}
