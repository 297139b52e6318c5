//! CUDA toolkit: nvcc --version, /usr/local/cuda/version.json.
//!
//! The toolkit is what compiles CUDA code (llama.cpp, flash-attention builds); it is not the
//! driver's CUDA (`nvidia.cuda_version`). nvcc on PATH is what a build would use, so it wins;
//! then the conventional /usr/local/cuda install, whose nvcc is often not on PATH, and its
//! version files (version.json since CUDA 11.1, version.txt before).

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{Host, Platform};

pub static PROBE: Probe = Probe {
    name: "cuda_toolkit",
    summary: "CUDA toolkit: nvcc --version, /usr/local/cuda/version.json.",
    facts: crate::facts::vocab::CUDA_TOOLKIT,
    slow: false,
    run,
};

const CUDA_HOME: &str = "/usr/local/cuda";
const LOCAL_NVCC: &str = "/usr/local/cuda/bin/nvcc";
const VERSION_JSON: &str = "/usr/local/cuda/version.json";
const VERSION_TXT: &str = "/usr/local/cuda/version.txt";

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    let linux = host.platform() == Platform::Linux;
    // What went wrong with an nvcc that exists, in case nothing else answers.
    let mut problem: Option<(&str, String)> = None;

    let mut candidates: Vec<(&str, String)> = Vec::new();
    if let Some(path) = host.which("nvcc") {
        candidates.push(("nvcc", path));
    }
    if linux && host.exists(LOCAL_NVCC) {
        candidates.push((LOCAL_NVCC, LOCAL_NVCC.to_string()));
    }
    for (argv0, path) in candidates {
        let out = host.run(&[argv0, "--version"], ctx.timeout);
        if out.timed_out {
            problem = Some((
                "timeout",
                format!(
                    "`{argv0} --version` did not finish within {}",
                    crate::text::duration(ctx.timeout)
                ),
            ));
            continue;
        }
        let v = parse_nvcc_version(&out.stdout_text());
        if let Some(release) = v.release {
            f.set("cuda.toolkit_version", release);
            f.set_opt("cuda.toolkit_build", v.build);
            f.set_opt("cuda.toolkit_path", toolkit_root(&path));
            return f;
        }
        if out.spawn_error.is_none() {
            let text = out.combined_text();
            let words = text.trim();
            problem = Some((
                "other",
                if words.is_empty() {
                    format!("`{argv0} --version` printed no release line")
                } else {
                    words.lines().take(4).collect::<Vec<_>>().join("\n")
                },
            ));
        }
    }

    if linux {
        let from_json = host
            .read_text(VERSION_JSON)
            .and_then(|t| parse_version_json(&t));
        let from_txt = || {
            host.read_text(VERSION_TXT)
                .and_then(|t| parse_version_txt(&t))
        };
        if let Some(v) = from_json.or_else(from_txt) {
            f.set("cuda.toolkit_version", v);
            f.set("cuda.toolkit_path", CUDA_HOME);
            return f;
        }
    }
    match problem {
        Some((code, message)) => f.set_error("cuda", code, message),
        None => f.set_error(
            "cuda",
            "not_installed",
            if linux {
                "nvcc was not found on PATH or in /usr/local/cuda/bin, and /usr/local/cuda has no version file"
            } else {
                "nvcc was not found on PATH"
            },
        ),
    }
    f
}

/// ".../cuda-12.2/bin/nvcc" -> ".../cuda-12.2" (also `\bin\nvcc.exe` on Windows).
fn toolkit_root(nvcc: &str) -> Option<String> {
    let sep = if nvcc.contains('\\') { '\\' } else { '/' };
    let bin = nvcc.rsplit_once(sep)?.0;
    let (root, last) = bin.rsplit_once(sep)?;
    (last.eq_ignore_ascii_case("bin") && !root.is_empty()).then(|| root.to_string())
}

#[derive(Debug, Default, PartialEq)]
pub struct NvccVersion {
    /// "12.2", from "release 12.2".
    pub release: Option<String>,
    /// "12.2.140", from "V12.2.140".
    pub build: Option<String>,
}

/// `nvcc --version`: "Cuda compilation tools, release 12.2, V12.2.140".
pub fn parse_nvcc_version(text: &str) -> NvccVersion {
    let mut v = NvccVersion::default();
    let Some(line) = text.lines().find(|l| l.contains("release ")) else {
        return v;
    };
    let Some((_, after)) = line.split_once("release ") else {
        return v;
    };
    v.release = after
        .split(',')
        .next()
        .map(str::trim)
        .filter(|r| is_version(r))
        .map(str::to_string);
    v.build = after
        .split([',', ' '])
        .filter_map(|w| w.trim().strip_prefix('V'))
        .find(|b| is_version(b))
        .map(str::to_string);
    v
}

/// version.json (CUDA 11.1+): `{"cuda": {"name": "CUDA SDK", "version": "12.8.2"}, ...}`.
pub fn parse_version_json(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let version = v.get("cuda")?.get("version")?.as_str()?.trim();
    is_version(version).then(|| version.to_string())
}

/// version.txt (before 11.1): "CUDA Version 10.2.89".
pub fn parse_version_txt(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("CUDA Version"))
        .map(str::trim)
        .filter(|v| is_version(v))
        .map(str::to_string)
}

fn is_version(s: &str) -> bool {
    s.contains('.')
        && s.starts_with(|c: char| c.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !s.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;
    use crate::testutil::{sample, samples_in};
    use proptest::prelude::*;

    const NVCC: [&str; 2] = ["nvcc", "--version"];

    #[test]
    fn nvcc_samples() {
        let expected = [
            ("cuda-11.1-linux.txt", "11.1", "11.1.105"),
            ("cuda-12.2-colab.txt", "12.2", "12.2.140"),
            ("cuda-13.2-wsl-rtx5090.txt", "13.2", "13.2.51"),
        ];
        let all = samples_in("nvcc");
        assert_eq!(all.len(), expected.len());
        for ((file, text), (want_file, release, build)) in all.iter().zip(expected) {
            assert_eq!(file, want_file);
            let v = parse_nvcc_version(text);
            assert_eq!(v.release.as_deref(), Some(release), "{file}");
            assert_eq!(v.build.as_deref(), Some(build), "{file}");
        }
    }

    #[test]
    fn version_files() {
        let json = sample("cuda-version-json/windows-cuda-12.8.2.txt");
        assert_eq!(parse_version_json(&json).as_deref(), Some("12.8.2"));
        assert_eq!(parse_version_json("{\"cuda\": {}}"), None);
        assert_eq!(parse_version_json("not json"), None);
        assert_eq!(
            parse_version_txt("CUDA Version 10.2.89\n").as_deref(),
            Some("10.2.89")
        );
        assert_eq!(parse_version_txt("CUDA Version\n"), None);
    }

    #[test]
    fn nvcc_on_path() {
        let h = FakeHost::new()
            .exe("nvcc", "/usr/local/cuda-12.2/bin/nvcc")
            .cmd(&NVCC, sample("nvcc/cuda-12.2-colab.txt"));
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("cuda.toolkit_version"), Some("12.2"));
        assert_eq!(f.get_str("cuda.toolkit_build"), Some("12.2.140"));
        assert_eq!(f.get_str("cuda.toolkit_path"), Some("/usr/local/cuda-12.2"));
        assert_eq!(f.get("cuda.error"), None);
        for name in f.values().keys() {
            assert!(PROBE.facts.contains(&name.as_str()), "{name} not declared");
        }
    }

    #[test]
    fn nvcc_off_path_in_usr_local_cuda() {
        let h = FakeHost::new().path(LOCAL_NVCC, true, true, false).cmd(
            &[LOCAL_NVCC, "--version"],
            sample("nvcc/cuda-11.1-linux.txt"),
        );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("cuda.toolkit_version"), Some("11.1"));
        assert_eq!(f.get_str("cuda.toolkit_path"), Some("/usr/local/cuda"));
    }

    #[test]
    fn version_json_then_txt() {
        let h = FakeHost::new().file(
            VERSION_JSON,
            sample("cuda-version-json/windows-cuda-12.8.2.txt"),
        );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("cuda.toolkit_version"), Some("12.8.2"));
        assert_eq!(f.get_str("cuda.toolkit_path"), Some("/usr/local/cuda"));

        let h = FakeHost::new().file(VERSION_TXT, "CUDA Version 10.2.89\n");
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("cuda.toolkit_version"), Some("10.2.89"));
    }

    #[test]
    fn not_installed() {
        let f = run(&FakeHost::new(), &Ctx::default());
        assert_eq!(f.get_str("cuda.error"), Some("not_installed"));
        assert_eq!(f.get("cuda.toolkit_version"), None);
    }

    #[test]
    fn broken_or_hung_nvcc() {
        let h = FakeHost::new().cmd_timeout(&NVCC);
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("cuda.error"), Some("timeout"));

        let h =
            FakeHost::new().cmd_exit(&NVCC, 1, "", "nvcc: error while loading shared libraries");
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("cuda.error"), Some("other"));
        assert!(
            f.get_str("cuda.error_message")
                .unwrap()
                .contains("shared libraries")
        );

        // A broken nvcc on PATH, but a good version file: the file answers.
        let h = FakeHost::new()
            .cmd_exit(&NVCC, 1, "", "boom")
            .file(VERSION_TXT, "CUDA Version 10.2.89\n");
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("cuda.toolkit_version"), Some("10.2.89"));
        assert_eq!(f.get("cuda.error"), None);
    }

    #[test]
    fn windows_nvcc() {
        let h = FakeHost::new()
            .platform(Platform::Windows)
            .exe(
                "nvcc",
                r"C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v13.2\bin\nvcc.exe",
            )
            .cmd(&NVCC, sample("nvcc/cuda-13.2-wsl-rtx5090.txt"));
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("cuda.toolkit_version"), Some("13.2"));
        assert_eq!(
            f.get_str("cuda.toolkit_path"),
            Some(r"C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v13.2")
        );
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC*") {
            let _ = parse_nvcc_version(&s);
            let _ = parse_version_json(&s);
            let _ = parse_version_txt(&s);
            let _ = toolkit_root(&s);
        }

        #[test]
        fn truncated_nvcc_never_panics(cut in 0usize..400) {
            let text = sample("nvcc/cuda-12.2-colab.txt");
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let _ = parse_nvcc_version(&text[..cut]);
        }
    }
}
