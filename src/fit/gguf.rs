//! The GGUF header: metadata and tensor infos, never the tensor data.
//!
//! Layout (ggml-org/ggml docs/gguf.md): magic `GGUF`, version u32 (2 or 3), tensor count
//! u64, metadata count u64, the metadata (key string, value type u32, value), then per
//! tensor: name, n_dims u32, dims u64 each, ggml type u32, offset u64. Strings are a u64
//! length and UTF-8 bytes; everything is little-endian. Every count read from the file is
//! checked against the bytes that remain before anything is allocated from it.

use std::collections::BTreeMap;

/// ggml type id -> (name, elements per block, bytes per block): the `type_traits` table of
/// ggml-org/llama.cpp `ggml/src/ggml.c` (`.blck_size`, `.type_size` = sizeof(block_*) from
/// ggml-common.h). Ids 4, 5, 31-33 and 36-38 were removed from GGUF files.
pub const GGML_TYPES: &[(u32, &str, u64, u64)] = &[
    (0, "F32", 1, 4),
    (1, "F16", 1, 2),
    (2, "Q4_0", 32, 18),
    (3, "Q4_1", 32, 20),
    (6, "Q5_0", 32, 22),
    (7, "Q5_1", 32, 24),
    (8, "Q8_0", 32, 34),
    (9, "Q8_1", 32, 36),
    (10, "Q2_K", 256, 84),
    (11, "Q3_K", 256, 110),
    (12, "Q4_K", 256, 144),
    (13, "Q5_K", 256, 176),
    (14, "Q6_K", 256, 210),
    (15, "Q8_K", 256, 292),
    (16, "IQ2_XXS", 256, 66),
    (17, "IQ2_XS", 256, 74),
    (18, "IQ3_XXS", 256, 98),
    (19, "IQ1_S", 256, 50),
    (20, "IQ4_NL", 32, 18),
    (21, "IQ3_S", 256, 110),
    (22, "IQ2_S", 256, 82),
    (23, "IQ4_XS", 256, 136),
    (24, "I8", 1, 1),
    (25, "I16", 1, 2),
    (26, "I32", 1, 4),
    (27, "I64", 1, 8),
    (28, "F64", 1, 8),
    (29, "IQ1_M", 256, 56),
    (30, "BF16", 1, 2),
    (34, "TQ1_0", 256, 54),
    (35, "TQ2_0", 256, 66),
    (39, "MXFP4", 32, 17),
];

/// The cache types llama.cpp's `--cache-type-k/-v` accepts, as it spells them.
pub const GGML_TYPES_LOWER: &[(u32, &str)] = &[
    (0, "f32"),
    (1, "f16"),
    (30, "bf16"),
    (8, "q8_0"),
    (2, "q4_0"),
    (3, "q4_1"),
    (20, "iq4_nl"),
    (6, "q5_0"),
    (7, "q5_1"),
];

pub fn ggml_type(id: u32) -> Option<(&'static str, u64, u64)> {
    GGML_TYPES
        .iter()
        .find(|t| t.0 == id)
        .map(|&(_, n, b, s)| (n, b, s))
}

pub fn ggml_type_by_name(name: &str) -> Option<u32> {
    GGML_TYPES
        .iter()
        .find(|t| t.1.eq_ignore_ascii_case(name))
        .map(|t| t.0)
}

/// Bytes of `n` elements of ggml type `id` (`ggml_row_size`); `None` when `n` is not a
/// multiple of the block size or the type is unknown.
pub fn row_bytes(id: u32, n: u64) -> Option<u64> {
    let (_, blck, size) = ggml_type(id)?;
    n.is_multiple_of(blck)
        .then(|| (n / blck).checked_mul(size))?
}

/// A metadata value, kept only as far as estimates need (arrays: numbers only, bounded).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i128),
    Float(f64),
    Bool(bool),
    Str(String),
    /// Integer arrays (per-layer head counts); other arrays are skipped.
    Ints(Vec<i128>),
    Other,
}

impl Value {
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Int(i) => u64::try_from(*i).ok(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TensorInfo {
    pub name: String,
    pub dims: Vec<u64>,
    pub ggml_type: u32,
    pub offset: u64,
}

impl TensorInfo {
    pub fn elements(&self) -> Option<u64> {
        self.dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d))
    }
    /// Exact bytes of the tensor's data (rows of `dims[0]` elements).
    pub fn bytes(&self) -> Option<u64> {
        let row = *self.dims.first().unwrap_or(&1);
        let rows = self
            .dims
            .iter()
            .skip(1)
            .try_fold(1u64, |a, &d| a.checked_mul(d))?;
        row_bytes(self.ggml_type, row)?.checked_mul(rows)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gguf {
    pub version: u32,
    pub metadata: BTreeMap<String, Value>,
    pub tensors: Vec<TensorInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GgufError {
    /// The header goes on past the bytes read: read at least this many and try again.
    NeedMore(u64),
    Invalid {
        offset: u64,
        message: String,
    },
}

/// Bounds that no real model reaches.
const MAX_TENSORS: u64 = 1 << 20;
const MAX_KV: u64 = 1 << 20;
const MAX_DIMS: u32 = 8;
const MAX_STRING: u64 = 64 << 20;

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn bad(&self, message: impl Into<String>) -> GgufError {
        GgufError::Invalid {
            offset: self.pos as u64,
            message: message.into(),
        }
    }
    fn take(&mut self, n: u64) -> Result<&'a [u8], GgufError> {
        let end = (self.pos as u64)
            .checked_add(n)
            .ok_or_else(|| self.bad("length overflows"))?;
        if end > self.b.len() as u64 {
            return Err(GgufError::NeedMore(end));
        }
        let s = &self.b[self.pos..end as usize];
        self.pos = end as usize;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, GgufError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Result<u64, GgufError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    fn string(&mut self) -> Result<String, GgufError> {
        let n = self.u64()?;
        if n > MAX_STRING {
            return Err(self.bad(format!("string of {n} bytes")));
        }
        let s = self.take(n)?;
        Ok(String::from_utf8_lossy(s).into_owned())
    }
    /// Size of one scalar of value type `t`; `None` for strings and arrays.
    fn scalar_size(&self, t: u32) -> Result<Option<u64>, GgufError> {
        Ok(match t {
            0 | 1 | 7 => Some(1),
            2 | 3 => Some(2),
            4..=6 => Some(4),
            10..=12 => Some(8),
            8 | 9 => None,
            _ => return Err(self.bad(format!("unknown metadata value type {t}"))),
        })
    }
    fn scalar(&mut self, t: u32) -> Result<Value, GgufError> {
        let size = self.scalar_size(t)?.unwrap_or(0);
        let s = self.take(size)?;
        let mut a = [0u8; 8];
        a[..s.len()].copy_from_slice(s);
        let u = u64::from_le_bytes(a);
        Ok(match t {
            0 | 2 | 4 | 10 => Value::Int(i128::from(u)),
            1 => Value::Int(i128::from(s[0] as i8)),
            3 => Value::Int(i128::from(i16::from_le_bytes([s[0], s[1]]))),
            5 => Value::Int(i128::from(i32::from_le_bytes([s[0], s[1], s[2], s[3]]))),
            11 => Value::Int(i128::from(u as i64)),
            6 => Value::Float(f64::from(f32::from_le_bytes([s[0], s[1], s[2], s[3]]))),
            12 => Value::Float(f64::from_bits(u)),
            7 => Value::Bool(s[0] != 0),
            _ => Value::Other,
        })
    }
    fn value(&mut self, t: u32, depth: u32) -> Result<Value, GgufError> {
        match t {
            8 => Ok(Value::Str(self.string()?)),
            9 => {
                if depth > 2 {
                    return Err(self.bad("arrays nested too deep"));
                }
                let et = self.u32()?;
                let n = self.u64()?;
                match self.scalar_size(et)? {
                    Some(size) => {
                        let total = n
                            .checked_mul(size)
                            .ok_or_else(|| self.bad("array length overflows"))?;
                        let start = self.pos;
                        self.take(total)?;
                        let integer = matches!(et, 0..=5 | 10 | 11);
                        // Per-layer values are short; a vocabulary's scores are skipped.
                        if integer && n <= 4096 {
                            self.pos = start;
                            let mut v = Vec::with_capacity(n as usize);
                            for _ in 0..n {
                                if let Value::Int(i) = self.scalar(et)? {
                                    v.push(i);
                                }
                            }
                            return Ok(Value::Ints(v));
                        }
                        Ok(Value::Other)
                    }
                    None => {
                        // Strings (a vocabulary) or nested arrays: walk them, keep nothing.
                        // Each element takes at least 8 bytes, so `n` is bounded by the input.
                        let remaining = (self.b.len() - self.pos) as u64;
                        if n > remaining / 8 + 1 {
                            return Err(GgufError::NeedMore(
                                (self.pos as u64).saturating_add(n.saturating_mul(8)),
                            ));
                        }
                        for _ in 0..n {
                            self.value(et, depth + 1)?;
                        }
                        Ok(Value::Other)
                    }
                }
            }
            _ => self.scalar(t),
        }
    }
}

pub fn parse(b: &[u8]) -> Result<Gguf, GgufError> {
    let mut r = Reader { b, pos: 0 };
    let magic = r.take(4)?;
    if magic != b"GGUF" {
        return Err(GgufError::Invalid {
            offset: 0,
            message: "not a GGUF file (no GGUF magic)".into(),
        });
    }
    let version = r.u32()?;
    if !(2..=3).contains(&version) {
        return Err(r.bad(format!("GGUF version {version} (aidoctor reads 2 and 3)")));
    }
    let n_tensors = r.u64()?;
    let n_kv = r.u64()?;
    if n_tensors > MAX_TENSORS || n_kv > MAX_KV {
        return Err(r.bad(format!(
            "{n_tensors} tensors and {n_kv} metadata entries: not a real header"
        )));
    }
    let mut g = Gguf {
        version,
        ..Default::default()
    };
    for _ in 0..n_kv {
        let key = r.string()?;
        let t = r.u32()?;
        let v = r.value(t, 0)?;
        g.metadata.insert(key, v);
    }
    for _ in 0..n_tensors {
        let name = r.string()?;
        let n_dims = r.u32()?;
        if n_dims == 0 || n_dims > MAX_DIMS {
            return Err(r.bad(format!("tensor {name} has {n_dims} dimensions")));
        }
        let mut dims = Vec::with_capacity(n_dims as usize);
        for _ in 0..n_dims {
            dims.push(r.u64()?);
        }
        let type_id = r.u32()?;
        let offset = r.u64()?;
        let t = TensorInfo {
            name,
            dims,
            ggml_type: type_id,
            offset,
        };
        if ggml_type(type_id).is_none() {
            return Err(r.bad(format!(
                "tensor {} has ggml type {type_id}, unknown to aidoctor",
                t.name
            )));
        }
        if t.bytes().is_none() {
            return Err(r.bad(format!(
                "tensor {} has dimensions {:?} that do not fit its type",
                t.name, t.dims
            )));
        }
        g.tensors.push(t);
    }
    Ok(g)
}

impl Gguf {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.metadata.get(key)
    }
    pub fn str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn arch_u64(&self, key: &str) -> Option<u64> {
        let arch = self.str("general.architecture")?;
        self.get(&format!("{arch}.{key}"))?.as_u64()
    }
    /// A per-architecture value that may be one number or one per layer (max over layers).
    pub fn arch_u64_or_max(&self, key: &str) -> Option<u64> {
        let arch = self.str("general.architecture")?;
        match self.get(&format!("{arch}.{key}"))? {
            Value::Ints(v) => v.iter().filter_map(|&i| u64::try_from(i).ok()).max(),
            v => v.as_u64(),
        }
    }
}

/// Write a GGUF v3 header (tests and fuzz seeds): metadata of u32 / string values and
/// tensor infos; no tensor data.
pub fn write_header(meta: &[(&str, MetaOut)], tensors: &[(&str, &[u64], u32)]) -> Vec<u8> {
    let mut b = Vec::new();
    let s = |b: &mut Vec<u8>, x: &str| {
        b.extend((x.len() as u64).to_le_bytes());
        b.extend(x.as_bytes());
    };
    b.extend(b"GGUF");
    b.extend(3u32.to_le_bytes());
    b.extend((tensors.len() as u64).to_le_bytes());
    b.extend((meta.len() as u64).to_le_bytes());
    for (k, v) in meta {
        s(&mut b, k);
        match v {
            MetaOut::U32(x) => {
                b.extend(4u32.to_le_bytes());
                b.extend(x.to_le_bytes());
            }
            MetaOut::Str(x) => {
                b.extend(8u32.to_le_bytes());
                s(&mut b, x);
            }
            MetaOut::Strs(xs) => {
                b.extend(9u32.to_le_bytes());
                b.extend(8u32.to_le_bytes());
                b.extend((xs.len() as u64).to_le_bytes());
                for x in xs {
                    s(&mut b, x);
                }
            }
        }
    }
    let mut offset = 0u64;
    for (name, dims, t) in tensors {
        s(&mut b, name);
        b.extend((dims.len() as u32).to_le_bytes());
        for d in *dims {
            b.extend(d.to_le_bytes());
        }
        b.extend(t.to_le_bytes());
        b.extend(offset.to_le_bytes());
        let info = TensorInfo {
            name: name.to_string(),
            dims: dims.to_vec(),
            ggml_type: *t,
            offset,
        };
        offset += info.bytes().unwrap_or(0).div_ceil(32) * 32;
    }
    b
}

pub enum MetaOut {
    U32(u32),
    Str(&'static str),
    Strs(Vec<&'static str>),
}
