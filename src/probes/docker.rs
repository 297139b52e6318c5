//! Docker engine, its runtimes, and the NVIDIA Container Toolkit.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{CommandOutput, Host, SpawnError};
use serde_json::Value;

pub static PROBE: Probe = Probe {
    name: "docker",
    summary: "Docker engine, its runtimes, and the NVIDIA Container Toolkit.",
    facts: crate::facts::vocab::DOCKER,
    slow: false,
    run,
};

const VERSION_ARGV: &[&str] = &["docker", "version", "--format", "{{json .}}"];
const INFO_ARGV: &[&str] = &["docker", "info", "--format", "{{json .}}"];

const CTK_ARGV: &[&str] = &["nvidia-ctk", "--version"];

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    // nvidia-ctk answers on its own, so it is asked beside docker. `docker info` is asked
    // only once `docker version` found a server: with the daemon down (a common case) it
    // would only repeat the error, and two Go programs starting at once on a small machine
    // cost more than one after the other.
    let (version, ctk) = std::thread::scope(|s| {
        let ctk = s.spawn(|| host.run(CTK_ARGV, ctx.timeout));
        let version = host.run(VERSION_ARGV, ctx.timeout);
        let ctk = ctk.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (version, ctk)
    });
    docker(host, ctx, &version, &mut f);
    nvidia_ctk(&ctk, &mut f);
    f
}

fn docker(host: &dyn Host, ctx: &Ctx, out: &CommandOutput, f: &mut Facts) {
    if let Some(code) = spawn_failure(out) {
        f.set_error("docker", code, "`docker` was not found on PATH");
        return;
    }
    if out.timed_out {
        f.set_error(
            "docker",
            "timeout",
            "`docker version` did not answer in time",
        );
        return;
    }
    // With the daemon down, `docker version` still prints the Client half as JSON on
    // stdout, the connection error on stderr, and exits 1.
    let v = parse_version_json(&out.stdout_text());
    f.set_opt("docker.client_version", v.client_version);
    f.set_opt("docker.client_os", v.client_os);
    f.set_opt("docker.server_version", v.server_version.clone());
    if let Some(name) = &v.server_platform {
        f.set("docker.desktop", name.contains("Docker Desktop"));
    }
    let server_ok = v.server_version.is_some();
    if !server_ok {
        let msg = out.stderr_text();
        let msg = if msg.trim().is_empty() {
            out.combined_text()
        } else {
            msg
        };
        f.set_error("docker", classify_error(&msg), msg);
        return;
    }

    let out = host.run(INFO_ARGV, ctx.timeout);
    if out.timed_out {
        f.set_error("docker", "timeout", "`docker info` did not answer in time");
        return;
    }
    let text = out.stdout_text();
    let info = parse_info_json(&text).unwrap_or_else(|| parse_info_text(&text));
    if let Some(err) = &info.server_error {
        f.set_error("docker", classify_error(err), err.clone());
        return;
    }
    if info.runtimes.is_empty() && info.server_version.is_none() {
        let msg = out.combined_text();
        f.set_error("docker", classify_error(&msg), msg);
        return;
    }
    if f.get("docker.server_version").is_none() {
        f.set_opt("docker.server_version", info.server_version.clone());
    }
    if let Some(os) = &info.operating_system
        && f.get("docker.desktop").is_none()
    {
        f.set("docker.desktop", os.contains("Docker Desktop"));
    }
    let cdi_gpu = info
        .cdi_devices
        .iter()
        .any(|d| d.starts_with("nvidia.com/gpu"));
    // GPU containers need either the `nvidia` runtime the Container Toolkit registers
    // (`nvidia-ctk runtime configure`) or CDI specs for nvidia.com/gpu (knowledge.md §6a).
    f.set(
        "docker.gpu_runtime",
        info.runtimes.iter().any(|r| r == "nvidia") || cdi_gpu,
    );
    f.set("docker.runtimes", info.runtimes);
    f.set_opt("docker.default_runtime", info.default_runtime);
    f.set("docker.cdi_devices", info.cdi_devices);
    f.set_opt("docker.rootless", info.rootless);
    f.set_opt("docker.cgroup_driver", info.cgroup_driver);
}

fn nvidia_ctk(out: &CommandOutput, f: &mut Facts) {
    if let Some(code) = spawn_failure(out) {
        f.set_error("nvidia_ctk", code, "`nvidia-ctk` was not found on PATH");
        return;
    }
    if out.timed_out {
        f.set_error("nvidia_ctk", "timeout", "`nvidia-ctk --version` timed out");
        return;
    }
    match parse_nvidia_ctk_version(&out.stdout_text()) {
        Some(v) => f.set("nvidia_ctk.version", v),
        None => f.set_error("nvidia_ctk", "other", out.combined_text()),
    }
}

fn spawn_failure(out: &CommandOutput) -> Option<&'static str> {
    match &out.spawn_error {
        Some(SpawnError::NotFound) => Some("not_installed"),
        Some(_) => Some("other"),
        None => None,
    }
}

#[derive(Debug, Default, PartialEq)]
pub struct DockerVersion {
    pub client_version: Option<String>,
    pub client_os: Option<String>,
    pub server_version: Option<String>,
    /// `Server.Platform.Name`: "Docker Engine - Community", "Docker Desktop 4.42.1 (196648)".
    pub server_platform: Option<String>,
}

fn json_str(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The first JSON object in `text` (skipping any warning lines a wrapper printed first).
fn first_json_object(text: &str) -> Option<Value> {
    let start = text.find('{')?;
    let mut stream = serde_json::Deserializer::from_str(text.get(start..)?).into_iter::<Value>();
    match stream.next() {
        Some(Ok(v)) if v.is_object() => Some(v),
        _ => None,
    }
}

/// `docker version --format '{{json .}}'`: `{"Client":{...},"Server":{...}|null}`.
pub fn parse_version_json(text: &str) -> DockerVersion {
    let Some(v) = first_json_object(text) else {
        return DockerVersion::default();
    };
    DockerVersion {
        client_version: json_str(&v, &["Client", "Version"]),
        client_os: json_str(&v, &["Client", "Os"]),
        server_version: json_str(&v, &["Server", "Version"]),
        server_platform: json_str(&v, &["Server", "Platform", "Name"]),
    }
}

#[derive(Debug, Default, PartialEq)]
pub struct DockerInfo {
    pub server_version: Option<String>,
    /// Sorted runtime names (`io.containerd.runc.v2`, `nvidia`, `runc`).
    pub runtimes: Vec<String>,
    pub default_runtime: Option<String>,
    pub operating_system: Option<String>,
    pub rootless: Option<bool>,
    /// `systemd` or `cgroupfs`.
    pub cgroup_driver: Option<String>,
    /// CDI device ids the daemon discovered (`nvidia.com/gpu=0`, `nvidia.com/gpu=all`).
    pub cdi_devices: Vec<String>,
    /// The daemon could not be reached (newer CLIs print the client half and `ServerErrors`).
    pub server_error: Option<String>,
}

/// `docker info --format '{{json .}}'`: the Engine API's /info object plus `ClientInfo`.
pub fn parse_info_json(text: &str) -> Option<DockerInfo> {
    let v = first_json_object(text)?;
    let mut info = DockerInfo {
        server_version: json_str(&v, &["ServerVersion"]),
        default_runtime: json_str(&v, &["DefaultRuntime"]),
        operating_system: json_str(&v, &["OperatingSystem"]),
        cgroup_driver: json_str(&v, &["CgroupDriver"]),
        ..Default::default()
    };
    if let Some(Value::Object(m)) = v.get("Runtimes") {
        info.runtimes = m.keys().cloned().collect();
        info.runtimes.sort();
    }
    if let Some(Value::Array(opts)) = v.get("SecurityOptions") {
        // Entries look like "name=seccomp,profile=builtin"; rootless mode adds "name=rootless".
        info.rootless = Some(
            opts.iter()
                .filter_map(Value::as_str)
                .any(|o| o.split(',').any(|kv| kv.trim() == "name=rootless")),
        );
    }
    if let Some(Value::Array(devs)) = v.get("DiscoveredDevices") {
        info.cdi_devices = devs
            .iter()
            .filter(|d| d.get("Source").and_then(Value::as_str).unwrap_or("cdi") == "cdi")
            .filter_map(|d| d.get("ID").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
    }
    if let Some(Value::Array(errs)) = v.get("ServerErrors") {
        let msgs: Vec<&str> = errs.iter().filter_map(Value::as_str).collect();
        if !msgs.is_empty() {
            info.server_error = Some(msgs.join("\n"));
        }
    }
    Some(info)
}

/// The human `docker info` layout (` Runtimes: io.containerd.runc.v2 nvidia runc`), for
/// outputs pasted into bug reports and CLIs whose --format output is not JSON.
pub fn parse_info_text(text: &str) -> DockerInfo {
    let mut info = DockerInfo::default();
    let mut in_security = false;
    let mut rootless = false;
    let mut saw_security = false;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if in_security && indent >= 2 && !t.contains(": ") {
            rootless |= t == "rootless";
            continue;
        }
        in_security = false;
        let Some((k, v)) = t.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k.trim() {
            "Server Version" if !v.is_empty() => info.server_version = Some(v.to_string()),
            "Runtimes" => {
                info.runtimes = v.split_whitespace().map(str::to_string).collect();
                info.runtimes.sort();
            }
            "Default Runtime" if !v.is_empty() => info.default_runtime = Some(v.to_string()),
            "Operating System" if !v.is_empty() => info.operating_system = Some(v.to_string()),
            "Cgroup Driver" if !v.is_empty() => info.cgroup_driver = Some(v.to_string()),
            "Security Options" => {
                in_security = true;
                saw_security = true;
            }
            "ERROR" if !v.is_empty() && info.server_error.is_none() => {
                info.server_error = Some(v.to_string())
            }
            _ => {}
        }
    }
    if saw_security {
        info.rootless = Some(rootless);
    }
    info
}

/// What the CLI's error says, as a `docker.error` code.
pub fn classify_error(msg: &str) -> &'static str {
    let m = msg.to_ascii_lowercase();
    if m.contains("permission denied") {
        // "permission denied while trying to connect to the Docker daemon socket at
        // unix:///var/run/docker.sock": the user is not in the docker group.
        "permission_denied"
    } else if m.contains("cannot connect to the docker daemon")
        || m.contains("is the docker daemon running")
        || m.contains("error during connect")
        || m.contains("the system cannot find the file specified")
        || m.contains("docker desktop is not running")
        || m.contains("docker desktop is manually paused")
    {
        "daemon_not_running"
    } else if m.contains("timeout") || m.contains("timed out") || m.contains("deadline exceeded") {
        "timeout"
    } else {
        "other"
    }
}

/// "NVIDIA Container Toolkit CLI version 1.12.0\ncommit: 62bd…" -> "1.12.0".
pub fn parse_nvidia_ctk_version(text: &str) -> Option<String> {
    let line = text
        .lines()
        .find(|l| l.to_ascii_lowercase().contains("version"))?;
    crate::text::find_version(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;
    use crate::testutil::sample;

    const DAEMON_DOWN: &str = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?";
    const DENIED: &str = "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/version\": dial unix /var/run/docker.sock: connect: permission denied";

    #[test]
    fn real_version_json() {
        let v = parse_version_json(&sample("docker/docker-version-json-ce-28.5.1-rhel8.txt"));
        assert_eq!(v.client_version.as_deref(), Some("28.5.1"));
        assert_eq!(v.client_os.as_deref(), Some("linux"));
        assert_eq!(v.server_version.as_deref(), Some("28.5.1"));
        assert_eq!(
            v.server_platform.as_deref(),
            Some("Docker Engine - Community")
        );
    }

    #[test]
    fn real_info_json_without_nvidia() {
        let i =
            parse_info_json(&sample("docker/docker-info-json-20.10.12-ubuntu2004.txt")).unwrap();
        assert_eq!(i.server_version.as_deref(), Some("20.10.12"));
        assert_eq!(
            i.runtimes,
            [
                "io.containerd.runc.v2",
                "io.containerd.runtime.v1.linux",
                "runc"
            ]
        );
        assert_eq!(i.default_runtime.as_deref(), Some("runc"));
        assert_eq!(i.operating_system.as_deref(), Some("Ubuntu 20.04.3 LTS"));
        assert_eq!(i.rootless, Some(false));
        assert!(i.cdi_devices.is_empty());
    }

    #[test]
    fn real_info_json_docker_desktop_with_nvidia() {
        let i = parse_info_json(&sample(
            "docker/docker-info-api-desktop-28.2.2-wsl2-nvidia.txt",
        ))
        .unwrap();
        assert_eq!(i.server_version.as_deref(), Some("28.2.2"));
        assert!(i.runtimes.iter().any(|r| r == "nvidia"));
        assert_eq!(i.operating_system.as_deref(), Some("Docker Desktop"));
    }

    #[test]
    fn real_info_human_format() {
        let i = parse_info_text(&sample("docker/docker-info-ubuntu2204-nvidia-runtime.txt"));
        assert_eq!(i.server_version.as_deref(), Some("24.0.7"));
        assert_eq!(i.runtimes, ["io.containerd.runc.v2", "nvidia", "runc"]);
        assert_eq!(i.default_runtime.as_deref(), Some("runc"));
        assert_eq!(i.operating_system.as_deref(), Some("Ubuntu 22.04.5 LTS"));
        assert_eq!(i.rootless, Some(false));
        // With the nvidia runtime: the daemon-reload NVML failure applies (host rule).
        assert_eq!(i.cgroup_driver.as_deref(), Some("systemd"));
        let j =
            parse_info_json(&sample("docker/docker-info-json-20.10.12-ubuntu2004.txt")).unwrap();
        assert_eq!(j.cgroup_driver.as_deref(), Some("cgroupfs"));
    }

    #[test]
    fn errors_classify() {
        assert_eq!(classify_error(DAEMON_DOWN), "daemon_not_running");
        assert_eq!(classify_error(DENIED), "permission_denied");
        assert_eq!(
            classify_error(
                "error during connect: Get \"http://%2F%2F.%2Fpipe%2FdockerDesktopLinuxEngine/v1.46/version\": open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified."
            ),
            "daemon_not_running"
        );
        assert_eq!(classify_error("something else"), "other");
    }

    #[test]
    fn nvidia_ctk_sample() {
        assert_eq!(
            parse_nvidia_ctk_version(&sample("nvidia-ctk/nvidia-ctk-1.12.0.txt")).as_deref(),
            Some("1.12.0")
        );
    }

    #[test]
    fn probe_with_engine_and_toolkit() {
        let h = FakeHost::new()
            .cmd(
                VERSION_ARGV,
                sample("docker/docker-version-json-ce-28.5.1-rhel8.txt"),
            )
            .cmd(
                INFO_ARGV,
                sample("docker/docker-info-json-20.10.12-ubuntu2004.txt"),
            )
            .cmd(
                &["nvidia-ctk", "--version"],
                sample("nvidia-ctk/nvidia-ctk-1.12.0.txt"),
            );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("docker.client_version"), Some("28.5.1"));
        assert_eq!(f.get_str("docker.server_version"), Some("28.5.1"));
        assert_eq!(f.get_bool("docker.desktop"), Some(false));
        assert_eq!(f.get_bool("docker.gpu_runtime"), Some(false));
        assert_eq!(f.get_str("docker.default_runtime"), Some("runc"));
        assert_eq!(f.get_str("nvidia_ctk.version"), Some("1.12.0"));
        assert_eq!(f.get("docker.error"), None);
    }

    #[test]
    fn probe_desktop_with_cdi_gpu() {
        let h = FakeHost::new()
            .cmd(
                VERSION_ARGV,
                r#"{"Client":{"Version":"28.2.2","Os":"linux"},"Server":{"Platform":{"Name":"Docker Desktop 4.42.1 (196648)"},"Version":"28.2.2"}}"#,
            )
            .cmd(
                INFO_ARGV,
                r#"{"ServerVersion":"28.2.2","Runtimes":{"runc":{"path":"runc"}},"DefaultRuntime":"runc","OperatingSystem":"Docker Desktop","SecurityOptions":["name=seccomp,profile=builtin","name=rootless"],"CDISpecDirs":["/etc/cdi"],"DiscoveredDevices":[{"Source":"cdi","ID":"nvidia.com/gpu=0"},{"Source":"cdi","ID":"nvidia.com/gpu=all"}]}"#,
            );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_bool("docker.desktop"), Some(true));
        assert_eq!(f.get_bool("docker.gpu_runtime"), Some(true));
        assert_eq!(f.get_bool("docker.rootless"), Some(true));
        assert_eq!(f.get("docker.cgroup_driver"), None);
        assert_eq!(
            f.get("docker.cdi_devices").unwrap(),
            &serde_json::json!(["nvidia.com/gpu=0", "nvidia.com/gpu=all"])
        );
        assert_eq!(f.get_str("nvidia_ctk.error"), Some("not_installed"));
    }

    #[test]
    fn probe_daemon_down_keeps_client_and_words() {
        let h = FakeHost::new().cmd_exit(
            VERSION_ARGV,
            1,
            r#"{"Client":{"Platform":{"Name":"Docker Engine - Community"},"Version":"27.3.1","Os":"linux"},"Server":null}"#,
            format!("{DAEMON_DOWN}\n"),
        );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("docker.client_version"), Some("27.3.1"));
        assert_eq!(f.get_str("docker.error"), Some("daemon_not_running"));
        assert_eq!(f.get_str("docker.error_message"), Some(DAEMON_DOWN));
        assert_eq!(f.get("docker.server_version"), None);
        assert_eq!(f.get("docker.gpu_runtime"), None);

        let h = FakeHost::new().cmd_exit(VERSION_ARGV, 1, "", DENIED);
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("docker.error"), Some("permission_denied"));
    }

    #[test]
    fn probe_missing_and_hung() {
        let f = run(&FakeHost::new(), &Ctx::default());
        assert_eq!(f.get_str("docker.error"), Some("not_installed"));
        let f = run(&FakeHost::new().cmd_timeout(VERSION_ARGV), &Ctx::default());
        assert_eq!(f.get_str("docker.error"), Some("timeout"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_version_json(&s);
            let _ = parse_info_json(&s);
            let _ = parse_info_text(&s);
            let _ = classify_error(&s);
            let _ = parse_nvidia_ctk_version(&s);
        }
    }
}
