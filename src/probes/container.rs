//! Inside a container? /.dockerenv, /run/.containerenv.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::Host;

pub static PROBE: Probe = Probe {
    name: "container",
    summary: "Inside a container? /.dockerenv, /run/.containerenv.",
    facts: &["container.kind"],
    slow: false,
    run,
};

fn run(_host: &dyn Host, _ctx: &Ctx) -> Facts {
    // TODO(probe): not implemented yet.
    Facts::new()
}
