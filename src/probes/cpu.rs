//! CPU model, cores and the vector extensions llama.cpp and vLLM care about: /proc/cpuinfo.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "cpu",
    summary: "CPU model, cores and the vector extensions llama.cpp and vLLM care about: /proc/cpuinfo.",
    facts: &[
        "cpu.model",
        "cpu.cores",
        "cpu.threads",
        "cpu.avx2",
        "cpu.avx512",
        "cpu.error",
    ],
    slow: false,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}
