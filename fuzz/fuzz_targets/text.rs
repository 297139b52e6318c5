#![no_main]
//! Decoding tool output and the OS parsers.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = aidoctor::text::decode(data);
    let _ = aidoctor::text::strip_ansi(&text);
    let _ = aidoctor::text::find_version(&text);
    let _ = aidoctor::probes::os::parse_os_release(&text);
    let _ = aidoctor::probes::os::parse_meminfo(&text);
    let _ = aidoctor::probes::os::kernel_from_proc_version(&text);
});
