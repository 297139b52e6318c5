//! Inside a container? /.dockerenv, /run/.containerenv.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{Host, Platform};

pub static PROBE: Probe = Probe {
    name: "container",
    summary: "Inside a container? /.dockerenv, /run/.containerenv.",
    facts: crate::facts::vocab::CONTAINER,
    slow: false,
    run,
};

fn run(host: &dyn Host, _ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    let kind = if host.platform() != Platform::Linux {
        "none"
    } else {
        kind_from_markers(
            host.exists("/.dockerenv"),
            host.exists("/run/.containerenv"),
        )
    };
    f.set("container.kind", kind);
    f
}

/// Docker creates an empty `/.dockerenv` in every container; Podman (and other
/// libpod/CRI-O engines) write `/run/.containerenv` instead. Podman's file is the more
/// specific marker: Podman in Docker-compat mode may create both.
pub fn kind_from_markers(dockerenv: bool, containerenv: bool) -> &'static str {
    match (dockerenv, containerenv) {
        (_, true) => "podman",
        (true, false) => "docker",
        (false, false) => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;

    #[test]
    fn markers_name_the_engine() {
        let f = run(
            &FakeHost::new().path("/.dockerenv", true, true, false),
            &Ctx::default(),
        );
        assert_eq!(f.get_str("container.kind"), Some("docker"));
        let f = run(
            &FakeHost::new().file("/run/.containerenv", "engine=\"podman-4.9.3\"\n"),
            &Ctx::default(),
        );
        assert_eq!(f.get_str("container.kind"), Some("podman"));
        let f = run(&FakeHost::new(), &Ctx::default());
        assert_eq!(f.get_str("container.kind"), Some("none"));
        let f = run(
            &FakeHost::new()
                .platform(Platform::Windows)
                .path("/.dockerenv", true, true, false),
            &Ctx::default(),
        );
        assert_eq!(f.get_str("container.kind"), Some("none"));
    }
}
