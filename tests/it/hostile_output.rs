//! What aidoctor prints when what it reads is hostile: terminal escapes planted in a
//! snapshot and a ruleset never reach the output, in any format; a closed pipe is a quiet
//! stop that keeps the verdict's exit code; errors go through the redactor.

use assert_cmd::Command;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn aidoctor() -> Command {
    let mut c = Command::cargo_bin("aidoctor").unwrap();
    for v in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        c.env_remove(v);
    }
    c.current_dir(root());
    c
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type().unwrap().is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// OSC 52 (clipboard), a window title, a screen clear, CR, an 8-bit CSI and a bidi override.
const PLANTED: &str = "\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{9b}31m\u{202e}";

/// A character that can act on a terminal or reorder text: C0 but tab and newline, DEL, C1,
/// bidi controls, line and paragraph separators.
fn dangerous(bytes: &[u8]) -> Option<char> {
    String::from_utf8_lossy(bytes).chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
    })
}

/// The no-gpu machine with escapes in its os-release, and a ruleset with escapes in every
/// text it has.
fn hostile() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snap");
    copy_dir(&root().join("fixtures/no-gpu"), &snap);
    let os = snap.join("files/etc/os-release");
    let text = std::fs::read_to_string(&os).unwrap();
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("PRETTY_NAME=") {
                format!("PRETTY_NAME=\"Debian {PLANTED} GNU/Linux\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&os, text).unwrap();
    let rs = tmp.path().join("evil.yaml");
    let mut f = std::fs::File::create(&rs).unwrap();
    // YAML double-quoted strings carry the escapes as \e, \a, \r, \x9b and \u202e.
    let p = r#"\e]52;c;cHduZWQ=\a\e]0;pwned\a\e[2J\r\x9b31m\u202e"#;
    write!(
        f,
        "id: evil\ntitle: \"Evil {p}\"\nchecked: 2026-01-01\nrules:\n  - id: evil/os\n    title: \"OS {{os.pretty_name}} {p}\"\n    severity: fail\n    require: {{fact: os.pretty_name, equals: nothing}}\n    fix: \"Run {p} this\"\n    why: \"Because {p}\"\n    source: \"https://example.com/{p}\"\n"
    )
    .unwrap();
    (tmp, snap, rs)
}

#[test]
fn planted_escapes_never_reach_the_output_in_any_format() {
    let (_tmp, snap, rs) = hostile();
    let snap = snap.to_str().unwrap();
    let rs = rs.to_str().unwrap();
    let runs: &[&[&str]] = &[
        &[],
        &["facts"],
        &["facts", "--format", "json"],
        &["check", rs],
        &["check", rs, "--format", "markdown"],
        &["check", rs, "--format", "json"],
        &["check", rs, "--format", "junit"],
        &["check", rs, "--quiet"],
        &["report"],
        &["report", "--format", "json"],
        &["report", "--no-redact", "--ruleset", rs],
    ];
    let sgr = regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
    for args in runs {
        for color in ["never", "always"] {
            let out = aidoctor()
                .args(["--replay", snap, "--color", color])
                .args(*args)
                .output()
                .unwrap();
            let code = out.status.code();
            assert!(matches!(code, Some(0 | 1)), "{args:?}: {code:?}");
            // Colors are aidoctor's own SGR sequences; nothing else may carry an ESC.
            let stdout = String::from_utf8_lossy(&out.stdout);
            let without_sgr = sgr.replace_all(&stdout, "");
            assert_eq!(
                dangerous(without_sgr.as_bytes()),
                None,
                "{args:?} --color {color}:\n{stdout}"
            );
            assert_eq!(dangerous(&out.stderr), None, "{args:?} stderr");
            assert!(
                stdout.contains("u{1b}") && stdout.contains("52;c;cHduZWQ="),
                "{args:?}: the planted sequence shows as text:\n{stdout}"
            );
        }
    }
}

/// `check --format markdown` escapes HTML and image links built from facts, as `report` does.
#[test]
fn markdown_from_hostile_facts_renders_no_html_or_images() {
    let (_tmp, snap, rs) = hostile();
    let os = snap.join("files/etc/os-release");
    std::fs::write(
        &os,
        "ID=debian\nPRETTY_NAME=\"</details><img src=https://evil.example/p.png> ![x](https://evil.example/q.png) [y](https://evil.example/)\"\n",
    )
    .unwrap();
    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.render.r#unsafe = true;
    for args in [
        vec!["check", rs.to_str().unwrap(), "--format", "markdown"],
        vec!["report"],
        vec!["report", "--no-redact"],
    ] {
        let out = aidoctor()
            .args(["--replay", snap.to_str().unwrap()])
            .args(&args)
            .output()
            .unwrap();
        let md = String::from_utf8_lossy(&out.stdout);
        let html = comrak::markdown_to_html(&md, &o);
        assert!(md.contains("evil.example"), "{args:?}: {md}");
        for bad in ["<img", "href=\"https://evil", "</details>\n\n<img"] {
            assert!(!html.contains(bad), "{args:?}: {bad} in\n{html}");
        }
        assert_eq!(
            html.matches("<details").count(),
            html.matches("</details>").count(),
            "{args:?}"
        );
    }
}

/// Each command with its reader gone before it writes: no panic, and its own exit code.
#[test]
fn a_closed_pipe_is_a_quiet_stop_with_the_verdicts_exit_code() {
    let failing = root().join("fixtures/nvidia-driver-mismatch");
    let failing = failing.to_str().unwrap();
    let cases: &[(&[&str], i32)] = &[
        (&["man"], 0),
        (&["completions", "bash"], 0),
        (&["completions", "zsh"], 0),
        (&["rules", "list"], 0),
        (&["rules", "show", "host"], 0),
        (&["--help"], 0),
        (&["--replay", failing, "facts"], 0),
        (&["--replay", failing, "facts", "--format", "json"], 0),
        (&["--replay", failing, "report"], 0),
        (&["--replay", failing, "check", "host"], 1),
        (
            &["--replay", failing, "check", "host", "comfyui", "vllm"],
            1,
        ),
        (
            &["--replay", failing, "check", "host", "--format", "json"],
            1,
        ),
        (&["--replay", failing], 1),
    ];
    for (args, want) in cases {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_aidoctor"))
            .args(*args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end before the binary has written anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(*want),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("panicked"),
            "{args:?}"
        );
    }
}

/// An error with its standard error closed still exits 2, without a panic.
#[test]
fn an_error_on_a_closed_stderr_still_exits_2() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_aidoctor"))
        .args(["check", "no-such-ruleset"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(2));
}

#[test]
fn errors_echo_no_credentials_or_tokens() {
    let cache = tempfile::tempdir().unwrap();
    let token = "ghp_PlantedErrorToken0123456789abcdefghijkl";
    let out = aidoctor()
        .env("AIDOCTOR_CACHE_DIR", cache.path())
        .args([
            "check",
            &format!("http://bob:Sup3rS3cret@127.0.0.1:1/x.yaml?token={token}"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("127.0.0.1"), "{err}");
    for secret in ["Sup3rS3cret", token] {
        assert!(!err.contains(secret), "{secret} in: {err}");
    }
}

#[test]
fn snapshot_no_redact_says_exactly_what_it_keeps() {
    let out = aidoctor().args(["snapshot", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for kept in [
        "host name",
        "user name",
        "serial",
        "UUID",
        "MAC",
        "IP",
        "tokens",
        "passwords",
    ] {
        assert!(help.contains(kept), "--help lacks {kept}: {help}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("it's mine");
    let out = aidoctor()
        .args(["snapshot", "--fast", "--no-redact", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let msg = String::from_utf8_lossy(&out.stderr);
    for kept in [
        "host name",
        "user name",
        "UUIDs",
        "MAC",
        "tokens",
        "passwords",
    ] {
        assert!(msg.contains(kept), "closing message lacks {kept}: {msg}");
    }
    // The replay command can be pasted as it is.
    assert!(msg.contains("'\\''s mine'"), "{msg}");
}
