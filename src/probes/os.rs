//! Operating system, kernel, memory and disk: /etc/os-release, /proc/version,
//! /proc/sys/kernel/osrelease, /proc/meminfo; on Windows the registry's CurrentVersion key
//! (`cmd /c ver` for snapshots without it) and GlobalMemoryStatusEx; on macOS `sw_vers` and
//! `sysctl hw.memsize sysctl.proc_translated`.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{Host, Platform};

pub static PROBE: Probe = Probe {
    name: "os",
    summary: "Operating system, kernel, memory and free disk.",
    facts: crate::facts::vocab::OS,
    slow: false,
    run,
};

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    let platform = host.platform();
    f.set("os.family", platform.as_str());
    f.set("os.arch", host.arch());
    if let Some(bytes) = host.free_disk_bytes() {
        f.set("disk.free_gib", bytes / (1024 * 1024 * 1024));
    }
    match platform {
        Platform::Linux => linux(host, &mut f),
        Platform::Windows => windows(host, ctx, &mut f),
        Platform::Macos => macos(host, ctx, &mut f),
    }
    f
}

fn macos(host: &dyn Host, ctx: &Ctx, f: &mut Facts) {
    f.set("os.id", "macos");
    let out = host.run(&["sw_vers"], ctx.timeout);
    let v = parse_sw_vers(&out.stdout_text());
    match &v.version {
        Some(version) => {
            let name = v.name.as_deref().unwrap_or("macOS");
            let pretty = match &v.build {
                Some(b) => format!("{name} {version} ({b})"),
                None => format!("{name} {version}"),
            };
            f.set("os.pretty_name", pretty);
            f.set_opt("os.codename", macos_codename(version));
            f.set("os.version", version.clone());
        }
        None => f.set_error(
            "os",
            "other",
            format!(
                "`sw_vers` printed no ProductVersion: {}",
                out.combined_text().trim()
            ),
        ),
    }
    match super::sysctl::query(host, ctx, &["hw.memsize", "sysctl.proc_translated"]) {
        Ok(m) => {
            f.set_opt(
                "memory.total_mib",
                super::sysctl::number(&m, "hw.memsize").map(|b| b / (1024 * 1024)),
            );
            // The oid exists from macOS 11 on Apple silicon and Intel alike; unknown before.
            f.set_opt(
                "os.rosetta",
                super::sysctl::number(&m, "sysctl.proc_translated").map(|n| n == 1),
            );
        }
        Err(e) => f.set_error("memory", "other", e),
    }
}

#[derive(Debug, Default, PartialEq)]
pub struct SwVers {
    pub name: Option<String>,
    pub version: Option<String>,
    pub build: Option<String>,
}

/// `sw_vers`: `ProductName:`, `ProductVersion:`, `BuildVersion:` lines, the value after tabs
/// (`ProductName:\t\tmacOS`; "Mac OS X" before 10.12).
pub fn parse_sw_vers(text: &str) -> SwVers {
    let mut v = SwVers::default();
    for line in text.lines() {
        let Some((k, val)) = line.split_once(':') else {
            continue;
        };
        let val = val.trim();
        if val.is_empty() {
            continue;
        }
        let slot = match k.trim() {
            "ProductName" => &mut v.name,
            "ProductVersion" => &mut v.version,
            "BuildVersion" => &mut v.build,
            _ => continue,
        };
        slot.get_or_insert_with(|| val.to_string());
    }
    v
}

/// Apple's release names, by major version (11 Big Sur onwards; 26 Tahoe followed 15).
fn macos_codename(version: &str) -> Option<String> {
    let major: u32 = version.split('.').next()?.parse().ok()?;
    let name = match major {
        11 => "big sur",
        12 => "monterey",
        13 => "ventura",
        14 => "sonoma",
        15 => "sequoia",
        26 => "tahoe",
        _ => return None,
    };
    Some(name.to_string())
}

fn linux(host: &dyn Host, f: &mut Facts) {
    match host
        .read_text("/etc/os-release")
        .or_else(|| host.read_text("/usr/lib/os-release"))
    {
        Some(text) => {
            let r = parse_os_release(&text);
            f.set_opt("os.id", r.id);
            f.set_opt("os.id_like", r.id_like);
            f.set_opt("os.version", r.version_id);
            f.set_opt("os.codename", r.codename);
            f.set_opt("os.pretty_name", r.pretty_name);
        }
        None => f.set_error(
            "os",
            "not_found",
            "/etc/os-release is missing or unreadable",
        ),
    }
    let kernel = host
        .read_text("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| {
            host.read_text("/proc/version")
                .and_then(|v| kernel_from_proc_version(&v))
        });
    f.set_opt("os.kernel", kernel);
    if let Some(text) = host.read_text("/proc/meminfo") {
        let m = parse_meminfo(&text);
        f.set_opt("memory.total_mib", m.total_kib.map(|k| k / 1024));
        f.set_opt("memory.available_mib", m.available_kib.map(|k| k / 1024));
        f.set_opt("swap.total_mib", m.swap_total_kib.map(|k| k / 1024));
    }
}

/// Where Windows keeps its version; what winver.exe and Settings > About show.
pub const CURRENT_VERSION_KEY: &str = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion";

fn windows(host: &dyn Host, ctx: &Ctx, f: &mut Facts) {
    f.set("os.id", "windows");
    match host.memory() {
        Some(m) => {
            f.set("memory.total_mib", m.total_bytes / (1024 * 1024));
            f.set("memory.available_mib", m.available_bytes / (1024 * 1024));
        }
        None => f.set_error(
            "memory",
            "other",
            "Windows did not report the memory size (GlobalMemoryStatusEx); see Task Manager > Performance > Memory",
        ),
    }
    let reg = |name: &str| host.registry(CURRENT_VERSION_KEY, name);
    let version = WindowsVersion {
        product_name: reg("ProductName").and_then(|v| v.text().map(str::to_string)),
        display_version: reg("DisplayVersion")
            .or_else(|| reg("ReleaseId"))
            .and_then(|v| v.text().map(str::to_string)),
        build: reg("CurrentBuild")
            .or_else(|| reg("CurrentBuildNumber"))
            .and_then(|v| v.text().and_then(|t| t.trim().parse().ok())),
        ubr: reg("UBR").and_then(|v| v.number()),
    };
    if version.build.is_some() {
        set_windows_version(&version, f);
        return;
    }
    // No registry answer (a snapshot recorded before aidoctor read it): `cmd /c ver`.
    let out = host.run(&["cmd", "/c", "ver"], ctx.timeout);
    match crate::text::find_version(&out.stdout_text()).and_then(|v| parse_ver(&v)) {
        Some(v) => set_windows_version(&v, f),
        None => f.set_error(
            "os",
            "other",
            "Windows' version is neither in the registry nor printed by `cmd /c ver`",
        ),
    }
}

/// What the registry's CurrentVersion key says (or `ver` prints) about this Windows.
#[derive(Debug, Default, PartialEq)]
pub struct WindowsVersion {
    /// "Windows 10 Pro": Windows 11 keeps "Windows 10" here, so the name comes from the build.
    pub product_name: Option<String>,
    /// "23H2" (DisplayVersion, Windows 10 20H2 and later) or "2004" (ReleaseId, before).
    pub display_version: Option<String>,
    pub build: Option<u32>,
    /// Update Build Revision: the part after the dot in "22631.4460".
    pub ubr: Option<u64>,
}

impl WindowsVersion {
    /// "Windows 11" from build 22000 on; every Windows 10 and 11 is NT 10.0.
    pub fn name(&self) -> String {
        let product = self.product_name.as_deref().unwrap_or("Windows").trim();
        match self.build {
            Some(b) if b >= 22000 => product.replacen("Windows 10", "Windows 11", 1),
            _ => product.to_string(),
        }
    }
}

/// "10.0.22631.4460" from `cmd /c ver`.
fn parse_ver(v: &str) -> Option<WindowsVersion> {
    let mut parts = v.split('.');
    let (major, minor) = (parts.next()?, parts.next()?);
    let build = parts.next()?.parse().ok()?;
    let product = match (major, minor) {
        ("10", "0") if build >= 22000 => "Windows 11",
        ("10", "0") => "Windows 10",
        _ => "Windows",
    };
    Some(WindowsVersion {
        product_name: Some(product.to_string()),
        display_version: None,
        build: Some(build),
        ubr: parts.next().and_then(|u| u.parse().ok()),
    })
}

fn set_windows_version(v: &WindowsVersion, f: &mut Facts) {
    let Some(build) = v.build else {
        return;
    };
    let full = match v.ubr {
        Some(u) => format!("10.0.{build}.{u}"),
        None => format!("10.0.{build}"),
    };
    let short = full.trim_start_matches("10.0.");
    let pretty = match &v.display_version {
        Some(d) => format!("{} {d} (build {short})", v.name()),
        None => format!("{} (build {short})", v.name()),
    };
    f.set("os.pretty_name", pretty);
    f.set("os.build", u64::from(build));
    f.set("os.version", full.clone());
    f.set("os.kernel", full);
}

#[derive(Debug, Default, PartialEq)]
pub struct OsRelease {
    pub id: Option<String>,
    pub id_like: Option<String>,
    pub version_id: Option<String>,
    pub codename: Option<String>,
    pub pretty_name: Option<String>,
}

/// os-release(5): KEY=value lines, values optionally quoted with shell escapes.
pub fn parse_os_release(text: &str) -> OsRelease {
    let mut r = OsRelease::default();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = unquote(v.trim());
        if v.is_empty() {
            continue;
        }
        match k.trim() {
            "ID" => r.id = Some(v.to_ascii_lowercase()),
            "ID_LIKE" => r.id_like = Some(v),
            "VERSION_ID" => r.version_id = Some(v),
            "VERSION_CODENAME" => r.codename = Some(v),
            "UBUNTU_CODENAME" if r.codename.is_none() => r.codename = Some(v),
            "PRETTY_NAME" => r.pretty_name = Some(v),
            _ => {}
        }
    }
    r
}

fn unquote(v: &str) -> String {
    let inner = if v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
    {
        &v[1..v.len() - 1]
    } else {
        v
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// "Linux version 5.15.0-130-generic (buildd@...) ..." -> "5.15.0-130-generic".
pub fn kernel_from_proc_version(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    while let Some(w) = words.next() {
        if w == "version" {
            return words.next().map(str::to_string);
        }
    }
    None
}

#[derive(Debug, Default, PartialEq)]
pub struct MemInfo {
    pub total_kib: Option<u64>,
    pub available_kib: Option<u64>,
    pub swap_total_kib: Option<u64>,
}

pub fn parse_meminfo(text: &str) -> MemInfo {
    let mut m = MemInfo::default();
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let n = v
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<u64>().ok());
        match k.trim() {
            "MemTotal" => m.total_kib = n,
            "MemAvailable" => m.available_kib = n,
            "SwapTotal" => m.swap_total_kib = n,
            _ => {}
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;

    #[test]
    fn os_release_quoting_and_ubuntu_codename() {
        let r = parse_os_release(
            "NAME=\"Pop!_OS\"\nVERSION_ID=\"22.04\"\nID=pop\nID_LIKE=\"ubuntu debian\"\nPRETTY_NAME=\"Pop!_OS 22.04 LTS\"\nUBUNTU_CODENAME=jammy\n",
        );
        assert_eq!(r.id.as_deref(), Some("pop"));
        assert_eq!(r.id_like.as_deref(), Some("ubuntu debian"));
        assert_eq!(r.version_id.as_deref(), Some("22.04"));
        assert_eq!(r.codename.as_deref(), Some("jammy"));
        assert_eq!(r.pretty_name.as_deref(), Some("Pop!_OS 22.04 LTS"));
    }

    #[test]
    fn kernel_from_proc_version_wsl1() {
        let v = "Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com) (gcc version 5.4.0 (GCC) ) #488-Microsoft Mon Sep 01 13:43:00 PST 2020";
        assert_eq!(
            kernel_from_proc_version(v).as_deref(),
            Some("4.4.0-19041-Microsoft")
        );
    }

    #[test]
    fn linux_probe_reads_files() {
        let h = FakeHost::new()
            .file("/etc/os-release", "ID=ubuntu\nVERSION_ID=\"24.04\"\n")
            .file("/proc/sys/kernel/osrelease", "6.8.0-50-generic\n")
            .file(
                "/proc/meminfo",
                "MemTotal:       65768000 kB\nMemAvailable:   60000000 kB\nSwapTotal:       2097148 kB\n",
            )
            .free_disk(120 * 1024 * 1024 * 1024);
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("os.id"), Some("ubuntu"));
        assert_eq!(f.get_str("os.version"), Some("24.04"));
        assert_eq!(f.get_str("os.kernel"), Some("6.8.0-50-generic"));
        assert_eq!(f.get_u64("memory.total_mib"), Some(64226));
        assert_eq!(f.get_u64("swap.total_mib"), Some(2047));
        assert_eq!(f.get_u64("disk.free_gib"), Some(120));
    }

    #[test]
    fn windows_ver_names_the_release_when_the_registry_is_silent() {
        let h = FakeHost::new().platform(Platform::Windows).cmd(
            &["cmd", "/c", "ver"],
            "\r\nMicrosoft Windows [Version 10.0.22631.4460]\r\n",
        );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("os.family"), Some("windows"));
        assert_eq!(f.get_str("os.version"), Some("10.0.22631.4460"));
        assert_eq!(
            f.get_str("os.pretty_name"),
            Some("Windows 11 (build 22631.4460)")
        );
        assert_eq!(f.get_str("memory.error"), Some("other"));
    }

    /// Registry values as fabianosrc/TermsrvPatcher#35 lists them (Get-ItemProperty of the
    /// CurrentVersion key): an LTSC 2024 on build 26100, whose ProductName says "Windows 10".
    /// # source: https://github.com/fabianosrc/TermsrvPatcher/issues/35
    #[test]
    fn windows_registry_names_the_release() {
        let h = FakeHost::new()
            .platform(Platform::Windows)
            .reg(
                CURRENT_VERSION_KEY,
                "ProductName",
                "Windows 10 IoT Enterprise LTSC 2024",
            )
            .reg(CURRENT_VERSION_KEY, "DisplayVersion", "24H2")
            .reg(CURRENT_VERSION_KEY, "CurrentBuild", "26100")
            .reg(CURRENT_VERSION_KEY, "UBR", 8655)
            .memory(34_359_738_368, 20_000_000_000)
            .free_disk(50 * 1024 * 1024 * 1024);
        let f = run(&h, &Ctx::default());
        assert_eq!(
            f.get_str("os.pretty_name"),
            Some("Windows 11 IoT Enterprise LTSC 2024 24H2 (build 26100.8655)")
        );
        assert_eq!(f.get_str("os.version"), Some("10.0.26100.8655"));
        assert_eq!(f.get_u64("os.build"), Some(26100));
        assert_eq!(f.get_u64("memory.total_mib"), Some(32768));
        assert_eq!(f.get_u64("disk.free_gib"), Some(50));
        // The registry answered: `ver` is not run.
        assert_eq!(f.get_str("os.error"), None);
    }

    #[test]
    fn windows_10_before_display_version_uses_release_id() {
        let h = FakeHost::new()
            .platform(Platform::Windows)
            .reg(CURRENT_VERSION_KEY, "ProductName", "Windows 10 Pro")
            .reg(CURRENT_VERSION_KEY, "ReleaseId", "2004")
            .reg(CURRENT_VERSION_KEY, "CurrentBuildNumber", "19041");
        let f = run(&h, &Ctx::default());
        assert_eq!(
            f.get_str("os.pretty_name"),
            Some("Windows 10 Pro 2004 (build 19041)")
        );
    }

    #[test]
    fn real_os_release_samples_parse() {
        let t = crate::testutil::sample("os-release/linuxmint-17-says-ubuntu.txt");
        let r = parse_os_release(&t);
        assert_eq!(r.id.as_deref(), Some("ubuntu"));
        assert_eq!(r.version_id.as_deref(), Some("14.04"));
        let r = parse_os_release(&crate::testutil::sample("os-release/popos-22.04.txt"));
        assert_eq!(r.id.as_deref(), Some("pop"));
    }

    #[test]
    fn macos_sw_vers_and_sysctl() {
        let t = crate::testutil::sample("macos/sw-vers-and-brand-string-m1-macos14.0.txt");
        let sw = t
            .split("$ sysctl")
            .next()
            .unwrap()
            .replace("$ sw_vers\n", "");
        assert_eq!(
            parse_sw_vers(&sw),
            SwVers {
                name: Some("macOS".into()),
                version: Some("14.0".into()),
                build: Some("23A344".into()),
            }
        );
        let h = FakeHost::new()
            .platform(Platform::Macos)
            .cmd(&["sw_vers"], sw)
            .cmd_exit(
                &["sysctl", "hw.memsize", "sysctl.proc_translated"],
                0,
                "hw.memsize: 17179869184\nsysctl.proc_translated: 1\n",
                "",
            );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("os.family"), Some("macos"));
        assert_eq!(f.get_str("os.version"), Some("14.0"));
        assert_eq!(f.get_str("os.codename"), Some("sonoma"));
        assert_eq!(f.get_str("os.pretty_name"), Some("macOS 14.0 (23A344)"));
        assert_eq!(f.get_u64("memory.total_mib"), Some(16384));
        assert_eq!(f.get_bool("os.rosetta"), Some(true));
        // No sysctl answer: memory is an error with the reason, not silently absent.
        let f = run(&FakeHost::new().platform(Platform::Macos), &Ctx::default());
        assert_eq!(f.get_str("memory.error"), Some("other"));
        assert_eq!(f.get_str("os.error"), Some("other"));
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(text in "\\PC{0,400}") {
            let _ = parse_sw_vers(&text);
            let _ = parse_os_release(&text);
            let _ = parse_meminfo(&text);
            let _ = kernel_from_proc_version(&text);
        }
    }
}
