#![no_main]
use aidoctor::fit::safetensors;
use libfuzzer_sys::fuzz_target;

// safetensors headers: the 8-byte length and the JSON after it.
fuzz_target!(|data: &[u8]| {
    let _ = safetensors::header_len(data);
    let _ = safetensors::parse(data);
});
