//! JSON Schemas generated from the Rust types: the `check --format json` document and the
//! ruleset format. Committed under schema/; a test fails when they are stale.

use serde_json::Value;

/// `schema/report.schema.json`.
pub fn report() -> Value {
    serde_json::to_value(schemars::schema_for!(crate::report::ReportDocument))
        .unwrap_or(Value::Null)
}

/// `schema/ruleset.schema.json`.
pub fn ruleset() -> Value {
    serde_json::to_value(schemars::schema_for!(crate::rules::Ruleset)).unwrap_or(Value::Null)
}

/// Every schema with its path in the repository.
pub fn all() -> Vec<(&'static str, Value)> {
    vec![
        ("schema/report.schema.json", report()),
        ("schema/ruleset.schema.json", ruleset()),
    ]
}

#[cfg(test)]
mod tests {
    /// Like `ruff generate --check`: regenerate and compare.
    /// To update: `UPDATE_SCHEMAS=1 cargo test schema`.
    #[test]
    fn schemas_are_current() {
        let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
        for (rel, schema) in super::all() {
            let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
            let want = serde_json::to_string_pretty(&schema).unwrap() + "\n";
            if update {
                std::fs::write(&path, &want).unwrap();
                continue;
            }
            let have = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                have == want,
                "{rel} is stale: regenerate it with `UPDATE_SCHEMAS=1 cargo test schema`"
            );
        }
    }

    #[test]
    fn the_report_document_validates_its_own_shape() {
        let s = super::report();
        let props = &s["properties"];
        for k in ["schema_version", "summary", "facts", "rulesets", "platform"] {
            assert!(props.get(k).is_some(), "{k} missing from report schema");
        }
        let r = super::ruleset();
        assert_eq!(r["additionalProperties"], serde_json::json!(false));
        assert!(r["$defs"]["Condition"]["properties"]["any_gpu"].is_object());
    }
}
