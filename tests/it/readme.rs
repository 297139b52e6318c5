//! The README shows real output: every block after `<!-- output: ARGS -->` is what
//! `aidoctor ARGS` prints today. After a deliberate change: `AIDOCTOR_BLESS=1 cargo test readme`.

use std::path::PathBuf;

const MARK: &str = "<!-- output: ";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aidoctor"))
        .current_dir(root())
        .env_clear()
        // The date the README's outputs were made: staleness lines stay out of them.
        .env("AIDOCTOR_TODAY", "2026-12-01")
        .args(args.split_whitespace())
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "aidoctor {args}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Rewrite every output block of `text`; returns the new text and the blocks' commands.
fn refresh(text: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut cmds = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(MARK) {
        let after = &rest[i + MARK.len()..];
        let end = after.find(" -->").expect("unterminated output marker");
        let args = after[..end].to_string();
        let after_mark = &after[end + " -->".len()..];
        // The fenced block that follows: ```lang\n ... ```\n
        let open = after_mark
            .find("```")
            .expect("no block after output marker");
        let body_start = open + after_mark[open..].find('\n').expect("bad fence") + 1;
        let close = body_start
            + after_mark[body_start..]
                .find("```\n")
                .expect("unclosed block");
        out.push_str(&rest[..i + MARK.len() + end + " -->".len()]);
        out.push_str(&after_mark[..body_start]);
        out.push_str(&run(&args));
        out.push_str("```\n");
        rest = &after_mark[close + 4..];
        cmds.push(args);
    }
    out.push_str(rest);
    (out, cmds)
}

#[test]
fn readme_outputs_are_real_and_current() {
    let path = root().join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (fresh, cmds) = refresh(&text);
    assert!(cmds.len() >= 3, "the README should show real output");
    if std::env::var_os("AIDOCTOR_BLESS").is_some() {
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    assert!(
        fresh == text,
        "README.md shows output that aidoctor no longer prints ({cmds:?}); \
         regenerate with AIDOCTOR_BLESS=1 cargo test readme"
    );
}
