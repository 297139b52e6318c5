#![no_main]
use libfuzzer_sys::fuzz_target;
use aidoctor::probes::nvidia;

// nvidia-smi -q, the compute-capability CSV and /proc/driver/nvidia/version.
fuzz_target!(|data: &[u8]| {
    let text = aidoctor::text::decode(data);
    let _ = nvidia::query::parse_query(&text);
    let _ = nvidia::parse_compute_caps(&text);
    let _ = nvidia::parse_proc_version(&text);
});
