#![no_main]
use libfuzzer_sys::fuzz_target;
use aidoctor::probes::{cpu, cuda_toolkit, python, updates, wsl};

// /proc/cpuinfo, apt/dnf/registry update settings, /proc/version (WSL), the Python probe's
// JSON and the CUDA toolkit's version outputs.
fuzz_target!(|data: &[u8]| {
    let text = aidoctor::text::decode(data);
    let _ = cpu::parse_cpuinfo(&text);
    let _ = updates::parse_apt_conf(&text);
    let _ = updates::apt_unattended(&[&text]);
    let _ = updates::dnf_automatic(&[&text]);
    let _ = updates::parse_reg_query(&text);
    let _ = wsl::parse_proc_version(&text);
    let _ = python::parse_output(&text);
    let _ = cuda_toolkit::parse_nvcc_version(&text);
    let _ = cuda_toolkit::parse_version_json(&text);
    let _ = cuda_toolkit::parse_version_txt(&text);
});
