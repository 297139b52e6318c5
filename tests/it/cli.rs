//! The command line as a new user meets it: complete help, a man page per command, time
//! limits as people type them, options only where they do something, and consistent
//! behaviour across commands.

use assert_cmd::Command;
use std::path::Path;

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

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = aidoctor().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const FIXTURE: &str = "fixtures/no-gpu";

/// Every argument and option of every command has a description.
#[test]
fn every_argument_of_every_command_is_described() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            if a.is_hide_set() || ["help", "version"].contains(&a.get_id().as_str()) {
                continue;
            }
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path} {}", a.get_id()));
            }
        }
        for s in cmd.get_subcommands() {
            if s.get_name() == "help" {
                continue;
            }
            if s.get_about().is_none() {
                missing.push(format!("{path} {} (the command)", s.get_name()));
            }
            walk(s, &format!("{path} {}", s.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(
        &<aidoctor::cli::Cli as clap::CommandFactory>::command(),
        "aidoctor",
        &mut missing,
    );
    assert!(missing.is_empty(), "no description: {missing:?}");
}

#[test]
fn probe_options_are_offered_only_where_they_do_something() {
    for cmd in [&["rules", "list"][..], &["completions", "bash"], &["man"]] {
        let mut help: Vec<&str> = cmd.to_vec();
        help.insert(cmd.len() - usize::from(cmd.len() > 1), "--help");
        let (_, out, _) = run(&[&cmd[..cmd.len().min(1)], &["--help"][..]].concat());
        for opt in ["--replay", "--fast", "--timeout"] {
            assert!(!out.contains(opt), "{cmd:?} --help offers {opt}:\n{out}");
        }
        let mut args = vec!["--replay", FIXTURE];
        args.extend_from_slice(cmd);
        let (code, _, err) = run(&args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(err.contains("not to `"), "{err}");
    }
    for cmd in ["check", "report", "facts", "snapshot"] {
        let (_, out, _) = run(&[cmd, "--help"]);
        assert!(
            out.contains("--replay") && out.contains("--timeout"),
            "{cmd}: {out}"
        );
    }
    // Before or after the command alike.
    for args in [
        &["--replay", FIXTURE, "check", "host"][..],
        &["check", "host", "--replay", FIXTURE],
    ] {
        assert_eq!(run(args).0, Some(0), "{args:?}");
    }
}

#[test]
fn the_summary_takes_strict_and_quiet_as_check_host_does() {
    let mismatch = "fixtures/nvidia-driver-mismatch";
    let (code, out, _) = run(&["--replay", mismatch, "--quiet"]);
    assert_eq!(code, Some(1));
    assert!(!out.contains("System "), "{out}");
    assert!(out.contains("Top fixes"), "{out}");
    let (plain, ..) = run(&["--replay", FIXTURE]);
    let (strict, ..) = run(&["--replay", FIXTURE, "--strict"]);
    let (check_strict, ..) = run(&["--replay", FIXTURE, "check", "host", "--strict"]);
    assert_eq!(plain, Some(0));
    assert_eq!(strict, check_strict);
}

#[test]
fn time_limits_read_as_people_type_them() {
    for t in ["5", "2.5", "500ms", "1m", "0.5s"] {
        let (code, _, err) = run(&["--replay", FIXTURE, "facts", "--timeout", t]);
        assert_eq!(code, Some(0), "--timeout {t}: {err}");
    }
    for (t, says) in [
        ("0", "must be more than 0"),
        ("-1", "cannot be negative"),
        ("1e-320", "unknown unit"),
        ("2h", "the longest time limit is 1h"),
        ("soon", "is not a duration"),
    ] {
        let (code, _, err) = run(&["--replay", FIXTURE, "facts", "--timeout", t]);
        assert_eq!(code, Some(2), "--timeout {t}");
        assert!(err.contains(says), "--timeout {t}: {err}");
        assert!(!err.contains("unexpected argument"), "{err}");
    }
}

#[test]
fn man_pages_exist_for_every_command() {
    let (code, top, _) = run(&["man"]);
    assert_eq!(code, Some(0));
    assert!(top.contains("aidoctor\\-check(1)"), "{top}");
    let (code, page, _) = run(&["man", "check"]);
    assert_eq!(code, Some(0));
    assert!(page.contains(".TH aidoctor-check 1"), "{page}");
    assert!(page.contains("\\-\\-strict"), "{page}");
    let (code, page, _) = run(&["man", "rules", "show"]);
    assert_eq!(code, Some(0));
    assert!(page.contains(".TH aidoctor-rules-show 1"), "{page}");
    let (code, _, err) = run(&["man", "nosuch"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("the commands are"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let (code, ..) = run(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(code, Some(0));
    for page in [
        "aidoctor.1",
        "aidoctor-check.1",
        "aidoctor-rules-lint.1",
        "aidoctor-man.1",
    ] {
        assert!(dir.path().join(page).is_file(), "{page}");
    }
}

#[test]
fn consistent_across_commands() {
    // A ruleset named twice is checked once.
    let (_, out, _) = run(&["--replay", FIXTURE, "check", "host", "host"]);
    assert_eq!(out.matches("Host baseline").count(), 1, "{out}");
    // `-` is standard input, for check, lint and show.
    let ok = std::fs::read_to_string(root().join("tests/rulesets/ok.yaml")).unwrap();
    for args in [
        &["--replay", FIXTURE, "check", "-"][..],
        &["rules", "lint", "-"],
        &["rules", "show", "-"],
        &["rules", "show", "-", "ok/linux"],
    ] {
        let out = aidoctor()
            .args(args)
            .write_stdin(ok.clone())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // `rules show` works on a file too.
    let (code, out, _) = run(&["rules", "show", "tests/rulesets/ok.yaml"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("ok/lots-of-ram"), "{out}");
    // `report` takes rulesets as `check` does, and --project.
    let (code, out, _) = run(&["--replay", FIXTURE, "report", "tests/rulesets/ok.yaml"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("A ruleset for the tests"), "{out}");
    let (code, out, err) = run(&["--replay", FIXTURE, "report", "--project", "examples"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.contains("Host baseline"), "{out}");
    // snapshot on a file says so.
    let (code, _, err) = run(&["snapshot", "Cargo.toml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is a file, not a directory"), "{err}");
    // A non-UTF-8 ruleset is an error at its line and column.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("latin1.yaml");
    std::fs::write(&bad, b"id: x\ntitle: Caf\xe9\n").unwrap();
    let (code, _, err) = run(&["rules", "lint", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("latin1.yaml:2:11: not UTF-8"), "{err}");
}

#[test]
fn quiet_prints_only_what_is_wrong() {
    let (code, out, _) = run(&["--replay", FIXTURE, "check", "host", "--quiet"]);
    assert_eq!(code, Some(0));
    assert!(!out.contains("nothing to fix"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let fine = dir.path().join("fine.yaml");
    let ok = std::fs::read_to_string(root().join("tests/rulesets/ok.yaml")).unwrap();
    std::fs::write(&fine, &ok[..ok.find("  - id: ok/lots-of-ram").unwrap()]).unwrap();
    let (code, out, _) = run(&[
        "--replay",
        FIXTURE,
        "check",
        fine.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(out, "", "a ruleset with no problem says nothing");
}

#[test]
fn yaml_errors_speak_the_users_terms() {
    let dir = tempfile::tempdir().unwrap();
    let ok = std::fs::read_to_string(root().join("tests/rulesets/ok.yaml")).unwrap();
    // A duplicated key: where, and where it first was.
    let dup = dir.path().join("dup.yaml");
    std::fs::write(
        &dup,
        ok.replacen("title: A ruleset", "id: again\ntitle: A ruleset", 1),
    )
    .unwrap();
    let (code, _, err) = run(&["rules", "lint", dup.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("dup.yaml:2:1: duplicate key `id` (first at line 1)"),
        "{err}"
    );
    assert!(!err.contains("DuplicateKeyPolicy"), "{err}");
    // An alias bomb: tests/broken-rulesets/alias-bomb.yaml (rules_cli.rs).
    // `fix: yes` is the string it looks like.
    let yes = dir.path().join("yes.yaml");
    std::fs::write(&yes, ok.replace("fix: Buy RAM.", "fix: yes")).unwrap();
    let (code, out, err) = run(&["rules", "lint", yes.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("ok (2 rules)"), "{out}");
    // A snapshot that is not UTF-8: located.
    let snap = dir.path().join("snap");
    std::fs::create_dir(&snap).unwrap();
    std::fs::write(snap.join("snapshot.yaml"), b"format: 1\nnotes: caf\xe9\n").unwrap();
    let (code, _, err) = run(&["--replay", snap.to_str().unwrap(), "facts"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("snapshot.yaml:2:11: not UTF-8"), "{err}");
}

/// On a terminal, a slow tool is named on stderr after a second, and the line is cleared;
/// never on a pipe or with --quiet. (The terminal is util-linux `script`'s; skipped where it
/// is missing.)
#[test]
fn a_slow_run_says_what_it_waits_for_on_a_terminal_only() {
    let bin = env!("CARGO_BIN_EXE_aidoctor");
    let slow = "--replay fixtures/ubuntu-rtx4090 --replay-latency nvidia-smi=1600 check host";
    let piped = aidoctor().args(slow.split(' ')).output().unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("waiting for"));
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no `script` here: the terminal half is not run");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (extra, shown) in [("", true), (" --quiet", false)] {
        let log = dir.path().join("typescript");
        let status = std::process::Command::new("script")
            .current_dir(root())
            .env_remove("TERM")
            .args([
                "-qec",
                &format!("{bin} {slow}{extra} >/dev/null"),
                log.to_str().unwrap(),
            ])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        let t = String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned();
        assert_eq!(
            t.contains("waiting for nvidia-smi -q… 1 s"),
            shown,
            "{extra}: {t:?}"
        );
        if shown {
            let last = t.rfind("waiting for").unwrap();
            assert!(
                t[last..].contains("\r\u{1b}[2K"),
                "the line is cleared: {t:?}"
            );
        }
    }
}

/// A ruleset whose path is not UTF-8 is read like any other.
#[cfg(unix)]
#[test]
fn non_utf8_paths_are_accepted() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"r\xe9gles.yaml"));
    std::fs::copy(root().join("tests/rulesets/ok.yaml"), &path).unwrap();
    for args in [
        vec![std::ffi::OsString::from("check"), path.clone().into()],
        vec!["report".into(), path.clone().into()],
        vec!["rules".into(), "lint".into(), path.clone().into()],
    ] {
        let out = aidoctor()
            .args(["--replay", FIXTURE])
            .args(&args)
            .output()
            .unwrap();
        let code = out.status.code();
        // `rules` takes no --replay: run it without.
        if args[0] == "rules" {
            let out = aidoctor().args(&args).output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            continue;
        }
        assert!(
            matches!(code, Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("A ruleset for the tests"));
    }
}
