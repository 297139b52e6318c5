//! Conditions: the YAML map of one form (a leaf `{fact, <op>}`, all/any/not, or a GPU
//! quantifier), checked for its shape as it is read and located at its first line.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};
use std::borrow::Cow;
use std::fmt;

/// A value a condition compares with: string, number or boolean.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(b))
            }
            fn visit_i64<E: de::Error>(self, i: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(i))
            }
            fn visit_u64<E: de::Error>(self, u: u64) -> Result<Scalar, E> {
                Ok(i64::try_from(u).map_or(Scalar::Float(u as f64), Scalar::Int))
            }
            fn visit_f64<E: de::Error>(self, f: f64) -> Result<Scalar, E> {
                Ok(Scalar::Float(f))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(s.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Str(s) => write!(f, "{s}"),
        }
    }
}

/// A number, read with an error that says so ("expected a number").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, i: i64) -> Result<Number, E> {
                Ok(Number(i as f64))
            }
            fn visit_u64<E: de::Error>(self, u: u64) -> Result<Number, E> {
                Ok(Number(u as f64))
            }
            fn visit_f64<E: de::Error>(self, f: f64) -> Result<Number, E> {
                Ok(Number(f))
            }
        }
        d.deserialize_any(V)
    }
}

/// A condition and where it starts in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub at: Location,
    pub kind: CondKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CondKind {
    /// `{fact: NAME, <op>: V}`
    Leaf {
        fact: Spanned<String>,
        op: Op,
    },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    AnyGpu(Box<Condition>),
    AllGpus(Box<Condition>),
}

/// The comparison of a leaf.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Equals(Scalar),
    In(Vec<Scalar>),
    /// A range (`">=12.1, <13"`), possibly interpolating facts (`">={torch.cuda}"`).
    Version(Spanned<String>),
    AtLeast(f64),
    AtMost(f64),
    Matches(super::pattern::Pattern),
    Exists(bool),
    Contains(Scalar),
}

/// The YAML shape of a condition: every key optional; [`Condition`] checks that exactly one
/// form is used.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Condition")]
pub struct RawCondition {
    /// A fact name (`os.family`); inside `any_gpu`/`all_gpus`, a per-GPU field (`vendor`).
    #[schemars(with = "Option<String>")]
    fact: Option<Spanned<String>>,
    /// Equal (strings case-insensitively).
    equals: Option<Scalar>,
    /// Equal to one of these.
    #[serde(rename = "in")]
    in_: Option<Vec<Scalar>>,
    /// A version range: `">=12.1, <13"`; may interpolate a fact: `">={torch.cuda}"`.
    #[schemars(with = "Option<String>")]
    version: Option<Spanned<String>>,
    #[schemars(with = "Option<f64>")]
    at_least: Option<Number>,
    #[schemars(with = "Option<f64>")]
    at_most: Option<Number>,
    /// A regular expression (Rust `regex` syntax) searched in the value.
    #[schemars(with = "Option<String>")]
    matches: Option<super::pattern::Pattern>,
    /// The fact is (true) or is not (false) known. Never unknown.
    exists: Option<bool>,
    /// An array fact has this element (a string fact: this substring).
    contains: Option<Scalar>,
    /// Every condition holds.
    all: Option<Vec<Condition>>,
    /// At least one condition holds.
    any: Option<Vec<Condition>>,
    not: Option<Box<Condition>>,
    /// Some GPU meets the condition (none: false).
    any_gpu: Option<Box<Condition>>,
    /// Every GPU meets the condition (none: true).
    all_gpus: Option<Box<Condition>>,
}

impl RawCondition {
    fn into_kind(self) -> Result<CondKind, String> {
        let mut ops = Vec::new();
        let mut push = |name: &'static str, op: Option<Op>| {
            if let Some(op) = op {
                ops.push((name, op));
            }
        };
        push("equals", self.equals.map(Op::Equals));
        push("in", self.in_.map(Op::In));
        push("version", self.version.map(Op::Version));
        push("at_least", self.at_least.map(|n| Op::AtLeast(n.0)));
        push("at_most", self.at_most.map(|n| Op::AtMost(n.0)));
        push("matches", self.matches.map(Op::Matches));
        push("exists", self.exists.map(Op::Exists));
        push("contains", self.contains.map(Op::Contains));
        let mut forms: Vec<(&str, CondKind)> = Vec::new();
        if let Some(v) = self.all {
            forms.push(("all", CondKind::All(v)));
        }
        if let Some(v) = self.any {
            forms.push(("any", CondKind::Any(v)));
        }
        if let Some(c) = self.not {
            forms.push(("not", CondKind::Not(c)));
        }
        if let Some(c) = self.any_gpu {
            forms.push(("any_gpu", CondKind::AnyGpu(c)));
        }
        if let Some(c) = self.all_gpus {
            forms.push(("all_gpus", CondKind::AllGpus(c)));
        }
        const OPS: &str = "equals, in, version, at_least, at_most, matches, exists, contains";
        match (self.fact, ops.len(), forms.len()) {
            (Some(fact), 1, 0) => {
                let (_, op) = ops.remove(0);
                Ok(CondKind::Leaf { fact, op })
            }
            (Some(_), 0, 0) => Err(format!("`fact` needs one comparison: {OPS}")),
            (Some(_), n, 0) if n > 1 => Err(format!(
                "one comparison per condition, found {}; combine them with `all: [..]`",
                names(&ops)
            )),
            (None, 0, 1) => Ok(forms.remove(0).1),
            (None, 0, 0) => Err(format!(
                "empty condition: use `fact` with one of {OPS}, or all, any, not, any_gpu, all_gpus"
            )),
            (None, n, 0) if n > 0 => Err(format!("{} needs a `fact`", names(&ops))),
            (fact, ..) => {
                let mut found: Vec<&str> = fact.iter().map(|_| "fact").collect();
                found.extend(ops.iter().map(|o| o.0));
                found.extend(forms.iter().map(|f| f.0));
                Err(format!(
                    "a condition has one form; found {}; nest them in `all: [..]`",
                    found.join(", ")
                ))
            }
        }
    }
}

fn names(ops: &[(&str, Op)]) -> String {
    ops.iter().map(|o| o.0).collect::<Vec<_>>().join(", ")
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Condition, D::Error> {
        let raw = Spanned::<RawCondition>::deserialize(d)?;
        let at = raw.referenced;
        let kind = raw.value.into_kind().map_err(de::Error::custom)?;
        Ok(Condition { at, kind })
    }
}

impl JsonSchema for Condition {
    fn schema_name() -> Cow<'static, str> {
        "Condition".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        RawCondition::json_schema(g)
    }
}

impl fmt::Display for Condition {
    /// A one-line reading of the condition, for `rules show`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, name: &str, v: &[Condition]| {
            write!(f, "{name}(")?;
            for (i, c) in v.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{c}")?;
            }
            f.write_str(")")
        };
        match &self.kind {
            CondKind::Leaf { fact, op } => {
                let fact = &fact.value;
                match op {
                    Op::Equals(v) => write!(f, "{fact} = {v}"),
                    Op::In(v) => write!(
                        f,
                        "{fact} in [{}]",
                        v.iter()
                            .map(|s| s.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Op::Version(r) => write!(f, "{fact} version {}", r.value),
                    Op::AtLeast(n) => write!(f, "{fact} >= {n}"),
                    Op::AtMost(n) => write!(f, "{fact} <= {n}"),
                    Op::Matches(r) => write!(f, "{fact} matches /{}/", r.text.value),
                    Op::Exists(true) => write!(f, "{fact} is known"),
                    Op::Exists(false) => write!(f, "{fact} is not known"),
                    Op::Contains(v) => write!(f, "{fact} contains {v}"),
                }
            }
            CondKind::All(v) => list(f, "all", v),
            CondKind::Any(v) => list(f, "any", v),
            CondKind::Not(c) => write!(f, "not({c})"),
            CondKind::AnyGpu(c) => write!(f, "any_gpu({c})"),
            CondKind::AllGpus(c) => write!(f, "all_gpus({c})"),
        }
    }
}
