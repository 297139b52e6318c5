//! Updates that reboot the machine by themselves: unattended-upgrades, dnf-automatic, Windows Update.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{Host, Platform, SpawnError};
use std::collections::BTreeMap;

pub static PROBE: Probe = Probe {
    name: "updates",
    summary: "Updates that reboot the machine by themselves: unattended-upgrades, dnf-automatic, Windows Update.",
    facts: crate::facts::vocab::UPDATES,
    slow: false,
    run,
};

const APT_PARTS: &str = "/etc/apt/apt.conf.d";
const AU_KEY: &str = r"HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU";
/// dnf 4 reads /etc/dnf/automatic.conf; dnf5 (Fedora 41+) ships defaults under /usr/share
/// and lets /etc override them (knowledge.md §7b). Later entries override earlier ones.
const DNF_CONFS: &[&str] = &[
    "/etc/dnf/automatic.conf",
    "/usr/share/dnf5/dnf5-plugins/automatic.conf",
    "/etc/dnf/dnf5-plugins/automatic.conf",
];
/// The systemd timers that run dnf-automatic (enabled = linked into timers.target.wants).
const DNF_TIMERS: &[&str] = &[
    "dnf-automatic.timer",
    "dnf-automatic-install.timer",
    "dnf-automatic-download.timer",
    "dnf-automatic-notifyonly.timer",
    "dnf5-automatic.timer",
];

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    match host.platform() {
        Platform::Windows => windows_update_native(host, &mut f),
        Platform::Linux => {
            // In WSL the Linux side never reboots the machine; Windows Update restarting
            // the host is what kills a long job, read through interop (reg.exe).
            let wsl = host
                .read_text("/proc/version")
                .and_then(|t| super::wsl::parse_proc_version(&t))
                .is_some();
            if wsl {
                windows_update(host, ctx, "reg.exe", &mut f);
            } else {
                linux(host, &mut f);
            }
        }
        Platform::Macos => {}
    }
    f
}

fn linux(host: &dyn Host, f: &mut Facts) {
    if let Ok(names) = host.read_dir(APT_PARTS) {
        let files: Vec<String> = apt_parts_order(&names)
            .into_iter()
            .filter_map(|n| host.read_text(&format!("{APT_PARTS}/{n}")))
            .collect();
        let apt = apt_unattended(&files.iter().map(String::as_str).collect::<Vec<_>>());
        if apt.enabled {
            f.set("updates.mechanism", "unattended-upgrades");
            f.set("updates.auto_reboot", apt.auto_reboot);
            return;
        }
    }
    let timers: Vec<&str> = DNF_TIMERS
        .iter()
        .copied()
        .filter(|t| host.exists(&format!("/etc/systemd/system/timers.target.wants/{t}")))
        .collect();
    if !timers.is_empty() {
        let confs: Vec<String> = DNF_CONFS.iter().filter_map(|p| host.read_text(p)).collect();
        let d = dnf_automatic(&confs.iter().map(String::as_str).collect::<Vec<_>>());
        // dnf-automatic-install.timer runs with --installupdates, whatever apply_updates says.
        let applies = d.apply_updates || timers.contains(&"dnf-automatic-install.timer");
        f.set("updates.mechanism", "dnf-automatic");
        f.set("updates.auto_reboot", applies && d.reboots());
        return;
    }
    f.set("updates.mechanism", "none");
    f.set("updates.auto_reboot", false);
}

/// The AU policy values that decide whether Windows restarts by itself.
const AU_VALUES: &[&str] = &["NoAutoUpdate", "AUOptions", "NoAutoRebootWithLoggedOnUsers"];

/// On Windows itself, from the registry API; a missing key or value is Windows' default.
fn windows_update_native(host: &dyn Host, f: &mut Facts) {
    f.set("updates.mechanism", "windows-update");
    let values: BTreeMap<String, String> = AU_VALUES
        .iter()
        .filter_map(|name| {
            let v = host.registry(AU_KEY, name)?;
            Some((name.to_string(), v.number()?.to_string()))
        })
        .collect();
    f.set("updates.auto_reboot", windows_auto_reboot(&values));
}

/// Inside WSL, through interop: `reg.exe query`, the only way to Windows' registry from Linux.
fn windows_update(host: &dyn Host, ctx: &Ctx, reg: &str, f: &mut Facts) {
    f.set("updates.mechanism", "windows-update");
    let out = host.run(&[reg, "query", AU_KEY], ctx.timeout);
    if let Some(e) = &out.spawn_error {
        let why = match e {
            SpawnError::NotFound => format!("`{reg}` was not found (WSL interop disabled?)"),
            SpawnError::PermissionDenied => format!("`{reg}` is not executable"),
            SpawnError::Other(m) => m.clone(),
        };
        f.set_error("updates", "other", why);
        return;
    }
    if out.timed_out {
        f.set_error("updates", "timeout", format!("`{reg} query` timed out"));
        return;
    }
    let text = out.stdout_text();
    let values = parse_reg_query(&text);
    if !out.success() && values.is_empty() {
        let all = out.combined_text();
        // No policy key at all: Windows' own defaults apply.
        if !all.contains("unable to find") {
            f.set_error("updates", "other", all);
            return;
        }
    }
    f.set("updates.auto_reboot", windows_auto_reboot(&values));
}

// ---------------------------------------------------------------- apt

/// apt.conf(5): the files of Dir::Etc::Parts are read "in alphanumeric ascending order",
/// only those whose names consist of alphanumerics, `-`, `_` and `.` and have either no
/// extension or `.conf`; others (`.dpkg-old`, `.ucf-dist`, `.save`) are ignored.
pub fn apt_parts_order(names: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                && match n.rsplit_once('.') {
                    None => true,
                    Some((_, ext)) => ext == "conf",
                }
        })
        .collect();
    v.sort();
    v
}

#[derive(Debug, Default, PartialEq)]
pub struct AptUnattended {
    /// `APT::Periodic::Unattended-Upgrade` is set to a non-zero value.
    pub enabled: bool,
    /// `Unattended-Upgrade::Automatic-Reboot "true"` (default false; mvo5/unattended-upgrades
    /// data/50unattended-upgrades.Ubuntu, knowledge.md §7a).
    pub auto_reboot: bool,
}

/// The unattended-upgrades settings from apt.conf.d parts, given in apt's reading order
/// (a later file overrides an earlier one).
pub fn apt_unattended(files: &[&str]) -> AptUnattended {
    let mut all = BTreeMap::new();
    for text in files {
        all.extend(parse_apt_conf(text));
    }
    let get = |k: &str| all.get(k).map(String::as_str);
    let enabled = get("apt::periodic::unattended-upgrade").is_some_and(|v| {
        let v = v.trim();
        !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")
    });
    let auto_reboot = get("unattended-upgrade::automatic-reboot").is_some_and(apt_true);
    AptUnattended {
        enabled,
        auto_reboot,
    }
}

/// apt's boolean spellings (apt-pkg FindB): true/yes/on/with/enable/1.
fn apt_true(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "true" | "yes" | "on" | "with" | "enable" | "1"
    )
}

/// The scalar settings of one apt.conf file, by lower-case full key
/// (`unattended-upgrade::automatic-reboot`). Handles `A::B "v";`, nested scopes
/// `A { B "v"; };`, `//`, `#` and `/* */` comments; list entries (values without a key)
/// and `#include`/`#clear` directives are skipped.
pub fn parse_apt_conf(text: &str) -> BTreeMap<String, String> {
    #[derive(Debug)]
    enum Tok {
        Word(String),
        Str(String),
        Open,
        Close,
        Semi,
    }
    let mut toks = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut s = String::new();
                for n in chars.by_ref() {
                    if n == '"' {
                        break;
                    }
                    s.push(n);
                }
                toks.push(Tok::Str(s));
            }
            '#' => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            '{' => toks.push(Tok::Open),
            '}' => toks.push(Tok::Close),
            ';' => toks.push(Tok::Semi),
            c if c.is_whitespace() => {}
            c => {
                let mut w = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || matches!(n, '"' | '{' | '}' | ';') {
                        break;
                    }
                    w.push(n);
                    chars.next();
                }
                toks.push(Tok::Word(w));
            }
        }
    }
    let mut out = BTreeMap::new();
    let mut scopes: Vec<String> = Vec::new();
    let mut stmt: Vec<Tok> = Vec::new();
    let full = |scopes: &[String], key: &str| {
        let mut parts: Vec<&str> = scopes.iter().map(String::as_str).collect();
        parts.push(key);
        parts.join("::").to_ascii_lowercase()
    };
    for t in toks {
        match t {
            Tok::Open => {
                let name = match stmt.first() {
                    Some(Tok::Word(w)) | Some(Tok::Str(w)) => w.clone(),
                    _ => String::new(),
                };
                scopes.push(name);
                stmt.clear();
            }
            Tok::Close => {
                scopes.pop();
                stmt.clear();
            }
            Tok::Semi => {
                if let [Tok::Word(k), rest @ ..] = stmt.as_slice()
                    && !rest.is_empty()
                {
                    let v: Vec<&str> = rest
                        .iter()
                        .map(|t| match t {
                            Tok::Word(s) | Tok::Str(s) => s.as_str(),
                            _ => "",
                        })
                        .collect();
                    out.insert(full(&scopes, k), v.join(" "));
                }
                stmt.clear();
            }
            t => stmt.push(t),
        }
    }
    out
}

/// The apt settings this probe reads (lower case, as [`parse_apt_conf`] gives them).
const APT_KEYS: &[&str] = &[
    "apt::periodic::unattended-upgrade",
    "unattended-upgrade::automatic-reboot",
];

/// What `aidoctor snapshot` keeps of a file this probe read: only the settings it reads.
/// apt.conf.d also holds proxies with passwords (`Acquire::http::Proxy`), internal mirrors
/// and mail addresses, and dnf's automatic.conf its e-mail host and addresses; none of that
/// changes a verdict, so none of it is recorded. `None`: not one of this probe's files.
pub fn kept_in_snapshot(path: &str, content: &[u8]) -> Option<Vec<u8>> {
    let text = crate::text::decode(content);
    if path.starts_with(&format!("{APT_PARTS}/")) {
        let all = parse_apt_conf(&text);
        let mut out = String::from("// recorded by aidoctor: only the settings it reads\n");
        for k in APT_KEYS {
            if let Some(v) = all.get(*k) {
                out.push_str(&format!("{k} \"{v}\";\n"));
            }
        }
        return Some(out.into_bytes());
    }
    if DNF_CONFS.contains(&path) {
        // Line by line, so that a file that does not set a key still does not override it.
        let mut out = String::from("# recorded by aidoctor: only the settings it reads\n");
        let mut section = String::new();
        let mut header = false;
        for line in text.lines() {
            let l = line.trim();
            if let Some(s) = l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                section = s.trim().to_ascii_lowercase();
                continue;
            }
            let key = l.split_once('=').map(|(k, _)| k.trim());
            if section == "commands"
                && !l.starts_with(['#', ';'])
                && matches!(key, Some("apply_updates" | "reboot"))
            {
                if !header {
                    out.push_str("[commands]\n");
                    header = true;
                }
                out.push_str(l);
                out.push('\n');
            }
        }
        return Some(out.into_bytes());
    }
    None
}

// ---------------------------------------------------------------- dnf

#[derive(Debug, Default, PartialEq)]
pub struct DnfAutomatic {
    pub apply_updates: bool,
    /// `[commands] reboot`: never (default), when-changed, when-needed.
    pub reboot: Option<String>,
}

impl DnfAutomatic {
    pub fn reboots(&self) -> bool {
        matches!(
            self.reboot.as_deref(),
            Some("when-changed") | Some("when-needed")
        )
    }
}

/// dnf-automatic's INI files (rpm-software-management/dnf doc/automatic.rst): the
/// `[commands]` section's `apply_updates` and `reboot`. Later files override earlier ones.
pub fn dnf_automatic(files: &[&str]) -> DnfAutomatic {
    let mut d = DnfAutomatic::default();
    for text in files {
        let mut section = String::new();
        for line in text.lines() {
            let l = line.trim();
            if l.starts_with('#') || l.starts_with(';') {
                continue;
            }
            if let Some(s) = l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                section = s.trim().to_ascii_lowercase();
                continue;
            }
            if section != "commands" {
                continue;
            }
            let Some((k, v)) = l.split_once('=') else {
                continue;
            };
            let v = v.trim().to_ascii_lowercase();
            match k.trim() {
                "apply_updates" => {
                    d.apply_updates = matches!(v.as_str(), "yes" | "true" | "1" | "on")
                }
                "reboot" => d.reboot = Some(v),
                _ => {}
            }
        }
    }
    d
}

// ---------------------------------------------------------------- Windows

/// `reg query KEY` lines: `    NAME    REG_DWORD    0x1` -> (name, value). DWORDs become
/// decimal strings; other types keep their text.
pub fn parse_reg_query(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(name), Some(ty)) = (parts.next(), parts.next()) else {
            continue;
        };
        if !ty.starts_with("REG_") {
            continue;
        }
        let value: Vec<&str> = parts.collect();
        let value = value.join(" ");
        let value = if ty == "REG_DWORD" || ty == "REG_QWORD" {
            let hex = value
                .trim()
                .trim_start_matches("0x")
                .trim_start_matches("0X");
            match u64::from_str_radix(hex, 16) {
                Ok(n) => n.to_string(),
                Err(_) => continue,
            }
        } else {
            value
        };
        out.insert(name.to_string(), value);
    }
    out
}

/// Will Windows Update restart the machine by itself? By default it does, outside active
/// hours. The AU policies that stop it (MicrosoftDocs windows-itpro-docs waas-restart.md,
/// knowledge.md §7c): `NoAutoUpdate`=1 (no automatic updates), `AUOptions` 2 or 3 (the
/// user is only notified before installing), and `NoAutoRebootWithLoggedOnUsers`=1, which
/// only takes effect with `AUOptions`=4 (scheduled install).
pub fn windows_auto_reboot(values: &BTreeMap<String, String>) -> bool {
    let dword = |k: &str| values.get(k).and_then(|v| v.parse::<u64>().ok());
    if dword("NoAutoUpdate") == Some(1) {
        return false;
    }
    match dword("AUOptions") {
        Some(2) | Some(3) => false,
        Some(4) => dword("NoAutoRebootWithLoggedOnUsers") != Some(1),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;

    // The files Ubuntu's unattended-upgrades package installs, reduced to what matters.
    const AUTO_UPGRADES: &str =
        "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n";
    const UU_DEFAULT: &str = "// Automatically reboot *WITHOUT CONFIRMATION* if\n//  the file /var/run/reboot-required is found after the upgrade\n//Unattended-Upgrade::Automatic-Reboot \"false\";\n\nUnattended-Upgrade::Allowed-Origins {\n\t\"${distro_id}:${distro_codename}\";\n\t\"${distro_id}:${distro_codename}-security\";\n};\n";

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn apt_conf_syntax() {
        let m = parse_apt_conf(
            "/* block\n comment */ Unattended-Upgrade { Automatic-Reboot \"true\"; Automatic-Reboot-Time \"02:00\"; };\n# hash comment \"x\";\nAPT::Periodic::Unattended-Upgrade 1;\n",
        );
        assert_eq!(
            m.get("unattended-upgrade::automatic-reboot")
                .map(String::as_str),
            Some("true")
        );
        assert_eq!(
            m.get("unattended-upgrade::automatic-reboot-time")
                .map(String::as_str),
            Some("02:00")
        );
        assert_eq!(
            m.get("apt::periodic::unattended-upgrade")
                .map(String::as_str),
            Some("1")
        );
    }

    #[test]
    fn ubuntu_defaults_do_not_reboot_and_later_files_override() {
        let a = apt_unattended(&[AUTO_UPGRADES, UU_DEFAULT]);
        assert_eq!(
            a,
            AptUnattended {
                enabled: true,
                auto_reboot: false
            }
        );
        let a = apt_unattended(&[
            AUTO_UPGRADES,
            UU_DEFAULT,
            "Unattended-Upgrade::Automatic-Reboot \"true\";",
        ]);
        assert!(a.auto_reboot);
        let a = apt_unattended(&[
            "Unattended-Upgrade::Automatic-Reboot \"true\";",
            "Unattended-Upgrade::Automatic-Reboot \"false\";",
        ]);
        assert!(!a.auto_reboot && !a.enabled);
        let a = apt_unattended(&["APT::Periodic::Unattended-Upgrade \"0\";"]);
        assert!(!a.enabled);
    }

    #[test]
    fn a_snapshot_keeps_only_the_settings_read() {
        // apt.conf(5) proxy syntax; the rest of the file is Ubuntu's 50unattended-upgrades.
        let part = format!(
            "Acquire::http::Proxy \"http://build:hunter22@proxy.corp.internal:3128/\";\n\
             Unattended-Upgrade::Mail \"ops@corp.internal\";\n\
             Unattended-Upgrade {{ Automatic-Reboot \"true\"; Automatic-Reboot-Time \"02:00\"; }};\n{UU_DEFAULT}"
        );
        let parts = [AUTO_UPGRADES, part.as_str()];
        let kept: Vec<String> = parts
            .iter()
            .map(|t| {
                let b = kept_in_snapshot("/etc/apt/apt.conf.d/50unattended-upgrades", t.as_bytes());
                String::from_utf8(b.unwrap()).unwrap()
            })
            .collect();
        for k in &kept {
            assert!(
                !k.contains("corp.internal") && !k.contains("hunter22"),
                "{k}"
            );
        }
        let kept: Vec<&str> = kept.iter().map(String::as_str).collect();
        assert_eq!(apt_unattended(&kept), apt_unattended(&parts));
        assert!(apt_unattended(&kept).auto_reboot);

        let dnf = "[commands]\nupgrade_type = security\napply_updates = yes\nreboot = when-needed\n\
                   [email]\nemail_from = root@build7.corp.internal\nemail_host = smtp.corp.internal\n";
        let later = "[commands]\nupgrade_type = default\n";
        let k1 = kept_in_snapshot("/etc/dnf/automatic.conf", dnf.as_bytes()).unwrap();
        let k2 =
            kept_in_snapshot("/etc/dnf/dnf5-plugins/automatic.conf", later.as_bytes()).unwrap();
        let (k1, k2) = (
            String::from_utf8(k1).unwrap(),
            String::from_utf8(k2).unwrap(),
        );
        assert!(!k1.contains("corp.internal"), "{k1}");
        assert_eq!(dnf_automatic(&[&k1, &k2]), dnf_automatic(&[dnf, later]));
        assert!(dnf_automatic(&[&k1, &k2]).reboots());
        assert_eq!(kept_in_snapshot("/etc/os-release", b"ID=ubuntu\n"), None);
    }

    #[test]
    fn apt_reading_order_skips_backups() {
        let v = names(&[
            "99local",
            "20auto-upgrades",
            "50unattended-upgrades.ucf-dist",
            "50unattended-upgrades",
            "60custom.conf",
            "10x~",
        ]);
        assert_eq!(
            apt_parts_order(&v),
            [
                "20auto-upgrades",
                "50unattended-upgrades",
                "60custom.conf",
                "99local"
            ]
        );
    }

    #[test]
    fn apt_probe_end_to_end() {
        let h = FakeHost::new()
            .file("/etc/apt/apt.conf.d/20auto-upgrades", AUTO_UPGRADES)
            .file("/etc/apt/apt.conf.d/50unattended-upgrades", UU_DEFAULT)
            .file(
                "/etc/apt/apt.conf.d/50unattended-upgrades.dpkg-old",
                "Unattended-Upgrade::Automatic-Reboot \"true\";",
            )
            .file(
                "/etc/apt/apt.conf.d/52reboot",
                "Unattended-Upgrade::Automatic-Reboot \"true\"; // night reboots\n",
            );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("updates.mechanism"), Some("unattended-upgrades"));
        assert_eq!(f.get_bool("updates.auto_reboot"), Some(true));

        let f = run(&FakeHost::new(), &Ctx::default());
        assert_eq!(f.get_str("updates.mechanism"), Some("none"));
        assert_eq!(f.get_bool("updates.auto_reboot"), Some(false));
    }

    #[test]
    fn dnf_automatic_reboot_settings() {
        let shipped = "[commands]\n# What kind of upgrade to perform\nupgrade_type = default\ndownload_updates = yes\napply_updates = no\nreboot = never\n";
        let d = dnf_automatic(&[shipped]);
        assert!(!d.apply_updates && !d.reboots());
        let d = dnf_automatic(&[
            shipped,
            "[commands]\napply_updates = yes\nreboot = when-needed\n",
        ]);
        assert!(d.apply_updates && d.reboots());
        let d = dnf_automatic(&["[emitters]\nreboot = when-changed\n"]);
        assert!(!d.reboots());

        let h = FakeHost::new()
            .file(
                "/etc/dnf/automatic.conf",
                "[commands]\nreboot = when-changed\n",
            )
            .path(
                "/etc/systemd/system/timers.target.wants/dnf-automatic-install.timer",
                true,
                true,
                false,
            );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("updates.mechanism"), Some("dnf-automatic"));
        assert_eq!(f.get_bool("updates.auto_reboot"), Some(true));
        // Configured but no timer enabled: nothing runs.
        let h = FakeHost::new().file(
            "/etc/dnf/automatic.conf",
            "[commands]\napply_updates = yes\nreboot = when-changed\n",
        );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("updates.mechanism"), Some("none"));
    }

    const REG_OUT: &str = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU\r\n    NoAutoRebootWithLoggedOnUsers    REG_DWORD    0x1\r\n    AUOptions    REG_DWORD    0x4\r\n\r\n";

    #[test]
    fn registry_policies() {
        let v = parse_reg_query(&crate::text::decode(REG_OUT.as_bytes()));
        assert_eq!(v.get("AUOptions").map(String::as_str), Some("4"));
        assert!(!windows_auto_reboot(&v));
        let mut v2 = v.clone();
        v2.remove("NoAutoRebootWithLoggedOnUsers");
        assert!(windows_auto_reboot(&v2));
        assert!(windows_auto_reboot(&BTreeMap::new()));
        let v = parse_reg_query("    NoAutoUpdate    REG_DWORD    0x1\n");
        assert!(!windows_auto_reboot(&v));
    }

    #[test]
    fn windows_and_wsl_query_the_registry() {
        // Native Windows: the registry API, not `reg`.
        let h = FakeHost::new()
            .platform(Platform::Windows)
            .reg(AU_KEY, "AUOptions", 4)
            .reg(AU_KEY, "NoAutoRebootWithLoggedOnUsers", 1)
            .cmd(&["reg", "query", AU_KEY], "");
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("updates.mechanism"), Some("windows-update"));
        assert_eq!(f.get_bool("updates.auto_reboot"), Some(false));
        // No policy values at all: Windows' default, restarts outside active hours.
        let h = FakeHost::new().platform(Platform::Windows);
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_bool("updates.auto_reboot"), Some(true));

        // No policy key: Windows restarts on its own outside active hours.
        let wsl = FakeHost::new()
            .file(
                "/proc/version",
                "Linux version 5.15.153.1-microsoft-standard-WSL2 (root@host)",
            )
            .cmd_exit(
                &["reg.exe", "query", AU_KEY],
                1,
                "",
                "ERROR: The system was unable to find the specified registry key or value.\r\n",
            );
        let f = run(&wsl, &Ctx::default());
        assert_eq!(f.get_str("updates.mechanism"), Some("windows-update"));
        assert_eq!(f.get_bool("updates.auto_reboot"), Some(true));

        // Interop off: reg.exe missing, the answer is unknown, not a guess.
        let wsl = FakeHost::new().file(
            "/proc/version",
            "Linux version 5.15.153.1-microsoft-standard-WSL2 (root@host)",
        );
        let f = run(&wsl, &Ctx::default());
        assert_eq!(f.get("updates.auto_reboot"), None);
        assert_eq!(f.get_str("updates.error"), Some("other"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_apt_conf(&s);
            let _ = apt_unattended(&[&s]);
            let _ = dnf_automatic(&[&s]);
            let _ = windows_auto_reboot(&parse_reg_query(&s));
            let _ = apt_parts_order(std::slice::from_ref(&s));
        }
    }
}
