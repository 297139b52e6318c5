//! WSL seen from Windows, where users decide whether to move to it: `wsl.exe --version`,
//! `--status` and `--list --verbose` (UTF-16LE, or UTF-8 with WSL_UTF8=1), `%UserProfile%\.wslconfig`,
//! and the NVIDIA driver's WSL libraries in System32\lxss\lib.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{CommandOutput, Host, Platform, SpawnError};

pub static PROBE: Probe = Probe {
    name: "wsl_windows",
    summary: "WSL seen from Windows: wsl.exe --version/--status/--list --verbose, .wslconfig, the NVIDIA driver's WSL libraries.",
    facts: crate::facts::vocab::WSL_WINDOWS,
    slow: false,
    run,
};

/// What the Windows NVIDIA driver installs for WSL2's GPU paravirtualization; WSL mounts this
/// directory at /usr/lib/wsl/lib (knowledge.md §6c). A driver without WSL support has none.
pub const NVIDIA_WSL_LIB: &str = r"C:\Windows\System32\lxss\lib\libcuda.so";

/// Error codes and texts wsl.exe prints when WSL2 cannot start a VM: the Virtual Machine
/// Platform feature is off or virtualization is disabled in the firmware. Codes are the same
/// in every language.
const NO_VIRTUALIZATION: &[&str] = &[
    "HCS_E_HYPERV_NOT_INSTALLED",
    "0x80370102",
    "Virtual Machine Platform",
];

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    if host.platform() != Platform::Windows {
        return f;
    }
    let version = host.run(&["wsl.exe", "--version"], ctx.timeout);
    if version.spawn_error == Some(SpawnError::NotFound) {
        f.set("wsl_windows.installed", false);
        return f;
    }
    if version.timed_out {
        f.set_error("wsl_windows", "timeout", "`wsl.exe --version` timed out");
        return f;
    }
    let status = host.run(&["wsl.exe", "--status"], ctx.timeout);
    let list = host.run(&["wsl.exe", "--list", "--verbose"], ctx.timeout);
    let all = [&version, &status, &list];
    let text = |o: &CommandOutput| o.combined_text();

    if all
        .iter()
        .any(|o| text(o).contains("WSL_E_WSL_OPTIONAL_COMPONENT_REQUIRED"))
    {
        f.set("wsl_windows.installed", false);
        return f;
    }
    f.set("wsl_windows.installed", true);
    let v = parse_version(&text(&version));
    f.set_opt("wsl_windows.package_version", v.package);
    f.set_opt("wsl_windows.kernel", v.kernel);
    let s = parse_status(&text(&status));
    f.set_opt(
        "wsl_windows.default_version",
        s.default_version.map(u64::from),
    );
    if all
        .iter()
        .any(|o| NO_VIRTUALIZATION.iter().any(|m| text(o).contains(m)))
    {
        f.set("wsl_windows.virtualization", false);
    } else if list.success() {
        // A listed distro at version 2 runs in a VM: virtualization works.
        let distros = parse_list_verbose(&list.stdout_text());
        if distros
            .iter()
            .any(|d| d.version == 2 && d.state == "Running")
        {
            f.set("wsl_windows.virtualization", true);
        }
    }
    if list.timed_out {
        f.set_error(
            "wsl_windows",
            "timeout",
            "`wsl.exe --list --verbose` timed out",
        );
    } else {
        let out = text(&list);
        let distros = parse_list_verbose(&list.stdout_text());
        if distros.is_empty() && !out.contains("WSL_E_DEFAULT_DISTRO_NOT_FOUND") && !list.success()
        {
            f.set_error("wsl_windows", "other", out);
        } else {
            f.set("wsl_windows.distro_count", distros.len() as u64);
            f.set(
                "wsl_windows.distros",
                distros
                    .iter()
                    .map(|d| format!("{} (WSL {})", d.name, d.version))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            let wsl1: Vec<&str> = distros
                .iter()
                .filter(|d| d.version == 1)
                .map(|d| d.name.as_str())
                .collect();
            f.set("wsl_windows.wsl1_distros", wsl1.join(", "));
            let default = distros
                .iter()
                .find(|d| d.default)
                .map(|d| d.name.clone())
                .or(s.default_distro);
            f.set_opt("wsl_windows.default_distro", default);
        }
    }
    if let Some(profile) = host.env("USERPROFILE") {
        let path = format!("{}\\.wslconfig", profile.trim_end_matches(['\\', '/']));
        if let Some(cfg) = host.read_text(&path) {
            f.set_opt("wsl_windows.memory_limit_mib", wslconfig_memory_mib(&cfg));
        }
    }
    f.set("wsl_windows.nvidia_wsl_libs", host.exists(NVIDIA_WSL_LIB));
    f
}

#[derive(Debug, Default, PartialEq)]
pub struct WslVersion {
    /// The Store WSL package, "2.2.4.0"; absent for the WSL built into Windows (no --version).
    pub package: Option<String>,
    pub kernel: Option<String>,
}

/// `wsl --version`: "WSL version: 2.2.4.0", "Kernel version: 5.15.153.1-2", ... The labels
/// are translated ("WSL-Version:", "Version du noyau :"), the order is not: the first two
/// version-valued lines are the package and the kernel.
pub fn parse_version(text: &str) -> WslVersion {
    let values: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once(':').map(|(_, v)| v.trim()))
        .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()) && v.contains('.'))
        .collect();
    if values.len() < 2 {
        return WslVersion::default();
    }
    WslVersion {
        package: Some(values[0].to_string()),
        kernel: Some(values[1].to_string()),
    }
}

#[derive(Debug, Default, PartialEq)]
pub struct WslStatus {
    pub default_distro: Option<String>,
    pub default_version: Option<u8>,
}

/// `wsl --status`: "Default Distribution: Ubuntu" and "Default Version: 2".
pub fn parse_status(text: &str) -> WslStatus {
    let mut s = WslStatus::default();
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        match k {
            "Default Distribution" if !v.is_empty() => s.default_distro = Some(v.to_string()),
            "Default Version" => s.default_version = v.parse().ok().filter(|n| *n == 1 || *n == 2),
            _ => {}
        }
    }
    s
}

#[derive(Debug, Clone, PartialEq)]
pub struct Distro {
    pub name: String,
    /// "Running", "Stopped", "Installing", ... (translated on non-English Windows).
    pub state: String,
    pub version: u8,
    pub default: bool,
}

/// `wsl --list --verbose`: a header, then `* NAME STATE VERSION` rows, the default marked
/// with `*`. Distro names have no spaces (wsl.exe refuses them), so a row is its last two
/// words after the name; the header (translated) is the row whose last word is no 1 or 2.
pub fn parse_list_verbose(text: &str) -> Vec<Distro> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let (default, rest) = match line.strip_prefix('*') {
            Some(r) => (true, r.trim_start()),
            None => (false, line),
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        let [name, state, version] = words[..] else {
            continue;
        };
        let Ok(version) = version.parse::<u8>() else {
            continue;
        };
        if version == 1 || version == 2 {
            out.push(Distro {
                name: name.to_string(),
                state: state.to_string(),
                version,
                default,
            });
        }
    }
    out
}

/// `[wsl2] memory=8GB` in .wslconfig, in MiB. Sizes take B, KB, MB, GB, TB (case-insensitive,
/// the B optional); a bare number is bytes (wsl-config.md).
pub fn wslconfig_memory_mib(text: &str) -> Option<u64> {
    let mut section = String::new();
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = s.trim().to_ascii_lowercase();
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if section == "wsl2" && k.trim().eq_ignore_ascii_case("memory") {
            let v = v.split(['#', ';']).next().unwrap_or("").trim();
            found = parse_size_bytes(v).map(|b| b / (1024 * 1024));
        }
    }
    found
}

fn parse_size_bytes(v: &str) -> Option<u64> {
    let v = v.trim().to_ascii_uppercase();
    let digits = v.trim_end_matches(|c: char| c.is_ascii_alphabetic()).trim();
    let unit = v[digits.len()..].trim().trim_end_matches('B');
    let n: u64 = digits.parse().ok()?;
    let mult: u64 = match unit {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return None,
    };
    n.checked_mul(mult)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;
    use crate::testutil::sample;

    #[test]
    fn version_samples() {
        for (file, package, kernel) in [
            ("wsl/wsl-version-1.2.5.0-en.txt", "1.2.5.0", "5.15.90.1"),
            (
                "wsl/wsl-version-1.1.6.0-cmd-blanklines.txt",
                "1.1.6.0",
                "5.15.90.1",
            ),
            (
                "wsl/wsl-version-2.2.4.0-win11-23h2.txt",
                "2.2.4.0",
                "5.15.153.1-2",
            ),
            (
                "wsl/wsl-version-2.6.1.0-kernel-6.6.txt",
                "2.6.1.0",
                "6.6.87.2-1",
            ),
        ] {
            let v = parse_version(&sample(file));
            assert_eq!(v.package.as_deref(), Some(package), "{file}");
            assert_eq!(v.kernel.as_deref(), Some(kernel), "{file}");
        }
        // The WSL built into Windows has no --version: it prints its usage.
        assert_eq!(
            parse_version(&sample("wsl/wsl-status-inbox-invalid-option.txt")),
            WslVersion::default()
        );
    }

    #[test]
    fn status_samples() {
        let s = parse_status(&sample("wsl/wsl-status-2023-no-kernel.txt"));
        assert_eq!(s.default_distro.as_deref(), Some("Debian"));
        assert_eq!(s.default_version, Some(2));
        let s = parse_status(&sample("wsl/wsl-status-2022-kernel-5.10.102.1.txt"));
        assert_eq!(s.default_distro.as_deref(), Some("Ubuntu-22.04"));
        assert_eq!(s.default_version, Some(2));
    }

    #[test]
    fn list_samples() {
        let d = parse_list_verbose(&sample("wsl/wsl-list-verbose-mixed-wsl1.txt"));
        assert_eq!(d.len(), 4);
        assert_eq!(
            d[0],
            Distro {
                name: "Ubuntu".into(),
                state: "Running".into(),
                version: 2,
                default: true
            }
        );
        let wsl1: Vec<&str> = d
            .iter()
            .filter(|d| d.version == 1)
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(wsl1, ["Legacy", "Ubuntu-18.04"]);
        let d = parse_list_verbose(&sample("wsl/wsl-list-verbose-docker-desktop.txt"));
        assert_eq!(d.len(), 3);
        assert!(d.iter().all(|d| d.version == 2));
        assert!(parse_list_verbose(&sample("wsl/wsl-list-no-distributions.txt")).is_empty());
    }

    /// wsl.exe prints UTF-16LE unless WSL_UTF8=1 took effect; the host decodes both.
    #[test]
    fn utf16_output_is_decoded() {
        let utf16: Vec<u8> = sample("wsl/wsl-list-verbose-mixed-wsl1.txt")
            .replace('\n', "\r\n")
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let out = CommandOutput {
            exit: Some(0),
            stdout: utf16,
            ..Default::default()
        };
        assert_eq!(parse_list_verbose(&out.stdout_text()).len(), 4);
    }

    #[test]
    fn wslconfig_memory() {
        assert_eq!(wslconfig_memory_mib("[wsl2]\nmemory=8GB\n"), Some(8192));
        assert_eq!(
            wslconfig_memory_mib("[wsl2]\r\nmemory = 4096MB # half\r\n"),
            Some(4096)
        );
        assert_eq!(wslconfig_memory_mib("[wsl2]\nswap=0\n"), None);
        assert_eq!(wslconfig_memory_mib("[experimental]\nmemory=8GB\n"), None);
        assert_eq!(wslconfig_memory_mib("[wsl2]\nmemory=lots\n"), None);
    }

    fn windows() -> FakeHost {
        FakeHost::new()
            .platform(Platform::Windows)
            .env("USERPROFILE", "~")
            .cmd(
                &["wsl.exe", "--version"],
                sample("wsl/wsl-version-2.2.4.0-win11-23h2.txt"),
            )
            .cmd(
                &["wsl.exe", "--status"],
                sample("wsl/wsl-status-2023-no-kernel.txt"),
            )
    }

    #[test]
    fn probe_reads_distros_config_and_driver_libs() {
        let h = windows()
            .cmd(
                &["wsl.exe", "--list", "--verbose"],
                sample("wsl/wsl-list-verbose-mixed-wsl1.txt"),
            )
            .file(r"~\.wslconfig", "[wsl2]\nmemory=16GB\n")
            .file(NVIDIA_WSL_LIB, "");
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_bool("wsl_windows.installed"), Some(true));
        assert_eq!(f.get_str("wsl_windows.package_version"), Some("2.2.4.0"));
        assert_eq!(f.get_u64("wsl_windows.default_version"), Some(2));
        assert_eq!(f.get_str("wsl_windows.default_distro"), Some("Ubuntu"));
        assert_eq!(f.get_u64("wsl_windows.distro_count"), Some(4));
        assert_eq!(
            f.get_str("wsl_windows.wsl1_distros"),
            Some("Legacy, Ubuntu-18.04")
        );
        assert_eq!(f.get_bool("wsl_windows.virtualization"), Some(true));
        assert_eq!(f.get_u64("wsl_windows.memory_limit_mib"), Some(16384));
        assert_eq!(f.get_bool("wsl_windows.nvidia_wsl_libs"), Some(true));
    }

    #[test]
    fn probe_sees_no_distro_and_no_virtualization() {
        let h = windows().cmd_exit(
            &["wsl.exe", "--list", "--verbose"],
            1,
            sample("wsl/wsl-list-no-distributions.txt"),
            "",
        );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_u64("wsl_windows.distro_count"), Some(0));
        assert_eq!(f.get_str("wsl_windows.error"), None);
        assert_eq!(f.get_bool("wsl_windows.nvidia_wsl_libs"), Some(false));

        let h = windows().cmd_exit(
            &["wsl.exe", "--list", "--verbose"],
            1,
            "",
            sample("wsl/wsl-error-no-virtualization.txt"),
        );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_bool("wsl_windows.virtualization"), Some(false));
    }

    #[test]
    fn no_wsl_exe_means_not_installed_and_linux_is_not_probed() {
        let f = run(
            &FakeHost::new().platform(Platform::Windows),
            &Ctx::default(),
        );
        assert_eq!(f.get_bool("wsl_windows.installed"), Some(false));
        assert_eq!(
            run(&FakeHost::new(), &Ctx::default()).get("wsl_windows.installed"),
            None
        );
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(text in "\\PC{0,400}") {
            let _ = parse_version(&text);
            let _ = parse_status(&text);
            let _ = parse_list_verbose(&text);
            let _ = wslconfig_memory_mib(&text);
        }
    }
}
