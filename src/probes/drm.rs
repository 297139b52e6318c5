//! GPUs without vendor tools: /sys/class/drm/card*/device and DRM connectors.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "drm",
    summary: "GPUs without vendor tools: /sys/class/drm/card*/device and DRM connectors.",
    facts: &["drm.error"],
    slow: false,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}
