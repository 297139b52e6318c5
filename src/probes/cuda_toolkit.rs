//! CUDA toolkit: nvcc --version, /usr/local/cuda/version.json.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "cuda_toolkit",
    summary: "CUDA toolkit: nvcc --version, /usr/local/cuda/version.json.",
    facts: &[
        "cuda.toolkit_version",
        "cuda.toolkit_path",
        "cuda.error",
        "cuda.error_message",
    ],
    slow: false,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}
