//! WSL1 / WSL2: /proc/version, WSL_DISTRO_NAME, /dev/dxg, /usr/lib/wsl/lib.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{Host, Platform};

pub static PROBE: Probe = Probe {
    name: "wsl",
    summary: "WSL1 / WSL2: /proc/version, WSL_DISTRO_NAME, /dev/dxg, /usr/lib/wsl/lib.",
    facts: crate::facts::vocab::WSL,
    slow: false,
    run,
};

fn run(host: &dyn Host, _ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    if host.platform() != Platform::Linux {
        return f;
    }
    // Not WSL (or /proc unreadable, which a WSL distro never is): every wsl.* fact stays absent.
    let Some(version) = host
        .read_text("/proc/version")
        .and_then(|t| parse_proc_version(&t))
    else {
        return f;
    };
    f.set("wsl.version", version as u64);
    f.set_opt(
        "wsl.distro",
        host.env("WSL_DISTRO_NAME").filter(|d| !d.trim().is_empty()),
    );
    // GPU paravirtualization needs both the kernel side (/dev/dxg, the DirectX kernel
    // interface) and the user-mode drivers Windows mounts at /usr/lib/wsl/lib (libcuda.so,
    // nvidia-smi); knowledge.md §6c. WSL1 has neither.
    // systemd is PID 1 exactly when /run/systemd/system exists (sd_booted(3)); WSL2 runs
    // without it unless /etc/wsl.conf sets `[boot] systemd=true`, so `systemctl` fails there.
    f.set("wsl.systemd", host.exists("/run/systemd/system"));
    let gpu_pv = host.exists("/dev/dxg") && host.exists("/usr/lib/wsl/lib");
    f.set("wsl.gpu_paravirtualization", gpu_pv);
    if let Some(cwd) = host.cwd() {
        f.set("wsl.cwd_on_windows_drive", is_windows_drive_path(&cwd));
    }
    f
}

/// The WSL generation a `/proc/version` (or `uname -r` / `uname -a`) line reveals; `None`
/// when it is not WSL.
///
/// WSL1 kernels are a Microsoft translation layer whose version names the vendor with a
/// capital M: `4.4.0-19041-Microsoft`, built by `Microsoft@Microsoft.com`. WSL2 runs a real
/// Linux kernel named `…-microsoft-standard` (with `-WSL2` since 5.10), custom builds keep
/// `microsoft`/`WSL2` lower-case somewhere in the release (samples README quirk 14), so the
/// WSL2 markers are matched case-insensitively and checked first.
pub fn parse_proc_version(text: &str) -> Option<u8> {
    let release = kernel_release(text)?;
    let lower = release.to_ascii_lowercase();
    if lower.contains("microsoft-standard") || lower.contains("wsl2") {
        return Some(2);
    }
    if release.contains("-Microsoft") || text.contains("Microsoft@Microsoft.com") {
        return Some(1);
    }
    // A lower-case "microsoft" in the release without the WSL1 spelling: a renamed WSL2
    // kernel. Only the release is looked at, so a build host or compiler string that
    // happens to mention Microsoft does not make a native kernel WSL.
    if release.contains("microsoft") {
        return Some(2);
    }
    None
}

/// The kernel release: the word after "version" (/proc/version), else the first word that
/// starts with a digit (`uname -r`, `uname -sr`, `uname -a`).
fn kernel_release(text: &str) -> Option<&str> {
    let mut words = text.split_whitespace();
    let mut first_numeric = None;
    while let Some(w) = words.next() {
        if w == "version" {
            return words.next();
        }
        if first_numeric.is_none() && w.starts_with(|c: char| c.is_ascii_digit()) {
            first_numeric = Some(w);
        }
    }
    first_numeric
}

/// `/mnt/c`, `/mnt/d/work`: the Windows drives WSL mounts (over 9P in WSL2, slow for
/// model files; knowledge.md §6c). `/mnt/wsl` and `/mnt/data` are Linux paths.
pub fn is_windows_drive_path(cwd: &str) -> bool {
    let Some(rest) = cwd.strip_prefix("/mnt/") else {
        return false;
    };
    let drive = rest.split('/').next().unwrap_or("");
    drive.len() == 1 && drive.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;
    use crate::testutil::{sample, samples_in};

    #[test]
    fn proc_version_samples_classify() {
        for (name, text) in samples_in("proc-version") {
            let want = if name.starts_with("wsl1") {
                Some(1)
            } else if name.starts_with("wsl2") {
                Some(2)
            } else {
                None
            };
            assert_eq!(parse_proc_version(&text), want, "{name}");
        }
    }

    #[test]
    fn uname_samples_classify() {
        assert_eq!(
            parse_proc_version(&sample("uname/wsl1-uname-a-19041.txt")),
            Some(1)
        );
        assert_eq!(
            parse_proc_version(&sample("uname/uname-r-wsl1-18362.txt")),
            Some(1)
        );
        assert_eq!(
            parse_proc_version(&sample("uname/uname-r-wsl2-insider-4.19.81.txt")),
            Some(2)
        );
        assert_eq!(
            parse_proc_version(&sample("uname/uname-sr-wsl2-5.15.90.1.txt")),
            Some(2)
        );
        assert_eq!(
            parse_proc_version(&sample("uname/uname-r-ubuntu-24.04-hwe-6.17.txt")),
            None
        );
    }

    #[test]
    fn custom_wsl2_kernels_are_wsl2() {
        assert_eq!(
            parse_proc_version("Linux version 6.1.21.2-microsoft-standard-WSL2+ (me@box)"),
            Some(2)
        );
        assert_eq!(
            parse_proc_version("Linux version 6.6.36.3-WSL2-xanmod1 (root@build)"),
            Some(2)
        );
        assert_eq!(
            parse_proc_version("Linux version 5.15.0-custom-microsoft (me@box)"),
            Some(2)
        );
    }

    #[test]
    fn microsoft_outside_the_release_is_not_wsl() {
        assert_eq!(
            parse_proc_version(
                "Linux version 6.8.0-1017-azure (builder@microsoft-ci) (gcc 13.2.0) #20-Ubuntu SMP"
            ),
            None
        );
    }

    #[test]
    fn windows_drive_paths() {
        assert!(is_windows_drive_path("/mnt/c"));
        assert!(is_windows_drive_path("/mnt/d/models/llama"));
        assert!(!is_windows_drive_path("/mnt/wsl/shared"));
        assert!(!is_windows_drive_path("/mnt/"));
        assert!(!is_windows_drive_path("/home/me/mnt/c"));
    }

    #[test]
    fn wsl2_probe_reads_env_devices_and_cwd() {
        let h = FakeHost::new()
            .file(
                "/proc/version",
                sample("proc-version/wsl2-5.4.72-microsoft-standard-WSL2.txt"),
            )
            .env("WSL_DISTRO_NAME", "Ubuntu-22.04")
            .path("/dev/dxg", true, true, true)
            .path("/usr/lib/wsl/lib", true, true, false)
            .cwd("/mnt/c/Users/me/models");
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_u64("wsl.version"), Some(2));
        assert_eq!(f.get_str("wsl.distro"), Some("Ubuntu-22.04"));
        assert_eq!(f.get_bool("wsl.gpu_paravirtualization"), Some(true));
        assert_eq!(f.get_bool("wsl.cwd_on_windows_drive"), Some(true));
    }

    #[test]
    fn wsl1_has_no_gpu_and_native_linux_has_no_wsl_facts() {
        let h = FakeHost::new()
            .file(
                "/proc/version",
                sample("proc-version/wsl1-build14393-3.4.0-Microsoft.txt"),
            )
            .cwd("/home/me");
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_u64("wsl.version"), Some(1));
        assert_eq!(f.get_bool("wsl.gpu_paravirtualization"), Some(false));
        assert_eq!(f.get_bool("wsl.cwd_on_windows_drive"), Some(false));

        let h = FakeHost::new()
            .file(
                "/proc/version",
                sample("proc-version/ubuntu-24.04-6.8.0-50-generic.txt"),
            )
            .path("/dev/dxg", false, false, false)
            .cwd("/mnt/c");
        let f = run(&h, &Ctx::default());
        assert!(f.values().keys().all(|k| !k.starts_with("wsl.")));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_proc_version(&s);
            let _ = is_windows_drive_path(&s);
        }
    }
}
