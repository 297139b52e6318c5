//! Helpers for unit tests: the real outputs under `tests/samples/`.

/// A sample's verbatim output: the file without its two header lines (`# source:`,
/// `# machine:`). Panics when missing: a test that cannot find its input must fail.
pub fn sample(rel: &str) -> String {
    let p = format!("{}/tests/samples/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
    strip_header(&text)
}

#[allow(dead_code)] // used by the probe tests as they arrive
/// Every sample in a folder of `tests/samples/`, as (file name, output).
pub fn samples_in(dir: &str) -> Vec<(String, String)> {
    let p = format!("{}/tests/samples/{dir}", env!("CARGO_MANIFEST_DIR"));
    let mut v: Vec<(String, String)> = std::fs::read_dir(&p)
        .unwrap_or_else(|e| panic!("{p}: {e}"))
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| {
            let t = std::fs::read_to_string(e.path()).unwrap_or_default();
            (
                e.file_name().to_string_lossy().into_owned(),
                strip_header(&t),
            )
        })
        .collect();
    v.sort();
    v
}

fn strip_header(text: &str) -> String {
    let mut rest = text;
    for prefix in ["# source:", "# machine:"] {
        if rest.starts_with(prefix) {
            rest = rest.split_once('\n').map(|x| x.1).unwrap_or("");
        }
    }
    rest.to_string()
}
