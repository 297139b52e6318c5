use super::estimate::{self, MIB, Options, Verdict};
use super::gguf::{self, GgufError, MetaOut};
use super::safetensors::{self, StError};
use super::*;
use crate::facts::{Facts, Gpu, Vendor};
use crate::host::fake::FakeHost;

fn shape(n_layer: u64, n_head_kv: u64, head: u64) -> KvShape {
    KvShape {
        n_layer,
        n_head_kv,
        head_dim_k: head,
        head_dim_v: head,
    }
}

/// llama.cpp's own KV log lines for real models and contexts.
#[test]
fn kv_matches_llama_cpp_logs() {
    let f16 = 1;
    let q8_0 = 8;
    // https://github.com/ggml-org/llama.cpp/issues/11200 (a Qwen2.5-32B with a draft model):
    // "llama_kv_cache_init: kv_size = 32768, offload = 1, type_k = 'q8_0', type_v = 'q8_0',
    // n_layer = 64" then "KV self size = 4352.00 MiB, K (q8_0): 2176.00 MiB, V (q8_0):
    // 2176.00 MiB". n_embd_k_gqa = 1024 (8 KV heads x 128) is Qwen2.5-32B's published
    // config.json; the log's print_meta lines shown are the draft model's.
    let (k, v) = estimate::kv_bytes(&shape(64, 8, 128), 32768, q8_0, q8_0).unwrap();
    assert_eq!((k, v), (2176 * MIB, 2176 * MIB));
    // https://github.com/JamePeng/llama-cpp-python/pull/1 (DeepSeek-R1-Distill-Qwen-7B F16):
    // "llama_kv_cache_init: layer 0..27: n_embd_k_gqa = 512, n_embd_v_gqa = 512" then
    // "KV self size = 112.00 MiB, K (f16): 56.00 MiB, V (f16): 56.00 MiB". Its kv_size line is
    // outside the part of the log at hand: 2048 cells is the count those sizes imply.
    let (k, v) = estimate::kv_bytes(&shape(28, 4, 128), 2048, f16, f16).unwrap();
    assert_eq!((k, v), (56 * MIB, 56 * MIB));
    // Phi-3-mini-4k-instruct Q4_K_M in a llama-server log kept in a public repository's notes
    // (no issue URL): print_info n_layer = 32, n_head_kv = 32, n_embd_head_k = 96,
    // n_embd_k_gqa = 3072; llama_context n_ctx = 4096; "llama_kv_cache_unified: size =
    // 1536.00 MiB (4096 cells, 32 layers, 1 seqs), K (f16): 768.00 MiB, V (f16): 768.00 MiB".
    let (k, v) = estimate::kv_bytes(&shape(32, 32, 96), 4096, f16, f16).unwrap();
    assert_eq!((k, v), (768 * MIB, 768 * MIB));
}

#[test]
fn ggml_block_sizes() {
    // Q4_K: 256 elements in 144 bytes; Q8_0: 32 in 34; F16: 2 bytes each.
    assert_eq!(gguf::row_bytes(12, 4096), Some(16 * 144));
    assert_eq!(gguf::row_bytes(8, 4096), Some(128 * 34));
    assert_eq!(gguf::row_bytes(1, 4096), Some(8192));
    assert_eq!(gguf::row_bytes(12, 100), None);
    assert_eq!(gguf::row_bytes(99, 32), None);
}

fn tiny_gguf() -> Vec<u8> {
    gguf::write_header(
        &[
            ("general.architecture", MetaOut::Str("llama")),
            ("general.name", MetaOut::Str("tiny")),
            ("llama.block_count", MetaOut::U32(2)),
            ("llama.context_length", MetaOut::U32(4096)),
            ("llama.embedding_length", MetaOut::U32(512)),
            ("llama.attention.head_count", MetaOut::U32(8)),
            ("llama.attention.head_count_kv", MetaOut::U32(2)),
            (
                "tokenizer.ggml.tokens",
                MetaOut::Strs(vec!["<s>", "</s>", "a"]),
            ),
        ],
        &[
            ("token_embd.weight", &[512, 1000], 12),
            ("blk.0.attn_q.weight", &[512, 512], 12),
            ("blk.0.attn_norm.weight", &[512], 0),
            ("blk.1.attn_q.weight", &[512, 512], 14),
            ("blk.1.attn_norm.weight", &[512], 0),
            ("output.weight", &[512, 1000], 8),
        ],
    )
}

#[test]
fn gguf_header_terms() {
    let host = FakeHost::new().file("/m/tiny.gguf", tiny_gguf());
    let m = load(&host, "/m/tiny.gguf").unwrap();
    assert_eq!(m.name, "tiny");
    assert_eq!(m.context_train, Some(4096));
    assert_eq!(m.kv, Some(shape(2, 2, 64)));
    let q4k = |n: u64| n / 256 * 144;
    let q6k = |n: u64| n / 256 * 210;
    let q8 = |n: u64| n / 32 * 34;
    let weights = q4k(512 * 1000) + q4k(512 * 512) + 2 * 512 * 4 + q6k(512 * 512) + q8(512 * 1000);
    assert_eq!(m.weight_bytes(), weights);
    assert_eq!(
        m.layer_bytes(),
        q4k(512 * 512) + q6k(512 * 512) + 2 * 512 * 4
    );
    let e = estimate::estimate(&m, &Options::default());
    let kv = e.kv.clone().unwrap();
    assert_eq!(kv.cells, 4096);
    assert_eq!(kv.context_source, "the model's own context length");
    // 4096 cells x 2 layers x 128 (2 heads x 64) x 2 bytes, for K and for V.
    assert_eq!(kv.k_bytes, 4096 * 2 * 128 * 2);
    assert_eq!(kv.v_bytes, kv.k_bytes);
    assert_eq!(e.overhead_bytes, 512 * MIB);
    assert_eq!(e.total_bytes, weights + 2 * kv.k_bytes + 512 * MIB);
    let e = estimate::estimate(
        &m,
        &Options {
            context: Some(1024),
            cache_k: 8,
            ..Options::default()
        },
    );
    let kv = e.kv.unwrap();
    assert_eq!(kv.context_source, "--context");
    assert_eq!(kv.k_bytes, 1024 * 2 * (128 / 32 * 34));
    assert_eq!(kv.type_k, "q8_0");
}

#[test]
fn gguf_bad_input_is_an_error() {
    let good = tiny_gguf();
    for cut in [0, 3, 10, 30, good.len() - 1] {
        assert!(
            matches!(gguf::parse(&good[..cut]), Err(GgufError::NeedMore(_))),
            "cut at {cut}"
        );
    }
    let mut bad = good.clone();
    bad[0] = b'X';
    assert!(matches!(gguf::parse(&bad), Err(GgufError::Invalid { .. })));
    // An absurd tensor count is refused before anything is allocated.
    let mut huge = good.clone();
    huge[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(gguf::parse(&huge), Err(GgufError::Invalid { .. })));
    // A truncated file reads as such through load().
    let host = FakeHost::new().file("/m/cut.gguf", &good[..good.len() - 4]);
    let err = load(&host, "/m/cut.gguf").unwrap_err();
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn safetensors_header_terms_and_bad_input() {
    let bytes = safetensors::write(
        &[
            (
                "model.layers.0.self_attn.q_proj.weight",
                "BF16",
                &[4096, 4096],
            ),
            ("model.layers.0.input_layernorm.weight", "F32", &[4096]),
            ("lm_head.weight", "F16", &[32000, 4096]),
        ],
        false,
    );
    let ts = safetensors::parse(&bytes).unwrap();
    let total: u64 = ts.iter().map(|t| t.bytes).sum();
    assert_eq!(total, 4096 * 4096 * 2 + 4096 * 4 + 32000 * 4096 * 2);
    assert!(matches!(
        safetensors::parse(&bytes[..bytes.len() - 1]),
        Err(StError::NeedMore(_))
    ));
    let mut absurd = bytes.clone();
    absurd[..8].copy_from_slice(&(200u64 << 20).to_le_bytes());
    assert!(matches!(
        safetensors::parse(&absurd),
        Err(StError::Invalid(_))
    ));
    // Offsets that disagree with dtype x shape.
    let lie = br#"{"w":{"dtype":"F16","shape":[10],"data_offsets":[0,4]}}"#;
    let mut b = (lie.len() as u64).to_le_bytes().to_vec();
    b.extend(lie);
    assert!(matches!(safetensors::parse(&b), Err(StError::Invalid(_))));
}

#[test]
fn model_directory_hf_cache_and_ollama() {
    let shard = |name: &'static str| safetensors::write(&[(name, "BF16", &[1024, 1024])], false);
    let config = r#"{"num_hidden_layers": 16, "num_attention_heads": 16,
        "num_key_value_heads": 4, "hidden_size": 1024, "max_position_embeddings": 8192}"#;
    let snap = "/home/u/.cache/huggingface/hub/models--org--tiny/snapshots/abc123";
    let host = FakeHost::new()
        .env("HOME", "/home/u")
        .file(&format!("{snap}/config.json"), config)
        .file(
            &format!("{snap}/model-00001-of-00002.safetensors"),
            shard("model.layers.0.mlp.weight"),
        )
        .file(
            &format!("{snap}/model-00002-of-00002.safetensors"),
            shard("model.layers.1.mlp.weight"),
        )
        .file(
            "/home/u/.ollama/models/manifests/registry.ollama.ai/library/tiny/q4",
            r#"{"layers":[{"mediaType":"application/vnd.ollama.image.template","digest":"sha256:00"},
                {"mediaType":"application/vnd.ollama.image.model","digest":"sha256:abcdef"}]}"#,
        )
        .file("/home/u/.ollama/models/blobs/sha256-abcdef", tiny_gguf());
    let m = load(&host, "org/tiny").unwrap();
    assert_eq!(m.name, "org/tiny");
    assert_eq!(m.weight_bytes(), 2 * 1024 * 1024 * 2);
    assert_eq!(m.kv, Some(shape(16, 4, 64)));
    assert_eq!(m.context_train, Some(8192));
    let m = load(&host, "tiny:q4").unwrap();
    assert_eq!(m.format, "gguf");
    assert_eq!(m.kv, Some(shape(2, 2, 64)));
    let err = load(&host, "/nowhere").unwrap_err();
    assert!(err.contains("not a .gguf"), "{err}");
    let empty = FakeHost::new().file("/d/README.md", "hi");
    assert!(
        load(&empty, "/d")
            .unwrap_err()
            .contains("no .gguf or .safetensors")
    );
}

fn gpu(name: &str, total: u64, used: u64, desktop: u64) -> Gpu {
    let mut g = Gpu::new(Vendor::Nvidia);
    g.name = Some(name.into());
    g.vram_total_mib = Some(total);
    g.vram_used_mib = Some(used);
    g.processes = vec![crate::facts::GpuProcess {
        pid: Some(1),
        name: "/usr/lib/xorg/Xorg".into(),
        kind: crate::facts::ProcessKind::Graphics,
        used_mib: Some(desktop),
    }];
    g
}

fn model_of(weights_mib: u64, kv: Option<KvShape>) -> Model {
    Model {
        name: "m".into(),
        path: "/m".into(),
        format: "gguf",
        tensors: (0..4)
            .map(|i| WeightTensor {
                name: format!("blk.{i}.ffn.weight"),
                dims: vec![1024, weights_mib * 128],
                kind: "F16".into(),
                bytes: weights_mib * MIB / 4,
            })
            .collect(),
        kv: kv.or(Some(shape(4, 1, 64))),
        context_train: Some(1024),
    }
}

#[test]
fn verdicts() {
    let mut f = Facts::new();
    f.gpus.push(gpu("RTX 4070", 12282, 600, 600));
    // 10 GiB of weights + tiny KV + 512 MiB: 11776 MiB of 11682 free now, fits headless.
    let r = estimate::fit(&model_of(11264, None), &Options::default(), &f);
    assert_eq!(r.gpus[0].verdict, Verdict::FitsWithoutDesktop, "{r:?}");
    assert_eq!(r.gpus[0].desktop_mib, 600);
    assert!(
        r.gpus[0]
            .headless_fix
            .unwrap()
            .contains("multi-user.target")
    );
    let r = estimate::fit(&model_of(4096, None), &Options::default(), &f);
    assert_eq!(r.gpus[0].verdict, Verdict::Fits);
    let r = estimate::fit(&model_of(20480, None), &Options::default(), &f);
    assert_eq!(r.gpus[0].verdict, Verdict::NeedsOffload);
    assert_eq!(r.gpus[0].ngl, Some(2));
    assert!(
        r.alternatives
            .iter()
            .any(|a| a.kind == "Q4_K" && a.fits_now)
    );
    // Split over two 12 GB cards, each holding half.
    f.gpus.push(gpu("RTX 4070", 12282, 600, 600));
    let r = estimate::fit(
        &model_of(20480, None),
        &Options {
            gpus: 2,
            ..Options::default()
        },
        &f,
    );
    assert_eq!(r.gpus.len(), 2);
    assert_eq!(r.gpus[0].verdict, Verdict::Fits);
}

/// Meta-Llama-3.1-8B-Instruct at Q8_0, header only: the architecture's real shapes
/// (meta-llama/Llama-3.1-8B-Instruct config.json: 32 layers, hidden 4096, 32 heads, 8 KV
/// heads, intermediate 14336, vocab 128256, max_position_embeddings 131072) with every 2-D
/// weight in Q8_0 and the norms and rope_freqs in F32, as llama.cpp's Q8_0 files are. The
/// weights come to 8532934912 bytes; bartowski/Meta-Llama-3.1-8B-Instruct-GGUF lists its
/// Q8_0 file at 8.54 GB (the rest is the vocabulary and metadata).
pub fn llama31_8b_q8_0_header() -> Vec<u8> {
    let (e, ff, vocab, kv) = (4096u64, 14336u64, 128256u64, 1024u64);
    let names: Vec<(String, Vec<u64>, u32)> = {
        let mut t = vec![
            ("rope_freqs.weight".to_string(), vec![64], 0),
            ("token_embd.weight".to_string(), vec![e, vocab], 8),
        ];
        for i in 0..32 {
            let b = |n: &str| format!("blk.{i}.{n}.weight");
            t.push((b("attn_norm"), vec![e], 0));
            t.push((b("attn_q"), vec![e, e], 8));
            t.push((b("attn_k"), vec![e, kv], 8));
            t.push((b("attn_v"), vec![e, kv], 8));
            t.push((b("attn_output"), vec![e, e], 8));
            t.push((b("ffn_norm"), vec![e], 0));
            t.push((b("ffn_gate"), vec![e, ff], 8));
            t.push((b("ffn_up"), vec![e, ff], 8));
            t.push((b("ffn_down"), vec![ff, e], 8));
        }
        t.push(("output_norm.weight".to_string(), vec![e], 0));
        t.push(("output.weight".to_string(), vec![e, vocab], 8));
        t
    };
    let tensors: Vec<(&str, &[u64], u32)> = names
        .iter()
        .map(|(n, d, t)| (n.as_str(), d.as_slice(), *t))
        .collect();
    gguf::write_header(
        &[
            ("general.architecture", MetaOut::Str("llama")),
            ("general.name", MetaOut::Str("Meta Llama 3.1 8B Instruct")),
            ("general.file_type", MetaOut::U32(7)),
            ("llama.block_count", MetaOut::U32(32)),
            ("llama.context_length", MetaOut::U32(131072)),
            ("llama.embedding_length", MetaOut::U32(4096)),
            ("llama.feed_forward_length", MetaOut::U32(14336)),
            ("llama.attention.head_count", MetaOut::U32(32)),
            ("llama.attention.head_count_kv", MetaOut::U32(8)),
        ],
        &tensors,
    )
}

pub const LLAMA31_8B_Q8_0: &str = "tests/models/Meta-Llama-3.1-8B-Instruct-Q8_0.header.gguf";

#[test]
fn header_fixture_is_what_the_writer_makes() {
    let path = format!("{}/{LLAMA31_8B_Q8_0}", env!("CARGO_MANIFEST_DIR"));
    let want = llama31_8b_q8_0_header();
    if std::env::var_os("AIDOCTOR_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        want,
        "AIDOCTOR_BLESS=1 cargo test fit"
    );
    let m = load(&crate::host::live::LiveHost::new(), &path).unwrap();
    assert_eq!(m.weight_bytes(), 8_532_934_912);
    assert_eq!(m.kv, Some(shape(32, 8, 128)));
    assert_eq!(m.context_train, Some(131072));
}

#[test]
fn metadata_names_reach_no_terminal_raw() {
    let b = gguf::write_header(
        &[("general.name", MetaOut::Str("evil\x1b]0;pwned\x07name"))],
        &[],
    );
    let host = FakeHost::new().file("/m/e.gguf", b);
    let m = load(&host, "/m/e.gguf").unwrap();
    assert!(!m.name.chars().any(char::is_control), "{:?}", m.name);
}

/// Files written by the reference writers (PyPI `gguf` 0.19.0 and `safetensors` 0.8.0; the
/// command is in tests/models/make_reference.py). `gguf.GGUFReader` reports the same bytes
/// per tensor: Q8_0 256x256 = 69632, Q4_0 256x256 = 36864, F32 256 = 1024, F16 256x64 = 32768.
#[test]
fn reference_writers_agree() {
    let dir = format!("{}/tests/models", env!("CARGO_MANIFEST_DIR"));
    let live = crate::host::live::LiveHost::new();
    let m = load(&live, &format!("{dir}/ref-tiny.gguf")).unwrap();
    assert_eq!(m.name, "ref-tiny");
    let by = |n: &str| m.tensors.iter().find(|t| t.name == n).unwrap().bytes;
    assert_eq!(by("blk.0.attn_q.weight"), 69632);
    assert_eq!(by("blk.1.attn_k.weight"), 36864);
    assert_eq!(by("blk.0.attn_norm.weight"), 1024);
    assert_eq!(by("output.weight"), 32768);
    assert_eq!(m.weight_bytes(), 247_808);
    assert_eq!(m.kv, Some(shape(2, 2, 64)));
    assert_eq!(m.context_train, Some(2048));
    let m = load(&live, &format!("{dir}/ref-tiny.safetensors")).unwrap();
    assert_eq!(m.weight_bytes(), 64 * 32 * 2 + 32 * 4 + 10 * 32);
    assert_eq!(m.tensors.len(), 3);
}
