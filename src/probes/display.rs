//! The display server, and the VRAM the desktop holds on compute GPUs (the VRAM tax).

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{Host, Platform};

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
    // Firefox's child processes by their /proc comm (what DRM fdinfo scans see), e.g.
    // "RDD Process" in Umio-Yasuno/amdgpu_top#4.
    "isolated web co",
    "web content",
    "rdd process",
    "gpu process",
];

/// `/usr/lib/xorg/Xorg`, `C:\Windows\System32\dwm.exe` -> the last path component.
pub fn basename(name: &str) -> &str {
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

/// Computed after all GPUs are merged: see [`super::vram_tax`].
pub fn derive(facts: &mut Facts) {
    super::vram_tax::derive(facts);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;

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

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = is_desktop_process(&s);
            let _ = display_server(Some(&s), Some(&s), None);
        }
    }
}
