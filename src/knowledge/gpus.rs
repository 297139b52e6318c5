//! Compute capability of an NVIDIA GPU: by its chip, as the PCI ID database names the device
//! ("GK104 [GeForce GTX 770]"), else by its model name ("NVIDIA GeForce RTX 4090").

use super::Knowledge;

/// The compute capability for a GPU with this model name and (optionally) this PCI ID
/// database device name; `None` when neither table knows it.
pub fn compute_capability(
    k: &Knowledge,
    name: Option<&str>,
    pci_name: Option<&str>,
) -> Option<String> {
    pci_name
        .and_then(|p| by_chip(k, p))
        .or_else(|| name.and_then(|n| by_model(k, n)))
        .map(str::to_string)
}

/// "GK110BGL [Tesla K40m]" -> GK110B -> 3.5.
fn by_chip<'k>(k: &'k Knowledge, pci_name: &str) -> Option<&'k str> {
    let first = pci_name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()?;
    let chip = ["GLM", "GL", "BM", "M"]
        .iter()
        .find_map(|s| first.strip_suffix(s).filter(|c| c.len() >= 4))
        .unwrap_or(first);
    k.gpus()
        .chips
        .iter()
        .find(|r| r.chips.iter().any(|c| c == chip))
        .map(|r| r.cc.value.as_str())
}

fn by_model<'k>(k: &'k Knowledge, name: &str) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    k.gpus()
        .models
        .iter()
        .find(|r| {
            let pattern: Vec<&str> = r.words.split_whitespace().collect();
            contains_run(&words, &pattern)
        })
        .map(|r| r.cc.value.as_str())
}

fn contains_run(words: &[&str], pattern: &[&str]) -> bool {
    !pattern.is_empty()
        && words.windows(pattern.len()).any(|w| {
            w.iter()
                .zip(pattern)
                .all(|(word, pat)| word_matches(word, pat))
        })
}

/// `#` in a pattern word stands for any digit.
fn word_matches(word: &str, pattern: &str) -> bool {
    word.len() == pattern.len()
        && word
            .bytes()
            .zip(pattern.bytes())
            .all(|(w, p)| w == p || (p == b'#' && w.is_ascii_digit()))
}
