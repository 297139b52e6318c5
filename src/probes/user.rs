//! The current user's groups, and whether they are root.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{Host, Platform};

pub static PROBE: Probe = Probe {
    name: "user",
    summary: "The current user's groups.",
    facts: crate::facts::vocab::USER,
    slow: false,
    run,
};

fn run(host: &dyn Host, _ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    let mut groups = host.groups();
    groups.sort();
    groups.dedup();
    if host.platform() != Platform::Windows || !groups.is_empty() {
        f.set("user.groups", groups);
    }
    if host.platform() == Platform::Linux {
        f.set_opt(
            "user.is_root",
            host.read_text("/proc/self/status")
                .and_then(|t| effective_uid(&t))
                .map(|uid| uid == 0),
        );
    }
    f
}

/// proc(5): `Uid:` lists the real, effective, saved set and filesystem UIDs. Permission
/// checks (e.g. opening /dev/kfd) use the effective one, the second field.
pub fn effective_uid(status: &str) -> Option<u32> {
    let line = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    let mut ids = line.split_whitespace();
    let real = ids.next()?;
    ids.next().unwrap_or(real).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;

    const STATUS: &str = "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nTgid:\t4242\nPid:\t4242\nPPid:\t100\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t4 24 27 44 109 1000\n";

    #[test]
    fn effective_uid_is_the_second_field() {
        assert_eq!(effective_uid(STATUS), Some(1000));
        assert_eq!(effective_uid("Uid:\t1000\t0\t0\t0\n"), Some(0));
        assert_eq!(effective_uid("Name: x\n"), None);
        assert_eq!(effective_uid("Uid:\n"), None);
    }

    #[test]
    fn probe_reports_groups_and_root() {
        let h = FakeHost::new()
            .groups(&["video", "render", "docker", "video"])
            .file("/proc/self/status", STATUS);
        let f = run(&h, &Ctx::default());
        assert_eq!(
            f.get("user.groups").unwrap(),
            &serde_json::json!(["docker", "render", "video"])
        );
        assert_eq!(f.get_bool("user.is_root"), Some(false));
        let f = run(
            &FakeHost::new().file("/proc/self/status", "Uid:\t0\t0\t0\t0\n"),
            &Ctx::default(),
        );
        assert_eq!(f.get_bool("user.is_root"), Some(true));
        assert_eq!(f.get("user.groups").unwrap(), &serde_json::json!([]));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = effective_uid(&s);
        }
    }
}
