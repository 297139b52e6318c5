#![no_main]
//! A snapshot directory built from the input, replayed through every probe and the built-in
//! rulesets: a located error or facts, never a panic, a hang, or a byte from outside it.
//!
//! Input: `snapshot.yaml` bytes, then entries `\0NAME\0CONTENT`. NAME is a path inside the
//! snapshot (`files/etc/os-release`, `commands/01-x.stdout`); `@NAME` makes a symbolic link
//! to CONTENT (`CANARY` stands for a file outside the snapshot), `|NAME` a FIFO. fuzz/run.sh
//! seeds it with every fixture in that form.
use aidoctor::host::Host;
use aidoctor::host::replay::ReplayHost;
use aidoctor::host::untrusted::is_plain_relative;
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Outside every snapshot; its text must never reach the facts.
const CANARY: &str = "/tmp/aidoctor-fuzz-canary";
const SECRET: &str = "CANARY-6d1f0c";

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        std::fs::write(CANARY, format!("{SECRET}\n")).expect("write the canary");
        std::env::temp_dir().join(format!("aidoctor-fuzz-replay-{}", std::process::id()))
    })
}

fn rulesets() -> &'static Vec<aidoctor::rules::Ruleset> {
    static RS: OnceLock<Vec<aidoctor::rules::Ruleset>> = OnceLock::new();
    RS.get_or_init(aidoctor::rules::builtin)
}

fn mkfifo(p: &Path) {
    if let Ok(c) = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()) {
        // SAFETY: `c` is a valid NUL-terminated path.
        unsafe {
            libc::mkfifo(c.as_ptr(), 0o644);
        }
    }
}

/// Lay the input out under `dir`; names that would leave `dir` are skipped.
fn build(dir: &Path, data: &[u8]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("scratch dir");
    let mut parts = data.split(|&b| b == 0);
    let yaml = parts.next().unwrap_or_default();
    // Empty: left for an entry (a FIFO or a link as snapshot.yaml).
    if !yaml.is_empty() {
        let _ = std::fs::write(dir.join("snapshot.yaml"), yaml);
    }
    let mut n = 0;
    while let (Some(name), Some(content)) = (parts.next(), parts.next()) {
        n += 1;
        if n > 64 {
            break;
        }
        let Ok(name) = std::str::from_utf8(name) else {
            continue;
        };
        let (kind, rel) = match name.as_bytes().first() {
            Some(b'@') => ('@', &name[1..]),
            Some(b'|') => ('|', &name[1..]),
            _ => ('f', name),
        };
        if !is_plain_relative(rel) || rel.len() > 200 {
            continue;
        }
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            // Fails where a file or link is already in the way: then the entry is skipped.
            if std::fs::create_dir_all(parent).is_err()
                || !std::fs::symlink_metadata(parent).is_ok_and(|m| m.is_dir())
            {
                continue;
            }
        }
        // A later entry replaces an earlier file of the same name (a fixture's file by an
        // attack on it).
        if std::fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir()) {
            let _ = std::fs::remove_file(&p);
        }
        let _ = match kind {
            '@' => {
                let target = match content {
                    b"CANARY" => CANARY.to_string(),
                    t => String::from_utf8_lossy(t).into_owned(),
                };
                std::os::unix::fs::symlink(target, &p)
            }
            '|' => {
                mkfifo(&p);
                Ok(())
            }
            _ => std::fs::write(&p, content),
        };
    }
}

fuzz_target!(|data: &[u8]| {
    let dir = scratch();
    build(dir, data);
    let Ok(host) = ReplayHost::open(dir) else {
        return;
    };
    let ctx = aidoctor::probes::Ctx::default();
    let g = aidoctor::probes::gather(&host, &ctx, false);
    let json = g.facts.to_json().to_string();
    assert!(!json.contains(SECRET), "read outside the snapshot: {json}");
    let _ = host.read_text("/proc/version");
    let redacted = aidoctor::redact::Redactor::from_host(&host).facts(&g.facts);
    for rs in rulesets() {
        let _ = aidoctor::rules::evaluate(rs, &redacted, "builtin");
    }
});
