//! `aidoctor fit` on a header-only GGUF of a real model's shapes and a replayed 12 GB card.

use assert_cmd::Command;
use std::path::PathBuf;

const MODEL: &str = "tests/models/Meta-Llama-3.1-8B-Instruct-Q8_0.header.gguf";
const RTX3060: &str = "fixtures/windows-rtx3060-12gb";

fn aidoctor() -> Command {
    let mut cmd = Command::cargo_bin("aidoctor").expect("binary built");
    cmd.env_clear();
    cmd.current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    cmd
}

fn fit(args: &[&str]) -> (i32, String, String) {
    let out = aidoctor()
        .args(["--replay", RTX3060, "fit"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fits_only_without_the_desktop_on_a_12_gb_card() {
    let (code, out, _) = fit(&[MODEL, "--context", "24576"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("weights            8138 MiB"), "{out}");
    assert!(out.contains("KV cache           3072 MiB"), "{out}");
    assert!(out.contains("fits only without the desktop (11722 MiB needed, 10946 of 12288 MiB free, 1342 more without the desktop)"), "{out}");
    let (code, out, _) = fit(&[MODEL, "--context", "16384"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(": fits (10698 MiB needed"), "{out}");
    let (code, out, _) = fit(&[MODEL, "--context", "32768"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("needs offloading") && out.contains("-ngl 26"),
        "{out}"
    );
    // A quantized cache halves the KV term: 32768 cells fit again.
    let (code, out, _) = fit(&[
        MODEL,
        "--context",
        "32768",
        "--cache-type-k",
        "q8_0",
        "--cache-type-v",
        "q8_0",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("K q8_0 1088 MiB + V q8_0 1088 MiB"), "{out}");
}

#[test]
fn json_has_every_term() {
    let (_, out, _) = fit(&[MODEL, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let e = &v[0]["estimate"];
    assert_eq!(e["weights_bytes"], 8_532_934_912u64);
    assert_eq!(e["kv"]["cells"], 131072);
    assert_eq!(e["kv"]["context_source"], "the model's own context length");
    assert_eq!(e["overhead_bytes"], 512u64 << 20);
    assert_eq!(v[0]["gpus"][0]["verdict"], "needs_offload");
}

#[test]
fn bad_models_are_usage_errors() {
    let (code, _, err) = fit(&["/nonexistent/model.gguf"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/model.gguf"), "{err}");
    let (code, _, err) = fit(&["README.md"]);
    assert_eq!(code, 2);
    assert!(err.contains("README.md"), "{err}");
    let (code, _, err) = fit(&[MODEL, "--cache-type-k", "q3_k"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a KV cache type"), "{err}");
}

/// A project's ruleset can require the model to fit (`model.fits`).
#[test]
fn a_ruleset_can_require_the_model_to_fit() {
    let d = tempfile::tempdir().unwrap();
    let rules = d.path().join("aidoctor.yaml");
    std::fs::write(
        &rules,
        r#"id: my-llm
title: My LLM app
description: Runs Llama 3.1 8B at Q8_0.
checked: 2026-12-01
rules:
  - id: my-llm/model-fits
    title: "{model.name} fits in VRAM ({model.total_mib} MiB)"
    severity: fail
    require: {fact: model.fits, equals: true}
    fix: "Use a smaller context or a smaller build of the model."
    why: "The model needs {model.total_mib} MiB; verdict: {model.verdict}."
    source: https://github.com/ggml-org/llama.cpp
"#,
    )
    .unwrap();
    let run = |ctx: &str| {
        aidoctor()
            .args(["--replay", RTX3060, "check"])
            .arg(&rules)
            .args(["--model", MODEL, "--model-context", ctx])
            .output()
            .unwrap()
    };
    let ok = run("16384");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let bad = run("24576");
    let out = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(1), "{out}");
    assert!(
        out.contains("Meta Llama 3.1 8B Instruct fits in VRAM (11722 MiB)"),
        "{out}"
    );
    // And a report says it too.
    let rep = aidoctor()
        .args(["--replay", RTX3060, "report", "--ruleset", "host"])
        .args(["--model", MODEL, "--model-context", "24576"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&rep.stdout);
    assert!(
        md.contains("needs 11722 MiB") && md.contains("fits_without_desktop"),
        "{md}"
    );
}
