//! Lenient versions as tools print them — "535.104.05", "12.4", "6.1.2", "2.5.1+cu124",
//! "6.3.1-48", "2.7.0rc1" — and ranges over them (">=12.1, <13").
//!
//! Why not semver alone: driver and ROCm versions have leading zeros ("535.104.05"), two or
//! four components ("12.4", "6.3.1.60301"), and local/build suffixes that semver rejects or
//! treats as pre-releases. Only the numeric components are compared; a suffix ("+cu124",
//! "-48", "rc1", ".dev2024") is kept for display but ignored, so a nightly "2.7.0.dev" counts
//! as 2.7.0. Missing components are zero: "12.4" == "12.4.0" < "12.4.1".

use regex::Regex;
use std::cmp::Ordering;
use std::fmt;
use std::sync::LazyLock;

/// A version as written in a range: numbers, optionally a +local or -build suffix.
static RANGE_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9]+(\.[0-9]+)*([+-][0-9A-Za-z.+-]*)?$").expect("valid regex")
});

/// A version: its numeric components, plus whatever followed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub parts: Vec<u64>,
    pub suffix: String,
}

impl Version {
    /// The first run of dot-separated numbers in `s` ("v1.2", "CUDA 12.4", "2.5.1+cu124").
    /// `None` when `s` holds no number or a component does not fit in 64 bits.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        let start = s.find(|c: char| c.is_ascii_digit())?;
        let rest = &s[start..];
        let mut parts = Vec::new();
        let mut end = 0;
        loop {
            let digits = rest[end..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len() - end);
            if digits == 0 {
                break;
            }
            parts.push(rest[end..end + digits].parse::<u64>().ok()?);
            end += digits;
            // Continue only over ".<digit>": "2.7.0.dev1" stops before ".dev1".
            let after = &rest[end..];
            if after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
                end += 1;
            } else {
                break;
            }
        }
        Some(Version {
            parts,
            suffix: rest[end..].trim().to_string(),
        })
    }

    fn part(&self, i: usize) -> u64 {
        self.parts.get(i).copied().unwrap_or(0)
    }

    /// Compare numerically, missing components being zero.
    pub fn cmp_num(&self, other: &Version) -> Ordering {
        let n = self.parts.len().max(other.parts.len());
        (0..n)
            .map(|i| self.part(i).cmp(&other.part(i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }

    /// "12.4" matches 12.4, 12.4.0 and 12.4.1: the components `prefix` names are equal.
    pub fn has_prefix(&self, prefix: &Version) -> bool {
        (0..prefix.parts.len()).all(|i| self.part(i) == prefix.part(i))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nums: Vec<String> = self.parts.iter().map(u64::to_string).collect();
        write!(f, "{}{}", nums.join("."), self.suffix)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    /// `=`, `==` or a bare version: the given components are equal ("12.4" matches 12.4.1).
    Eq,
    Ne,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }
}

/// One comparison of a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparator {
    pub op: Op,
    pub version: Version,
}

impl Comparator {
    pub fn matches(&self, v: &Version) -> bool {
        let o = v.cmp_num(&self.version);
        match self.op {
            Op::Ge => o.is_ge(),
            Op::Gt => o.is_gt(),
            Op::Le => o.is_le(),
            Op::Lt => o.is_lt(),
            Op::Eq => v.has_prefix(&self.version),
            Op::Ne => !v.has_prefix(&self.version),
        }
    }
}

/// Comparators joined by commas, all of which must hold: ">=12.1, <13".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub all: Vec<Comparator>,
}

impl Range {
    /// Parse a range; the error says which part is wrong.
    pub fn parse(s: &str) -> Result<Range, String> {
        let mut all = Vec::new();
        for piece in s.split(',') {
            let p = piece.trim();
            if p.is_empty() {
                return Err(format!("empty comparison in version range \"{s}\""));
            }
            let (op, rest) = [
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("==", Op::Eq),
                ("!=", Op::Ne),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Eq),
            ]
            .iter()
            .find_map(|(t, op)| p.strip_prefix(t).map(|r| (*op, r.trim())))
            .unwrap_or((Op::Eq, p));
            // The version must be all of the rest: "12.x", "1.2abc" or ">= twelve" are mistakes.
            let version = Some(rest)
                .filter(|r| RANGE_VERSION.is_match(r))
                .and_then(Version::parse)
                .ok_or_else(|| format!("\"{p}\" is not a version comparison (like >=12.1)"))?;
            all.push(Comparator { op, version });
        }
        Ok(Range { all })
    }

    pub fn matches(&self, v: &Version) -> bool {
        self.all.iter().all(|c| c.matches(v))
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.all.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}{}", c.op.as_str(), c.version)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn m(range: &str, version: &str) -> bool {
        Range::parse(range).unwrap().matches(&v(version))
    }

    #[test]
    fn parses_the_versions_tools_print() {
        assert_eq!(v("535.104.05").parts, [535, 104, 5]);
        assert_eq!(v("12.4").parts, [12, 4]);
        assert_eq!(v("2.5.1+cu124").parts, [2, 5, 1]);
        assert_eq!(v("2.5.1+cu124").suffix, "+cu124");
        assert_eq!(v("6.3.1-48").parts, [6, 3, 1]);
        assert_eq!(v("6.3.1.60301-48").parts, [6, 3, 1, 60301]);
        assert_eq!(v("2.7.0.dev20250101").parts, [2, 7, 0]);
        assert_eq!(v("2.7.0rc1").parts, [2, 7, 0]);
        assert_eq!(v("v27.3.1").parts, [27, 3, 1]);
        assert_eq!(v("release 12.4, V12.4.131").parts, [12, 4]);
        assert!(Version::parse("unknown").is_none());
        assert!(Version::parse("").is_none());
        assert!(Version::parse("99999999999999999999999").is_none());
    }

    #[test]
    fn ranges_match_like_people_read_them() {
        let table = [
            (">=12.1, <13", "12.4", true),
            (">=12.1, <13", "12.1", true),
            (">=12.1, <13", "12.0.1", false),
            (">=12.1, <13", "13.0", false),
            (">=12.1,<13", "12.9.41", true),
            (">=535", "535.104.05", true),
            (">=535.104.05", "535.104.5", true),
            (">=550.54.15", "535.104.05", false),
            (">= 595.80", "595.80", true),
            ("595.80", "595.80.1", true),
            ("==12.4", "12.4.131", true),
            ("=12.4", "12.5", false),
            ("!=12.4", "12.5", true),
            ("!=12.4", "12.4.0", false),
            (">=2.5", "2.5.1+cu124", true),
            ("<2.5.1", "2.5.1+cu124", false),
            (">6.3", "6.3.1-48", true),
            ("<=6.3.1", "6.3.1-48", true),
            (">=2.7", "2.7.0.dev20250101", true),
            (">=3.10, <3.13", "3.12.3", true),
            (">=3.10, <3.13", "3.9.18", false),
        ];
        for (r, ver, want) in table {
            assert_eq!(m(r, ver), want, "{ver} in {r}");
        }
    }

    #[test]
    fn bad_ranges_are_rejected_with_the_piece() {
        for bad in [
            "",
            ">=",
            "twelve",
            ">=12.x",
            "12.4,",
            ">=1.2.3abc",
            "=>12",
            "~12",
        ] {
            let e = Range::parse(bad).unwrap_err();
            assert!(e.contains('"'), "{bad}: {e}");
        }
        assert!(Range::parse(">=12.4.1-1").is_ok());
        assert_eq!(
            Range::parse(">=12.1,<13").unwrap().to_string(),
            ">=12.1, <13"
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in ".*") {
            let _ = Version::parse(&s);
            let _ = Range::parse(&s);
        }

        #[test]
        fn printed_versions_parse_back(parts in prop::collection::vec(0u64..100_000, 1..5)) {
            let text = parts.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
            prop_assert_eq!(v(&text).parts, parts.clone());
            let r = Range::parse(&format!(">={text}")).unwrap();
            prop_assert!(r.matches(&v(&text)));
            let eq = Range::parse(&format!("=={text}")).unwrap();
            prop_assert!(eq.matches(&v(&text)));
            let lt = Range::parse(&format!("<{text}")).unwrap();
            prop_assert!(!lt.matches(&v(&text)));
        }

        #[test]
        fn order_is_total_and_antisymmetric(a in prop::collection::vec(0u64..20, 1..4),
                                            b in prop::collection::vec(0u64..20, 1..4)) {
            let va = Version { parts: a, suffix: String::new() };
            let vb = Version { parts: b, suffix: String::new() };
            prop_assert_eq!(va.cmp_num(&vb), vb.cmp_num(&va).reverse());
        }
    }
}
