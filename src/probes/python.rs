//! Python and PyTorch, from one python3 -c call.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{Host, Platform, SpawnError};
use serde_json::Value;

pub static PROBE: Probe = Probe {
    name: "python",
    summary: "Python and PyTorch, from one python3 -c call.",
    facts: crate::facts::vocab::PYTHON,
    slow: true,
    run,
};

/// The embedded probe script: one JSON object on stdout, everything else on stderr.
pub const SCRIPT: &str = include_str!("python_probe.py");

/// The interpreter a user types: `python3` on Linux/macOS; on Windows the python.org
/// installer and conda provide `python` (there is usually no `python3.exe`).
pub fn argv(platform: Platform) -> [&'static str; 3] {
    match platform {
        Platform::Windows => ["python", "-c", SCRIPT],
        _ => ["python3", "-c", SCRIPT],
    }
}

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    let argv = argv(host.platform());
    let out = host.run(&argv, ctx.python_timeout);
    if let Some(e) = &out.spawn_error {
        let (code, msg) = match e {
            SpawnError::NotFound => (
                "not_installed",
                format!("`{}` was not found on PATH", argv[0]),
            ),
            SpawnError::PermissionDenied => ("other", format!("`{}` is not executable", argv[0])),
            SpawnError::Other(m) => ("other", m.clone()),
        };
        f.set_error("python", code, msg);
        f.set_error(
            "torch",
            "not_installed",
            "no Python interpreter, so no PyTorch",
        );
        return f;
    }
    if out.timed_out {
        let msg = format!(
            "the Python/PyTorch probe took longer than {} (importing torch can be slow)",
            crate::text::duration(ctx.python_timeout)
        );
        f.set_error("python", "timeout", msg.clone());
        f.set_error("torch", "timeout", msg);
        return f;
    }
    let Some(r) = parse_output(&out.stdout_text()) else {
        let msg = out.combined_text();
        // The Windows Store alias `python.exe` prints this and exits 9009 when no Python
        // is installed.
        let code = if msg.contains("Python was not found") {
            "not_installed"
        } else {
            "other"
        };
        f.set_error("python", code, msg.clone());
        f.set_error("torch", "other", "the Python probe printed no result");
        return f;
    };
    f.set_opt("python.version", r.python_version);
    f.set_opt("python.executable", r.executable);
    f.set_opt("python.env", r.env);
    if let Some(e) = r.probe_error {
        f.set_error("python", "other", e);
    }
    f.set_opt("torch.version", r.torch_version);
    f.set_opt("torch.cuda", r.torch_cuda);
    f.set_opt("torch.hip", r.torch_hip);
    f.set_opt("torch.gpu_available", r.gpu_available);
    f.set_opt("torch.device_names", r.device_names);
    f.set_opt("torch.mps_built", r.mps_built);
    f.set_opt("torch.mps_available", r.mps_available);
    if let Some(code) = r.torch_error {
        f.set_error("torch", &code, r.torch_error_message.unwrap_or_default());
    }
    f
}

#[derive(Debug, Default, PartialEq)]
pub struct PythonReport {
    pub python_version: Option<String>,
    pub executable: Option<String>,
    pub env: Option<String>,
    pub torch_version: Option<String>,
    pub torch_cuda: Option<String>,
    pub torch_hip: Option<String>,
    pub gpu_available: Option<bool>,
    pub device_names: Option<Vec<String>>,
    pub mps_built: Option<bool>,
    pub mps_available: Option<bool>,
    pub torch_error: Option<String>,
    pub torch_error_message: Option<String>,
    pub probe_error: Option<String>,
}

/// The script's JSON line. Taken from the last line that parses as an object, so stray
/// output from a sitecustomize or a shell wrapper before it does not hide the result.
pub fn parse_output(stdout: &str) -> Option<PythonReport> {
    let v: Value = stdout
        .lines()
        .rev()
        .map(str::trim)
        .filter(|l| l.starts_with('{'))
        .find_map(|l| {
            serde_json::from_str::<Value>(l)
                .ok()
                .filter(Value::is_object)
        })?;
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let env = s("env").filter(|e| matches!(e.as_str(), "venv" | "conda" | "pyenv" | "system"));
    Some(PythonReport {
        python_version: s("python_version"),
        executable: s("executable"),
        env,
        torch_version: s("torch_version"),
        torch_cuda: s("torch_cuda"),
        torch_hip: s("torch_hip"),
        gpu_available: v.get("gpu_available").and_then(Value::as_bool),
        device_names: v.get("device_names").and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        }),
        mps_built: v.get("mps_built").and_then(Value::as_bool),
        mps_available: v.get("mps_available").and_then(Value::as_bool),
        torch_error: s("torch_error"),
        torch_error_message: s("torch_error_message"),
        probe_error: s("probe_error"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::CommandOutput;
    use crate::host::fake::FakeHost;
    use std::time::Duration;

    const CUDA_TORCH: &str = r#"{"python_version": "3.11.9", "executable": "/home/me/venv/bin/python3", "env": "venv", "torch_version": "2.5.1+cu124", "torch_cuda": "12.4", "torch_hip": null, "gpu_available": true, "device_names": ["NVIDIA GeForce RTX 4090"]}"#;

    #[test]
    fn a_pyenv_interpreter_is_not_the_system_one() {
        let out = CUDA_TORCH
            .replace(
                "/home/me/venv/bin/python3",
                "/home/me/.pyenv/versions/3.11.9/bin/python3",
            )
            .replace("\"venv\"", "\"pyenv\"");
        let h = FakeHost::new().cmd(&argv(Platform::Linux), format!("{out}\n"));
        assert_eq!(
            run(&h, &Ctx::default()).get_str("python.env"),
            Some("pyenv")
        );
        // The script says so when the prefix is under a pyenv root.
        assert!(SCRIPT.contains("\"pyenv\""));
    }

    #[test]
    fn cuda_torch_in_a_venv() {
        let h = FakeHost::new().cmd(&argv(Platform::Linux), format!("{CUDA_TORCH}\n"));
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("python.version"), Some("3.11.9"));
        assert_eq!(f.get_str("python.env"), Some("venv"));
        assert_eq!(f.get_str("torch.version"), Some("2.5.1+cu124"));
        assert_eq!(f.get_str("torch.cuda"), Some("12.4"));
        assert_eq!(f.get("torch.hip"), None);
        assert_eq!(f.get_bool("torch.gpu_available"), Some(true));
        assert_eq!(
            f.get("torch.device_names").unwrap(),
            &serde_json::json!(["NVIDIA GeForce RTX 4090"])
        );
        assert_eq!(f.get("torch.error"), None);
    }

    #[test]
    fn mps_built_but_not_available() {
        // pytorch/pytorch#78343: built True, available False on macOS 12.2.1.
        let t = crate::testutil::sample("macos/torch-mps-built-not-available-m1-macos12.2.txt");
        assert!(t.contains("built? True") && t.contains("available? False"));
        let out = r#"{"python_version": "3.9.12", "executable": "/opt/miniconda3/bin/python3", "env": "conda", "torch_version": "1.13.0.dev20220525", "torch_cuda": null, "torch_hip": null, "gpu_available": false, "device_names": [], "mps_built": true, "mps_available": false}"#;
        let f = run(
            &FakeHost::new()
                .platform(Platform::Macos)
                .cmd(&argv(Platform::Macos), out),
            &Ctx::default(),
        );
        assert_eq!(f.get_bool("torch.mps_built"), Some(true));
        assert_eq!(f.get_bool("torch.mps_available"), Some(false));
        assert_eq!(f.get("torch.cuda"), None);
    }

    #[test]
    fn torch_import_failure_is_a_fact() {
        let out = r#"{"python_version": "3.12.3", "executable": "/usr/bin/python3", "env": "system", "torch_error": "import_failed", "torch_error_message": "OSError: libcudnn.so.9: cannot open shared object file: No such file or directory"}"#;
        let h = FakeHost::new().cmd(&argv(Platform::Linux), out);
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("torch.error"), Some("import_failed"));
        assert!(
            f.get_str("torch.error_message")
                .unwrap()
                .contains("libcudnn")
        );
        assert_eq!(f.get_str("python.env"), Some("system"));
    }

    #[test]
    fn missing_hung_and_store_alias() {
        let f = run(&FakeHost::new(), &Ctx::default());
        assert_eq!(f.get_str("python.error"), Some("not_installed"));
        let f = run(
            &FakeHost::new().cmd_timeout(&argv(Platform::Linux)),
            &Ctx::default(),
        );
        assert_eq!(f.get_str("python.error"), Some("timeout"));
        assert_eq!(f.get_str("torch.error"), Some("timeout"));
        let h = FakeHost::new().platform(Platform::Windows).cmd_exit(
            &argv(Platform::Windows),
            9009,
            "",
            "Python was not found; run without arguments to install from the Microsoft Store, or disable this shortcut from Settings > Manage App Execution Aliases.\r\n",
        );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("python.error"), Some("not_installed"));
    }

    #[test]
    fn stray_lines_before_the_json_are_skipped() {
        let r = parse_output(&format!(
            "hello from sitecustomize\n{{not json\n{CUDA_TORCH}\n"
        ))
        .unwrap();
        assert_eq!(r.torch_cuda.as_deref(), Some("12.4"));
        assert_eq!(parse_output("Traceback (most recent call last):\n"), None);
    }

    /// Runs the embedded script with this machine's python3, when there is one.
    #[test]
    fn script_runs_on_the_real_python() {
        let host = crate::host::live::LiveHost::new();
        let out: CommandOutput = host.run(&argv(Platform::Linux), Duration::from_secs(60));
        if out.spawn_error.is_some() {
            eprintln!("python3 not installed here; skipping the live check");
            return;
        }
        assert!(out.success(), "{}", out.combined_text());
        let text = out.stdout_text();
        assert_eq!(
            text.lines().count(),
            1,
            "stdout must hold only the JSON: {text}"
        );
        let r = parse_output(&text).expect("the script's JSON");
        assert!(
            r.python_version
                .as_deref()
                .is_some_and(|v| v.starts_with('3'))
        );
        assert!(r.executable.is_some());
        assert!(r.env.is_some());
        assert!(
            r.torch_version.is_some() || r.torch_error.is_some(),
            "torch is either there or explained: {text}"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_output(&s);
        }
    }
}
