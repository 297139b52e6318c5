//! The knowledge base: versioned, cited, dated data about CUDA, drivers, PyTorch builds,
//! ROCm releases and GPU models (`knowledge/*.yaml`, embedded like the rulesets). Each row
//! names its source and the date it was checked. [`derive`] turns probe facts plus this
//! knowledge into derived facts (the driver's CUDA, whether the installed PyTorch has
//! kernels for each GPU, which build to install), so rulesets read one answer instead of
//! each repeating the tables.

mod derive;
mod gpus;

pub use derive::{DERIVED_FACTS, DERIVED_GPU_FIELDS, derive};
pub use gpus::compute_capability;

use crate::rules::RulesetError;
use crate::rules::version::{Range, Version};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The embedded files: (path, text).
pub const FILES: &[(&str, &str)] = &[
    (
        "knowledge/cuda.yaml",
        include_str!("../../knowledge/cuda.yaml"),
    ),
    (
        "knowledge/pytorch.yaml",
        include_str!("../../knowledge/pytorch.yaml"),
    ),
    (
        "knowledge/rocm.yaml",
        include_str!("../../knowledge/rocm.yaml"),
    ),
    (
        "knowledge/gpus.yaml",
        include_str!("../../knowledge/gpus.yaml"),
    ),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CudaFile {
    pub checked: Spanned<String>,
    /// Source URLs by key; a row's `source` is a key or a URL.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    pub releases: Vec<CudaRelease>,
    pub architectures: Vec<Architecture>,
}

/// A CUDA toolkit release and the minimum driver that runs it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CudaRelease {
    pub cuda: Spanned<String>,
    pub linux: Spanned<String>,
    #[serde(default)]
    pub windows: Option<Spanned<String>>,
    pub source: Spanned<String>,
    pub checked: Spanned<String>,
    #[serde(default)]
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Architecture {
    pub name: String,
    pub cc: Vec<Spanned<String>>,
    /// The last driver branch that supports it (none: still supported).
    #[serde(default)]
    pub last_driver_branch: Option<u64>,
    /// The last CUDA release that can target it.
    #[serde(default)]
    pub last_cuda: Option<Spanned<String>>,
    pub source: Spanned<String>,
    pub checked: Spanned<String>,
    #[serde(default)]
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PytorchFile {
    pub checked: Spanned<String>,
    /// Source URLs by key; a row's `source` is a key or a URL.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    pub releases: Vec<TorchRelease>,
    pub cuda_builds: Vec<CudaBuild>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TorchRelease {
    pub version: Spanned<String>,
    #[serde(default)]
    pub python: Option<Spanned<String>>,
    pub cuda: Vec<Spanned<String>>,
    #[serde(default)]
    pub rocm: Vec<Spanned<String>>,
    pub source: Spanned<String>,
    pub checked: Spanned<String>,
    #[serde(default)]
    pub evidence: Option<String>,
}

/// A CUDA build's compiled architectures, for a range of releases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CudaBuild {
    /// `cu126`
    pub build: Spanned<String>,
    pub releases: Spanned<String>,
    pub sass: Vec<Spanned<String>>,
    #[serde(default)]
    pub ptx: Option<Spanned<String>>,
    pub source: Spanned<String>,
    pub checked: Spanned<String>,
    #[serde(default)]
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RocmFile {
    pub checked: Spanned<String>,
    /// Source URLs by key; a row's `source` is a key or a URL.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    pub releases: Vec<RocmRelease>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RocmRelease {
    pub version: Spanned<String>,
    pub instinct: Vec<String>,
    pub radeon: Vec<String>,
    /// The newest kernel series among the supported distributions.
    pub max_kernel: Spanned<String>,
    pub distros: Vec<String>,
    pub source: Spanned<String>,
    pub checked: Spanned<String>,
    #[serde(default)]
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpusFile {
    pub checked: Spanned<String>,
    /// Source URLs by key; a row's `source` is a key or a URL.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    pub chips: Vec<ChipRow>,
    pub models: Vec<ModelRow>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChipRow {
    pub cc: Spanned<String>,
    pub chips: Vec<String>,
    pub source: Spanned<String>,
    pub checked: Spanned<String>,
    #[serde(default)]
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelRow {
    pub words: String,
    pub cc: Spanned<String>,
    pub source: Spanned<String>,
    pub checked: Spanned<String>,
    #[serde(default)]
    pub evidence: Option<String>,
}

/// The whole knowledge base. The embedded one parses each file on first use (a run without
/// an NVIDIA GPU never reads the PyTorch or GPU tables).
#[derive(Debug)]
pub struct Knowledge {
    files: &'static [(&'static str, &'static str)],
    cuda: OnceLock<CudaFile>,
    pytorch: OnceLock<PytorchFile>,
    rocm: OnceLock<RocmFile>,
    gpus: OnceLock<GpusFile>,
}

/// One embedded file, parsed. Invariant: `embedded_knowledge_is_valid` loads every one.
fn embedded<T: serde::de::DeserializeOwned>(files: &[(&str, &str)], name: &str) -> T {
    let (origin, text) = files
        .iter()
        .find(|(p, _)| p.ends_with(name))
        .copied()
        .unwrap_or((name, ""));
    let mut errors = Vec::new();
    parse::<T>((origin, text), &mut errors)
        .unwrap_or_else(|| panic!("embedded knowledge is invalid: {errors:?}"))
}

impl Knowledge {
    pub fn cuda(&self) -> &CudaFile {
        self.cuda.get_or_init(|| embedded(self.files, "cuda.yaml"))
    }
    pub fn pytorch(&self) -> &PytorchFile {
        self.pytorch
            .get_or_init(|| embedded(self.files, "pytorch.yaml"))
    }
    pub fn rocm(&self) -> &RocmFile {
        self.rocm.get_or_init(|| embedded(self.files, "rocm.yaml"))
    }
    pub fn gpus(&self) -> &GpusFile {
        self.gpus.get_or_init(|| embedded(self.files, "gpus.yaml"))
    }
}

/// The embedded knowledge.
pub fn get() -> &'static Knowledge {
    static K: OnceLock<Knowledge> = OnceLock::new();
    K.get_or_init(|| Knowledge {
        files: FILES,
        cuda: OnceLock::new(),
        pytorch: OnceLock::new(),
        rocm: OnceLock::new(),
        gpus: OnceLock::new(),
    })
}

/// Parse and check the files (path, text): every error with file:line:column.
pub fn load(files: &[(&str, &str)]) -> Result<Knowledge, Vec<RulesetError>> {
    fn text<'a>(files: &[(&'a str, &'a str)], name: &'a str) -> (&'a str, &'a str) {
        files
            .iter()
            .find(|(p, _)| p.ends_with(name))
            .copied()
            .unwrap_or((name, ""))
    }
    let mut errors = Vec::new();
    let cuda: Option<CudaFile> = parse(text(files, "cuda.yaml"), &mut errors);
    let pytorch: Option<PytorchFile> = parse(text(files, "pytorch.yaml"), &mut errors);
    let rocm: Option<RocmFile> = parse(text(files, "rocm.yaml"), &mut errors);
    let gpus: Option<GpusFile> = parse(text(files, "gpus.yaml"), &mut errors);
    if let (Some(cuda), Some(pytorch), Some(rocm), Some(gpus)) = (cuda, pytorch, rocm, gpus) {
        let k = Knowledge {
            files: &[],
            cuda: OnceLock::from(cuda),
            pytorch: OnceLock::from(pytorch),
            rocm: OnceLock::from(rocm),
            gpus: OnceLock::from(gpus),
        };
        k.check(&mut Checker {
            files,
            errors: &mut errors,
        });
        if errors.is_empty() {
            return Ok(k);
        }
    }
    Err(errors)
}

fn parse<T: serde::de::DeserializeOwned>(
    (origin, text): (&str, &str),
    errors: &mut Vec<RulesetError>,
) -> Option<T> {
    match crate::yaml::from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(RulesetError {
                origin: origin.to_string(),
                line: e.location().map(|l| l.line()).filter(|&l| l > 0),
                column: e.location().map(|l| l.column()).filter(|&c| c > 0),
                message: crate::yaml::message(&e),
            });
            None
        }
    }
}

struct Checker<'a> {
    files: &'a [(&'a str, &'a str)],
    errors: &'a mut Vec<RulesetError>,
}

impl Checker<'_> {
    fn err(&mut self, file: &str, at: &Spanned<String>, message: String) {
        let origin = self
            .files
            .iter()
            .find(|(p, _)| p.ends_with(file))
            .map_or(file, |(p, _)| *p);
        self.errors.push(RulesetError {
            origin: origin.to_string(),
            line: Some(at.referenced.line()).filter(|&l| l > 0),
            column: Some(at.referenced.column()).filter(|&c| c > 0),
            message,
        });
    }
    fn cited(
        &mut self,
        file: &str,
        sources: &BTreeMap<String, String>,
        source: &Spanned<String>,
        checked: &Spanned<String>,
    ) {
        let url = sources.get(&source.value).unwrap_or(&source.value);
        if !is_url(url) {
            self.err(
                file,
                source,
                format!(
                    "source `{}` is neither a URL nor a key of `sources`",
                    source.value
                ),
            );
        }
        if !crate::age::is_date(&checked.value) {
            self.err(
                file,
                checked,
                format!("checked `{}` is not a date (YYYY-MM-DD)", checked.value),
            );
        }
    }
    fn version(&mut self, file: &str, v: &Spanned<String>) {
        if Version::parse(&v.value).is_none() {
            self.err(file, v, format!("`{}` is not a version", v.value));
        }
    }
    fn range(&mut self, file: &str, v: &Spanned<String>) {
        if let Err(e) = Range::parse(&v.value) {
            self.err(file, v, e);
        }
    }
}

fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace)
}

impl Knowledge {
    fn check(&self, c: &mut Checker) {
        for (file, checked) in [
            ("cuda.yaml", &self.cuda().checked),
            ("pytorch.yaml", &self.pytorch().checked),
            ("rocm.yaml", &self.rocm().checked),
            ("gpus.yaml", &self.gpus().checked),
        ] {
            if !crate::age::is_date(&checked.value) {
                c.err(
                    file,
                    checked,
                    format!("checked `{}` is not a date", checked.value),
                );
            }
        }
        let f = "cuda.yaml";
        for r in &self.cuda().releases {
            c.cited(f, &self.cuda().sources, &r.source, &r.checked);
            c.version(f, &r.cuda);
            c.version(f, &r.linux);
            if let Some(w) = &r.windows {
                c.version(f, w);
            }
        }
        for a in &self.cuda().architectures {
            c.cited(f, &self.cuda().sources, &a.source, &a.checked);
            a.cc.iter().for_each(|v| c.version(f, v));
            if let Some(v) = &a.last_cuda {
                c.version(f, v);
            }
        }
        let f = "pytorch.yaml";
        for r in &self.pytorch().releases {
            c.cited(f, &self.pytorch().sources, &r.source, &r.checked);
            c.version(f, &r.version);
            if let Some(p) = &r.python {
                c.range(f, p);
            }
            r.cuda.iter().chain(&r.rocm).for_each(|v| c.version(f, v));
        }
        for b in &self.pytorch().cuda_builds {
            c.cited(f, &self.pytorch().sources, &b.source, &b.checked);
            c.range(f, &b.releases);
            if build_cuda(&b.build.value).is_none() {
                c.err(
                    f,
                    &b.build,
                    format!("`{}` is not a build like cu126", b.build.value),
                );
            }
            b.sass.iter().chain(&b.ptx).for_each(|v| c.version(f, v));
        }
        let f = "rocm.yaml";
        for r in &self.rocm().releases {
            c.cited(f, &self.rocm().sources, &r.source, &r.checked);
            c.version(f, &r.version);
            c.version(f, &r.max_kernel);
        }
        let f = "gpus.yaml";
        for r in &self.gpus().chips {
            c.cited(f, &self.gpus().sources, &r.source, &r.checked);
            c.version(f, &r.cc);
        }
        for r in &self.gpus().models {
            c.cited(f, &self.gpus().sources, &r.source, &r.checked);
            c.version(f, &r.cc);
        }
    }

    /// The newest CUDA a driver runs: the newest release whose minimum driver it meets.
    pub fn driver_cuda(&self, driver: &str, windows: bool) -> Option<&str> {
        let have = Version::parse(driver)?;
        self.cuda()
            .releases
            .iter()
            .filter(|r| {
                let min = if windows {
                    // 13.x lists no Windows minimum: the Linux one is the same branch.
                    r.windows.as_ref().unwrap_or(&r.linux)
                } else {
                    &r.linux
                };
                Version::parse(&min.value).is_some_and(|m| have.cmp_num(&m).is_ge())
            })
            .filter_map(|r| Version::parse(&r.cuda.value).map(|v| (v, r.cuda.value.as_str())))
            .max_by(|a, b| a.0.cmp_num(&b.0))
            .map(|(_, s)| s)
    }

    /// The architecture a compute capability belongs to.
    pub fn architecture(&self, cc: &str) -> Option<&Architecture> {
        let v = Version::parse(cc)?;
        self.cuda().architectures.iter().find(|a| {
            a.cc.iter()
                .any(|c| Version::parse(&c.value).is_some_and(|x| x.cmp_num(&v).is_eq()))
        })
    }

    /// The compiled architectures of a PyTorch release's CUDA build (`2.8`, `cu128`).
    pub fn cuda_build(&self, release: &Version, build: &str) -> Option<&CudaBuild> {
        self.pytorch().cuda_builds.iter().find(|b| {
            b.build.value == build
                && Range::parse(&b.releases.value).is_ok_and(|r| r.matches(release))
        })
    }

    /// The ROCm release a version belongs to (`7.2.1` -> 7.2).
    pub fn rocm_release(&self, version: &str) -> Option<&RocmRelease> {
        let v = Version::parse(version)?;
        self.rocm()
            .releases
            .iter()
            .filter(|r| Version::parse(&r.version.value).is_some_and(|x| v.has_prefix(&x)))
            .max_by_key(|r| r.version.value.len())
    }
}

/// `cu126` -> CUDA 12.6 (the build name's digits: major, then one minor digit).
pub fn build_cuda(build: &str) -> Option<Version> {
    let d = build.strip_prefix("cu")?;
    if d.len() < 3 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (major, minor) = d.split_at(d.len() - 1);
    Version::parse(&format!("{major}.{minor}"))
}

/// CUDA 12.6 -> `cu126`.
pub fn cuda_build_name(cuda: &Version) -> String {
    format!(
        "cu{}{}",
        cuda.parts.first().copied().unwrap_or(0),
        cuda.parts.get(1).copied().unwrap_or(0)
    )
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod rules_tests;
