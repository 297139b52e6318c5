//! Every built-in ruleset on every recorded machine: the outcome of each rule is pinned
//! (an insta snapshot per fixture), and the rules that matter most are asserted explicitly.
//! After changing a rule or a fixture on purpose: `INSTA_UPDATE=always cargo test rulesets`,
//! then review the diff of tests/it/snapshots/.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("snapshot.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `aidoctor check <all rulesets> --replay fixtures/<name> --format json`, and its exit code.
fn check(fixture: &str) -> (Value, i32) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aidoctor"))
        .current_dir(root())
        .env_clear()
        .arg("check")
        .args(aidoctor::rules::load::builtin_ids())
        .args([
            "--replay",
            &format!("fixtures/{fixture}"),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{fixture}: exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_slice(&out.stdout).unwrap(), code)
}

/// rule id -> result object.
fn results(doc: &Value) -> BTreeMap<String, Value> {
    doc["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|rs| rs["results"].as_array().unwrap().iter())
        .map(|r| (r["id"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

fn outcome<'a>(rs: &'a BTreeMap<String, Value>, id: &str) -> &'a str {
    rs.get(id)
        .unwrap_or_else(|| panic!("no rule {id}"))
        .get("outcome")
        .and_then(Value::as_str)
        .unwrap()
}

fn fix<'a>(rs: &'a BTreeMap<String, Value>, id: &str) -> &'a str {
    rs[id]["fix"].as_str().unwrap_or("")
}

#[test]
fn every_rule_on_every_fixture() {
    let all = fixtures();
    assert!(all.len() >= 10, "recorded machines missing: {all:?}");
    for fx in all {
        let (doc, code) = check(&fx);
        let rs = results(&doc);
        let mut table = String::new();
        for (id, r) in &rs {
            let o = r["outcome"].as_str().unwrap();
            table.push_str(&format!("{o:<8} {id}\n"));
            // Whatever is not fine says what to do, and an unknown says why.
            if matches!(o, "fail" | "warn") {
                assert!(r["fix"].is_string(), "{fx}: {id} is {o} without a fix");
            }
            if o == "unknown" {
                assert!(
                    r["unknown_reason"].is_string(),
                    "{fx}: {id} unknown without a reason"
                );
            }
        }
        table.push_str(&format!("exit {code}\n"));
        insta::assert_snapshot!(format!("outcomes__{fx}"), table);
    }
}

#[test]
fn vllm_fails_on_native_windows_with_the_wsl2_fix() {
    let rs = results(&check("windows11-nvidia").0);
    assert_eq!(outcome(&rs, "vllm/linux-or-wsl2"), "fail");
    assert!(fix(&rs, "vllm/linux-or-wsl2").contains("wsl --install"));
}

#[test]
fn vllm_fails_without_a_gpu() {
    let (doc, code) = check("no-gpu");
    let rs = results(&doc);
    assert_eq!(outcome(&rs, "vllm/gpu-present"), "fail");
    assert!(fix(&rs, "vllm/gpu-present").contains("GPU"));
    assert_eq!(code, 1);
}

#[test]
fn the_7900xtx_passes_its_ruleset() {
    let rs = results(&check("rx7900xtx-rocm6").0);
    let bad: Vec<(&String, &str)> = rs
        .iter()
        .filter(|(id, _)| id.starts_with("rocm-7900xtx/"))
        .map(|(id, r)| (id, r["outcome"].as_str().unwrap()))
        .filter(|(_, o)| !matches!(*o, "pass" | "skip" | "info"))
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(outcome(&rs, "rocm-7900xtx/rocm-version"), "pass");
}

#[test]
fn the_6700xt_gets_the_hsa_override_advice() {
    let rs = results(&check("rx6700xt-hsa-override").0);
    assert_eq!(outcome(&rs, "host/hsa-override-rdna2"), "warn");
    assert!(fix(&rs, "host/hsa-override-rdna2").contains("HSA_OVERRIDE_GFX_VERSION=10.3.0"));
}

#[test]
fn a_driver_mismatch_says_reboot_or_reinstall() {
    let rs = results(&check("nvidia-driver-mismatch").0);
    assert_eq!(outcome(&rs, "host/nvidia-driver-version-match"), "fail");
    let f = fix(&rs, "host/nvidia-driver-version-match").to_lowercase();
    assert!(f.contains("reboot") && f.contains("reinstall"), "{f}");
}

#[test]
fn wsl_advice_on_wsl_machines() {
    let rs = results(&check("wsl2-nvidia").0);
    assert_eq!(outcome(&rs, "host/wsl2-linux-filesystem"), "warn");
    let rs = results(&check("wsl1").0);
    assert_eq!(outcome(&rs, "host/wsl2-not-wsl1"), "fail");
    assert!(fix(&rs, "host/wsl2-not-wsl1").contains("wsl --set-version"));
}

/// The binary's stdout with these arguments (any exit code).
fn run(args: &[&str], env: &[(&str, &str)]) -> (String, i32) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_aidoctor"));
    cmd.current_dir(root()).env_clear().args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Issue 9.1: the fix fits the GPU vendor, and extras survive zsh.
#[test]
fn fixes_fit_the_gpu_vendor() {
    let rs = results(&check("rx7900xtx-rocm6").0);
    for (id, r) in &rs {
        let f = r["fix"].as_str().unwrap_or("");
        assert!(!f.contains("UV_TORCH_BACKEND=cu130"), "{id}: {f}");
        assert!(!f.contains("whl/cu130"), "{id}: {f}");
    }
    assert!(fix(&rs, "axolotl/python-version").contains("whl/rocm"));
    for fx in fixtures() {
        for (id, r) in results(&check(&fx).0) {
            let f = r["fix"].as_str().unwrap_or("");
            assert!(
                !f.contains(" axolotl[") && !f.contains("`axolotl["),
                "{fx}: {id}: an unquoted extra breaks in zsh: {f}"
            );
        }
    }
}

/// Issue 9.2: not probed is skipped with the reason; could not determine has no fix and is
/// not a top fix; absent because nothing is wrong reads as what it means.
#[test]
fn three_kinds_of_no_value() {
    let (out, _) = run(
        &[
            "--fast",
            "check",
            "vllm",
            "--replay",
            "fixtures/rx7900xtx-rocm6",
        ],
        &[],
    );
    assert!(!out.contains("Install Python"), "{out}");
    assert!(out.contains("not probed: --fast"), "{out}");
    let rs = results(&check("windows11-nvidia").0);
    // Windows memory now comes from GlobalMemoryStatusEx (recorded): the rule is evaluated.
    assert_eq!(outcome(&rs, "host/ram-for-models"), "pass");
    for fx in fixtures() {
        for (id, r) in results(&check(&fx).0) {
            if r["outcome"] == "unknown" {
                assert!(r["fix"].is_null(), "{fx}: {id} unknown with a fix");
            }
        }
    }
    let (summary, _) = run(&["--replay", "fixtures/ubuntu-rtx4090"], &[]);
    let top = summary.split("Top fixes").nth(1).unwrap_or("");
    assert!(
        !top.contains("? "),
        "an unknown among the top fixes:\n{summary}"
    );
    let (text, _) = run(&["check", "vllm", "--replay", "fixtures/h100-server"], &[]);
    assert!(text.contains("nvidia.error = no error"), "{text}");
    assert!(text.contains("wsl.version = not WSL"), "{text}");
    assert!(!text.contains("nvidia.error unknown"), "{text}");
}

/// Issue 9.3: ready means installable.
#[test]
fn no_install_route_is_not_ready() {
    let (doc, code) = check("h100-server");
    let rs = results(&doc);
    assert_eq!(outcome(&rs, "vllm/install-route"), "fail");
    assert_eq!(code, 1);
    let (summary, _) = run(&["--replay", "fixtures/h100-server"], &[]);
    assert!(!summary.contains("✔ vllm"), "{summary}");
    let rs = results(&check("rx7900xtx-rocm6").0);
    assert_eq!(outcome(&rs, "vllm/install-route"), "pass");
}

/// Issue 9.4: every command of every fix reaches the report whole.
#[test]
fn the_report_never_cuts_a_command() {
    for fx in fixtures() {
        let (md, _) = run(
            &[
                "report",
                "--no-redact",
                "--replay",
                &format!("fixtures/{fx}"),
            ],
            &[],
        );
        for (id, r) in results(&check(&fx).0) {
            if !matches!(r["outcome"].as_str(), Some("fail" | "warn")) {
                continue;
            }
            let f = r["fix"].as_str().unwrap_or("");
            for (i, code) in f.split('`').enumerate() {
                if i % 2 == 1 && !code.contains('\n') {
                    let want = code.replace('|', "\\|");
                    assert!(
                        md.contains(&want),
                        "{fx}: {id}: `{code}` is not whole in the report"
                    );
                }
            }
        }
    }
}

/// Issue 9.5: an integrated GPU is not one vLLM or Axolotl can use.
#[test]
fn an_integrated_gpu_is_not_a_vllm_gpu() {
    let rs = results(&check("intel-igpu-laptop").0);
    assert_eq!(outcome(&rs, "vllm/gpu-present"), "fail");
    assert_eq!(outcome(&rs, "axolotl/gpu-present"), "fail");
    assert!(fix(&rs, "vllm/gpu-present").contains("integrated"));
    let (summary, _) = run(&["--replay", "fixtures/intel-igpu-laptop"], &[]);
    assert!(!summary.contains("✔ vllm"), "{summary}");
}

/// Issue 9.7: inside a container without a GPU, the fix is the container's GPU access.
#[test]
fn a_container_without_a_gpu_gets_gpus_all() {
    let rs = results(&check("docker-container-no-gpu").0);
    for id in [
        "host/gpu-visible",
        "vllm/gpu-present",
        "axolotl/gpu-present",
    ] {
        assert_ne!(outcome(&rs, id), "pass", "{id}");
        let f = fix(&rs, id);
        assert!(
            f.contains("--gpus all") && f.contains("Container Toolkit"),
            "{id}: {f}"
        );
        assert!(!f.contains("reseat"), "{id}: {f}");
    }
}

/// Issue 10.5: stale built-in knowledge is said in one line; the clock is injectable.
#[test]
fn stale_rulesets_say_so() {
    let fresh = [("AIDOCTOR_TODAY", "2026-12-01")];
    let (summary, _) = run(&["--replay", "fixtures/h100-server"], &fresh);
    assert!(!summary.contains("six months"), "{summary}");
    let late = [("AIDOCTOR_TODAY", "2027-09-01")];
    let (summary, _) = run(&["--replay", "fixtures/h100-server"], &late);
    assert_eq!(
        summary.matches("more than six months ago").count(),
        1,
        "{summary}"
    );
    let (md, _) = run(&["report", "--replay", "fixtures/h100-server"], &late);
    assert!(md.contains("Update aidoctor for newer ones"), "{md}");
    let (list, _) = run(&["rules", "list"], &late);
    assert!(
        list.contains("checked 2026-09-24 (11 months ago)"),
        "{list}"
    );
}

#[test]
fn llamacpp_and_comfyui_apply_on_a_mac_and_wsl1() {
    let rs = results(&check("macbook-m1").0);
    assert_eq!(outcome(&rs, "llamacpp/metal"), "pass");
    assert_eq!(outcome(&rs, "comfyui/torch-mps"), "pass");
    assert_eq!(outcome(&rs, "axolotl/not-macos"), "fail");
    assert_eq!(outcome(&rs, "vllm/linux-or-wsl2"), "fail");
    assert!(fix(&rs, "vllm/linux-or-wsl2").contains("from source"));
    for (id, r) in &rs {
        let f = r["fix"].as_str().unwrap_or("");
        assert!(!f.contains("cu130") && !f.contains("cu126"), "{id}: {f}");
    }
    let rs = results(&check("wsl1").0);
    assert_eq!(outcome(&rs, "llamacpp/gpu-backend"), "info");
    assert!(fix(&rs, "llamacpp/gpu-backend").contains("CPU"));
}

#[test]
fn kepler_on_an_old_driver_fails_vllm_and_axolotl_without_pytorch() {
    let (doc, code) = check("tesla-k80-390-kepler");
    let rs = results(&doc);
    assert_eq!(code, 1);
    // Driver 390 prints no CUDA version: the derived 9.1 runs no vLLM build.
    assert_eq!(outcome(&rs, "vllm/driver-supports-cuda-12"), "fail");
    assert_eq!(outcome(&rs, "vllm/nvidia-compute-capability"), "fail");
    // No PyTorch is installed, and none Axolotl supports runs on Kepler with this driver.
    assert_eq!(outcome(&rs, "axolotl/gpu-runs-supported-torch"), "fail");
    assert_eq!(outcome(&rs, "comfyui/gpu-runs-a-pytorch"), "warn");
}
