//! Docker engine, its runtimes, and the NVIDIA Container Toolkit.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "docker",
    summary: "Docker engine, its runtimes, and the NVIDIA Container Toolkit.",
    facts: &[
        "docker.client_version",
        "docker.server_version",
        "docker.error",
        "docker.error_message",
        "docker.runtimes",
        "docker.default_runtime",
        "docker.desktop",
        "docker.gpu_runtime",
        "docker.cdi_devices",
        "docker.rootless",
        "nvidia_ctk.version",
        "nvidia_ctk.error",
    ],
    slow: false,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}
