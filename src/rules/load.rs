//! Loading rulesets with located errors. TODO(engine).

use super::types::Ruleset;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct RulesetError {
    /// File path or URL.
    pub origin: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

impl fmt::Display for RulesetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for RulesetError {}

/// The rulesets embedded in the binary.
pub fn builtin() -> Vec<Ruleset> {
    Vec::new()
}

/// Parse and validate one ruleset. `origin` names it in errors.
pub fn load_str(text: &str, origin: &str) -> Result<Ruleset, RulesetError> {
    crate::yaml::from_str::<Ruleset>(text).map_err(|e| RulesetError {
        origin: origin.to_string(),
        line: e.location().map(|l| l.line()),
        column: e.location().map(|l| l.column()),
        message: crate::yaml::message(&e),
    })
}
