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
