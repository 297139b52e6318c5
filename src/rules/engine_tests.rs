//! Engine tests: facts built directly, rules from YAML through the real loader.

use super::*;
use crate::facts::{Gpu, GpuProcess, ProcessKind, Vendor};
use crate::rules::load_str;

fn ruleset(rules: &str) -> Ruleset {
    let y = format!("id: t\ntitle: T\nchecked: 2026-01-01\nrules:\n{rules}");
    load_str(&y, "t.yaml").unwrap_or_else(|e| panic!("{e:?}\n{y}"))
}

/// One rule with this `require` (and optional `when`), severity fail.
fn one(require: &str, when: Option<&str>) -> Ruleset {
    let when = when.map(|w| format!("    when: {w}\n")).unwrap_or_default();
    ruleset(&format!(
        "  - id: t/r\n    title: \"driver {{nvidia.driver_version}}\"\n    severity: fail\n{when}    require: {require}\n    fix:\n      linux: \"linux fix {{os.family}}\"\n      windows: win fix\n      default: default fix\n    why: because\n    source: https://example.com\n"
    ))
}

fn outcome(require: &str, facts: &Facts) -> Outcome {
    evaluate(&one(require, None), facts, "t").results[0].outcome
}

fn gpu(vendor: Vendor, vram: Option<u64>, cc: Option<&str>) -> Gpu {
    let mut g = Gpu::new(vendor);
    g.vram_total_mib = vram;
    g.compute_capability = cc.map(str::to_string);
    g
}

fn machine() -> Facts {
    let mut f = Facts::new();
    f.set("os.family", "linux");
    f.set("nvidia.driver_version", "535.104.05");
    f.set("nvidia.cuda_version", "12.2");
    f.set("torch.cuda", "12.1");
    f.set("memory.total_mib", 64000u64);
    f.set("wsl.gpu_paravirtualization", false);
    f.set("user.groups", vec!["adm", "video", "render"]);
    f.set("cpu.model", "AMD Ryzen 9 7950X");
    f.set_error("rocm", "not_installed", "rocminfo: not found");
    let mut g = gpu(Vendor::Nvidia, Some(24564), Some("8.9"));
    g.name = Some("NVIDIA GeForce RTX 4090".into());
    g.processes.push(GpuProcess {
        pid: Some(1),
        name: "Xorg".into(),
        kind: ProcessKind::Graphics,
        used_mib: Some(300),
    });
    f.gpus.push(g);
    f.gpus.push(gpu(Vendor::Intel, None, None));
    f
}

#[test]
fn every_operator() {
    use Outcome::{Fail, Pass, Unknown};
    let f = machine();
    let table = [
        ("{fact: os.family, equals: Linux}", Pass),
        ("{fact: os.family, equals: windows}", Fail),
        ("{fact: os.family, equals: 1}", Fail),
        ("{fact: memory.total_mib, equals: 64000}", Pass),
        ("{fact: memory.total_mib, equals: \"64000\"}", Pass),
        ("{fact: wsl.gpu_paravirtualization, equals: false}", Pass),
        ("{fact: wsl.gpu_paravirtualization, equals: true}", Fail),
        ("{fact: os.family, in: [windows, LINUX]}", Pass),
        ("{fact: nvidia.cuda_version, equals: 12.2}", Pass),
        ("{fact: nvidia.cuda_version, equals: 12.20}", Pass),
        ("{fact: nvidia.cuda_version, equals: 12}", Fail),
        (
            "{fact: nvidia.cuda_version, in: [\"12.1\", \"12.2\"]}",
            Pass,
        ),
        ("{fact: os.family, in: [windows, macos]}", Fail),
        (
            "{fact: nvidia.driver_version, version: \">=535.104, <536\"}",
            Pass,
        ),
        ("{fact: nvidia.driver_version, version: \">=550\"}", Fail),
        (
            "{fact: nvidia.cuda_version, version: \">={torch.cuda}\"}",
            Pass,
        ),
        (
            "{fact: torch.cuda, version: \">={nvidia.cuda_version}\"}",
            Fail,
        ),
        (
            "{fact: nvidia.cuda_version, version: \">={torch.version}\"}",
            Unknown,
        ),
        ("{fact: os.family, version: \">=1\"}", Unknown),
        ("{fact: memory.total_mib, at_least: 32000}", Pass),
        ("{fact: memory.total_mib, at_least: 128000}", Fail),
        ("{fact: memory.total_mib, at_most: 64000}", Pass),
        ("{fact: memory.total_mib, at_most: 16000.5}", Fail),
        ("{fact: cpu.model, at_least: 1}", Unknown),
        ("{fact: cpu.model, matches: \"Ryzen 9 79[0-9]0\"}", Pass),
        ("{fact: cpu.model, matches: \"^Intel\"}", Fail),
        ("{fact: user.groups, matches: \"^rend\"}", Pass),
        ("{fact: os.family, exists: true}", Pass),
        ("{fact: rocm.version, exists: true}", Fail),
        ("{fact: rocm.version, exists: false}", Pass),
        ("{fact: user.groups, contains: render}", Pass),
        ("{fact: user.groups, contains: docker}", Fail),
        ("{fact: cpu.model, contains: ryzen}", Pass),
        ("{fact: rocm.version, equals: \"6.3\"}", Unknown),
    ];
    for (cond, want) in table {
        assert_eq!(outcome(cond, &f), want, "{cond}");
    }
}

#[test]
fn kleene_logic() {
    use Outcome::{Fail, Pass, Unknown};
    let f = machine();
    let t = "{fact: os.family, equals: linux}";
    let fl = "{fact: os.family, equals: macos}";
    let u = "{fact: rocm.version, equals: \"6\"}";
    let table = [
        (format!("{{all: [{t}, {t}]}}"), Pass),
        (format!("{{all: [{t}, {u}]}}"), Unknown),
        (format!("{{all: [{fl}, {u}]}}"), Fail),
        (format!("{{any: [{fl}, {u}]}}"), Unknown),
        (format!("{{any: [{t}, {u}]}}"), Pass),
        (format!("{{any: [{fl}, {fl}]}}"), Fail),
        (format!("{{not: {t}}}"), Fail),
        (format!("{{not: {fl}}}"), Pass),
        (format!("{{not: {u}}}"), Unknown),
    ];
    for (cond, want) in table {
        assert_eq!(outcome(&cond, &f), want, "{cond}");
    }
}

#[test]
fn unknown_says_which_fact_and_why() {
    let mut f = Facts::new();
    f.set("os.family", "linux");
    f.set_error(
        "nvidia",
        "driver_not_loaded",
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
    );
    let r = &evaluate(
        &one("{fact: nvidia.driver_version, version: \">=535\"}", None),
        &f,
        "t",
    )
    .results[0];
    assert_eq!(r.outcome, Outcome::Unknown);
    assert_eq!(
        r.unknown_reason.as_deref(),
        Some(
            "nvidia.driver_version could not be determined: driver_not_loaded (NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.)"
        )
    );
    assert_eq!(r.facts.len(), 1);
    assert!(r.facts[0].value.is_none());
    assert!(
        r.facts[0]
            .error
            .as_deref()
            .unwrap()
            .starts_with("driver_not_loaded")
    );
    // The title interpolates the absent fact as "unknown". A failure's fix may not fit what
    // could not be determined: an unknown says how to find out instead.
    assert_eq!(r.title, "driver unknown");
    assert_eq!(r.fix, None);
    assert!(
        r.find_out.as_deref().unwrap().contains("`nvidia-smi`"),
        "{r:?}"
    );
}

#[test]
fn when_skips_or_makes_unknown() {
    let f = machine();
    let req = "{fact: os.family, equals: macos}";
    let cases = [
        ("{any_gpu: {fact: vendor, equals: amd}}", Outcome::Skip),
        ("{any_gpu: {fact: vendor, equals: nvidia}}", Outcome::Fail),
        ("{fact: rocm.version, version: \">=6\"}", Outcome::Unknown),
    ];
    for (when, want) in cases {
        let r = &evaluate(&one(req, Some(when)), &f, "t").results[0];
        assert_eq!(r.outcome, want, "{when}");
        assert_eq!(r.fix.is_some(), want == Outcome::Fail, "{when}");
    }
    let r = &evaluate(
        &one(req, Some("{fact: rocm.version, exists: true}")),
        &f,
        "t",
    )
    .results[0];
    assert_eq!(r.outcome, Outcome::Skip);
    assert!(r.fix.is_none());
}

#[test]
fn gpu_quantifiers() {
    use Outcome::{Fail, Pass, Unknown};
    let f = machine();
    let mut none = machine();
    none.gpus.clear();
    let table = [
        ("{any_gpu: {fact: vendor, equals: nvidia}}", &f, Pass),
        ("{all_gpus: {fact: vendor, equals: nvidia}}", &f, Fail),
        // The Intel GPU's VRAM is unknown, the NVIDIA one has enough: any is true.
        (
            "{any_gpu: {fact: vram_total_mib, at_least: 16000}}",
            &f,
            Pass,
        ),
        (
            "{all_gpus: {fact: vram_total_mib, at_least: 16000}}",
            &f,
            Unknown,
        ),
        (
            "{all_gpus: {any: [{fact: vendor, equals: intel}, {fact: compute_capability, version: \">=7.5\"}]}}",
            &f,
            Pass,
        ),
        (
            "{any_gpu: {all: [{fact: vendor, equals: nvidia}, {fact: processes, contains: xorg}]}}",
            &f,
            Pass,
        ),
        // A global fact inside a quantifier.
        (
            "{any_gpu: {all: [{fact: vendor, equals: nvidia}, {fact: os.family, equals: linux}]}}",
            &f,
            Pass,
        ),
        ("{any_gpu: {fact: vendor, equals: nvidia}}", &none, Fail),
        ("{all_gpus: {fact: vendor, equals: nvidia}}", &none, Pass),
    ];
    for (cond, facts, want) in table {
        assert_eq!(outcome(cond, facts), want, "{cond}");
    }
    let r = &evaluate(
        &one("{all_gpus: {fact: vram_total_mib, at_least: 16000}}", None),
        &f,
        "t",
    )
    .results[0];
    let names: Vec<&str> = r.facts.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "gpu.count",
            "gpus[0].vram_total_mib",
            "gpus[1].vram_total_mib"
        ]
    );
    assert_eq!(
        r.unknown_reason.as_deref(),
        Some("gpus[1].vram_total_mib could not be determined")
    );
}

#[test]
fn fix_follows_the_platform() {
    let req = "{fact: os.family, equals: nope}";
    let mut cases = Vec::new();
    let mut f = machine();
    f.set("os.family", "windows");
    cases.push((f, Some("win fix")));
    let mut f = machine();
    f.set("wsl.version", 2u64);
    cases.push((f, Some("linux fix linux")));
    let mut f = Facts::new();
    f.set("os.family", "macos");
    f.set("os.version", "1");
    cases.push((f, Some("default fix")));
    for (f, want) in cases {
        let r = &evaluate(&one(req, None), &f, "t").results[0];
        assert_eq!(r.fix.as_deref(), want);
    }
    // No default and no entry for this platform: no fix.
    let rs = ruleset(
        "  - id: t/r\n    title: x\n    severity: warn\n    require: {fact: os.family, equals: nope}\n    fix: {windows: w}\n    why: y\n    source: https://x\n",
    );
    let r = &evaluate(&rs, &machine(), "t").results[0];
    assert_eq!(r.outcome, Outcome::Warn);
    assert_eq!(r.fix, None);
}

#[test]
fn severities_and_facts_used() {
    let rs = ruleset(
        "  - id: t/a\n    title: a\n    severity: info\n    require: {all: [{fact: os.family, equals: x}, {fact: os.family, exists: true}, {fact: memory.total_mib, at_least: 1}]}\n    fix: f {memory.total_mib} MiB\n    why: y\n    source: https://x\n",
    );
    let r = &evaluate(&rs, &machine(), "t").results[0];
    assert_eq!(r.outcome, Outcome::Info);
    assert_eq!(r.fix.as_deref(), Some("f 64000 MiB"));
    let names: Vec<&str> = r.facts.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["os.family", "memory.total_mib"]);
    assert_eq!(r.facts[1].value, Some(serde_json::json!(64000)));
}

mod laws {
    use super::*;
    use proptest::prelude::*;

    /// Leaves that are true, false or unknown on `machine()`.
    fn leaf() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "{fact: os.family, equals: linux}",
            "{fact: os.family, equals: macos}",
            "{fact: rocm.version, version: \">=6\"}",
            "{fact: memory.total_mib, at_least: 32000}",
            "{fact: user.groups, contains: docker}",
            "{fact: rocm.version, exists: false}",
        ])
        .prop_map(str::to_string)
    }

    fn cond() -> impl Strategy<Value = String> {
        leaf().prop_recursive(4, 24, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4)
                    .prop_map(|v| format!("{{all: [{}]}}", v.join(", "))),
                prop::collection::vec(inner.clone(), 1..4)
                    .prop_map(|v| format!("{{any: [{}]}}", v.join(", "))),
                inner.prop_map(|c| format!("{{not: {c}}}")),
            ]
        })
    }

    fn tri(c: &str) -> Outcome {
        outcome(c, &machine())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn double_negation_and_excluded_middle(c in cond()) {
            prop_assert_eq!(tri(&format!("{{not: {{not: {c}}}}}")), tri(&c));
            prop_assert_eq!(tri(&format!("{{all: [{c}]}}")), tri(&c));
            // c or not c: never false (unknown when c is).
            let em = tri(&format!("{{any: [{c}, {{not: {c}}}]}}"));
            prop_assert!(em == Outcome::Pass || em == Outcome::Unknown);
            // De Morgan.
            let d = format!("{{not: {{all: [{c}, {{fact: rocm.version, equals: \"6\"}}]}}}}");
            let m = format!("{{any: [{{not: {c}}}, {{not: {{fact: rocm.version, equals: \"6\"}}}}]}}");
            prop_assert_eq!(tri(&d), tri(&m));
        }
    }
}

/// A ruleset of 500 `matches:` rules, half on one GPU field: every pattern is compiled at
/// load, once, and evaluating (twice, on a machine with several GPUs) compiles none again.
#[test]
fn patterns_compile_at_load_only() {
    use crate::rules::pattern::compiles_on_this_thread;
    let mut y = String::new();
    for i in 0..500 {
        let cond = if i % 2 == 0 {
            format!("{{fact: cpu.model, matches: \"Ryzen [0-9]+ {i}\"}}")
        } else {
            format!("{{any_gpu: {{fact: name, matches: \"^NVIDIA .*{i}$\"}}}}")
        };
        y.push_str(&format!(
            "  - id: t/r{i}\n    title: T\n    severity: warn\n    require: {cond}\n    fix: f\n    why: w\n    source: https://example.com\n"
        ));
    }
    let before = compiles_on_this_thread();
    let rs = ruleset(&y);
    assert_eq!(compiles_on_this_thread() - before, 500);
    let mut f = machine();
    for _ in 0..8 {
        f.gpus.push(gpu(Vendor::Nvidia, Some(8192), Some("8.6")));
    }
    let after_load = compiles_on_this_thread();
    for _ in 0..2 {
        let r = evaluate(&rs, &f, "t");
        assert_eq!(r.results.len(), 500);
    }
    assert_eq!(compiles_on_this_thread(), after_load);
}

/// An oversized pattern is refused at load with its location; identical ones cost one try.
#[test]
fn an_oversized_pattern_is_a_located_error() {
    use crate::rules::pattern::compiles_on_this_thread;
    let rule = |i: usize| {
        format!(
            "  - id: t/r{i}\n    title: T\n    severity: warn\n    require: {{fact: cpu.model, matches: \"\\\\w{{100}}\"}}\n    fix: f\n    why: w\n    source: https://example.com\n"
        )
    };
    let y = format!(
        "id: t\ntitle: T\nchecked: 2026-01-01\nrules:\n{}",
        (0..500).map(rule).collect::<String>()
    );
    let before = compiles_on_this_thread();
    let errs = load_str(&y, "big.yaml").unwrap_err();
    assert_eq!(compiles_on_this_thread() - before, 1);
    assert_eq!(errs.len(), 500);
    let first = errs[0].to_string();
    assert!(
        first.starts_with(
            "big.yaml:8:41: bad regular expression `\\w{100}`: compiles to more than the 256 KiB"
        ),
        "{first}"
    );
}

/// A rule whose fix has variants by GPU vendor and by context, falling back to platforms.
fn with_variants() -> Ruleset {
    ruleset(
        r#"  - id: t/v
    title: PyTorch
    severity: fail
    require: {fact: torch.version, exists: true}
    fix:
      variants:
        - when: {fact: container.kind, in: [docker, podman]}
          text: "container fix"
        - when: {any_gpu: {fact: vendor, equals: amd}}
          text: "rocm fix {os.family}"
        - when: {fact: rocm.version, version: ">=6"}
          text: "never: unknown does not match"
      linux: "cuda fix"
      macos: "mps fix"
    why: w
    source: https://example.com
"#,
    )
}

#[test]
fn fix_variants_first_match_then_platform() {
    let rs = with_variants();
    let fix = |f: &Facts| evaluate(&rs, f, "t").results[0].fix.clone();
    let mut f = machine();
    assert_eq!(fix(&f).as_deref(), Some("cuda fix"));
    f.gpus = vec![gpu(Vendor::Amd, Some(24560), None)];
    assert_eq!(fix(&f).as_deref(), Some("rocm fix linux"));
    f.set("container.kind", "docker");
    assert_eq!(fix(&f).as_deref(), Some("container fix"));
    let mut mac = Facts::new();
    mac.set("os.family", "macos");
    mac.set("container.kind", "none");
    assert_eq!(fix(&mac).as_deref(), Some("mps fix"));
    // The facts a variant read are not the rule's.
    let r = &evaluate(&rs, &machine(), "t").results[0];
    assert!(r.facts.iter().all(|u| u.name == "torch.version"), "{r:?}");
}

#[test]
fn not_probed_is_skipped_with_the_reason_and_never_strict() {
    let mut f = machine();
    f.set_error("python", "skipped", "--fast");
    for (req, when) in [
        ("{fact: python.version, exists: true}", None),
        ("{fact: python.version, version: \">=3.10\"}", None),
        (
            "{fact: os.family, equals: linux}",
            Some("{fact: python.version, exists: true}"),
        ),
    ] {
        let r = &evaluate(&one(req, when), &f, "t").results[0];
        assert_eq!(r.outcome, Outcome::Skip, "{req}");
        assert_eq!(r.skip_reason.as_deref(), Some("not probed: --fast"));
        assert_eq!(r.fix, None);
        assert_eq!(r.facts[0].absent.as_deref(), Some("not probed: --fast"));
    }
    let mut win = Facts::new();
    win.set("os.family", "windows");
    win.set_error("memory", "not_probed", "not read on native Windows");
    let r = &evaluate(
        &one("{fact: memory.total_mib, at_least: 16000}", None),
        &win,
        "t",
    )
    .results[0];
    assert_eq!(r.outcome, Outcome::Skip);
    assert_eq!(
        r.skip_reason.as_deref(),
        Some("not probed: not read on native Windows")
    );
    // An answer elsewhere still decides: a false part makes `all` false.
    let req = "{all: [{fact: python.version, exists: true}, {fact: os.family, equals: windows}]}";
    assert_eq!(outcome(req, &f), Outcome::Fail);
    // Mixed with a real unknown: unknown, saying both.
    let req = "{all: [{fact: python.version, exists: true}, {fact: rocm.version, exists: false}, {fact: rocm.version, version: \">=6\"}]}";
    let r = &evaluate(&one(req, None), &f, "t").results[0];
    assert_eq!(r.outcome, Outcome::Unknown);
    let why = r.unknown_reason.as_deref().unwrap();
    assert!(why.contains("python.version not probed: --fast"), "{why}");
    assert!(
        why.contains("rocm.version could not be determined"),
        "{why}"
    );
}

#[test]
fn absent_because_nothing_is_wrong_reads_as_what_it_means() {
    let f = machine();
    let r = &evaluate(
        &ruleset(
            "  - id: t/e\n    title: \"error {nvidia.error}, WSL {wsl.version}\"\n    severity: fail\n    require: {not: {fact: nvidia.error, in: [driver_not_loaded, other]}}\n    fix: f\n    why: w\n    source: https://example.com\n",
        ),
        &f,
        "t",
    )
    .results[0];
    assert_eq!(r.outcome, Outcome::Pass, "{r:?}");
    assert_eq!(r.title, "error no error, WSL not WSL");
    assert_eq!(r.facts[0].absent.as_deref(), Some("no error"));
    assert_eq!(r.facts[0].shown(), "no error");
    assert_eq!(
        outcome("{fact: wsl.version, at_least: 2}", &f),
        Outcome::Fail
    );
    // With the area failed, the same absence is an unknown.
    let mut g = machine();
    g.set_error("wsl", "other", "cannot read /proc/version");
    assert_eq!(
        outcome("{fact: wsl.version, at_least: 2}", &g),
        Outcome::Unknown
    );
}

/// The built-in rulesets on a machine built from facts: rule id -> result.
fn builtin_on(f: &Facts) -> std::collections::BTreeMap<String, crate::report::RuleResult> {
    crate::rules::builtin()
        .iter()
        .flat_map(|rs| evaluate(rs, f, "builtin").results)
        .map(|r| (r.id.clone(), r))
        .collect()
}

/// Issue 9.1: a Mac is not told to install a CUDA PyTorch; AMD on WSL2 is not told to check
/// nvidia-smi.
#[test]
fn builtin_fixes_fit_macos_and_amd_on_wsl2() {
    let mut mac = Facts::new();
    mac.set("os.family", "macos");
    mac.set("container.kind", "none");
    mac.set("python.version", "3.12.3");
    mac.set("torch.version", "2.4.0");
    mac.set("torch.gpu_available", false);
    for (id, r) in builtin_on(&mac) {
        let fix = r.fix.unwrap_or_default();
        assert!(!fix.contains("whl/cu1"), "{id}: {fix}");
    }
    let mut wsl = Facts::new();
    wsl.set("os.family", "linux");
    wsl.set("wsl.version", 2u64);
    wsl.set("python.version", "3.12.3");
    wsl.set("torch.version", "2.8.0+rocm6.4");
    wsl.set("torch.hip", "6.4.43482");
    wsl.set("torch.gpu_available", false);
    let mut g = gpu(Vendor::Amd, Some(24560), None);
    g.gfx_target = Some("gfx1100".into());
    wsl.gpus.push(g);
    let all = builtin_on(&wsl);
    let sees: Vec<_> = all
        .iter()
        .filter(|(id, _)| id.ends_with("/torch-sees-gpu"))
        .collect();
    assert!(sees.len() >= 4);
    for (id, r) in sees {
        let fix = r.fix.clone().unwrap_or_default();
        assert!(!fix.contains("nvidia-smi"), "{id}: {fix}");
        assert!(
            fix.contains("rocminfo") && fix.contains("Adrenalin"),
            "{id}: {fix}"
        );
    }
}

/// Issue 9.6: with the Docker daemon down, "the user can talk to the daemon" does not pass,
/// Open WebUI is not told to install Docker, and WSL2 without systemd gets Docker Desktop's
/// WSL integration instead of systemctl.
#[test]
fn docker_daemon_down() {
    let mut f = Facts::new();
    f.set("os.family", "linux");
    f.set("container.kind", "none");
    f.set("docker.client_version", "28.2.2");
    f.set_error(
        "docker",
        "daemon_not_running",
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
    );
    let all = builtin_on(&f);
    assert_ne!(all["host/docker-permission"].outcome, Outcome::Pass);
    assert_eq!(all["host/docker-daemon-running"].outcome, Outcome::Warn);
    let webui = all["open-webui/docker-available"].fix.clone().unwrap();
    assert!(!webui.contains("Install Docker"), "{webui}");
    assert!(webui.contains("28.2.2 is installed but its daemon is not running"));
    assert!(
        all["host/docker-daemon-running"]
            .fix
            .as_deref()
            .unwrap()
            .contains("systemctl enable --now docker")
    );
    f.set("wsl.version", 2u64);
    f.set("wsl.systemd", false);
    let fix = builtin_on(&f)["host/docker-daemon-running"]
        .fix
        .clone()
        .unwrap();
    assert!(!fix.starts_with("`sudo systemctl"), "{fix}");
    assert!(fix.contains("WSL integration"), "{fix}");
    let mut c = Facts::new();
    c.set("os.family", "linux");
    c.set("container.kind", "docker");
    c.set("docker.client_version", "28.2.2");
    c.set_error(
        "docker",
        "daemon_not_running",
        "Cannot connect to the Docker daemon",
    );
    let fix = builtin_on(&c)["host/docker-daemon-running"]
        .fix
        .clone()
        .unwrap();
    assert!(!fix.contains("systemctl"), "{fix}");
}
