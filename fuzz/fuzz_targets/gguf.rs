#![no_main]
use aidoctor::fit::gguf;
use libfuzzer_sys::fuzz_target;

// GGUF headers: counts, string lengths and array lengths all come from the file.
fuzz_target!(|data: &[u8]| {
    if let Ok(g) = gguf::parse(data) {
        for t in &g.tensors {
            let _ = t.bytes();
        }
        let _ = g.arch_u64_or_max("attention.head_count_kv");
    }
});
