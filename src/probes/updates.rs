//! Updates that reboot the machine by themselves: unattended-upgrades, dnf-automatic, Windows Update.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "updates",
    summary: "Updates that reboot the machine by themselves: unattended-upgrades, dnf-automatic, Windows Update.",
    facts: &[
        "updates.mechanism",
        "updates.auto_reboot",
        "updates.error",
        "updates.error_message",
    ],
    slow: false,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}
