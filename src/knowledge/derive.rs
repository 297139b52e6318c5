//! Derived facts: computed once, after the probes, from their facts and the knowledge base.
//! Rulesets read these instead of repeating the tables (which driver runs which CUDA,
//! which PyTorch build has kernels for which GPU, which ROCm supports which gfx target).
//! A derived fact that cannot be computed is absent; the reason is the error of the area
//! it comes from (`nvidia.error`, `torch.error`, `rocm.error`).

use super::{Knowledge, build_cuda, compute_capability, cuda_build_name, get};
use crate::facts::{Facts, Gpu, Vendor};
use crate::rules::version::Version;

/// The names this stage sets live with the fact vocabulary.
pub use crate::facts::vocab::{
    KNOWLEDGE as DERIVED_FACTS, KNOWLEDGE_GPU_FIELDS as DERIVED_GPU_FIELDS,
};

const INDEX: &str = "https://download.pytorch.org/whl";

pub fn derive(facts: &mut Facts) {
    derive_with(get(), facts);
}

pub(crate) fn derive_with(k: &Knowledge, facts: &mut Facts) {
    let windows = facts.get_str("os.family") == Some("windows");
    // The driver's CUDA: what nvidia-smi printed, else from the driver version (before 410
    // nvidia-smi prints no CUDA version; NVIDIA's table still says which CUDA it runs).
    let driver = facts.get_str("nvidia.driver_version").map(str::to_string);
    let printed = facts.get_str("nvidia.cuda_version").map(str::to_string);
    let driver_cuda = match (&printed, &driver) {
        (Some(c), _) => {
            facts.set("nvidia.driver_cuda_source", "nvidia-smi");
            Some(c.clone())
        }
        (None, Some(d)) => k.driver_cuda(d, windows).map(|c| {
            facts.set("nvidia.driver_cuda_source", "driver version");
            c.to_string()
        }),
        _ => None,
    };
    facts.set_opt("nvidia.driver_cuda", driver_cuda.clone());
    if let Some(b) = driver
        .as_deref()
        .and_then(Version::parse)
        .and_then(|v| v.parts.first().copied())
    {
        facts.set("nvidia.driver_branch", b);
    }
    let driver_cuda = driver_cuda.as_deref().and_then(Version::parse);

    let torch_cuda = facts.get_str("torch.cuda").and_then(Version::parse);
    let torch_release = facts.get_str("torch.version").and_then(Version::parse);
    if let Some(tc) = &torch_cuda {
        facts.set("torch.cuda_major", major(tc));
        if let Some(dc) = &driver_cuda {
            facts.set("torch.driver_runs_cuda", major(dc) >= major(tc));
        }
    }
    if let Some(t) = facts
        .get_str("cuda.toolkit_version")
        .and_then(Version::parse)
    {
        facts.set("cuda.toolkit_major", major(&t));
        if let Some(tc) = &torch_cuda {
            facts.set("cuda.toolkit_matches_torch", major(&t) == major(tc));
        }
    }
    vllm(facts, driver_cuda.as_ref());
    rocm(k, facts);

    let arch_list: Option<Vec<String>> = facts.get("torch.arch_list").and_then(|v| {
        let a: Vec<String> = v
            .as_array()?
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect();
        (!a.is_empty()).then_some(a)
    });
    let torch_installed = facts.get("torch.version").is_some();
    let override_gfx = facts
        .get_str("rocm.hsa_override_gfx_version")
        .and_then(gfx_from_override);
    let rocm_release = facts
        .get_str("rocm.version")
        .and_then(|v| k.rocm_release(v));
    let mut gpus = std::mem::take(&mut facts.gpus);
    for g in &mut gpus {
        match g.vendor {
            Vendor::Nvidia => {
                if g.compute_capability.is_none() {
                    let pci_name = g.pci_id.as_deref().and_then(pci_device_name);
                    g.compute_capability = compute_capability(k, g.name.as_deref(), pci_name);
                }
                let Some(cc) = g.compute_capability.as_deref().and_then(Version::parse) else {
                    continue;
                };
                g.architecture = k.architecture(&cc.to_string()).map(|a| a.name.clone());
                g.torch_kernels = match (&arch_list, &torch_release, &torch_cuda) {
                    (Some(list), _, _) => Some(list_has_kernels(list, &cc)),
                    (None, Some(rel), Some(tc)) => k
                        .cuda_build(rel, &cuda_build_name(tc))
                        .map(|b| build_has_kernels(b, &cc)),
                    // A PyTorch without CUDA has no kernels for an NVIDIA GPU.
                    (None, Some(_), None) => Some(false),
                    _ => None,
                };
                match newest_torch(k, &[cc], driver_cuda.as_ref(), false) {
                    Some((rel, build)) => {
                        g.torch_newest = Some(rel);
                        g.torch_newest_build = Some(build);
                    }
                    None => g.torch_newest_build = Some("none".into()),
                }
            }
            Vendor::Amd => {
                let Some(gfx) = g.gfx_target.clone() else {
                    continue;
                };
                if let Some(r) = rocm_release {
                    g.rocm_native = Some(r.instinct.contains(&gfx) || r.radeon.contains(&gfx));
                }
                if let Some(list) = &arch_list {
                    let runs_as = override_gfx.clone().unwrap_or(gfx);
                    g.torch_kernels = Some(list.iter().any(|a| a == &runs_as));
                } else if torch_installed && facts.get("torch.hip").is_none() {
                    g.torch_kernels = Some(false);
                }
            }
            _ => {}
        }
    }
    suggest(k, facts, &gpus, driver_cuda.as_ref());
    facts.gpus = gpus;
}

fn major(v: &Version) -> u64 {
    v.parts.first().copied().unwrap_or(0)
}

fn minor(v: &Version) -> u64 {
    v.parts.get(1).copied().unwrap_or(0)
}

/// The PCI ID database's name for a device ("10de:1184" -> "GK104 [GeForce GTX 770]").
pub fn pci_device_name(pci_id: &str) -> Option<&'static str> {
    let (v, d) = pci_id.split_once(':')?;
    let v = u16::from_str_radix(v.trim_start_matches("0x"), 16).ok()?;
    let d = u16::from_str_radix(d.trim_start_matches("0x"), 16).ok()?;
    pci_ids::Device::from_vid_pid(v, d).map(|d| d.name())
}

/// SASS for `X.Y` runs on `X.Z` with Z >= Y; PTX for `X.Y` is compiled for any later one.
fn runs(sass: &[Version], ptx: Option<&Version>, cc: &Version) -> bool {
    sass.iter()
        .any(|s| major(s) == major(cc) && minor(s) <= minor(cc))
        || ptx.is_some_and(|p| p.cmp_num(cc).is_le())
}

fn build_has_kernels(b: &super::CudaBuild, cc: &Version) -> bool {
    let sass: Vec<Version> = b
        .sass
        .iter()
        .filter_map(|s| Version::parse(&s.value))
        .collect();
    let ptx = b.ptx.as_ref().and_then(|p| Version::parse(&p.value));
    runs(&sass, ptx.as_ref(), cc)
}

/// `torch.cuda.get_arch_list()`: "sm_86", "sm_90a", "sm_120", "compute_120" (PTX).
fn list_has_kernels(list: &[String], cc: &Version) -> bool {
    let arch = |s: &str| {
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        if digits.len() < 2 {
            return None;
        }
        let (ma, mi) = digits.split_at(digits.len() - 1);
        Version::parse(&format!("{ma}.{mi}"))
    };
    let sass: Vec<Version> = list
        .iter()
        .filter_map(|a| a.strip_prefix("sm_").and_then(arch))
        .collect();
    let ptx: Option<Version> = list
        .iter()
        .filter_map(|a| a.strip_prefix("compute_").and_then(arch))
        .min_by(|a, b| a.cmp_num(b));
    runs(&sass, ptx.as_ref(), cc)
}

/// `HSA_OVERRIDE_GFX_VERSION=11.0.0` -> gfx1100 (major, minor, stepping in hex: 9.0.10 -> gfx90a).
fn gfx_from_override(s: &str) -> Option<String> {
    let v = Version::parse(s)?;
    let step = v.parts.get(2).copied().unwrap_or(0);
    (step < 16).then(|| format!("gfx{}{}{:x}", major(&v), minor(&v), step))
}

/// The newest PyTorch release with a CUDA build that has kernels for every one of `ccs` and
/// whose CUDA major the driver runs (with `full`, whose CUDA the driver fully supports):
/// (release, build).
fn newest_torch(
    k: &Knowledge,
    ccs: &[Version],
    driver: Option<&Version>,
    full: bool,
) -> Option<(String, String)> {
    let mut releases: Vec<(&super::TorchRelease, Version)> = k
        .pytorch()
        .releases
        .iter()
        .filter_map(|r| Version::parse(&r.version.value).map(|v| (r, v)))
        .collect();
    releases.sort_by(|a, b| b.1.cmp_num(&a.1));
    for (r, rv) in releases {
        let mut builds: Vec<Version> = r
            .cuda
            .iter()
            .filter_map(|c| Version::parse(&c.value))
            .collect();
        builds.sort_by(|a, b| b.cmp_num(a));
        for cuda in builds {
            let name = cuda_build_name(&cuda);
            let driver_ok = driver.is_none_or(|d| {
                if full {
                    d.cmp_num(&cuda).is_ge()
                } else {
                    major(d) >= major(&cuda)
                }
            });
            let kernels = k
                .cuda_build(&rv, &name)
                .is_some_and(|b| ccs.iter().all(|cc| build_has_kernels(b, cc)));
            if driver_ok && kernels && build_cuda(&name).is_some() {
                return Some((r.version.value.clone(), name));
            }
        }
    }
    None
}

/// Which PyTorch build to install for this machine's NVIDIA GPUs and driver.
fn suggest(k: &Knowledge, facts: &mut Facts, gpus: &[Gpu], driver: Option<&Version>) {
    let nvidia: Vec<&Gpu> = gpus
        .iter()
        .filter(|g| g.vendor == Vendor::Nvidia && g.integrated != Some(true))
        .collect();
    if nvidia.is_empty() {
        return;
    }
    let ccs: Vec<Version> = nvidia
        .iter()
        .filter_map(|g| g.compute_capability.as_deref().and_then(Version::parse))
        .collect();
    if ccs.len() != nvidia.len() {
        return;
    }
    let found =
        newest_torch(k, &ccs, driver, true).or_else(|| newest_torch(k, &ccs, driver, false));
    let Some((release, build)) = found else {
        facts.set("torch.suggested_build", "none");
        return;
    };
    // The first release after it, when there is one: pin below it.
    let rv = Version::parse(&release);
    let next = k
        .pytorch()
        .releases
        .iter()
        .filter_map(|r| Version::parse(&r.version.value).map(|v| (v, r.version.value.clone())))
        .filter(|(v, _)| rv.as_ref().is_some_and(|rv| v.cmp_num(rv).is_gt()))
        .min_by(|a, b| a.0.cmp_num(&b.0))
        .map(|(_, s)| s);
    let spec = match next {
        Some(n) => format!("\"torch<{n}\""),
        None => "torch".to_string(),
    };
    facts.set("torch.suggested_build", build.clone());
    facts.set(
        "torch.suggested_install",
        format!("pip install {spec} torchvision torchaudio --index-url {INDEX}/{build}"),
    );
}

/// The installed vLLM wheel's CUDA: its `+cu129` suffix, else the default of its release
/// (CUDA 13.0 since v0.20.0, vllm PR #39878; CUDA 12 before).
fn vllm(facts: &mut Facts, driver: Option<&Version>) {
    let Some(v) = facts.get_str("vllm.version").map(str::to_string) else {
        return;
    };
    let cuda = match v.split_once('+') {
        Some((_, local)) => local
            .split(['.', '_'])
            .find_map(build_cuda)
            .map(|c| c.to_string()),
        None => Version::parse(&v).map(|rv| {
            if rv
                .cmp_num(&Version::parse("0.20").unwrap_or(rv.clone()))
                .is_ge()
            {
                "13.0".to_string()
            } else {
                "12".to_string()
            }
        }),
    };
    let Some(cuda) = cuda else { return };
    if let (Some(d), Some(c)) = (driver, Version::parse(&cuda)) {
        facts.set("vllm.driver_runs_cuda", major(d) >= major(&c));
    }
    facts.set("vllm.cuda", cuda);
}

/// The newest kernel series the installed ROCm release lists, and whether this kernel is
/// within it.
fn rocm(k: &Knowledge, facts: &mut Facts) {
    let Some(r) = facts
        .get_str("rocm.version")
        .and_then(|v| k.rocm_release(v))
    else {
        return;
    };
    let max = r.max_kernel.value.clone();
    if let (Some(kv), Some(mv)) = (
        facts.get_str("os.kernel").and_then(Version::parse),
        Version::parse(&max),
    ) {
        let series = Version {
            parts: kv.parts.iter().take(2).copied().collect(),
            suffix: String::new(),
        };
        facts.set("rocm.kernel_supported", series.cmp_num(&mv).is_le());
    }
    facts.set("rocm.max_kernel", max);
}
