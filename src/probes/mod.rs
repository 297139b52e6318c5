//! Probes: one file each, registered once in [`ALL`]. A probe reads the machine through the
//! [`Host`] and returns [`Facts`]; it never fails: what it cannot find becomes an `error` fact.
//! Probes run in parallel, each command bounded by its timeout, then their GPUs are merged by
//! PCI address and derived facts (the VRAM tax) are computed.

pub mod container;
pub mod cpu;
pub mod cuda_toolkit;
pub mod display;
pub mod docker;
pub mod drm;
pub mod drm_clients;
pub mod macos_gpu;
pub mod nvidia;
pub mod os;
pub mod pci_names;
pub mod python;
pub mod rocm;
pub mod secureboot;
pub mod sysctl;
pub mod updates;
pub mod user;
pub mod vram_tax;
pub mod wsl;
pub mod wsl_windows;

use crate::facts::{Facts, Gpu, Vendor};
use crate::host::Host;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// What a probe needs besides the host.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Per external command.
    pub timeout: Duration,
    /// The Python/PyTorch probe (importing torch takes seconds).
    pub python_timeout: Duration,
}

impl Default for Ctx {
    fn default() -> Self {
        Ctx {
            timeout: crate::host::DEFAULT_TIMEOUT,
            python_timeout: Duration::from_secs(20),
        }
    }
}

pub struct Probe {
    /// Short name, also the area of most of its facts ("nvidia").
    pub name: &'static str,
    pub summary: &'static str,
    /// Every fact name it may set (rulesets are checked against these).
    pub facts: &'static [&'static str],
    /// Slow: skipped by `--fast`.
    pub slow: bool,
    pub run: fn(&dyn Host, &Ctx) -> Facts,
}

/// Every probe, in the order their GPU observations take precedence (vendor tools first).
/// The most GPUs (DRM cards, KFD nodes, nvidia-smi entries) one probe reads. Real machines
/// have at most a few dozen; a snapshot listing thousands must not cost thousands of reads.
/// A probe that stops at the cap says so in a fact (e.g. `drm.truncated`).
pub const MAX_GPUS: usize = 64;

pub const ALL: &[&Probe] = &[
    &nvidia::PROBE,
    &rocm::PROBE,
    &drm::PROBE,
    &drm_clients::PROBE,
    &macos_gpu::PROBE,
    &os::PROBE,
    &wsl::PROBE,
    &wsl_windows::PROBE,
    &container::PROBE,
    &cuda_toolkit::PROBE,
    &docker::PROBE,
    &python::PROBE,
    &cpu::PROBE,
    &updates::PROBE,
    &user::PROBE,
    &display::PROBE,
    &secureboot::PROBE,
];

pub use crate::facts::vocab::{GPU_FIELDS, all_fact_names, is_known_fact};

#[derive(Debug, Clone)]
pub struct ProbeRun {
    pub name: &'static str,
    pub duration: Duration,
    /// The probe panicked (a bug in aidoctor, reported as a fact, not a crash).
    pub crashed: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Gathered {
    pub facts: Facts,
    pub runs: Vec<ProbeRun>,
    pub wall: Duration,
}

/// Run every probe in parallel and merge what they found.
pub fn gather(host: &dyn Host, ctx: &Ctx, fast: bool) -> Gathered {
    let start = Instant::now();
    let probes: Vec<&Probe> = ALL.iter().copied().filter(|p| !(fast && p.slow)).collect();
    let results: Vec<(Facts, ProbeRun)> = std::thread::scope(|s| {
        let handles: Vec<_> = probes
            .iter()
            .map(|p| {
                let h = s.spawn(move || {
                    let t = Instant::now();
                    let f = (p.run)(host, ctx);
                    (f, t.elapsed())
                });
                (p, h)
            })
            .collect();
        handles
            .into_iter()
            .map(|(p, h)| match h.join() {
                Ok((f, d)) => (
                    f,
                    ProbeRun {
                        name: p.name,
                        duration: d,
                        crashed: false,
                    },
                ),
                Err(_) => {
                    let mut f = Facts::new();
                    f.set_error(
                        p.name,
                        "other",
                        "aidoctor's probe crashed; please report this bug with `aidoctor snapshot`",
                    );
                    (
                        f,
                        ProbeRun {
                            name: p.name,
                            duration: start.elapsed(),
                            crashed: true,
                        },
                    )
                }
            })
            .collect()
    });
    let mut facts = Facts::new();
    let mut runs = Vec::new();
    for (f, r) in results {
        facts.absorb_values(&f);
        merge_gpus(&mut facts.gpus, f.gpus);
        runs.push(r);
    }
    sort_gpus(&mut facts.gpus);
    if fast {
        facts.set_error("python", "skipped", "--fast");
        facts.set_error("torch", "skipped", "--fast");
    }
    derive(&mut facts);
    Gathered {
        facts,
        runs,
        wall: start.elapsed(),
    }
}

/// Merge GPU observations into `into`: same PCI address = same GPU; without an address, the
/// n-th unaddressed GPU of a vendor matches the n-th GPU of that vendor.
///
/// Linear in the number of GPUs (indexes by address and by vendor), so a machine or snapshot
/// with very many devices costs no more than it lists.
pub fn merge_gpus(into: &mut Vec<Gpu>, incoming: Vec<Gpu>) {
    let mut by_addr: HashMap<String, usize> = HashMap::new();
    // Unused GPUs already there, per vendor, in order: all of them, and the unaddressed ones.
    let mut unused: HashMap<Vendor, BTreeSet<usize>> = HashMap::new();
    let mut unused_unaddressed: HashMap<Vendor, BTreeSet<usize>> = HashMap::new();
    for (i, e) in into.iter().enumerate() {
        match &e.pci_address {
            Some(a) => {
                by_addr.entry(a.clone()).or_insert(i);
            }
            None => {
                unused_unaddressed.entry(e.vendor).or_default().insert(i);
            }
        }
        unused.entry(e.vendor).or_default().insert(i);
    }
    for g in incoming {
        let known = g.pci_address.as_ref().and_then(|a| by_addr.get(a).copied());
        let target = known.or_else(|| {
            let pool = if g.pci_address.is_some() {
                // Addressed, but unknown so far: match an unaddressed GPU of the vendor.
                &unused_unaddressed
            } else {
                &unused
            };
            pool.get(&g.vendor).and_then(|s| s.first().copied())
        });
        let i = match target {
            Some(i) => {
                let vendor = into[i].vendor;
                into[i].fill_from(&g);
                for pool in [&mut unused, &mut unused_unaddressed] {
                    if let Some(s) = pool.get_mut(&vendor) {
                        s.remove(&i);
                    }
                }
                i
            }
            None => {
                into.push(g);
                into.len() - 1
            }
        };
        if let Some(a) = &into[i].pci_address {
            by_addr.entry(a.clone()).or_insert(i);
        }
    }
}

/// PCI order; GPUs without an address keep their order, after the others.
pub fn sort_gpus(gpus: &mut [Gpu]) {
    gpus.sort_by(|a, b| match (&a.pci_address, &b.pci_address) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

fn derive(facts: &mut Facts) {
    // Unified memory (Apple silicon): the GPU's memory is the machine's RAM.
    if let Some(ram) = facts.get_u64("memory.total_mib") {
        for g in facts.gpus.iter_mut() {
            if g.unified_memory == Some(true) && g.vram_total_mib.is_none() {
                g.vram_total_mib = Some(ram);
            }
        }
    }
    facts.set("gpu.count", facts.gpus.len() as u64);
    let mut vendors: Vec<&str> = facts.gpus.iter().map(|g| g.vendor.as_str()).collect();
    vendors.dedup();
    facts.set(
        "gpu.vendors",
        vendors.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
    );
    let total: u64 = facts
        .gpus
        .iter()
        .filter(|g| g.integrated != Some(true))
        .filter_map(|g| g.vram_total_mib)
        .sum();
    if total > 0 {
        facts.set("gpu.total_vram_mib", total);
    }
    display::derive(facts);
    // Then what the knowledge base says about these facts (the driver's CUDA, PyTorch
    // kernels per GPU, native ROCm targets): probes -> facts -> knowledge -> rules.
    crate::knowledge::derive(facts);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Vendor;

    fn gpu(v: Vendor, addr: Option<&str>, name: Option<&str>, vram: Option<u64>) -> Gpu {
        let mut g = Gpu::new(v);
        g.pci_address = addr.map(str::to_string);
        g.name = name.map(str::to_string);
        g.vram_total_mib = vram;
        g
    }

    #[test]
    fn merge_by_address_then_by_vendor_order() {
        let mut all = vec![gpu(
            Vendor::Nvidia,
            Some("0000:01:00.0"),
            Some("RTX"),
            Some(24564),
        )];
        merge_gpus(
            &mut all,
            vec![
                gpu(
                    Vendor::Nvidia,
                    Some("0000:01:00.0"),
                    Some("sysfs name"),
                    None,
                ),
                gpu(Vendor::Intel, Some("0000:00:02.0"), None, None),
            ],
        );
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].name.as_deref(), Some("RTX"));
        sort_gpus(&mut all);
        assert_eq!(all[0].vendor, Vendor::Intel);

        let mut amd = vec![gpu(
            Vendor::Amd,
            None,
            Some("Radeon RX 7900 XTX"),
            Some(24560),
        )];
        merge_gpus(
            &mut amd,
            vec![gpu(Vendor::Amd, Some("0000:03:00.0"), None, Some(24560))],
        );
        assert_eq!(amd.len(), 1);
        assert_eq!(amd[0].pci_address.as_deref(), Some("0000:03:00.0"));
    }

    /// Many GPUs from two probes: each address merges once, unaddressed ones pair by vendor
    /// order, and none is lost or doubled (the merge indexes; it does not scan per GPU).
    #[test]
    fn merge_of_many_gpus_pairs_each_once() {
        let addr = |i: u32| format!("{:04x}:{:02x}:00.0", i / 256, i % 256);
        let mut all: Vec<Gpu> = (0..20_000)
            .map(|i| gpu(Vendor::Nvidia, Some(&addr(i)), Some("smi"), None))
            .chain((0..3).map(|_| gpu(Vendor::Amd, None, Some("rocm"), None)))
            .collect();
        let incoming: Vec<Gpu> = (0..20_000)
            .rev()
            .map(|i| gpu(Vendor::Nvidia, Some(&addr(i)), None, Some(u64::from(i))))
            .chain((0..2).map(|i| gpu(Vendor::Amd, Some(&addr(30_000 + i)), None, None)))
            .collect();
        merge_gpus(&mut all, incoming);
        assert_eq!(all.len(), 20_003);
        assert_eq!(all[5].vram_total_mib, Some(5));
        assert_eq!(all[19_999].vram_total_mib, Some(19_999));
        assert_eq!(
            all[20_000].pci_address.as_deref(),
            Some(addr(30_000).as_str())
        );
        assert_eq!(
            all[20_001].pci_address.as_deref(),
            Some(addr(30_001).as_str())
        );
        assert_eq!(all[20_002].pci_address, None);
    }

    #[test]
    fn every_probe_declares_its_facts_in_the_vocabulary() {
        assert_eq!(ALL.len(), crate::facts::vocab::BY_PROBE.len());
        for (p, v) in ALL.iter().zip(crate::facts::vocab::BY_PROBE) {
            assert_eq!(p.facts, *v, "{}", p.name);
        }
    }

    #[test]
    fn every_probe_fact_is_namespaced_and_unique_per_probe() {
        for p in ALL {
            for f in p.facts {
                assert!(f.contains('.'), "{} declares un-dotted fact {f}", p.name);
            }
        }
    }
}
