//! NVIDIA: nvidia-smi -q, the compute-capability query, /proc/driver/nvidia/version.
//!
//! `nvidia-smi -q` gives the driver, the driver's CUDA and every physical GPU; the csv query
//! adds compute capabilities (510+; for older drivers the knowledge base fills them in from
//! the chip or the model name, see `knowledge::derive`). When
//! nvidia-smi is missing or fails, its own words become `nvidia.error_message`, the failure a
//! code in `nvidia.error`, and the kernel module's version (from /proc) still gives
//! `nvidia.driver_version`.

#[path = "nvidia_query.rs"]
pub mod query;

pub use query::{NvidiaQuery, QueryGpu, parse_query};

use super::{Ctx, Probe};
use crate::facts::{Facts, Gpu, Vendor};
use crate::host::{CommandOutput, Host, Platform, SpawnError};
use std::collections::BTreeMap;

pub static PROBE: Probe = Probe {
    name: "nvidia",
    summary: "NVIDIA: nvidia-smi -q, the compute-capability query, /proc/driver/nvidia/version.",
    facts: crate::facts::vocab::NVIDIA,
    slow: false,
    run,
};

const PROC_VERSION: &str = "/proc/driver/nvidia/version";
/// WSL2 mounts the Windows driver's Linux tools here; it is on PATH only in some shells.
const WSL_SMI: &str = "/usr/lib/wsl/lib/nvidia-smi";
const CC_QUERY: [&str; 2] = ["--query-gpu=index,compute_cap", "--format=csv,noheader"];

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    let linux = host.platform() == Platform::Linux;
    let smi = match host.which("nvidia-smi") {
        Some(path) => Some(("nvidia-smi", path)),
        None if linux && host.exists(WSL_SMI) => Some((WSL_SMI, WSL_SMI.to_string())),
        None => None,
    };
    let Some((argv0, path)) = smi else {
        without_smi(host, linux, &mut f, None);
        return f;
    };

    let out = host.run(&[argv0, "-q"], ctx.timeout);
    if out.spawn_error == Some(SpawnError::NotFound) {
        // PATH named it, but it is gone (a dangling symlink after an uninstall).
        without_smi(host, linux, &mut f, Some(&path));
        return f;
    }
    f.set("nvidia.smi_path", path);
    let q = parse_query(&out.stdout_text());
    let parsed = q.driver_version.is_some() || !q.gpus.is_empty();
    if let Some((code, message)) = failure(&out, parsed, ctx) {
        f.set_error("nvidia", code, message);
    }
    if !parsed {
        if linux
            && let Some(v) = host
                .read_text(PROC_VERSION)
                .and_then(|t| parse_proc_version(&t))
        {
            f.set("nvidia.driver_version", v);
        }
        return f;
    }

    // A report without its header (cut, or a tool that drops it): the kernel module's
    // version is the driver's.
    let driver = q.driver_version.clone().or_else(|| {
        linux
            .then(|| host.read_text(PROC_VERSION))
            .flatten()
            .and_then(|t| parse_proc_version(&t))
    });
    f.set_opt("nvidia.driver_version", driver);
    f.set_opt("nvidia.cuda_version", q.cuda_version.clone());
    f.set(
        "nvidia.gpu_count",
        u64::from(q.attached_gpus.unwrap_or(q.gpus.len() as u32)),
    );
    let caps = if q.gpus.is_empty() {
        BTreeMap::new()
    } else {
        let out = host.run(&[argv0, CC_QUERY[0], CC_QUERY[1]], ctx.timeout);
        if out.success() {
            parse_compute_caps(&out.stdout_text())
        } else {
            BTreeMap::new()
        }
    };
    if q.gpus.len() > super::MAX_GPUS {
        f.set(
            "nvidia.truncated",
            format!(
                "nvidia-smi listed {} GPUs, only the first {} read",
                q.gpus.len(),
                super::MAX_GPUS
            ),
        );
    }
    f.gpus = q
        .gpus
        .iter()
        .take(super::MAX_GPUS)
        .enumerate()
        .map(|(i, g)| to_gpu(i as u32, g, &caps))
        .collect();
    f
}

/// nvidia-smi is not there: the driver may still be loaded (its /proc file says so).
fn without_smi(host: &dyn Host, linux: bool, f: &mut Facts, dangling: Option<&str>) {
    let missing = match dangling {
        Some(p) => format!("nvidia-smi ({p}) could not be started"),
        None => "nvidia-smi was not found on PATH".to_string(),
    };
    let proc_text = if linux {
        host.read_text(PROC_VERSION)
    } else {
        None
    };
    match proc_text {
        None => f.set_error(
            "nvidia",
            "not_installed",
            if linux {
                format!("{missing} and {PROC_VERSION} does not exist")
            } else {
                missing
            },
        ),
        Some(text) => {
            let version = parse_proc_version(&text);
            let module = version.as_deref().unwrap_or("of unknown version");
            f.set_error(
                "nvidia",
                "other",
                format!("{missing}, but the NVIDIA kernel module {module} is loaded"),
            );
            f.set_opt("nvidia.driver_version", version);
        }
    }
}

/// Why `nvidia-smi -q` did not give a full answer, if it did not.
fn failure(out: &CommandOutput, parsed: bool, ctx: &Ctx) -> Option<(&'static str, String)> {
    if out.timed_out {
        return Some((
            "timeout",
            format!(
                "`nvidia-smi -q` did not finish within {}",
                crate::text::duration(ctx.timeout)
            ),
        ));
    }
    match &out.spawn_error {
        Some(SpawnError::PermissionDenied) => {
            return Some(("other", "nvidia-smi is not executable by this user".into()));
        }
        Some(SpawnError::Other(m)) => return Some(("other", format!("nvidia-smi: {m}"))),
        Some(SpawnError::NotFound) | None => {}
    }
    if out.success() && parsed {
        return None;
    }
    let text = out.combined_text();
    if let Some(sig) = out.signal {
        // A crash is the diagnosis; the partial report before it is not.
        let words = tool_words(&text);
        let last = if words.is_empty() || looks_binary(&out.stdout) {
            String::new()
        } else {
            format!("; its last words: {words}")
        };
        return Some(("other", format!("nvidia-smi crashed (signal {sig}){last}")));
    }
    if looks_binary(&out.stdout) {
        return Some((
            "other",
            "`nvidia-smi -q` printed binary data, not a report (a damaged or wrong binary?)".into(),
        ));
    }
    let words = tool_words(&text);
    let message = match (words.is_empty(), out.exit) {
        (false, _) => words,
        (true, Some(code)) if text.trim().is_empty() => {
            format!("`nvidia-smi -q` exited with status {code} and no output")
        }
        (true, Some(code)) => {
            format!("`nvidia-smi -q` (exit status {code}) printed no report aidoctor could read")
        }
        (true, None) => "`nvidia-smi -q` was killed before it finished".to_string(),
    };
    Some((classify_failure(out.exit, &text), message))
}

/// Output that is not text: NULs outside UTF-16, or mostly bytes no text decoding explains.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.is_empty() {
        return false;
    }
    let text = crate::text::decode(bytes);
    let odd = text
        .chars()
        .filter(|&c| c == '\u{fffd}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t')))
        .count();
    odd * 10 > text.chars().count()
}

/// Sort a failed nvidia-smi into an `nvidia.error` code, by its message first (they are
/// stable across versions) and its documented exit status second (9: driver not loaded).
pub fn classify_failure(exit: Option<i32>, text: &str) -> &'static str {
    let t = text.to_ascii_lowercase();
    if t.contains("driver/library version mismatch") || exit == Some(18) {
        "version_mismatch"
    } else if t.contains("couldn't communicate with the nvidia driver")
        || t.contains("driver not loaded")
        || t.contains("nvidia driver is not loaded")
        || exit == Some(9)
    {
        "driver_not_loaded"
    } else {
        "other"
    }
}

/// The tool's message: its non-blank lines, at most a few, as printed. Lines of the report
/// itself ("Key : value", the banner, GPU headers) are left out, so a report cut short by an
/// error keeps the error's words.
fn tool_words(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with(' ') && !l.contains(" : "))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("====") && !l.starts_with("GPU 0"))
        .take(6)
        .collect::<Vec<_>>()
        .join("\n")
}

fn to_gpu(index: u32, g: &QueryGpu, caps: &BTreeMap<u32, String>) -> Gpu {
    let mut gpu = Gpu::new(Vendor::Nvidia);
    gpu.name = g.name.clone();
    gpu.pci_id = g.pci_id.clone();
    gpu.pci_address = g.pci_address.clone();
    gpu.index = Some(index);
    gpu.vram_total_mib = g.vram_total_mib;
    gpu.vram_used_mib = g.vram_used_mib;
    // What the driver says; older drivers' GPUs get theirs from the knowledge base.
    gpu.compute_capability = caps.get(&index).cloned();
    gpu.display_active = g.display_active;
    gpu.driver_model = g.driver_model.clone();
    gpu.mig_mode = g.mig_mode.clone();
    let l = &g.pcie_link;
    let any_link = l.generation.is_some()
        || l.width.is_some()
        || l.max_generation.is_some()
        || l.max_width.is_some();
    gpu.pcie_link = any_link.then(|| l.clone());
    gpu.processes = g.processes.clone();
    gpu
}

/// `nvidia-smi --query-gpu=index,compute_cap --format=csv,noheader`: "0, 8.9" lines, by index.
/// Header lines, units, blank lines and `[N/A]` values are skipped.
pub fn parse_compute_caps(text: &str) -> BTreeMap<u32, String> {
    let mut caps = BTreeMap::new();
    for line in text.lines() {
        let mut fields = line.split(',').map(str::trim);
        let (Some(index), Some(cc)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Ok(index) = index.parse::<u32>() else {
            continue;
        };
        let Some(cc) = query::known(cc) else {
            continue;
        };
        let cc = cc.split_whitespace().next().unwrap_or_default();
        if let Some((major, minor)) = cc.split_once('.')
            && !major.is_empty()
            && !minor.is_empty()
            && major.len() <= 3
            && minor.len() <= 3
            && major
                .bytes()
                .chain(minor.bytes())
                .all(|b| b.is_ascii_digit())
        {
            caps.insert(index, cc.to_string());
        }
    }
    caps
}

/// /proc/driver/nvidia/version: "NVRM version: NVIDIA UNIX x86_64 Kernel Module  384.98  ..."
/// (or "... Open Kernel Module for x86_64  565.57.01  Release Build ...") -> the version.
pub fn parse_proc_version(text: &str) -> Option<String> {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("NVRM version:"))?;
    line.split_whitespace()
        .find(|w| {
            w.contains('.')
                && w.starts_with(|c: char| c.is_ascii_digit())
                && w.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ProcessKind;
    use crate::host::fake::FakeHost;
    use crate::testutil::{sample, samples_in};
    use proptest::prelude::*;

    const Q: [&str; 2] = ["nvidia-smi", "-q"];
    const CCQ: [&str; 3] = ["nvidia-smi", CC_QUERY[0], CC_QUERY[1]];

    fn probe(h: &FakeHost) -> Facts {
        run(h, &Ctx::default())
    }

    #[test]
    fn a_crash_and_binary_output_are_said_as_such() {
        let crashed = CommandOutput {
            signal: Some(11),
            stdout: sample("nvidia-smi-q/h100-80gb-590.48.01-q.txt").as_bytes()[..400].to_vec(),
            ..Default::default()
        };
        let f = probe(&FakeHost::new().cmd_full(&Q, crashed));
        assert_eq!(f.get_str("nvidia.error"), Some("other"));
        let m = f.get_str("nvidia.error_message").unwrap_or_default();
        assert!(m.starts_with("nvidia-smi crashed (signal 11)"), "{m}");
        let garbage: Vec<u8> = (0..3000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let binary = CommandOutput {
            exit: Some(0),
            stdout: garbage,
            ..Default::default()
        };
        let f = probe(&FakeHost::new().cmd_full(&Q, binary));
        let m = f.get_str("nvidia.error_message").unwrap_or_default();
        assert!(m.contains("printed binary data"), "{m}");
    }

    #[test]
    fn happy_path_h100() {
        let h = FakeHost::new()
            .cmd(&Q, sample("nvidia-smi-q/h100-80gb-590.48.01-q.txt"))
            .cmd(&CCQ, "9.0\n0, 9.0\n");
        let f = probe(&h);
        assert_eq!(f.get_str("nvidia.driver_version"), Some("590.48.01"));
        assert_eq!(f.get_str("nvidia.cuda_version"), Some("13.1"));
        assert_eq!(f.get_u64("nvidia.gpu_count"), Some(1));
        assert_eq!(f.get_str("nvidia.smi_path"), Some("/usr/bin/nvidia-smi"));
        assert_eq!(f.get("nvidia.error"), None);
        assert_eq!(f.gpus.len(), 1);
        let g = &f.gpus[0];
        assert_eq!(g.vendor, Vendor::Nvidia);
        assert_eq!(g.index, Some(0));
        assert_eq!(g.name.as_deref(), Some("NVIDIA H100 80GB HBM3"));
        assert_eq!(g.pci_id.as_deref(), Some("10de:2330"));
        assert_eq!(g.pci_address.as_deref(), Some("0000:00:09.0"));
        assert_eq!(g.vram_total_mib, Some(81559));
        assert_eq!(g.compute_capability.as_deref(), Some("9.0"));
        assert_eq!(g.display_active, Some(false));
        assert_eq!(g.mig_mode.as_deref(), Some("Disabled"));
        assert_eq!(g.driver_model, None);
        let link = g.pcie_link.as_ref().unwrap();
        assert_eq!((link.generation, link.width), (Some(5), Some(16)));
        assert!(PROBE.facts.iter().all(|n| n.starts_with("nvidia.")));
        for name in f.values().keys() {
            assert!(PROBE.facts.contains(&name.as_str()), "{name} not declared");
        }
    }

    #[test]
    fn partial_answer_keeps_gpus_and_says_why() {
        let mut text = sample("nvidia-smi-q/h100-80gb-590.48.01-q.txt");
        text.push_str(
            "Unable to determine the device handle for GPU1: 0000:0B:00.0: Unknown Error\n",
        );
        let h = FakeHost::new()
            .cmd_exit(&Q, 255, text, "")
            .cmd(&CCQ, "0, 9.0\n");
        let f = probe(&h);
        assert_eq!(f.gpus.len(), 1);
        assert_eq!(f.get_str("nvidia.driver_version"), Some("590.48.01"));
        assert_eq!(f.get_str("nvidia.error"), Some("other"));
        assert_eq!(
            f.get_str("nvidia.error_message"),
            Some("Unable to determine the device handle for GPU1: 0000:0B:00.0: Unknown Error")
        );
    }

    #[test]
    fn compute_cap_unknown_to_the_probe_when_query_unsupported() {
        let h = FakeHost::new()
            .cmd(
                &Q,
                sample("nvidia-smi-q/gtx1080-396.54-no-cuda-header-truncated-q.txt"),
            )
            .cmd_exit(
                &CCQ,
                2,
                "Field \"compute_cap\" is not a valid field to query.\n",
                "",
            );
        let f = probe(&h);
        assert_eq!(f.get_str("nvidia.driver_version"), Some("396.54"));
        assert_eq!(f.get("nvidia.cuda_version"), None);
        assert_eq!(f.get("nvidia.error"), None);
        // The knowledge base fills it in later (knowledge::derive), from the chip or the name.
        assert_eq!(f.gpus[0].compute_capability, None);
        assert_eq!(f.gpus[0].display_active, Some(true));
    }

    #[test]
    fn not_installed() {
        let f = probe(&FakeHost::new());
        assert_eq!(f.get_str("nvidia.error"), Some("not_installed"));
        assert!(
            f.get_str("nvidia.error_message")
                .unwrap()
                .contains("not found")
        );
        assert_eq!(f.get("nvidia.driver_version"), None);
        assert!(f.gpus.is_empty());
    }

    #[test]
    fn module_loaded_without_nvidia_smi() {
        let h = FakeHost::new().file(
            PROC_VERSION,
            sample("proc-driver-nvidia/ubuntu2404-open-565.57.01.txt"),
        );
        let f = probe(&h);
        assert_eq!(f.get_str("nvidia.error"), Some("other"));
        assert_eq!(f.get_str("nvidia.driver_version"), Some("565.57.01"));
    }

    #[test]
    fn driver_not_loaded() {
        let msg = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA \
                   driver. Make sure that the latest NVIDIA driver is installed and running.\n\n";
        let h = FakeHost::new().cmd_exit(&Q, 9, msg, "");
        let f = probe(&h);
        assert_eq!(f.get_str("nvidia.error"), Some("driver_not_loaded"));
        assert_eq!(f.get_str("nvidia.error_message"), Some(msg.trim()));
        assert_eq!(f.get("nvidia.driver_version"), None);
        assert!(f.gpus.is_empty());
    }

    #[test]
    fn version_mismatch_keeps_kernel_module_version() {
        let h = FakeHost::new()
            .cmd_exit(
                &Q,
                18,
                sample("errors/nvml-mismatch-535.161-exit18.txt"),
                "",
            )
            .file(PROC_VERSION, sample("proc-driver-nvidia/ubuntu-384.98.txt"));
        let f = probe(&h);
        assert_eq!(f.get_str("nvidia.error"), Some("version_mismatch"));
        let m = f.get_str("nvidia.error_message").unwrap();
        assert!(m.contains("Driver/library version mismatch"), "{m}");
        assert!(m.contains("NVML library version: 535.161"), "{m}");
        assert_eq!(f.get_str("nvidia.driver_version"), Some("384.98"));
    }

    #[test]
    fn timeout() {
        let h = FakeHost::new().cmd_timeout(&Q);
        let f = probe(&h);
        assert_eq!(f.get_str("nvidia.error"), Some("timeout"));
        assert!(f.get_str("nvidia.error_message").unwrap().contains("5 s"));
        assert!(f.gpus.is_empty());
    }

    #[test]
    fn garbage_output_is_other() {
        let h = FakeHost::new().cmd(&Q, "\u{1b}[31m\0\0garbage: : :\nGPU \n    :::\n");
        let f = probe(&h);
        assert_eq!(f.get_str("nvidia.error"), Some("other"));
        assert!(f.get_str("nvidia.error_message").is_some());
        assert!(f.gpus.is_empty());
    }

    #[test]
    fn wsl_runs_the_tool_by_full_path() {
        let h = FakeHost::new()
            .path(WSL_SMI, true, true, false)
            .cmd(
                &[WSL_SMI, "-q"],
                sample("nvidia-smi-q/rtx4070laptop-wsl2-566.36-wddm-q.txt"),
            )
            .cmd(&[WSL_SMI, CC_QUERY[0], CC_QUERY[1]], "0, 8.9\n");
        let f = probe(&h);
        assert_eq!(f.get_str("nvidia.smi_path"), Some(WSL_SMI));
        assert_eq!(f.get_str("nvidia.driver_version"), Some("566.36"));
        let g = &f.gpus[0];
        assert_eq!(g.driver_model.as_deref(), Some("WDDM"));
        assert_eq!(g.compute_capability.as_deref(), Some("8.9"));
    }

    #[test]
    fn windows_wddm_with_dwm() {
        let h = FakeHost::new()
            .platform(Platform::Windows)
            .exe("nvidia-smi", r"C:\Windows\system32\nvidia-smi.exe")
            .cmd(
                &Q,
                sample("nvidia-smi-q/rtx2080super-591.86-win11-wddm-dwm-q.txt"),
            )
            .cmd(&CCQ, "0, 7.5\r\n");
        let f = probe(&h);
        assert_eq!(f.get_str("nvidia.driver_version"), Some("591.86"));
        assert_eq!(f.get("nvidia.error"), None);
        let g = &f.gpus[0];
        assert_eq!(g.driver_model.as_deref(), Some("WDDM"));
        assert_eq!(g.compute_capability.as_deref(), Some("7.5"));
        assert_eq!(g.processes[0].name, r"C:\Windows\System32\dwm.exe");
        assert_eq!(g.processes[0].kind, ProcessKind::Both);
        assert_eq!(g.processes[0].used_mib, None);
    }

    #[test]
    fn windows_without_nvidia_smi_does_not_read_proc() {
        let h = FakeHost::new()
            .platform(Platform::Windows)
            .file(PROC_VERSION, sample("proc-driver-nvidia/ubuntu-384.98.txt"));
        let f = probe(&h);
        assert_eq!(f.get_str("nvidia.error"), Some("not_installed"));
        assert_eq!(f.get("nvidia.driver_version"), None);
    }

    #[test]
    fn compute_cap_csv() {
        let caps = parse_compute_caps("index, compute_cap\n\n0, 8.9\n1, [N/A]\n2, 12.0\nx, 1.0\n");
        assert_eq!(caps.get(&0).map(String::as_str), Some("8.9"));
        assert_eq!(caps.get(&1), None);
        assert_eq!(caps.get(&2).map(String::as_str), Some("12.0"));
        assert_eq!(caps.len(), 2);
        assert!(
            parse_compute_caps("Field \"compute_cap\" is not a valid field to query.").is_empty()
        );
        // The real all-fields capture has compute_cap as a column: the two-column reader
        // must not take the second column of a wider csv for it.
        let wide = sample("nvidia-smi-csv/rtx4080super-595-query-gpu-allfields.txt");
        assert!(parse_compute_caps(&wide).is_empty());
    }

    #[test]
    fn proc_version_samples() {
        let cases = [
            ("ubuntu-384.98.txt", "384.98"),
            ("ubuntu2404-open-565.57.01.txt", "565.57.01"),
        ];
        for (file, v) in cases {
            let text = sample(&format!("proc-driver-nvidia/{file}"));
            assert_eq!(parse_proc_version(&text).as_deref(), Some(v), "{file}");
        }
        assert_eq!(parse_proc_version("GCC version: gcc version 7.2.0"), None);
    }

    #[test]
    fn failure_classes() {
        assert_eq!(
            classify_failure(
                Some(255),
                "Failed to initialize NVML: Driver/library version mismatch"
            ),
            "version_mismatch"
        );
        assert_eq!(
            classify_failure(
                Some(9),
                "Failed to properly shut down NVML: Driver Not Loaded"
            ),
            "driver_not_loaded"
        );
        assert_eq!(
            classify_failure(
                Some(255),
                "Failed to initialize NVML: GPU access blocked by the operating system"
            ),
            "other"
        );
    }

    /// Every cut of every real sample at a line end, and a few characters short of one.
    #[test]
    fn truncated_samples_never_panic() {
        for (file, text) in samples_in("nvidia-smi-q") {
            let mut cuts: Vec<usize> = Vec::new();
            for (i, _) in text.match_indices('\n') {
                cuts.extend([
                    i,
                    i.saturating_sub(1),
                    i.saturating_sub(3),
                    i.saturating_sub(9),
                ]);
            }
            for cut in cuts {
                if let Some(prefix) = text.get(..cut) {
                    let q = parse_query(prefix);
                    assert!(q.gpus.len() <= 1, "{file}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC*") {
            let _ = parse_query(&s);
            let _ = parse_compute_caps(&s);
            let _ = parse_proc_version(&s);
            let _ = classify_failure(None, &s);
        }

        #[test]
        fn query_shaped_text_never_panics(
            lines in prop::collection::vec(
                "( {0,16})(GPU [0-9A-Fa-f:.]{0,16}|Processes|PCI|FB Memory Usage|[A-Za-z ]{0,12})( : )?([0-9A-Za-z:./\\[\\]x+! -]{0,16})",
                0..60,
            )
        ) {
            let _ = parse_query(&lines.join("\n"));
        }

        #[test]
        fn any_prefix_of_a_sample_parses(cut in 0usize..20_000) {
            let text = sample("nvidia-smi-q/rtx2080super-591.86-win11-wddm-dwm-q.txt");
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let q = parse_query(&text[..cut]);
            prop_assert!(q.gpus.len() <= 1);
        }
    }

    #[test]
    fn a_headerless_report_takes_the_driver_from_the_kernel_module() {
        let q = "GPU 00000000:01:00.0\n    Product Name                          : NVIDIA GeForce RTX 4090\n";
        let h = FakeHost::new()
            .cmd(&["nvidia-smi", "-q"], q)
            .file(
                "/proc/driver/nvidia/version",
                "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\n",
            );
        let f = run(&h, &Ctx::default());
        assert_eq!(f.get_str("nvidia.driver_version"), Some("550.54.14"));
        assert_eq!(f.gpus.len(), 1);
        assert_eq!(f.get("nvidia.cuda_version"), None);
    }
}
