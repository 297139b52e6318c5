//! The display server, and the VRAM the desktop holds on compute GPUs (the VRAM tax).

use super::{Ctx, Probe};
use crate::facts::{Facts, ProcessKind, Vendor};
use crate::host::{Host, Platform};
use std::collections::BTreeSet;

pub static PROBE: Probe = Probe {
    name: "display",
    summary: "The display server, and the VRAM the desktop holds on compute GPUs (the VRAM tax).",
    facts: crate::facts::vocab::DISPLAY,
    slow: false,
    run,
};

fn run(host: &dyn Host, _ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    let server = match host.platform() {
        // The Desktop Window Manager (dwm.exe) composites every Windows session.
        Platform::Windows => "windows",
        Platform::Linux | Platform::Macos => display_server(
            host.env("XDG_SESSION_TYPE").as_deref(),
            host.env("WAYLAND_DISPLAY").as_deref(),
            host.env("DISPLAY").as_deref(),
        ),
    };
    f.set("display.server", server);
    f
}

/// The session type systemd-logind exports wins; otherwise the sockets a client would use.
/// Wayland before X11: a Wayland session also sets DISPLAY for Xwayland (WSLg sets both).
pub fn display_server(
    session_type: Option<&str>,
    wayland_display: Option<&str>,
    display: Option<&str>,
) -> &'static str {
    let set = |v: Option<&str>| v.is_some_and(|s| !s.trim().is_empty());
    match session_type
        .map(|s| s.trim().to_ascii_lowercase())
        .as_deref()
    {
        Some("wayland") => return "wayland",
        Some("x11") => return "x11",
        _ => {}
    }
    if set(wayland_display) {
        "wayland"
    } else if set(display) {
        "x11"
    } else {
        "none"
    }
}

/// Processes that draw the desktop (servers, compositors, shells) or are browsers, which
/// keep GPU memory while idle. Matched on the executable's base name, case-insensitively.
const DESKTOP_PROCESSES: &[&str] = &[
    "xorg",
    "x",
    "xwayland",
    "gnome-shell",
    "kwin",
    "kwin_wayland",
    "kwin_x11",
    "plasmashell",
    "mutter",
    "sway",
    "hyprland",
    "weston",
    "wayfire",
    "labwc",
    "river",
    "niri",
    "picom",
    "compiz",
    "xfwm4",
    "cinnamon",
    "marco",
    "budgie-wm",
    "xwaylandvideobridge",
    "dwm.exe",
    "explorer.exe",
    "searchhost.exe",
    "startmenuexperiencehost.exe",
    "shellexperiencehost.exe",
    "textinputhost.exe",
    "firefox",
    "firefox.exe",
    "firefox-bin",
    "chrome",
    "chrome.exe",
    "google-chrome",
    "chromium",
    "chromium-browser",
    "msedge",
    "msedge.exe",
    "msedgewebview2.exe",
    "brave",
    "brave.exe",
    "opera",
    "opera.exe",
    "vivaldi-bin",
];

/// `/usr/lib/xorg/Xorg`, `C:\Windows\System32\dwm.exe` -> the last path component.
fn basename(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name).trim()
}

/// Is this process part of the desktop? (`cosmic-comp`, `cosmic-panel`, ... all count.)
pub fn is_desktop_process(name: &str) -> bool {
    let base = basename(name).to_ascii_lowercase();
    !base.is_empty()
        && (DESKTOP_PROCESSES.contains(&base.as_str())
            || base.starts_with("cosmic-")
            || base.starts_with("plasma-"))
}

/// Computed after all GPUs are merged: the VRAM graphics processes of the desktop hold on
/// the GPUs that compute uses (every non-integrated NVIDIA or AMD GPU). There is no
/// authoritative measure of this overhead: knowledge.md §8 lists anecdotes from ~74 MiB
/// (Xorg + gnome-shell) to several GiB (a COSMIC leak), and ComfyUI reserves 400 MB on
/// Linux / 600 MB on Windows for it. Windows and WSL2 (WDDM) report no per-process memory
/// (N/A): those processes are listed but count nothing, and `display.tax_measured` is false.
pub fn derive(facts: &mut Facts) {
    let nvidia_listed = facts.get("nvidia.error").is_none();
    let mut total = 0u64;
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut measured = true;
    let mut known = false;
    for gpu in &facts.gpus {
        let compute =
            matches!(gpu.vendor, Vendor::Nvidia | Vendor::Amd) && gpu.integrated != Some(true);
        if !compute {
            continue;
        }
        // nvidia-smi lists processes (an empty list means none); other sources give no list.
        if (gpu.vendor == Vendor::Nvidia && nvidia_listed) || !gpu.processes.is_empty() {
            known = true;
        }
        // A PID is counted once per GPU: the same Xorg holds memory on each GPU it uses.
        let mut seen: BTreeSet<(Option<u32>, String)> = BTreeSet::new();
        for p in &gpu.processes {
            if !matches!(p.kind, ProcessKind::Graphics | ProcessKind::Both)
                || !is_desktop_process(&p.name)
            {
                continue;
            }
            let base = basename(&p.name).to_string();
            if !seen.insert((p.pid, base.clone())) {
                continue;
            }
            names.insert(base);
            match p.used_mib {
                Some(m) => total = total.saturating_add(m),
                None => measured = false,
            }
        }
    }
    if !known {
        return;
    }
    // nvidia-smi inside WSL2 lists only the VM's own processes; the Windows desktop
    // (dwm.exe, browsers) holding the same GPU is invisible from there (knowledge.md §6c).
    if facts.get("wsl.version").is_some() {
        measured = false;
    }
    if measured || total > 0 {
        // With some values missing, the sum is a lower bound (tax_measured says which).
        facts.set("display.vram_tax_mib", total);
    } else {
        facts.set_error(
            "display",
            "not_measurable",
            "the driver reports no per-process VRAM here (Windows WDDM / WSL2); \
             Task Manager's \"Dedicated GPU memory\" column shows it on Windows",
        );
    }
    facts.set(
        "display.tax_processes",
        names.into_iter().collect::<Vec<_>>(),
    );
    facts.set("display.tax_measured", measured);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Gpu, GpuProcess};
    use crate::host::fake::FakeHost;

    fn proc(pid: u32, name: &str, kind: ProcessKind, mib: Option<u64>) -> GpuProcess {
        GpuProcess {
            pid: Some(pid),
            name: name.into(),
            kind,
            used_mib: mib,
        }
    }

    #[test]
    fn server_from_env() {
        assert_eq!(display_server(Some("wayland"), None, Some(":0")), "wayland");
        assert_eq!(display_server(Some("x11"), Some("wayland-0"), None), "x11");
        assert_eq!(
            display_server(Some("tty"), Some("wayland-0"), Some(":0")),
            "wayland"
        );
        assert_eq!(display_server(None, None, Some(":1")), "x11");
        assert_eq!(display_server(None, Some(""), None), "none");
        let f = run(
            &FakeHost::new().platform(Platform::Windows),
            &Ctx::default(),
        );
        assert_eq!(f.get_str("display.server"), Some("windows"));
        let f = run(&FakeHost::new().env("DISPLAY", ":0"), &Ctx::default());
        assert_eq!(f.get_str("display.server"), Some("x11"));
    }

    #[test]
    fn desktop_processes_match_on_basename() {
        assert!(is_desktop_process("/usr/lib/xorg/Xorg"));
        assert!(is_desktop_process("C:\\Windows\\System32\\dwm.exe"));
        assert!(is_desktop_process("/usr/bin/cosmic-comp"));
        assert!(is_desktop_process(
            "/snap/firefox/4033/usr/lib/firefox/firefox"
        ));
        assert!(!is_desktop_process("/usr/bin/python3"));
        assert!(!is_desktop_process(""));
    }

    #[test]
    fn tax_counts_graphics_on_compute_gpus_per_gpu() {
        let mut f = Facts::new();
        // Two RTX 4090s with Xorg (same PID) on both, and LM Studio's compute processes:
        // samples rtx4090-x2-580.126.09-xorg-lmstudio.
        for addr in ["0000:01:00.0", "0000:02:00.0"] {
            let mut g = Gpu::new(Vendor::Nvidia);
            g.pci_address = Some(addr.into());
            g.processes = vec![
                proc(2178, "/usr/lib/xorg/Xorg", ProcessKind::Graphics, Some(4)),
                proc(9001, "node", ProcessKind::Compute, Some(18000)),
                proc(9002, "/usr/bin/gnome-shell", ProcessKind::Both, Some(40)),
                proc(9003, "/usr/bin/python3", ProcessKind::Graphics, Some(100)),
            ];
            f.gpus.push(g);
        }
        // The iGPU driving the monitors does not count.
        let mut igpu = Gpu::new(Vendor::Amd);
        igpu.integrated = Some(true);
        igpu.processes = vec![proc(1, "Xorg", ProcessKind::Graphics, Some(500))];
        f.gpus.push(igpu);
        derive(&mut f);
        assert_eq!(f.get_u64("display.vram_tax_mib"), Some(88));
        assert_eq!(
            f.get("display.tax_processes").unwrap(),
            &serde_json::json!(["Xorg", "gnome-shell"])
        );
        assert_eq!(f.get_bool("display.tax_measured"), Some(true));
    }

    #[test]
    fn windows_na_memory_lists_but_counts_nothing() {
        let mut f = Facts::new();
        let mut g = Gpu::new(Vendor::Nvidia);
        g.processes = vec![
            proc(
                1234,
                "C:\\Windows\\System32\\dwm.exe",
                ProcessKind::Both,
                None,
            ),
            proc(5678, "C:\\Windows\\explorer.exe", ProcessKind::Both, None),
        ];
        f.gpus.push(g);
        derive(&mut f);
        // Not measurable is not zero: absent, with the reason.
        assert_eq!(f.get_u64("display.vram_tax_mib"), None);
        assert_eq!(f.get_str("display.error"), Some("not_measurable"));
        assert_eq!(
            f.get("display.tax_processes").unwrap(),
            &serde_json::json!(["dwm.exe", "explorer.exe"])
        );
        assert_eq!(f.get_bool("display.tax_measured"), Some(false));
    }

    #[test]
    fn wsl_tax_is_never_complete() {
        let mut f = Facts::new();
        f.set("wsl.version", 2u64);
        let mut g = Gpu::new(Vendor::Nvidia);
        g.processes = vec![proc(33, "/Xwayland", ProcessKind::Graphics, None)];
        f.gpus.push(g);
        derive(&mut f);
        assert_eq!(f.get_bool("display.tax_measured"), Some(false));
        assert_eq!(
            f.get("display.tax_processes").unwrap(),
            &serde_json::json!(["Xwayland"])
        );
    }

    #[test]
    fn no_process_list_no_tax() {
        let mut f = Facts::new();
        f.gpus.push(Gpu::new(Vendor::Amd));
        derive(&mut f);
        assert_eq!(f.get("display.vram_tax_mib"), None);
        let mut f = Facts::new();
        f.set_error("nvidia", "not_installed", "nvidia-smi not found");
        f.gpus.push(Gpu::new(Vendor::Nvidia));
        derive(&mut f);
        assert_eq!(f.get("display.vram_tax_mib"), None);
        let mut f = Facts::new();
        f.gpus.push(Gpu::new(Vendor::Nvidia));
        derive(&mut f);
        assert_eq!(f.get_u64("display.vram_tax_mib"), Some(0));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = is_desktop_process(&s);
            let _ = display_server(Some(&s), Some(&s), None);
        }
    }
}
