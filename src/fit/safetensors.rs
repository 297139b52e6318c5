//! The safetensors header (huggingface/safetensors README, "Format"): an 8-byte
//! little-endian header length N, then N bytes of JSON mapping each tensor name to
//! `{"dtype", "shape", "data_offsets": [begin, end]}` (plus an optional `__metadata__`).

/// The largest header accepted; real ones are kilobytes to a few MiB.
pub const MAX_HEADER: u64 = 100 << 20;

/// Bytes per element of a safetensors dtype.
pub fn dtype_bytes(dtype: &str) -> Option<u64> {
    Some(match dtype {
        "F64" | "I64" | "U64" => 8,
        "F32" | "I32" | "U32" => 4,
        "F16" | "BF16" | "I16" | "U16" => 2,
        "I8" | "U8" | "BOOL" | "F8_E4M3" | "F8_E5M2" | "F8_E8M0" => 1,
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tensor {
    pub name: String,
    pub dtype: String,
    pub shape: Vec<u64>,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StError {
    /// Read at least this many bytes and try again.
    NeedMore(u64),
    Invalid(String),
}

/// How many bytes the header needs (8 + N), from the first 8 bytes.
pub fn header_len(b: &[u8]) -> Result<u64, StError> {
    let Some(head) = b.get(..8) else {
        return Err(StError::NeedMore(8));
    };
    let mut a = [0u8; 8];
    a.copy_from_slice(head);
    let n = u64::from_le_bytes(a);
    if n > MAX_HEADER {
        return Err(StError::Invalid(format!(
            "header length {n} bytes (over {MAX_HEADER}): not a safetensors file"
        )));
    }
    Ok(8 + n)
}

pub fn parse(b: &[u8]) -> Result<Vec<Tensor>, StError> {
    let need = header_len(b)?;
    let Some(json) = b.get(8..need as usize) else {
        return Err(StError::NeedMore(need));
    };
    let v: serde_json::Value = serde_json::from_slice(json)
        .map_err(|e| StError::Invalid(format!("header is not JSON: {e}")))?;
    let obj = v
        .as_object()
        .ok_or_else(|| StError::Invalid("header is not a JSON object".into()))?;
    let mut out = Vec::new();
    for (name, t) in obj {
        if name == "__metadata__" {
            continue;
        }
        let bad = |m: &str| StError::Invalid(format!("tensor {name}: {m}"));
        let dtype = t
            .get("dtype")
            .and_then(|d| d.as_str())
            .ok_or_else(|| bad("no dtype"))?;
        let shape: Vec<u64> = t
            .get("shape")
            .and_then(|s| s.as_array())
            .ok_or_else(|| bad("no shape"))?
            .iter()
            .map(|d| {
                d.as_u64()
                    .ok_or_else(|| bad("shape is not unsigned integers"))
            })
            .collect::<Result<_, _>>()?;
        let off = t
            .get("data_offsets")
            .and_then(|o| o.as_array())
            .filter(|o| o.len() == 2)
            .ok_or_else(|| bad("no data_offsets [begin, end]"))?;
        let (Some(begin), Some(end)) = (off[0].as_u64(), off[1].as_u64()) else {
            return Err(bad("data_offsets are not unsigned integers"));
        };
        if end < begin {
            return Err(bad("data_offsets end before they begin"));
        }
        let bytes = end - begin;
        // The offsets must agree with dtype x shape (unknown dtypes: trust the offsets).
        if let Some(size) = dtype_bytes(dtype) {
            let expect = shape
                .iter()
                .try_fold(size, |a, &d| a.checked_mul(d))
                .ok_or_else(|| bad("shape overflows"))?;
            if expect != bytes {
                return Err(bad(&format!(
                    "{bytes} bytes in data_offsets, but {dtype} {shape:?} is {expect}"
                )));
            }
        }
        out.push(Tensor {
            name: name.clone(),
            dtype: dtype.to_string(),
            shape,
            bytes,
        });
    }
    Ok(out)
}

/// A safetensors file's bytes (tests and fuzz seeds): header for these tensors, then zeros.
pub fn write(tensors: &[(&str, &str, &[u64])], data: bool) -> Vec<u8> {
    let mut obj = serde_json::Map::new();
    let mut off = 0u64;
    for (name, dtype, shape) in tensors {
        let n = shape.iter().product::<u64>() * dtype_bytes(dtype).unwrap_or(1);
        obj.insert(
            name.to_string(),
            serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": [off, off + n]}),
        );
        off += n;
    }
    let json = serde_json::to_vec(&serde_json::Value::Object(obj)).unwrap_or_default();
    let mut b = (json.len() as u64).to_le_bytes().to_vec();
    b.extend(json);
    if data {
        b.resize(b.len() + off as usize, 0);
    }
    b
}
