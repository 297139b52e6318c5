//! AMD ROCm: rocminfo, KFD topology, /opt/rocm/.info/version, /dev/kfd access.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "rocm",
    summary: "AMD ROCm: rocminfo, KFD topology, /opt/rocm/.info/version, /dev/kfd access.",
    facts: &[
        "rocm.version",
        "rocm.kfd_accessible",
        "rocm.render_accessible",
        "rocm.hsa_override_gfx_version",
        "rocm.kernel_driver_version",
        "rocm.error",
        "rocm.error_message",
    ],
    slow: false,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}
