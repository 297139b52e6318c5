#![no_main]
//! Any bytes as snapshot.yaml.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = aidoctor::yaml::from_str::<aidoctor::host::snapshot::Snapshot>(text);
    }
});
