//! Operating system, kernel, memory and disk: /etc/os-release, /proc/version,
//! /proc/sys/kernel/osrelease, /proc/meminfo; on Windows `cmd /c ver`; on macOS `sw_vers` and
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

fn windows(host: &dyn Host, ctx: &Ctx, f: &mut Facts) {
    f.set("os.id", "windows");
    // The only quick sources (wmic, PowerShell CIM) are deprecated or take a second to
    // start; rather than slow every run, say plainly that it was not read.
    f.set_error(
        "memory",
        "not_probed",
        "aidoctor does not read memory size on native Windows; see Task Manager > Performance > Memory",
    );
    let out = host.run(&["cmd", "/c", "ver"], ctx.timeout);
    if let Some(v) = crate::text::find_version(&out.stdout_text()) {
        // "Microsoft Windows [Version 10.0.22631.4460]": build >= 22000 is Windows 11.
        let build: u32 = v
            .split('.')
            .nth(2)
            .and_then(|b| b.parse().ok())
            .unwrap_or(0);
        let name = if v.starts_with("10.0.") && build >= 22000 {
            "Windows 11"
        } else if v.starts_with("10.0.") {
            "Windows 10"
        } else {
            "Windows"
        };
        f.set("os.pretty_name", format!("{name} (build {v})"));
        f.set("os.version", v.clone());
        f.set("os.kernel", v);
    } else {
        f.set_error("os", "other", "`cmd /c ver` printed no version");
    }
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
    fn windows_build_names_the_release() {
        let h = FakeHost::new().platform(Platform::Windows).cmd(
            &["cmd", "/c", "ver"],
            "\r\nMicrosoft Windows [Version 10.0.22631.4460]\r\n",
        );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("os.family"), Some("windows"));
        assert_eq!(f.get_str("os.version"), Some("10.0.22631.4460"));
        assert_eq!(
            f.get_str("os.pretty_name"),
            Some("Windows 11 (build 10.0.22631.4460)")
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
