//! Evaluating a ruleset against facts, in three-valued (Kleene) logic: a comparison on a fact
//! that could not be determined is *unknown*, never a silent pass; `all`/`any`/`not` and the
//! GPU quantifiers combine unknowns the way Kleene's strong logic does.

use super::interp::interpolate;
use super::types::{CondKind, Condition, Fix, Op, Rule, Ruleset, Scalar};
use super::version::{Range, Version};
use crate::facts::vocab::{GPU_FIELDS, how_to_find_out};
use crate::facts::{Facts, Gpu, Vendor, value_text};
use crate::report::{FactUse, Outcome, RuleResult, RulesetReport, Severity, platform_key};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

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

/// Why a part is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Why {
    /// "torch.cuda could not be determined: not_installed (...)".
    text: String,
    /// The fact was not looked at, by design or by flag: why ("--fast").
    not_probed: Option<String>,
    /// How a person finds it out.
    find_out: Option<&'static str>,
}

impl Why {
    fn plain(text: String) -> Why {
        Why {
            text,
            not_probed: None,
            find_out: None,
        }
    }
}

/// A truth value, with why it is unknown when it is.
type Eval = (Tri, Vec<Why>);

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

/// A message with its facts filled in (absent ones read as what their absence means, else
/// "unknown").
pub fn message(text: &str, facts: &Facts) -> String {
    interpolate(text, &mut |n| facts.text_of(n))
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
        used: HashMap::new(),
    };
    let (when, when_why) = match &rule.when {
        Some(c) => cx.eval(c, None),
        None => (Tri::True, Vec::new()),
    };
    let (mut outcome, reasons) = match when {
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
    let mut whys: Vec<Why> = Vec::new();
    let mut seen: HashSet<Why> = HashSet::new();
    for r in reasons {
        if seen.insert(r.clone()) {
            whys.push(r);
        }
    }
    // Unknown only because a fact was not looked at: the rule was not checked, it did not
    // fail to be. It is skipped, with why, and never counts against `--strict`.
    let mut skip_reason = None;
    if outcome == Outcome::Unknown
        && !whys.is_empty()
        && whys.iter().all(|w| w.not_probed.is_some())
    {
        outcome = Outcome::Skip;
        let mut why: Vec<&str> = Vec::new();
        for w in &whys {
            let n = w.not_probed.as_deref().unwrap_or_default();
            if !why.contains(&n) {
                why.push(n);
            }
        }
        skip_reason = Some(format!("not probed: {}", why.join("; ")));
    }
    let fix = match outcome {
        Outcome::Fail | Outcome::Warn | Outcome::Info => {
            choose_fix(&rule.fix.value, facts, gpus).map(|t| message(t, facts))
        }
        Outcome::Pass | Outcome::Skip | Outcome::Unknown => None,
    };
    let unknown = outcome == Outcome::Unknown;
    let mut find_out: Vec<&str> = Vec::new();
    for w in whys.iter().filter_map(|w| w.find_out) {
        if !find_out.contains(&w) {
            find_out.push(w);
        }
    }
    RuleResult {
        id: rule.id.value.clone(),
        title: message(&rule.title.value, facts),
        severity: rule.severity,
        outcome,
        facts: cx.uses,
        unknown_reason: (unknown && !whys.is_empty()).then(|| {
            whys.iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        }),
        find_out: (unknown && !find_out.is_empty()).then(|| {
            let mut t = find_out.join("; ");
            if let Some(c) = t.get(..1) {
                t = c.to_uppercase() + &t[1..];
            }
            t + "."
        }),
        skip_reason,
        fix,
        why: message(&rule.why.value, facts),
        source: rule.source.value.clone(),
    }
}

/// The fix for this machine: the first variant whose `when` is true, else by platform.
fn choose_fix<'f>(fix: &'f Fix, facts: &Facts, gpus: &[Value]) -> Option<&'f str> {
    for v in fix.variants() {
        // Its own context: the facts a variant reads are not the facts the rule checked.
        let mut cx = Cx {
            facts,
            gpus,
            uses: Vec::new(),
            used: HashMap::new(),
        };
        if cx.eval(&v.when, None).0 == Tri::True {
            return Some(&v.text);
        }
    }
    fix.for_platform(platform_key(facts))
}

/// A fact looked up for a leaf.
struct Looked {
    /// The name as shown (`gpus[0].compute_capability`).
    shown: String,
    value: Option<Value>,
    /// Not looked at, and why.
    not_probed: Option<String>,
    /// Absent because nothing is wrong.
    nothing_wrong: bool,
    find_out: Option<&'static str>,
}

/// An absence that answers the question ("no error"), not one that was not looked at.
fn value_absent_is_answer(absent: &Option<String>) -> bool {
    absent
        .as_deref()
        .is_some_and(|a| !a.starts_with("not probed"))
}

struct Cx<'a> {
    facts: &'a Facts,
    /// `facts.gpus` as JSON, in the same order.
    gpus: &'a [Value],
    uses: Vec<FactUse>,
    /// Where each name is in `uses` (per-GPU rules read one name per GPU: no linear scans).
    used: HashMap<String, usize>,
}

impl Cx<'_> {
    fn record(&mut self, u: FactUse) {
        if !self.used.contains_key(&u.name) {
            self.used.insert(u.name.clone(), self.uses.len());
            self.uses.push(u);
        }
    }
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
                self.record(FactUse {
                    name: "gpu.count".into(),
                    value: Some(Value::from(gpus.len())),
                    error: None,
                    absent: None,
                });
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
    fn lookup(&mut self, name: &str, gpu: Option<(usize, &Gpu)>) -> Looked {
        let per_gpu = gpu.is_some() && GPU_FIELDS.contains(&name);
        let (shown, value, error, not_probed, absent) = match gpu {
            Some((i, g)) if per_gpu => {
                // A GPU field is missing for the reason its vendor's tool failed.
                let area = match g.vendor {
                    Vendor::Nvidia => Some("nvidia.x"),
                    Vendor::Amd => Some("rocm.x"),
                    Vendor::Apple => Some("macos_gpu.x"),
                    _ => None,
                };
                (
                    format!("gpus[{i}].{name}"),
                    self.gpus.get(i).and_then(|v| gpu_field(v, name)),
                    area.and_then(|a| self.facts.error_for(a)),
                    area.and_then(|a| self.facts.not_probed(a)),
                    None,
                )
            }
            _ => (
                name.to_string(),
                self.facts.get(name).cloned(),
                self.facts.error_for(name),
                self.facts.not_probed(name),
                self.facts.absent_means(name),
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
        let absent = match (&value, &not_probed, absent) {
            (Some(_), ..) => None,
            (None, Some(n), _) => Some(format!("not probed: {n}")),
            (None, None, a) => a.map(str::to_string),
        };
        self.record(FactUse {
            name: shown.clone(),
            value: value.clone(),
            error,
            absent: absent.clone(),
        });
        let find_out = if per_gpu {
            how_to_find_out("gpu.x")
        } else {
            how_to_find_out(name)
        };
        Looked {
            shown,
            value,
            not_probed,
            nothing_wrong: absent.is_some() && value_absent_is_answer(&absent),
            find_out,
        }
    }

    /// Unknown: the fact was not looked at, or it could not be determined.
    fn unknown(&self, l: &Looked) -> Eval {
        if let Some(n) = &l.not_probed {
            return (
                Tri::Unknown,
                vec![Why {
                    text: format!("{} not probed: {n}", l.shown),
                    not_probed: Some(n.clone()),
                    find_out: None,
                }],
            );
        }
        let why = self
            .used
            .get(&l.shown)
            .and_then(|&i| self.uses.get(i))
            .and_then(|u| u.error.clone());
        let text = match why {
            Some(e) => format!("{} could not be determined: {e}", l.shown),
            None => format!("{} could not be determined", l.shown),
        };
        (
            Tri::Unknown,
            vec![Why {
                text,
                not_probed: None,
                find_out: l.find_out,
            }],
        )
    }

    fn leaf(&mut self, name: &str, op: &Op, gpu: Option<(usize, &Gpu)>) -> Eval {
        let looked = self.lookup(name, gpu);
        if looked.not_probed.is_some() {
            // Not looked at: not even its existence is known.
            return self.unknown(&looked);
        }
        if let Op::Exists(want) = op {
            return (Tri::from(looked.value.is_some() == *want), Vec::new());
        }
        if looked.value.is_none() && looked.nothing_wrong {
            // Absent because nothing is wrong ("no error", "not WSL"): it equals nothing.
            return (Tri::False, Vec::new());
        }
        let shown = looked.shown.clone();
        let Some(v) = looked.value.clone() else {
            return self.unknown(&looked);
        };
        let not_a = |what: &str| {
            (
                Tri::Unknown,
                vec![Why::plain(format!(
                    "{shown} is \"{}\", not {what}",
                    value_text(&v)
                ))],
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
            // Compiled once, at load; evaluation only matches.
            Op::Matches(p) => match p.regex() {
                Some(re) => {
                    let hit = match &v {
                        Value::Array(a) => a.iter().any(|x| re.is_match(&value_text(x))),
                        other => re.is_match(&value_text(other)),
                    };
                    (Tri::from(hit), Vec::new())
                }
                None => (
                    Tri::Unknown,
                    vec![Why::plain(format!(
                        "pattern /{}/ did not compile",
                        p.text.value
                    ))],
                ),
            },
            Op::Version(range) => {
                let mut missing = Vec::new();
                let text = interpolate(&range.value, &mut |n| {
                    let l = self.lookup(n, None);
                    let text = l.value.as_ref().map(value_text);
                    if text.is_none() {
                        missing.push(l);
                    }
                    text
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
                    Err(e) => (Tri::Unknown, vec![Why::plain(e)]),
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
