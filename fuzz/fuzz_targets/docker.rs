#![no_main]
use libfuzzer_sys::fuzz_target;
use aidoctor::probes::docker;

// docker version/info (JSON and human formats) and nvidia-ctk --version.
fuzz_target!(|data: &[u8]| {
    let text = aidoctor::text::decode(data);
    let _ = docker::parse_version_json(&text);
    let _ = docker::parse_info_json(&text);
    let _ = docker::parse_info_text(&text);
    let _ = docker::parse_nvidia_ctk_version(&text);
});
