//! The binary on ruleset files: located errors and exit 2 for broken rulesets; formats and
//! exit codes for a good one.

use assert_cmd::Command;
use std::path::Path;

fn aidoctor() -> Command {
    let mut c = Command::cargo_bin("aidoctor").unwrap();
    for v in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        c.env_remove(v);
    }
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Each broken ruleset, the location of its first error, and what the error says.
const BROKEN: &[(&str, &str, &str)] = &[
    ("bad-yaml.yaml", "6:12", "unclosed quote"),
    (
        "unknown-fact.yaml",
        "8:21",
        "unknown fact `nvidia.driver_verison`; did you mean `nvidia.driver_version`?",
    ),
    (
        "bad-regex.yaml",
        "8:41",
        "bad regular expression `Ryzen (9`",
    ),
    (
        "wrong-type.yaml",
        "8:39",
        "invalid type: sequence, expected a number",
    ),
    (
        "duplicate-id.yaml",
        "12:9",
        "duplicate rule id `duplicate-id/a` (first at line 5)",
    ),
    ("unknown-key.yaml", "9:5", "unknown field `fixes`"),
    ("bad-version-range.yaml", "8:51", "bad version range"),
    ("missing-why.yaml", "10:5", "missing field `why`"),
    (
        "alias-bomb.yaml",
        "17:25",
        "the file is too large or too deeply nested: more than 200,000 YAML elements",
    ),
];

#[test]
fn every_broken_ruleset_is_covered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken-rulesets");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut listed: Vec<String> = BROKEN.iter().map(|b| b.0.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed);
}

#[test]
fn lint_locates_each_error_and_exits_2() {
    for (file, at, says) in BROKEN {
        let path = format!("tests/broken-rulesets/{file}");
        let out = aidoctor().args(["rules", "lint", &path]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        // Errors go to stderr, as `check` writes them.
        assert!(out.stdout.is_empty(), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let want = if at.is_empty() {
            format!("{path}:")
        } else {
            format!("{path}:{at}: ")
        };
        assert!(stderr.starts_with(&want), "{file}: {stderr}");
        assert!(stderr.contains(says), "{file}: {stderr}");
    }
}

#[test]
fn check_refuses_broken_rulesets_before_probing() {
    for (file, at, says) in BROKEN {
        let path = format!("tests/broken-rulesets/{file}");
        let out = aidoctor().args(["check", &path]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("{path}:{at}")), "{file}: {stderr}");
        assert!(stderr.contains(says), "{file}: {stderr}");
        assert!(out.stdout.is_empty(), "{file}");
    }
}

#[test]
fn lint_passes_a_good_ruleset() {
    aidoctor()
        .args(["rules", "lint", "tests/rulesets/ok.yaml"])
        .assert()
        .code(0)
        .stdout("tests/rulesets/ok.yaml: ok (2 rules)\n");
}

#[test]
fn check_formats_and_exit_codes() {
    let out = aidoctor()
        .args([
            "check",
            "tests/rulesets/ok.yaml",
            "--fast",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["rulesets"][0]["id"], "ok");
    assert_eq!(doc["rulesets"][0]["origin"], "tests/rulesets/ok.yaml");
    let results = doc["rulesets"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    // Nobody has 100 TiB of RAM: a warning (or unknown), so exit 0, and 1 with --strict.
    let ram = results[1]["outcome"].as_str().unwrap();
    assert!(ram == "warn" || ram == "unknown", "{ram}");
    let linux_failed = results[0]["outcome"] == "fail";
    assert_eq!(out.status.code(), Some(i32::from(linux_failed)));
    aidoctor()
        .args([
            "check",
            "tests/rulesets/ok.yaml",
            "--fast",
            "--strict",
            "--quiet",
        ])
        .assert()
        .code(1);
    let out = aidoctor()
        .args([
            "check",
            "tests/rulesets/ok.yaml",
            "--fast",
            "--format",
            "junit",
        ])
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.contains(r#"<testsuite name="ok" tests="2""#), "{xml}");
    assert!(
        xml.contains(r#"<testcase classname="ok" name="ok/lots-of-ram">"#),
        "{xml}"
    );
    let out = aidoctor()
        .args([
            "check",
            "tests/rulesets/ok.yaml",
            "--fast",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("## A ruleset for the tests (`ok`)"), "{md}");
    assert!(md.contains("| Buy RAM. |"), "{md}");
}

#[test]
fn urls_and_unknown_names_are_usage_errors() {
    aidoctor()
        .args(["check", "https://example.com/r.yaml"])
        .assert()
        .code(2);
    aidoctor()
        .args(["check", "no-such-ruleset"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "unknown ruleset `no-such-ruleset`",
        ));
}

/// The complete example in rules/README.md lints clean.
#[test]
fn readme_example_lints_clean() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/README.md"))
            .unwrap();
    let start = readme.find("```yaml\n").expect("a ```yaml block") + 8;
    let len = readme[start..].find("```").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("example.yaml");
    std::fs::write(&path, &readme[start..start + len]).unwrap();
    aidoctor()
        .args(["rules", "lint"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicates::str::contains(": ok ("));
}

#[test]
fn output_goes_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.json");
    let out = aidoctor()
        .args([
            "check",
            "tests/rulesets/ok.yaml",
            "--fast",
            "--format",
            "json",
            "--output",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["rulesets"][0]["id"], "ok");
}
