//! The one value every renderer reads: facts, and each ruleset's evaluated rules.

use crate::facts::Facts;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a rule says when it is not met.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
    Info,
    Skip,
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::Info => "info",
            Outcome::Skip => "skip",
            Outcome::Unknown => "unknown",
        }
    }
    /// Worth showing with `--quiet`.
    pub fn is_problem(self) -> bool {
        matches!(self, Outcome::Warn | Outcome::Fail | Outcome::Unknown)
    }
    /// Sort key: failures first.
    pub fn rank(self) -> u8 {
        match self {
            Outcome::Fail => 0,
            Outcome::Warn => 1,
            Outcome::Unknown => 2,
            Outcome::Info => 3,
            Outcome::Pass => 4,
            Outcome::Skip => 5,
        }
    }
}

/// A fact a rule looked at, and what it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FactUse {
    pub name: String,
    /// Absent when it could not be determined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Why it is absent: the probe's error code and message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What its absence means when that is an answer, not an unknown: "no error", "not WSL",
    /// "not probed: --fast".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent: Option<String>,
}

impl FactUse {
    /// The value as people read it: the value, what its absence means, or "unknown".
    pub fn shown(&self) -> String {
        match (&self.value, &self.absent) {
            (Some(v), _) => crate::facts::value_text(v),
            (None, Some(a)) => a.clone(),
            (None, None) => "unknown".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RuleResult {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub outcome: Outcome,
    /// The facts the rule's conditions read.
    #[serde(default)]
    pub facts: Vec<FactUse>,
    /// For `unknown`: what could not be determined and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_reason: Option<String>,
    /// For `unknown`: how to find out (a command to run, or where to look).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub find_out: Option<String>,
    /// For `skip` because a fact it needs was not probed: "not probed: --fast".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// The fix for this machine, facts interpolated. Present for `fail`, `warn` and `info`
    /// (an `unknown` gets `find_out` instead: a failure's fix may not fit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    pub why: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RulesetReport {
    pub id: String,
    pub title: String,
    /// `builtin`, a file path, or a URL.
    pub origin: String,
    /// When the ruleset's facts were last checked against their sources.
    pub checked: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    pub results: Vec<RuleResult>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub info: usize,
    pub skip: usize,
    pub unknown: usize,
}

impl Counts {
    pub fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Pass => self.pass += 1,
            Outcome::Warn => self.warn += 1,
            Outcome::Fail => self.fail += 1,
            Outcome::Info => self.info += 1,
            Outcome::Skip => self.skip += 1,
            Outcome::Unknown => self.unknown += 1,
        }
    }
    /// `unknown` counts as a warning.
    pub fn warnings(&self) -> usize {
        self.warn + self.unknown
    }
    /// Every rule was skipped: the ruleset does not apply to this machine.
    pub fn not_applicable(&self) -> bool {
        self.pass + self.warn + self.fail + self.info + self.unknown == 0
    }
}

impl RulesetReport {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.results {
            c.add(r.outcome);
        }
        c
    }
}

/// The machine's platform as rule fixes are keyed: linux, wsl2, windows, macos.
pub fn platform_key(facts: &Facts) -> &'static str {
    match facts.get_str("os.family") {
        Some("windows") => "windows",
        Some("macos") => "macos",
        _ if facts.get_u64("wsl.version") == Some(2) => "wsl2",
        _ => "linux",
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub facts: Facts,
    pub rulesets: Vec<RulesetReport>,
    /// Whether identifying details were scrubbed.
    pub redacted: bool,
}

/// How `aidoctor` exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Problems = 1,
    Usage = 2,
}

impl Report {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for rs in &self.rulesets {
            for r in &rs.results {
                c.add(r.outcome);
            }
        }
        c
    }

    /// 0 no failure; 1 a failure (or, with `strict`, a warning or unknown).
    pub fn exit(&self, strict: bool) -> Exit {
        let c = self.counts();
        if c.fail > 0 || (strict && c.warnings() > 0) {
            Exit::Problems
        } else {
            Exit::Ok
        }
    }

    /// The stable JSON document (`schema/report.schema.json`).
    pub fn to_json(&self) -> Value {
        let doc = ReportDocument {
            schema_version: 1,
            aidoctor_version: env!("CARGO_PKG_VERSION").to_string(),
            platform: platform_key(&self.facts).to_string(),
            redacted: self.redacted,
            summary: self.counts(),
            facts: self.facts.to_json(),
            rulesets: self.rulesets.clone(),
        };
        serde_json::to_value(doc).unwrap_or(Value::Null)
    }
}

/// `aidoctor check --format json`; its JSON Schema is `schema/report.schema.json`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "aidoctor report")]
pub struct ReportDocument {
    /// Changes only when a field changes meaning or disappears.
    pub schema_version: u32,
    pub aidoctor_version: String,
    /// How fixes were chosen: linux, wsl2, windows or macos.
    pub platform: String,
    /// Whether identifying details were scrubbed.
    pub redacted: bool,
    /// Rule outcomes over all rulesets.
    pub summary: Counts,
    /// The facts, dotted names as nested objects (`nvidia.driver_version` is
    /// `facts.nvidia.driver_version`), plus `gpus`.
    #[schemars(with = "FactsDocument")]
    pub facts: Value,
    pub rulesets: Vec<RulesetReport>,
}

/// The facts object of [`ReportDocument`] (schema only).
#[derive(JsonSchema)]
#[allow(dead_code)]
struct FactsDocument {
    gpus: Vec<crate::facts::Gpu>,
    /// Areas (`os`, `nvidia`, ...) of facts.
    #[serde(flatten)]
    areas: std::collections::BTreeMap<String, Value>,
}
