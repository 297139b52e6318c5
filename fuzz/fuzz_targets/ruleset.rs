#![no_main]
//! Any bytes as a ruleset: a located error or a ruleset, never a panic or a hang.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(rs) = aidoctor::rules::load_str(text, "fuzz.yaml") {
            let facts = aidoctor::facts::Facts::new();
            let _ = aidoctor::rules::evaluate(&rs, &facts, "fuzz");
        }
    }
});
