//! Evaluating a ruleset against facts, in three-valued (Kleene) logic: a comparison on a fact
//! that could not be determined is *unknown*, never a silent pass; `all`/`any`/`not` and the
//! GPU quantifiers combine unknowns the way Kleene's strong logic does.

use super::interp::interpolate;
use super::types::{CondKind, Condition, Op, Rule, Ruleset, Scalar};
use super::version::{Range, Version};
use crate::facts::vocab::GPU_FIELDS;
use crate::facts::{Facts, Gpu, Vendor, value_text};
use crate::report::{FactUse, Outcome, RuleResult, RulesetReport, Severity, platform_key};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl From<bool> for Tri {
    fn from(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }
}

/// A truth value, with why it is unknown when it is.
type Eval = (Tri, Vec<String>);

pub fn evaluate(rs: &Ruleset, facts: &Facts, origin: &str) -> RulesetReport {
    RulesetReport {
        id: rs.id.value.clone(),
        title: rs.title.clone(),
        origin: origin.to_string(),
        checked: rs.checked.value.clone(),
        notices: Vec::new(),
        results: {
            // Each GPU as JSON once, not once per condition that looks at it.
            let gpus = gpu_values(facts);
            rs.rules
                .iter()
                .map(|r| evaluate_rule(r, facts, &gpus))
                .collect()
        },
    }
}

/// A message with its facts filled in (absent ones read "unknown").
pub fn message(text: &str, facts: &Facts) -> String {
    interpolate(text, &mut |n| facts.get(n).map(value_text))
}

/// Every GPU's fields, as JSON (per-GPU conditions read them by name).
fn gpu_values(facts: &Facts) -> Vec<Value> {
    facts
        .gpus
        .iter()
        .map(|g| serde_json::to_value(g).unwrap_or(Value::Null))
        .collect()
}

fn evaluate_rule(rule: &Rule, facts: &Facts, gpus: &[Value]) -> RuleResult {
    let mut cx = Cx {
        facts,
        gpus,
        uses: Vec::new(),
    };
    let (when, when_why) = match &rule.when {
        Some(c) => cx.eval(c, None),
        None => (Tri::True, Vec::new()),
    };
    let (outcome, reasons) = match when {
        Tri::False => (Outcome::Skip, Vec::new()),
        Tri::Unknown => (Outcome::Unknown, when_why),
        Tri::True => match cx.eval(&rule.require, None) {
            (Tri::True, _) => (Outcome::Pass, Vec::new()),
            (Tri::False, _) => (
                match rule.severity {
                    Severity::Fail => Outcome::Fail,
                    Severity::Warn => Outcome::Warn,
                    Severity::Info => Outcome::Info,
                },
                Vec::new(),
            ),
            (Tri::Unknown, why) => (Outcome::Unknown, why),
        },
    };
    let mut reasons_dedup: Vec<String> = Vec::new();
    for r in reasons {
        if !reasons_dedup.contains(&r) {
            reasons_dedup.push(r);
        }
    }
    let fix = match outcome {
        Outcome::Pass | Outcome::Skip => None,
        _ => rule
            .fix
            .value
            .for_platform(platform_key(facts))
            .map(|t| message(t, facts)),
    };
    RuleResult {
        id: rule.id.value.clone(),
        title: message(&rule.title.value, facts),
        severity: rule.severity,
        outcome,
        facts: cx.uses,
        unknown_reason: (outcome == Outcome::Unknown && !reasons_dedup.is_empty())
            .then(|| reasons_dedup.join("; ")),
        fix,
        why: message(&rule.why.value, facts),
        source: rule.source.value.clone(),
    }
}

struct Cx<'a> {
    facts: &'a Facts,
    /// `facts.gpus` as JSON, in the same order.
    gpus: &'a [Value],
    uses: Vec<FactUse>,
}

/// Kleene conjunction (`all`) or disjunction (`any`) of evaluated parts.
fn combine(parts: impl Iterator<Item = Eval>, conjunction: bool) -> Eval {
    let decisive = Tri::from(!conjunction);
    let mut unknown = Vec::new();
    let mut any_unknown = false;
    for (t, why) in parts {
        match t {
            t if t == decisive => return (decisive, Vec::new()),
            Tri::Unknown => {
                any_unknown = true;
                unknown.extend(why);
            }
            _ => {}
        }
    }
    if any_unknown {
        (Tri::Unknown, unknown)
    } else {
        (Tri::from(conjunction), Vec::new())
    }
}

impl Cx<'_> {
    fn eval(&mut self, c: &Condition, gpu: Option<(usize, &Gpu)>) -> Eval {
        match &c.kind {
            CondKind::Leaf { fact, op } => self.leaf(&fact.value, op, gpu),
            // Every part is evaluated (no short cut) so the facts a rule read are all listed.
            CondKind::All(v) => {
                let parts: Vec<Eval> = v.iter().map(|x| self.eval(x, gpu)).collect();
                combine(parts.into_iter(), true)
            }
            CondKind::Any(v) => {
                let parts: Vec<Eval> = v.iter().map(|x| self.eval(x, gpu)).collect();
                combine(parts.into_iter(), false)
            }
            CondKind::Not(x) => match self.eval(x, gpu) {
                (Tri::True, _) => (Tri::False, Vec::new()),
                (Tri::False, _) => (Tri::True, Vec::new()),
                u => u,
            },
            CondKind::AnyGpu(x) | CondKind::AllGpus(x) => {
                let all = matches!(c.kind, CondKind::AllGpus(_));
                let gpus = &self.facts.gpus;
                // Show how many GPUs were quantified over (with none, no GPU field is read).
                if !self.uses.iter().any(|u| u.name == "gpu.count") {
                    self.uses.push(FactUse {
                        name: "gpu.count".into(),
                        value: Some(Value::from(gpus.len())),
                        error: None,
                    });
                }
                let parts: Vec<Eval> = gpus
                    .iter()
                    .enumerate()
                    .map(|(i, g)| self.eval(x, Some((i, g))))
                    .collect();
                combine(parts.into_iter(), all)
            }
        }
    }

    /// The fact's value (or why it is missing), recorded as used.
    fn lookup(&mut self, name: &str, gpu: Option<(usize, &Gpu)>) -> (String, Option<Value>) {
        let (shown, value, error) = match gpu {
            Some((i, g)) if GPU_FIELDS.contains(&name) => {
                // A GPU field is missing for the reason its vendor's tool failed.
                let area = match g.vendor {
                    Vendor::Nvidia => Some("nvidia.x"),
                    Vendor::Amd => Some("rocm.x"),
                    _ => None,
                };
                (
                    format!("gpus[{i}].{name}"),
                    self.gpus.get(i).and_then(|v| gpu_field(v, name)),
                    area.and_then(|a| self.facts.error_for(a)),
                )
            }
            _ => (
                name.to_string(),
                self.facts.get(name).cloned(),
                self.facts.error_for(name),
            ),
        };
        let error = if value.is_none() {
            error.map(|(code, msg)| match msg {
                Some(m) => format!("{code} ({m})"),
                None => code,
            })
        } else {
            None
        };
        if !self.uses.iter().any(|u| u.name == shown) {
            self.uses.push(FactUse {
                name: shown.clone(),
                value: value.clone(),
                error,
            });
        }
        (shown, value)
    }

    fn unknown(&self, shown: &str) -> Eval {
        let why = self
            .uses
            .iter()
            .find(|u| u.name == shown)
            .and_then(|u| u.error.clone());
        let reason = match why {
            Some(e) => format!("{shown} could not be determined: {e}"),
            None => format!("{shown} could not be determined"),
        };
        (Tri::Unknown, vec![reason])
    }

    fn leaf(&mut self, name: &str, op: &Op, gpu: Option<(usize, &Gpu)>) -> Eval {
        let (shown, value) = self.lookup(name, gpu);
        if let Op::Exists(want) = op {
            return (Tri::from(value.is_some() == *want), Vec::new());
        }
        let Some(v) = value else {
            return self.unknown(&shown);
        };
        let not_a = |what: &str| {
            (
                Tri::Unknown,
                vec![format!("{shown} is \"{}\", not {what}", value_text(&v))],
            )
        };
        match op {
            Op::Exists(_) => unreachable!("handled above"),
            Op::Equals(s) => (Tri::from(equals(&v, s)), Vec::new()),
            Op::In(list) => (Tri::from(list.iter().any(|s| equals(&v, s))), Vec::new()),
            Op::Contains(s) => (Tri::from(contains(&v, s)), Vec::new()),
            Op::AtLeast(n) | Op::AtMost(n) => match number(&v) {
                Some(x) if matches!(op, Op::AtLeast(_)) => (Tri::from(x >= *n), Vec::new()),
                Some(x) => (Tri::from(x <= *n), Vec::new()),
                None => not_a("a number"),
            },
            Op::Matches(re) => match regex::Regex::new(&re.value) {
                Ok(re) => {
                    let hit = match &v {
                        Value::Array(a) => a.iter().any(|x| re.is_match(&value_text(x))),
                        other => re.is_match(&value_text(other)),
                    };
                    (Tri::from(hit), Vec::new())
                }
                Err(_) => (Tri::Unknown, vec![format!("bad regex /{}/", re.value)]),
            },
            Op::Version(range) => {
                let mut missing = Vec::new();
                let text = interpolate(&range.value, &mut |n| {
                    let (shown, val) = self.lookup(n, None);
                    if val.is_none() {
                        missing.push(shown);
                    }
                    val.map(|x| value_text(&x))
                });
                if !missing.is_empty() {
                    let reasons = missing.iter().flat_map(|m| self.unknown(m).1).collect();
                    return (Tri::Unknown, reasons);
                }
                let Some(have) = Version::parse(&value_text(&v)) else {
                    return not_a("a version");
                };
                match Range::parse(&text) {
                    Ok(r) => (Tri::from(r.matches(&have)), Vec::new()),
                    Err(e) => (Tri::Unknown, vec![e]),
                }
            }
        }
    }
}

/// Equality as rules mean it: numbers numerically, booleans exactly, text ignoring case.
fn equals(v: &Value, s: &Scalar) -> bool {
    match (v, s) {
        (Value::Bool(a), Scalar::Bool(b)) => a == b,
        (Value::Number(a), Scalar::Int(b)) => a.as_f64() == Some(*b as f64),
        (Value::Number(a), Scalar::Float(b)) => a.as_f64() == Some(*b),
        (Value::Array(_) | Value::Object(_) | Value::Null, _) => false,
        // Numeric text ("12.0", a compute capability) equals a number written `12`.
        (Value::String(t), Scalar::Int(_) | Scalar::Float(_)) => {
            let n = match s {
                Scalar::Int(i) => *i as f64,
                Scalar::Float(f) => *f,
                _ => f64::NAN,
            };
            match t.trim().parse::<f64>() {
                Ok(x) => x == n,
                Err(_) => t.eq_ignore_ascii_case(&s.to_string()),
            }
        }
        (other, s) => value_text_raw(other).eq_ignore_ascii_case(&s.to_string()),
    }
}

/// Booleans as `true`/`false` (value_text says yes/no for people).
fn value_text_raw(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        other => value_text(other),
    }
}

fn contains(v: &Value, s: &Scalar) -> bool {
    match v {
        // Arrays of objects (GPU processes) match on their name.
        Value::Array(a) => a.iter().any(|x| match x {
            Value::Object(m) => m.get("name").is_some_and(|n| equals(n, s)),
            other => equals(other, s),
        }),
        Value::String(t) => t.to_lowercase().contains(&s.to_string().to_lowercase()),
        _ => false,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;

/// A per-GPU field by its leaf name (`vram_total_mib`, `pcie_link.gen`); null is absent.
fn gpu_field(gpu: &Value, name: &str) -> Option<Value> {
    let v = name.split('.').try_fold(gpu, |cur, part| cur.get(part))?;
    (!v.is_null()).then(|| v.clone())
}
