//! NVIDIA: nvidia-smi -q, the compute-capability query, /proc/driver/nvidia/version.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "nvidia",
    summary: "NVIDIA: nvidia-smi -q, the compute-capability query, /proc/driver/nvidia/version.",
    facts: &[
        "nvidia.driver_version",
        "nvidia.cuda_version",
        "nvidia.gpu_count",
        "nvidia.error",
        "nvidia.error_message",
        "nvidia.smi_path",
    ],
    slow: false,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}
