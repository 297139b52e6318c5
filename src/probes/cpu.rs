//! CPU model, cores and the vector extensions llama.cpp and vLLM care about: /proc/cpuinfo.

use super::{Ctx, Probe};
use crate::facts::Facts;
use crate::host::{Host, Platform};
use std::collections::BTreeSet;

pub static PROBE: Probe = Probe {
    name: "cpu",
    summary: "CPU model, cores and the vector extensions llama.cpp and vLLM care about: /proc/cpuinfo.",
    facts: crate::facts::vocab::CPU,
    slow: false,
    run,
};

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    match host.platform() {
        Platform::Linux => match host.read_text("/proc/cpuinfo") {
            Some(text) => {
                let c = parse_cpuinfo(&text);
                f.set_opt("cpu.model", c.model);
                f.set_opt("cpu.threads", c.threads);
                f.set_opt("cpu.cores", c.cores);
                f.set_opt("cpu.avx2", c.avx2);
                f.set_opt("cpu.avx512", c.avx512);
            }
            None => f.set_error("cpu", "not_found", "/proc/cpuinfo is missing or unreadable"),
        },
        Platform::Windows => {
            // Windows sets these for every process; the identifier is the family/model
            // string ("Intel64 Family 6 Model 154 Stepping 3, GenuineIntel"), not the brand.
            f.set_opt(
                "cpu.model",
                host.env("PROCESSOR_IDENTIFIER")
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
            );
            f.set_opt(
                "cpu.threads",
                host.env("NUMBER_OF_PROCESSORS")
                    .and_then(|n| n.trim().parse::<u64>().ok()),
            );
        }
        Platform::Macos => macos(host, ctx, &mut f),
    }
    f
}

/// The chip's name and cores from sysctl. Early macOS 11 on an M1 called it "Apple
/// processor"; the name is taken as printed.
fn macos(host: &dyn Host, ctx: &Ctx, f: &mut Facts) {
    let names = [
        "machdep.cpu.brand_string",
        "hw.physicalcpu",
        "hw.logicalcpu",
    ];
    match super::sysctl::query(host, ctx, &names) {
        Ok(m) => {
            f.set_opt(
                "cpu.model",
                m.get("machdep.cpu.brand_string")
                    .filter(|s| !s.is_empty())
                    .cloned(),
            );
            f.set_opt("cpu.cores", super::sysctl::number(&m, "hw.physicalcpu"));
            f.set_opt("cpu.threads", super::sysctl::number(&m, "hw.logicalcpu"));
        }
        Err(e) => f.set_error("cpu", "other", e),
    }
}

#[derive(Debug, Default, PartialEq)]
pub struct CpuInfo {
    pub model: Option<String>,
    pub threads: Option<u64>,
    pub cores: Option<u64>,
    pub avx2: Option<bool>,
    pub avx512: Option<bool>,
}

/// /proc/cpuinfo: one `key\t: value` block per logical CPU. x86 names the CPU in
/// `model name` and lists `flags`; ARM kernels print `CPU implementer`/`CPU part` and
/// `Features` instead, sometimes with `Hardware` or `Model` (Raspberry Pi) lines.
pub fn parse_cpuinfo(text: &str) -> CpuInfo {
    let mut threads = 0u64;
    let mut model_name = None;
    let mut hardware = None;
    let mut board_model = None;
    let mut implementer = None;
    let mut part = None;
    let mut flags: Option<String> = None;
    let mut cores: BTreeSet<(String, String)> = BTreeSet::new();
    let mut physical = String::new();
    // `cpu cores` = cores in this package; a paste trimmed to one block still says it.
    let mut package_cores: std::collections::BTreeMap<String, u64> = Default::default();
    // `siblings` = logical CPUs in this package.
    let mut package_threads: std::collections::BTreeMap<String, u64> = Default::default();
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k.trim() {
            "processor" => {
                // ARM kernels before 3.8 printed a `Processor : ARMv7 ...` name line
                // (capital P) that is not a CPU entry; the lower-case key is.
                if v.parse::<u64>().is_ok() {
                    threads += 1;
                }
                physical.clear();
            }
            "model name" if model_name.is_none() && !v.is_empty() => {
                model_name = Some(v.to_string())
            }
            "Hardware" if hardware.is_none() && !v.is_empty() => hardware = Some(v.to_string()),
            "Model" if board_model.is_none() && !v.is_empty() => board_model = Some(v.to_string()),
            "CPU implementer" if implementer.is_none() => implementer = Some(v.to_string()),
            "CPU part" if part.is_none() => part = Some(v.to_string()),
            "flags" | "Features" if flags.is_none() => flags = Some(v.to_string()),
            "physical id" => physical = v.to_string(),
            "core id" => {
                cores.insert((physical.clone(), v.to_string()));
            }
            "siblings" => {
                if let Ok(n) = v.parse::<u64>() {
                    package_threads.insert(physical.clone(), n);
                }
            }
            "cpu cores" => {
                if let Ok(n) = v.parse::<u64>() {
                    package_cores.insert(physical.clone(), n);
                }
            }
            _ => {}
        }
    }
    let model = model_name
        .or(board_model)
        .or_else(|| arm_core_name(implementer.as_deref(), part.as_deref()))
        .or(hardware);
    let threads = threads.max(package_threads.values().sum());
    let threads = (threads > 0).then_some(threads);
    // Without topology lines (ARM, some VMs) every logical CPU is a core.
    let declared: u64 = package_cores.values().sum();
    let cores = if cores.is_empty() && declared == 0 {
        threads
    } else {
        Some((cores.len() as u64).max(declared))
    };
    let has = |flag: &str| {
        flags
            .as_deref()
            .map(|fl| fl.split_whitespace().any(|x| x == flag))
    };
    CpuInfo {
        model,
        threads,
        cores,
        avx2: has("avx2"),
        // AVX-512 Foundation: every AVX-512 CPU has it; llama.cpp's AVX512 build needs it.
        avx512: has("avx512f"),
    }
}

/// Arm's own core designs (implementer 0x41), part numbers as the Linux kernel lists them
/// (arch/arm64/include/asm/cputype.h). Other implementers are named by their ids.
fn arm_core_name(implementer: Option<&str>, part: Option<&str>) -> Option<String> {
    let part = part?.to_ascii_lowercase();
    let implementer = implementer.unwrap_or("").to_ascii_lowercase();
    if implementer == "0x41" {
        let name = match part.as_str() {
            "0xd03" => Some("Cortex-A53"),
            "0xd05" => Some("Cortex-A55"),
            "0xd07" => Some("Cortex-A57"),
            "0xd08" => Some("Cortex-A72"),
            "0xd0b" => Some("Cortex-A76"),
            "0xd0c" => Some("Neoverse-N1"),
            "0xd40" => Some("Neoverse-V1"),
            "0xd41" => Some("Cortex-A78"),
            "0xd49" => Some("Neoverse-N2"),
            "0xd4f" => Some("Neoverse-V2"),
            _ => None,
        };
        if let Some(n) = name {
            return Some(format!("ARM {n}"));
        }
    }
    Some(format!("ARM implementer {implementer} part {part}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;

    fn x86_block(n: u32, phys: u32, core: u32, flags: &str) -> String {
        format!(
            "processor\t: {n}\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz\nphysical id\t: {phys}\nsiblings\t: 4\ncore id\t\t: {core}\ncpu cores\t: 2\nflags\t\t: {flags}\n\n"
        )
    }

    #[test]
    fn macos_chip_from_sysctl() {
        let brand =
            crate::testutil::sample("macos/sysctl-machdep-cpu-apple-processor-early-m1.txt");
        let out = format!("{brand}hw.physicalcpu: 8\nhw.logicalcpu: 8\n");
        let h = FakeHost::new().platform(Platform::Macos).cmd(
            &[
                "sysctl",
                "machdep.cpu.brand_string",
                "hw.physicalcpu",
                "hw.logicalcpu",
            ],
            out,
        );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("cpu.model"), Some("Apple processor"));
        assert_eq!(f.get_u64("cpu.cores"), Some(8));
        assert_eq!(f.get_u64("cpu.threads"), Some(8));
        let f = run(&FakeHost::new().platform(Platform::Macos), &Ctx::default());
        assert_eq!(f.get_str("cpu.error"), Some("other"));
    }

    #[test]
    fn x86_two_sockets_with_hyperthreads() {
        let flags = "fpu vme sse sse2 avx avx2 avx512f avx512dq";
        let mut t = String::new();
        let mut n = 0;
        for phys in 0..2 {
            for _ht in 0..2 {
                for core in 0..2 {
                    t.push_str(&x86_block(n, phys, core, flags));
                    n += 1;
                }
            }
        }
        let c = parse_cpuinfo(&t);
        assert_eq!(
            c.model.as_deref(),
            Some("Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz")
        );
        assert_eq!(c.threads, Some(8));
        assert_eq!(c.cores, Some(4));
        assert_eq!(c.avx2, Some(true));
        assert_eq!(c.avx512, Some(true));
    }

    #[test]
    fn avx512_needs_the_foundation_flag() {
        let c = parse_cpuinfo(&x86_block(0, 0, 0, "avx avx2 avx512_vnni avx_vnni"));
        assert_eq!(c.avx2, Some(true));
        assert_eq!(c.avx512, Some(false));
    }

    #[test]
    fn arm_server_without_model_name() {
        let block = |n: u32| {
            format!(
                "processor\t: {n}\nBogoMIPS\t: 2000.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd4f\nCPU revision\t: 0\n\n"
            )
        };
        let t: String = (0..4).map(block).collect();
        let c = parse_cpuinfo(&t);
        assert_eq!(c.model.as_deref(), Some("ARM Neoverse-V2"));
        assert_eq!(c.threads, Some(4));
        assert_eq!(c.cores, Some(4));
        assert_eq!(c.avx2, Some(false));
    }

    #[test]
    fn raspberry_pi_names_the_board() {
        let t = "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd0b\n\nHardware\t: BCM2835\nRevision\t: c04170\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n";
        let c = parse_cpuinfo(t);
        assert_eq!(c.model.as_deref(), Some("Raspberry Pi 5 Model B Rev 1.0"));
        assert_eq!(c.threads, Some(1));
    }

    #[test]
    fn probe_linux_and_windows() {
        let h = FakeHost::new().file("/proc/cpuinfo", x86_block(0, 0, 0, "sse2 avx"));
        let f = run(&h, &Ctx::default());
        // One block whose package says `siblings: 4`.
        assert_eq!(f.get_u64("cpu.threads"), Some(4));
        assert_eq!(f.get_bool("cpu.avx2"), Some(false));
        let f = run(&FakeHost::new(), &Ctx::default());
        assert_eq!(f.get_str("cpu.error"), Some("not_found"));
        let h = FakeHost::new()
            .platform(Platform::Windows)
            .env(
                "PROCESSOR_IDENTIFIER",
                "Intel64 Family 6 Model 154 Stepping 3, GenuineIntel",
            )
            .env("NUMBER_OF_PROCESSORS", "20");
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_u64("cpu.threads"), Some(20));
        assert_eq!(
            f.get_str("cpu.model"),
            Some("Intel64 Family 6 Model 154 Stepping 3, GenuineIntel")
        );
        assert_eq!(f.get("cpu.avx2"), None);
    }

    #[test]
    fn real_cpuinfo_samples() {
        use crate::testutil::sample;
        let c = parse_cpuinfo(&sample("cpuinfo/x86-amd-epyc-zen5-2vcpu-vm.txt"));
        assert_eq!(c.model.as_deref(), Some("AMD EPYC"));
        assert_eq!((c.threads, c.cores), (Some(2), Some(2)));
        assert_eq!((c.avx2, c.avx512), (Some(true), Some(true)));
        // big.LITTLE: the first core names the CPU.
        let c = parse_cpuinfo(&sample("cpuinfo/arm-agilex5-a55-a76.txt"));
        assert_eq!(c.model.as_deref(), Some("ARM Cortex-A55"));
        assert_eq!((c.threads, c.cores), (Some(4), Some(4)));
        assert_eq!(c.avx2, Some(false));
        // The core design is more telling than the SoC family in `Hardware`.
        let c = parse_cpuinfo(&sample("cpuinfo/arm-nanopi-neo2-h5.txt"));
        assert_eq!(c.model.as_deref(), Some("ARM Cortex-A53"));
        assert_eq!(c.threads, Some(4));
        assert_eq!(c.avx512, Some(false));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_cpuinfo(&s);
        }
    }

    #[test]
    fn a_paste_trimmed_to_one_block_keeps_the_core_count() {
        let one = "processor\t: 0\nmodel name\t: AMD Ryzen 9 5900X 12-Core Processor\nphysical id\t: 0\nsiblings\t: 24\ncore id\t\t: 0\ncpu cores\t: 12\nflags\t\t: avx2\n";
        let c = parse_cpuinfo(one);
        assert_eq!(c.cores, Some(12));
        assert_eq!(c.threads, Some(24));
    }
}
