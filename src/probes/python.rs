//! Python and PyTorch, from one python3 -c call.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "python",
    summary: "Python and PyTorch, from one python3 -c call.",
    facts: &[
        "python.version",
        "python.executable",
        "python.env",
        "python.error",
        "python.error_message",
        "torch.version",
        "torch.cuda",
        "torch.hip",
        "torch.gpu_available",
        "torch.device_names",
        "torch.error",
        "torch.error_message",
    ],
    slow: true,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}
