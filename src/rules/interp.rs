//! Fact interpolation in messages and version ranges: `{nvidia.driver_version}`.
//!
//! Only a dotted lower-case name in braces is a placeholder, so shell and Go-template text in
//! fixes stays literal: `${HOME}`, `{{json .}}`, `{ echo; }` are left alone.

use regex::Regex;
use std::sync::LazyLock;

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\}").expect("valid regex"));

/// The fact names `text` interpolates, in order.
pub fn placeholders(text: &str) -> Vec<&str> {
    PLACEHOLDER
        .captures_iter(text)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect()
}

/// Replace each placeholder by `lookup(name)`; `None` renders as "unknown".
pub fn interpolate(text: &str, lookup: &mut dyn FnMut(&str) -> Option<String>) -> String {
    PLACEHOLDER
        .replace_all(text, |c: &regex::Captures| {
            let name = c.get(1).map_or("", |m| m.as_str());
            lookup(name).unwrap_or_else(|| "unknown".to_string())
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dotted_names_are_placeholders() {
        assert_eq!(
            placeholders("driver {nvidia.driver_version}, CUDA {nvidia.cuda_version}"),
            ["nvidia.driver_version", "nvidia.cuda_version"]
        );
        assert!(placeholders("docker info --format '{{json .Runtimes}}' ${HOME} {x}").is_empty());
        let out = interpolate("{a.b} and {c.d} {{json .}}", &mut |n| {
            (n == "a.b").then(|| "1".to_string())
        });
        assert_eq!(out, "1 and unknown {{json .}}");
    }
}
