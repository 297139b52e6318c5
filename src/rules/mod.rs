//! Rulesets: YAML data that turns facts into pass / warn / fail with a fix.
//! `types` (the format), `load` (located errors), `engine` (three-valued evaluation),
//! `version` (lenient version comparison), `interp` (`{fact}` in messages).

pub mod condition;
pub mod engine;
pub mod interp;
pub mod load;
pub mod pattern;
pub mod types;
pub mod version;

pub use engine::evaluate;
pub use load::{BUILTIN, RulesetError, builtin, load_str};
pub use types::Ruleset;

#[cfg(test)]
mod layering {
    /// Data flows one way: the engine reads the fact model and the report model, and knows
    /// no probe and no renderer.
    #[test]
    fn the_engine_imports_no_probe_and_no_renderer() {
        for (file, text) in [
            ("condition.rs", include_str!("condition.rs")),
            ("engine.rs", include_str!("engine.rs")),
            ("interp.rs", include_str!("interp.rs")),
            ("load.rs", include_str!("load.rs")),
            ("types.rs", include_str!("types.rs")),
            ("version.rs", include_str!("version.rs")),
        ] {
            for layer in ["crate::probes", "crate::render", "crate::app"] {
                assert!(!text.contains(layer), "rules/{file} uses {layer}");
            }
            // Only the loader reads a file (a ruleset the user named), never the machine.
            if file != "load.rs" {
                assert!(
                    !text.contains("crate::host"),
                    "rules/{file} uses crate::host"
                );
            }
        }
    }
}
