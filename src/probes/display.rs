//! The display server, and the VRAM the desktop holds on compute GPUs (the VRAM tax).

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "display",
    summary: "The display server, and the VRAM the desktop holds on compute GPUs (the VRAM tax).",
    facts: &[
        "display.server",
        "display.vram_tax_mib",
        "display.tax_processes",
    ],
    slow: false,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}

/// Computed after all GPUs are merged.
pub fn derive(_facts: &mut Facts) {}
