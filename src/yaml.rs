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
    // A real ruleset or snapshot is a few thousand events; alias expansion counts too.
    budget.max_events = 200_000;
    budget.max_nodes = 2_000_000;
    budget.max_total_scalar_bytes = 64 * 1024 * 1024;
    let mut opts = serde_saphyr::Options::default();
    opts.budget = Some(budget);
    // YAML 1.2: `fix: yes`, `title: on`, `why: no` are the strings they look like (YAML 1.1
    // read them as booleans, and a string field then refused them).
    opts.strict_booleans = true;
    opts
}

/// Parse untrusted YAML with [`options`].
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(text, options())
}

/// The error's message in the user's terms, on one line, without a location (callers print
/// it as file:line:col). `text` is the YAML read, to say where a duplicated key first was.
pub fn message_in(e: &serde_saphyr::Error, text: &str) -> String {
    let m = message(e);
    if let Some(rest) = m.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest)
            .trim();
        let first = e
            .location()
            .and_then(|l| first_key_line(text, key, l.line() as usize, l.column() as usize));
        return match first {
            Some(n) => format!("duplicate key `{key}` (first at line {n})"),
            None => format!("duplicate key `{key}`"),
        };
    }
    m
}

/// The line of the earlier `key:` at the same column, in the same mapping, above `line`.
fn first_key_line(text: &str, key: &str, line: usize, column: usize) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    for n in (1..line.min(lines.len() + 1)).rev() {
        let l = lines[n - 1];
        let at: String = l.chars().skip(column - 1).collect();
        let before: String = l.chars().take(column - 1).collect();
        let starts = [
            format!("{key}:"),
            format!("\"{key}\":"),
            format!("'{key}':"),
        ];
        if before.chars().all(|c| c == ' ' || c == '-') && starts.iter().any(|s| at.starts_with(s))
        {
            return Some(n);
        }
        let indent = l.chars().take_while(|&c| c == ' ').count();
        let blank = l.trim().is_empty() || l.trim_start().starts_with('#');
        if !blank && indent + 1 < column {
            // Left of the key: a parent or a new item; the mapping began below.
            return None;
        }
    }
    None
}

/// serde-saphyr's own words, on one line, without a location; its limits in plain words.
pub fn message(e: &serde_saphyr::Error) -> String {
    let m = raw_message(e);
    let Some(what) = m.strip_prefix("budget breached: ") else {
        return m;
    };
    let kind = what.split([' ', '{']).next().unwrap_or(what);
    if kind == "Documents" {
        return "more than one YAML document (`---`): a file holds one".into();
    }
    let limit = match kind {
        "Depth" => "nested more than 64 levels deep",
        "Aliases" => "more than 1,000 aliases (`*name`)",
        "Anchors" => "more than 1,000 anchors (`&name`)",
        "ScalarBytes" => "more than 64 MiB of text in its values",
        "Nodes" => "more than 2,000,000 values",
        // Events, and anything newer.
        _ => "more than 200,000 YAML elements (an alias counts each time it is used)",
    };
    format!("the file is too large or too deeply nested: {limit}")
}

fn raw_message(e: &serde_saphyr::Error) -> String {
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

#[cfg(test)]
mod tests {
    fn msg(t: &str) -> String {
        let e = super::from_str::<serde_json::Value>(t).unwrap_err();
        super::message_in(&e, t)
    }

    #[test]
    fn messages_in_the_users_terms() {
        let bomb = format!(
            "a: &a [{}]\nb: [{}]\n",
            vec!["x"; 1000].join(","),
            vec!["*a"; 300].join(",")
        );
        let deep = format!("x: {}{}\n", "[".repeat(100), "]".repeat(100));
        for (t, want) in [
            (
                bomb.as_str(),
                "the file is too large or too deeply nested: more than 200,000 YAML elements",
            ),
            (
                deep.as_str(),
                "the file is too large or too deeply nested: nested more than 64 levels deep",
            ),
            ("--- 1\n--- 2\n", "more than one YAML document"),
            (
                "arch: x\nid: 1\narch: y\n",
                "duplicate key `arch` (first at line 1)",
            ),
            (
                "rules:\n  - id: a\n    x: 1\n    id: b\n",
                "duplicate key `id` (first at line 2)",
            ),
        ] {
            let m = msg(t);
            assert!(m.starts_with(want), "{m}");
            for internal in ["budget", "Options", "Policy", "{"] {
                assert!(!m.contains(internal), "{m}");
            }
        }
    }

    #[test]
    fn yes_on_and_no_are_strings() {
        let v: serde_json::Value = super::from_str("a: yes\nb: on\nc: no\nd: true\n").unwrap();
        assert_eq!(v["a"], "yes");
        assert_eq!(v["b"], "on");
        assert_eq!(v["c"], "no");
        assert_eq!(v["d"], true);
    }
}
