//! WSL1 / WSL2: /proc/version, WSL_DISTRO_NAME, /dev/dxg, /usr/lib/wsl/lib.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "wsl",
    summary: "WSL1 / WSL2: /proc/version, WSL_DISTRO_NAME, /dev/dxg, /usr/lib/wsl/lib.",
    facts: &[
        "wsl.version",
        "wsl.gpu_paravirtualization",
        "wsl.cwd_on_windows_drive",
        "wsl.distro",
        "wsl.error",
    ],
    slow: false,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}
