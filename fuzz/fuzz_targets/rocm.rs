#![no_main]
use libfuzzer_sys::fuzz_target;
use aidoctor::probes::rocm;

// rocminfo, /opt/rocm/.info/version and KFD topology properties.
fuzz_target!(|data: &[u8]| {
    let text = aidoctor::text::decode(data);
    let _ = rocm::parse_rocminfo(&text);
    let _ = rocm::parse_rocm_version(&text);
    let _ = rocm::kfd::parse_kfd_properties(1, &text, Some(&text));
    let _ = rocm::amd_ids::parse_hex_u16(&text);
});
