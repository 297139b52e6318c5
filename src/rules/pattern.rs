//! `matches:` patterns, compiled once when the ruleset loads and never again.
//!
//! A ruleset may come from the web, so what its patterns cost is bounded: each compiles to at
//! most [`PATTERN_LIMIT`] bytes (Unicode classes are large: `\w{10}` is already over), and all
//! of a ruleset's patterns together to [`RULESET_BUDGET`] bytes, a failed attempt charged at
//! the limit it was given. Identical patterns compile once. An oversized pattern is a located
//! error, like a malformed one.

use regex_automata::meta;
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The most one compiled pattern may take (the NFA and the one-pass DFA each).
pub const PATTERN_LIMIT: usize = 256 * 1024;
/// The most all the patterns of one ruleset may take together.
pub const RULESET_BUDGET: usize = 4 * 1024 * 1024;
/// The lazy DFA's cache while matching, per pattern.
const MATCH_CACHE: usize = 512 * 1024;

/// A `matches:` value: its text (located) and, once loaded, its compiled form.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: Spanned<String>,
    compiled: OnceLock<meta::Regex>,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Pattern, D::Error> {
        Ok(Pattern {
            text: Spanned::deserialize(d)?,
            compiled: OnceLock::new(),
        })
    }
}

impl Pattern {
    /// The compiled pattern; `None` only for a pattern that did not load (the loader refuses
    /// the ruleset then, so the engine never sees one).
    pub fn regex(&self) -> Option<&meta::Regex> {
        self.compiled.get()
    }
}

thread_local! {
    static COMPILES: Cell<usize> = const { Cell::new(0) };
}

/// How many patterns this thread has compiled: what tests count to show evaluation compiles
/// nothing.
pub fn compiles_on_this_thread() -> usize {
    COMPILES.with(Cell::get)
}

/// Compiles the patterns of one ruleset within its budget.
pub struct Compiler {
    left: usize,
    seen: HashMap<String, Result<meta::Regex, String>>,
}

impl Default for Compiler {
    fn default() -> Self {
        Compiler {
            left: RULESET_BUDGET,
            seen: HashMap::new(),
        }
    }
}

impl Compiler {
    /// Compile `p` (or reuse the same text compiled before) and store it in `p`.
    pub fn compile(&mut self, p: &Pattern) -> Result<(), String> {
        let text = &p.text.value;
        let got = match self.seen.get(text) {
            Some(r) => r.clone(),
            None => {
                let r = self.build(text);
                self.seen.insert(text.clone(), r.clone());
                r
            }
        };
        let re = got?;
        // Set once: each condition is validated once per load.
        let _ = p.compiled.set(re);
        Ok(())
    }

    fn build(&mut self, text: &str) -> Result<meta::Regex, String> {
        let limit = PATTERN_LIMIT.min(self.left);
        if limit == 0 {
            return Err(budget_spent());
        }
        COMPILES.with(|c| c.set(c.get() + 1));
        let config = meta::Config::new()
            .nfa_size_limit(Some(limit))
            .onepass_size_limit(Some(limit))
            .hybrid_cache_capacity(MATCH_CACHE);
        match meta::Builder::new().configure(config).build(text) {
            Ok(re) => {
                self.left = self.left.saturating_sub(re.memory_usage().max(1));
                Ok(re)
            }
            Err(e) => {
                let too_big = e.size_limit().is_some();
                if too_big {
                    // Compiling up to the limit cost that much work: charge it.
                    self.left = self.left.saturating_sub(limit);
                }
                Err(if too_big && limit < PATTERN_LIMIT {
                    budget_spent()
                } else if too_big {
                    format!(
                        "compiles to more than the {} KiB a pattern may use (Unicode classes \
                         such as `\\w` and `\\d` are large: use `[A-Za-z0-9_]`, `[0-9]` or \
                         fewer repetitions)",
                        PATTERN_LIMIT / 1024
                    )
                } else {
                    syntax_message(&e)
                })
            }
        }
    }
}

fn budget_spent() -> String {
    format!(
        "the ruleset's patterns together compile to more than {} MiB; simplify them",
        RULESET_BUDGET / (1024 * 1024)
    )
}

/// The last line of the parser's message (`unclosed group`), without its caret drawing.
fn syntax_message(e: &meta::BuildError) -> String {
    let detail = match e.syntax_error() {
        Some(s) => s.to_string(),
        None => e.to_string(),
    };
    let last = detail.lines().last().unwrap_or("").trim();
    last.strip_prefix("error: ").unwrap_or(last).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> Pattern {
        Pattern {
            text: Spanned::new(
                text.to_string(),
                serde_saphyr::Location::UNKNOWN,
                serde_saphyr::Location::UNKNOWN,
            ),
            compiled: OnceLock::new(),
        }
    }

    #[test]
    fn compiles_once_per_text_and_stores_it() {
        let mut c = Compiler::default();
        let before = compiles_on_this_thread();
        let (a, b) = (pattern("^sm_8[0-9]"), pattern("^sm_8[0-9]"));
        c.compile(&a).unwrap();
        c.compile(&b).unwrap();
        assert_eq!(compiles_on_this_thread() - before, 1);
        assert!(b.regex().unwrap().is_match("sm_86"));
    }

    #[test]
    fn oversized_and_malformed_are_told_apart() {
        let mut c = Compiler::default();
        let e = c.compile(&pattern(r"\w{100}")).unwrap_err();
        assert!(e.contains("more than the 256 KiB"), "{e}");
        let e = c.compile(&pattern("(unclosed")).unwrap_err();
        assert!(e.contains("unclosed group"), "{e}");
    }

    #[test]
    fn the_budget_bounds_the_whole_ruleset() {
        let mut c = Compiler::default();
        let before = compiles_on_this_thread();
        let errs: Vec<String> = (0..1000)
            .filter_map(|i| c.compile(&pattern(&format!(r"\w{{100}}{i}"))).err())
            .collect();
        assert_eq!(errs.len(), 1000);
        // 4 MiB at 256 KiB a failure: 16 attempts, then no more work.
        assert_eq!(compiles_on_this_thread() - before, 16);
        assert!(errs[999].contains("together compile to more than 4 MiB"));
    }
}
