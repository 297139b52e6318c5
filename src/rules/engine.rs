//! Evaluating a ruleset against facts. TODO(engine).

use super::types::Ruleset;
use crate::facts::Facts;
use crate::report::RulesetReport;

pub fn evaluate(rs: &Ruleset, _facts: &Facts, origin: &str) -> RulesetReport {
    RulesetReport {
        id: rs.id.value.clone(),
        title: rs.title.clone(),
        origin: origin.to_string(),
        checked: rs.checked.value.clone(),
        notices: Vec::new(),
        results: Vec::new(),
    }
}
