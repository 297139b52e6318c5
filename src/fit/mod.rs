//! `aidoctor fit MODEL...`: a model's real sizes, read from its file headers (never from its
//! name), against each GPU's free VRAM now and without the desktop tax.
//!
//! MODEL is a `.gguf` file, a `.safetensors` file, a directory of shards (Transformers /
//! Diffusers, `config.json` read for the attention shape), a Hugging Face model id in the
//! local cache (`$HF_HOME/hub` or `~/.cache/huggingface/hub`), or an Ollama name resolved
//! through `~/.ollama/models/manifests` to its GGUF blob.

pub mod estimate;
pub mod gguf;
pub mod safetensors;

use crate::host::Host;
use serde::Serialize;

/// The attention shape that sizes the KV cache (llama.cpp's `n_layer`, `n_head_kv`,
/// `n_embd_head_k/v`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KvShape {
    pub n_layer: u64,
    pub n_head_kv: u64,
    pub head_dim_k: u64,
    pub head_dim_v: u64,
}

impl KvShape {
    pub fn n_embd_k_gqa(&self) -> u64 {
        self.n_head_kv * self.head_dim_k
    }
    pub fn n_embd_v_gqa(&self) -> u64 {
        self.n_head_kv * self.head_dim_v
    }
}

/// One tensor's size and how it would shrink (GGUF type or safetensors dtype).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightTensor {
    pub name: String,
    pub dims: Vec<u64>,
    pub kind: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub name: String,
    pub path: String,
    pub format: &'static str,
    pub tensors: Vec<WeightTensor>,
    pub kv: Option<KvShape>,
    pub context_train: Option<u64>,
}

impl Model {
    pub fn weight_bytes(&self) -> u64 {
        self.tensors.iter().map(|t| t.bytes).sum()
    }
    /// Bytes of the repeating blocks (`blk.N.` in GGUF, `layers.N.` in Transformers).
    pub fn layer_bytes(&self) -> u64 {
        self.tensors
            .iter()
            .filter(|t| layer_index(&t.name).is_some())
            .map(|t| t.bytes)
            .sum()
    }
}

fn layer_index(name: &str) -> Option<u64> {
    for marker in ["blk.", "layers.", "h."] {
        if let Some(i) = name.find(marker)
            && (i == 0 || name.as_bytes()[i - 1] == b'.')
        {
            let rest = &name[i + marker.len()..];
            let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if !n.is_empty() {
                return n.parse().ok();
            }
        }
    }
    None
}

/// Read a header that may be longer than the first read: start small, grow to what the
/// parser asks for, never past `cap`.
fn read_growing<T, E>(
    host: &dyn Host,
    path: &str,
    cap: u64,
    parse: impl Fn(&[u8]) -> Result<T, E>,
    need_more: impl Fn(&E) -> Option<u64>,
    describe: impl Fn(E) -> String,
) -> Result<T, String> {
    let mut want: u64 = 1 << 20;
    loop {
        let b = host
            .read_head(path, want)
            .map_err(|e| format!("{path}: {e}"))?;
        match parse(&b) {
            Ok(t) => return Ok(t),
            Err(e) => match need_more(&e) {
                Some(n) if (b.len() as u64) == want && want < cap => {
                    want = n.max(want.saturating_mul(4)).min(cap);
                }
                Some(_) if (b.len() as u64) < want => {
                    return Err(format!("{path}: the header is cut short (file truncated)"));
                }
                Some(_) => {
                    return Err(format!("{path}: the header is larger than {cap} bytes"));
                }
                None => return Err(format!("{path}: {}", describe(e))),
            },
        }
    }
}

/// GGUF headers hold the vocabulary; 128 MiB covers every real one with room to spare.
const GGUF_HEADER_CAP: u64 = 128 << 20;

pub fn load_gguf(host: &dyn Host, path: &str) -> Result<Model, String> {
    let g = read_growing(
        host,
        path,
        GGUF_HEADER_CAP,
        gguf::parse,
        |e| match e {
            gguf::GgufError::NeedMore(n) => Some(*n),
            _ => None,
        },
        |e| match e {
            gguf::GgufError::Invalid { offset, message } => {
                format!("byte {offset}: {message}")
            }
            gguf::GgufError::NeedMore(n) => format!("needs {n} bytes"),
        },
    )?;
    let tensors = g
        .tensors
        .iter()
        .map(|t| WeightTensor {
            name: t.name.clone(),
            dims: t.dims.clone(),
            kind: gguf::ggml_type(t.ggml_type)
                .map(|x| x.0.to_string())
                .unwrap_or_default(),
            bytes: t.bytes().unwrap_or(0),
        })
        .collect();
    let n_head = g.arch_u64_or_max("attention.head_count");
    let embd = g.arch_u64("embedding_length");
    let default_head = match (embd, n_head) {
        (Some(e), Some(h)) if h > 0 => Some(e / h),
        _ => None,
    };
    let kv = (|| {
        let n_layer = g.arch_u64("block_count")?;
        let n_head_kv = g.arch_u64_or_max("attention.head_count_kv").or(n_head)?;
        let k = g.arch_u64("attention.key_length").or(default_head)?;
        let v = g.arch_u64("attention.value_length").unwrap_or(k);
        Some(KvShape {
            n_layer,
            n_head_kv,
            head_dim_k: k,
            head_dim_v: v,
        })
    })();
    Ok(Model {
        name: g
            .str("general.name")
            .map(printable)
            .unwrap_or_else(|| file_name(path)),
        path: printable(path),
        format: "gguf",
        tensors,
        kv,
        context_train: g.arch_u64("context_length"),
    })
}

fn load_safetensors_file(host: &dyn Host, path: &str) -> Result<Vec<WeightTensor>, String> {
    let ts = read_growing(
        host,
        path,
        safetensors::MAX_HEADER + 8,
        safetensors::parse,
        |e| match e {
            safetensors::StError::NeedMore(n) => Some(*n),
            _ => None,
        },
        |e| match e {
            safetensors::StError::Invalid(m) => m,
            safetensors::StError::NeedMore(n) => format!("needs {n} bytes"),
        },
    )?;
    Ok(ts
        .into_iter()
        .map(|t| WeightTensor {
            name: t.name,
            dims: t.shape,
            kind: t.dtype,
            bytes: t.bytes,
        })
        .collect())
}

fn file_name(path: &str) -> String {
    printable(path.rsplit(['/', '\\']).next().unwrap_or(path))
}

/// Names come from the model's own metadata: no control character reaches a terminal.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .take(200)
        .collect()
}

/// The attention shape from a Transformers `config.json` (`text_config` for multimodal).
pub fn kv_from_config(text: &str) -> (Option<KvShape>, Option<u64>) {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return (None, None);
    };
    let c = v.get("text_config").unwrap_or(&v);
    let u = |k: &str| c.get(k).and_then(|x| x.as_u64());
    let ctx = u("max_position_embeddings");
    let kv = (|| {
        let n_layer = u("num_hidden_layers")?;
        let heads = u("num_attention_heads")?;
        let n_head_kv = u("num_key_value_heads").unwrap_or(heads);
        let head = u("head_dim").or_else(|| Some(u("hidden_size")? / heads.max(1)))?;
        Some(KvShape {
            n_layer,
            n_head_kv,
            head_dim_k: head,
            head_dim_v: head,
        })
    })();
    (kv, ctx)
}

fn load_dir(host: &dyn Host, dir: &str) -> Result<Model, String> {
    let names = host.read_dir(dir).map_err(|e| format!("{dir}: {e}"))?;
    let join = |n: &str| format!("{}/{n}", dir.trim_end_matches('/'));
    if let Some(g) = names.iter().find(|n| n.ends_with(".gguf")) {
        return load_gguf(host, &join(g));
    }
    let mut tensors = Vec::new();
    let mut shards = 0;
    // Diffusers keeps each component (unet, transformer, text_encoder, vae) in a folder.
    let diffusers = names.iter().any(|n| n == "model_index.json");
    let mut dirs: Vec<String> = vec![dir.to_string()];
    if diffusers {
        dirs.extend(names.iter().map(|n| join(n)));
    }
    for d in &dirs {
        let Ok(entries) = host.read_dir(d) else {
            continue;
        };
        for n in entries.iter().filter(|n| n.ends_with(".safetensors")) {
            let p = format!("{}/{n}", d.trim_end_matches('/'));
            tensors.extend(load_safetensors_file(host, &p)?);
            shards += 1;
        }
    }
    if shards == 0 {
        return Err(format!(
            "{dir}: no .gguf or .safetensors weights in this directory"
        ));
    }
    let (kv, ctx) = host
        .read_text(&join("config.json"))
        .map(|t| kv_from_config(&t))
        .unwrap_or((None, None));
    Ok(Model {
        name: file_name(dir.trim_end_matches('/')),
        path: printable(dir),
        format: "safetensors",
        tensors,
        kv,
        context_train: ctx,
    })
}

/// `org/name` in the Hugging Face cache: the newest snapshot directory.
fn hf_cache_dir(host: &dyn Host, id: &str) -> Option<String> {
    let hub = host
        .env("HF_HUB_CACHE")
        .or_else(|| host.env("HF_HOME").map(|h| format!("{h}/hub")))
        .or_else(|| {
            host.env("HOME")
                .map(|h| format!("{h}/.cache/huggingface/hub"))
        })?;
    let snaps = format!("{hub}/models--{}/snapshots", id.replace('/', "--"));
    let revs = host.read_dir(&snaps).ok()?;
    revs.last().map(|r| format!("{snaps}/{r}"))
}

/// `name[:tag]` in Ollama's store: manifest -> the model layer's blob.
fn ollama_blob(host: &dyn Host, name: &str) -> Option<String> {
    let models = host.env("OLLAMA_MODELS").or_else(|| {
        host.env("HOME")
            .or_else(|| host.env("USERPROFILE"))
            .map(|h| format!("{h}/.ollama/models"))
    })?;
    let (name, tag) = name.split_once(':').unwrap_or((name, "latest"));
    let path = if name.contains('/') {
        name.to_string()
    } else {
        format!("library/{name}")
    };
    let manifest = host.read_text(&format!(
        "{models}/manifests/registry.ollama.ai/{path}/{tag}"
    ))?;
    let v: serde_json::Value = serde_json::from_str(&manifest).ok()?;
    let digest = v
        .get("layers")?
        .as_array()?
        .iter()
        .find(|l| {
            l.get("mediaType").and_then(|m| m.as_str())
                == Some("application/vnd.ollama.image.model")
        })?
        .get("digest")?
        .as_str()?;
    let hex = digest.strip_prefix("sha256:")?;
    hex.chars()
        .all(|c| c.is_ascii_hexdigit())
        .then(|| format!("{models}/blobs/sha256-{hex}"))
}

/// Resolve and read one MODEL argument.
pub fn load(host: &dyn Host, arg: &str) -> Result<Model, String> {
    let lower = arg.to_ascii_lowercase();
    if lower.ends_with(".gguf") {
        return load_gguf(host, arg);
    }
    if lower.ends_with(".safetensors") {
        let tensors = load_safetensors_file(host, arg)?;
        return Ok(Model {
            name: file_name(arg),
            path: printable(arg),
            format: "safetensors",
            tensors,
            kv: None,
            context_train: None,
        });
    }
    if host.read_dir(arg).is_ok() {
        return load_dir(host, arg);
    }
    if host.exists(arg) {
        // A blob without an extension (Ollama's store): GGUF by its magic.
        return load_gguf(host, arg);
    }
    if arg.matches('/').count() == 1
        && let Some(dir) = hf_cache_dir(host, arg)
    {
        let mut m = load_dir(host, &dir)?;
        m.name = printable(arg);
        return Ok(m);
    }
    if let Some(blob) = ollama_blob(host, arg) {
        let mut m = load_gguf(host, &blob)?;
        m.name = printable(arg);
        return Ok(m);
    }
    Err(format!(
        "{arg}: not a .gguf or .safetensors file, a model directory, a model in the Hugging \
         Face cache, or an Ollama model"
    ))
}

#[cfg(test)]
mod tests;
