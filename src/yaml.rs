//! YAML reading shared by snapshots and rulesets: serde-saphyr with limits for untrusted
//! input, and error messages without the location (callers print it as file:line:col).

/// Limits for YAML from outside: an alias bomb or a gigabyte of nesting is an error, not a
/// hang.
// Both types are non-exhaustive: no struct literal, so fields are set one by one.
#[allow(clippy::field_reassign_with_default)]
pub fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    budget.max_documents = 1;
    budget.max_nodes = 2_000_000;
    budget.max_total_scalar_bytes = 64 * 1024 * 1024;
    let mut opts = serde_saphyr::Options::default();
    opts.budget = Some(budget);
    opts
}

/// Parse untrusted YAML with [`options`].
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(text, options())
}

/// The error's message, on one line, without a location (callers print it as file:line:col).
pub fn message(e: &serde_saphyr::Error) -> String {
    let s = e.to_string();
    let mut first = s.lines().next().unwrap_or("").trim();
    // serde-saphyr writes "error: line L column C: MESSAGE" or "MESSAGE at line L, column C".
    first = first.strip_prefix("error:").unwrap_or(first).trim_start();
    if let Some(rest) = first.strip_prefix("line ")
        && let Some((loc, msg)) = rest.split_once(": ")
        && loc
            .split(" column ")
            .all(|n| n.trim().parse::<u64>().is_ok())
    {
        first = msg;
    }
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}
