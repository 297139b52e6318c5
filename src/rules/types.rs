//! The ruleset format (rules/README.md). Every map denies unknown keys; the values a later
//! check must point at (ids, fact names, regexes, version ranges, messages) keep their YAML
//! location in a [`Spanned`]. Semantic checks live in `load.rs`; the shape is checked here.

pub use super::condition::{CondKind, Condition, Number, Op, RawCondition, Scalar};
use crate::report::Severity;
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A ruleset: one YAML file.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ruleset {
    /// Lower-case letters, digits and dashes: `vllm`, `rocm-7900xtx`.
    #[schemars(with = "String", regex(pattern = r"^[a-z0-9][a-z0-9-]*$"))]
    pub id: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub homepage: Option<String>,
    /// The date (YYYY-MM-DD) the rules' facts were last checked against their sources.
    #[schemars(with = "String", regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub checked: Spanned<String>,
    pub rules: Vec<Rule>,
}

/// One rule: a requirement, what it means when unmet, and how to fix it.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// `<ruleset id>/<slug>`, unique.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// May interpolate facts: `{nvidia.driver_version}`.
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    /// What not meeting `require` means.
    pub severity: Severity,
    /// Applicability: false skips the rule, unknown makes it unknown.
    #[serde(default)]
    pub when: Option<Condition>,
    pub require: Condition,
    #[schemars(with = "Fix")]
    pub fix: Spanned<Fix>,
    /// One or two sentences; may interpolate facts.
    #[schemars(with = "String")]
    pub why: Spanned<String>,
    /// URL of the fact the rule encodes.
    #[schemars(with = "String")]
    pub source: Spanned<String>,
    /// The short quote, or the file and line, at `source` that a threshold encodes, so a
    /// reviewer can check it in seconds: `"requires-python = \">=3.10,<3.15\"" (pyproject.toml)`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub evidence: Option<Spanned<String>>,
}

/// The fix: one text for every platform, or variants chosen by the machine and texts by
/// platform.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum Fix {
    Text(String),
    ByPlatform(FixByPlatform),
}

/// `variants` first (the first whose `when` holds), then by platform: the exact key, then
/// `linux` for `wsl2`, then `default`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixByPlatform {
    /// Fixes for machines a platform does not tell apart (GPU vendor, inside a container,
    /// WSL2 without systemd, Docker Desktop): tried in order, the first whose `when` is true
    /// wins (unknown does not match).
    #[serde(default)]
    pub variants: Vec<FixVariant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linux: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wsl2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub macos: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// One fix for the machines a condition describes.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixVariant {
    /// The same condition language as a rule's `when`.
    pub when: Condition,
    /// May interpolate facts.
    pub text: String,
}

impl Fix {
    /// The variants, in order (none for a plain string).
    pub fn variants(&self) -> &[FixVariant] {
        match self {
            Fix::Text(_) => &[],
            Fix::ByPlatform(m) => &m.variants,
        }
    }

    /// The text for a platform key (`linux`, `wsl2`, `windows`, `macos`).
    pub fn for_platform(&self, key: &str) -> Option<&str> {
        match self {
            Fix::Text(t) => Some(t),
            Fix::ByPlatform(m) => {
                let exact = match key {
                    "linux" => &m.linux,
                    "wsl2" => &m.wsl2,
                    "windows" => &m.windows,
                    "macos" => &m.macos,
                    _ => &None,
                };
                let fallback = if key == "wsl2" { &m.linux } else { &None };
                exact
                    .as_deref()
                    .or(fallback.as_deref())
                    .or(m.default.as_deref())
            }
        }
    }

    /// Every platform text, with its key (`*` for a plain string); variants not included.
    pub fn texts(&self) -> Vec<(&'static str, &str)> {
        match self {
            Fix::Text(t) => vec![("*", t.as_str())],
            Fix::ByPlatform(m) => [
                ("linux", &m.linux),
                ("wsl2", &m.wsl2),
                ("windows", &m.windows),
                ("macos", &m.macos),
                ("default", &m.default),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.as_deref().map(|t| (k, t)))
            .collect(),
        }
    }
}

impl<'de> Deserialize<'de> for Fix {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Fix, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fix;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a string, or a map with keys variants, linux, wsl2, windows, macos, default",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Fix, E> {
                Ok(Fix::Text(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Fix, A::Error> {
                FixByPlatform::deserialize(de::value::MapAccessDeserializer::new(m))
                    .map(Fix::ByPlatform)
            }
        }
        d.deserialize_any(V)
    }
}
