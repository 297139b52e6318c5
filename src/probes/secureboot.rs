//! Secure Boot (`mokutil --sb-state`) and whether the kernel refused an unsigned NVIDIA
//! module (the kernel log of this boot, `journalctl -k -b`, where the user may read it).
//! With Secure Boot on, a DKMS-built nvidia module that is not signed with an enrolled key
//! does not load, and nvidia-smi says only that it cannot talk to the driver.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{Host, Platform, SpawnError};

pub static PROBE: Probe = Probe {
    name: "secureboot",
    summary: "Secure Boot state, and the kernel's refusal of an unsigned NVIDIA module.",
    facts: crate::facts::vocab::SECUREBOOT,
    slow: false,
    run,
};

pub const MOKUTIL: [&str; 2] = ["mokutil", "--sb-state"];
/// Only the matching lines: the rest of the kernel log stays on the machine (and out of
/// snapshots).
pub const JOURNAL: [&str; 8] = [
    "journalctl",
    "-k",
    "-b",
    "--no-pager",
    "-o",
    "cat",
    "--case-sensitive=false",
    "--grep=key was rejected|unsigned module|module verification failed",
];

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    if host.platform() != Platform::Linux {
        return f;
    }
    let out = host.run(&MOKUTIL, ctx.timeout);
    match &out.spawn_error {
        Some(SpawnError::NotFound) => f.set_error(
            "secureboot",
            "not_installed",
            "`mokutil` was not found (package mokutil); `bootctl status` also shows Secure Boot",
        ),
        Some(e) => f.set_error("secureboot", "other", format!("{e:?}")),
        None => match parse_sb_state(&out.combined_text()) {
            Some(on) => f.set("secureboot.enabled", on),
            None => f.set_error("secureboot", "other", out.combined_text()),
        },
    }
    let log = host.run(&JOURNAL, ctx.timeout);
    let text = log.stdout_text();
    let all = log.combined_text();
    // Without access to the system journal it shows nothing and hints why.
    let denied = all.contains("not seeing messages") || all.contains("No journal files");
    let ran = log.spawn_error.is_none() && !log.timed_out && !denied;
    // journalctl exits 1 when no line matches ("-- No entries --").
    if ran && (log.success() || all.contains("No entries")) {
        f.set(
            "kernel_log.nvidia_module_rejected",
            nvidia_module_rejected(&text),
        );
    } else {
        f.set_error(
            "kernel_log",
            "unreadable",
            "the kernel log of this boot is not readable by this user (try `sudo dmesg | grep -i -e nvidia -e 'Key was rejected'`)",
        );
    }
    f
}

/// "SecureBoot enabled" / "SecureBoot disabled"; "EFI variables are not supported on this
/// system" (legacy BIOS boot) means off.
pub fn parse_sb_state(text: &str) -> Option<bool> {
    let t = text.to_ascii_lowercase();
    if t.contains("secureboot enabled") {
        Some(true)
    } else if t.contains("secureboot disabled") || t.contains("efi variables are not supported") {
        Some(false)
    } else {
        None
    }
}

/// A line of the kernel log that says the nvidia module was refused for its signature.
pub fn nvidia_module_rejected(log: &str) -> bool {
    log.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        let refused = l.contains("key was rejected by service")
            || l.contains("loading of unsigned module is rejected")
            || l.contains("unsigned module loading is restricted");
        refused && (l.contains("nvidia") || l.contains("modprobe"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;

    #[test]
    fn secure_boot_on_and_the_module_refused() {
        let h = FakeHost::new()
            .cmd(&MOKUTIL, "SecureBoot enabled\n")
            .cmd(
                &JOURNAL,
                "Lockdown: modprobe: unsigned module loading is restricted; see man kernel_lockdown.7\n",
            );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_bool("secureboot.enabled"), Some(true));
        assert_eq!(f.get_bool("kernel_log.nvidia_module_rejected"), Some(true));
    }

    #[test]
    fn off_missing_and_unreadable() {
        let h = FakeHost::new()
            .cmd(&MOKUTIL, "SecureBoot disabled\n")
            .cmd(
                &JOURNAL,
                "nvidia: module verification failed: signature and/or required key missing - tainting kernel\n",
            );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_bool("secureboot.enabled"), Some(false));
        // It loaded (tainted, not refused).
        assert_eq!(f.get_bool("kernel_log.nvidia_module_rejected"), Some(false));
        let h = FakeHost::new()
            .cmd(&MOKUTIL, "SecureBoot enabled\n")
            .cmd_exit(&JOURNAL, 1, "-- No entries --\n", "");
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_bool("kernel_log.nvidia_module_rejected"), Some(false));
        let f = run(&FakeHost::new(), &Ctx::default());
        assert_eq!(f.get_str("secureboot.error"), Some("not_installed"));
        assert_eq!(f.get_str("kernel_log.error"), Some("unreadable"));
        assert_eq!(
            parse_sb_state("EFI variables are not supported on this system\n"),
            Some(false)
        );
    }
}
