"""Write ref-tiny.gguf and ref-tiny.safetensors with the reference writers from PyPI.

    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install gguf==0.19.0 safetensors==0.8.0 numpy
    cd tests/models && /tmp/refvenv/bin/python make_reference.py

The Rust tests (src/fit/tests.rs, `reference_writers_agree`) check aidoctor's parsers on them.
"""
import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from safetensors.numpy import save_file

w = gguf.GGUFWriter("ref-tiny.gguf", "llama")
w.add_name("ref-tiny")
w.add_block_count(2)
w.add_context_length(2048)
w.add_embedding_length(256)
w.add_head_count(4)
w.add_head_count_kv(2)
w.add_token_list(["<s>", "</s>", "hello"])
rng = np.random.default_rng(0)
for i in range(2):
    for name, qtype in (("attn_q", T.Q8_0), ("attn_k", T.Q4_0)):
        x = rng.standard_normal((256, 256), dtype=np.float32)
        q = gguf.quants.quantize(x, qtype)
        w.add_tensor(f"blk.{i}.{name}.weight", q, raw_dtype=qtype)
    w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(256, dtype=np.float32))
w.add_tensor("output.weight", rng.standard_normal((64, 256)).astype(np.float16))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()

save_file(
    {
        "model.layers.0.self_attn.q_proj.weight": np.zeros((64, 32), dtype=np.float16),
        "model.layers.0.input_layernorm.weight": np.ones(32, dtype=np.float32),
        "lm_head.weight": np.zeros((10, 32), dtype=np.int8),
    },
    "ref-tiny.safetensors",
    metadata={"format": "pt"},
)
