//! Compute capability by model name, for drivers whose nvidia-smi cannot answer
//! `--query-gpu=compute_cap` (it arrived in 510).
//!
//! Source: NVIDIA's "CUDA GPUs" page (developer.nvidia.com/cuda-gpus), as summarised in
//! shared/reference/knowledge.md §2b, plus the same page's entries for older GeForce, TITAN,
//! Quadro and Tesla boards. Jetson modules are not covered (they have no nvidia-smi -q).

/// A model pattern: words that must appear, in order and next to each other, among the words
/// of the lower-cased name. `#` in a pattern word stands for any digit.
type Rule = (&'static [&'static str], &'static str);

/// First match wins, so the specific patterns come before the families that contain them
/// ("rtx pro 6000" before "rtx 6000 ada" before "quadro rtx 6000").
const RULES: &[Rule] = &[
    // Blackwell
    (&["gb10"], "12.1"),
    (&["rtx", "pro"], "12.0"),
    (&["rtx", "50##"], "12.0"),
    (&["gb300"], "10.3"),
    (&["b300"], "10.3"),
    (&["gb200"], "10.0"),
    (&["b200"], "10.0"),
    (&["b100"], "10.0"),
    // Hopper
    (&["gh200"], "9.0"),
    (&["h100"], "9.0"),
    (&["h200"], "9.0"),
    (&["h800"], "9.0"),
    (&["h20"], "9.0"),
    // Ada Lovelace
    (&["l40s"], "8.9"),
    (&["l40"], "8.9"),
    (&["l20"], "8.9"),
    (&["l4"], "8.9"),
    (&["ada"], "8.9"),
    (&["rtx", "40##"], "8.9"),
    // Ampere
    (&["a100"], "8.0"),
    (&["a800"], "8.0"),
    (&["a30"], "8.0"),
    (&["a40"], "8.6"),
    (&["a10"], "8.6"),
    (&["a10g"], "8.6"),
    (&["a16"], "8.6"),
    (&["a2"], "8.6"),
    (&["rtx", "a#000"], "8.6"),
    (&["rtx", "a#500"], "8.6"),
    (&["rtx", "30##"], "8.6"),
    // Turing
    (&["titan", "rtx"], "7.5"),
    (&["quadro", "rtx"], "7.5"),
    (&["t4"], "7.5"),
    (&["t400"], "7.5"),
    (&["t600"], "7.5"),
    (&["t1000"], "7.5"),
    (&["t1200"], "7.5"),
    (&["t2000"], "7.5"),
    (&["rtx", "20##"], "7.5"),
    (&["gtx", "16##"], "7.5"),
    // Volta
    (&["v100"], "7.0"),
    (&["titan", "v"], "7.0"),
    (&["gv100"], "7.0"),
    // Pascal
    (&["gp100"], "6.0"),
    (&["p100"], "6.0"),
    (&["titan", "x", "pascal"], "6.1"),
    (&["titan", "xp"], "6.1"),
    (&["p40"], "6.1"),
    (&["p4"], "6.1"),
    (&["p6"], "6.1"),
    (&["quadro", "p####"], "6.1"),
    (&["quadro", "p###"], "6.1"),
    (&["gtx", "10##"], "6.1"),
    (&["gt", "1030"], "6.1"),
    // Maxwell (second generation; the 950M/960M laptop chips are first generation, 5.0)
    (&["gtx", "965m"], "5.2"),
    (&["gtx", "970m"], "5.2"),
    (&["gtx", "980m"], "5.2"),
    (&["gtx", "9##m"], "5.0"),
    (&["gtx", "titan", "x"], "5.2"),
    (&["m60"], "5.2"),
    (&["m40"], "5.2"),
    (&["m6"], "5.2"),
    (&["quadro", "m6000"], "5.2"),
    (&["quadro", "m5000"], "5.2"),
    (&["quadro", "m4000"], "5.2"),
    (&["gtx", "9##"], "5.2"),
    // Kepler datacenter boards still seen in old clusters
    (&["k80"], "3.7"),
    (&["k40"], "3.5"),
    (&["k40c"], "3.5"),
    (&["k40m"], "3.5"),
    (&["k20"], "3.5"),
    (&["k20m"], "3.5"),
    (&["k20x"], "3.5"),
    (&["k20xm"], "3.5"),
    (&["gtx", "titan"], "3.5"),
];

/// The compute capability of an NVIDIA GPU by its nvidia-smi name ("NVIDIA GeForce RTX 4090",
/// "Tesla T4", "NVIDIA A100-SXM4-80GB"); `None` for a model the table does not know.
pub fn compute_capability_for(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    RULES
        .iter()
        .find(|(pattern, _)| contains_run(&words, pattern))
        .map(|(_, cc)| *cc)
}

fn contains_run(words: &[&str], pattern: &[&str]) -> bool {
    !pattern.is_empty()
        && words.windows(pattern.len()).any(|w| {
            w.iter()
                .zip(pattern)
                .all(|(word, pat)| word_matches(word, pat))
        })
}

fn word_matches(word: &str, pattern: &str) -> bool {
    word.len() == pattern.len()
        && word
            .bytes()
            .zip(pattern.bytes())
            .all(|(w, p)| w == p || (p == b'#' && w.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_nvidia_smi_prints_them() {
        let cases = [
            ("NVIDIA GeForce RTX 5090", "12.0"),
            ("NVIDIA GeForce RTX 5060 Ti", "12.0"),
            ("NVIDIA RTX PRO 6000 Blackwell Workstation Edition", "12.0"),
            ("NVIDIA B200", "10.0"),
            ("NVIDIA GB200", "10.0"),
            ("NVIDIA H100 80GB HBM3", "9.0"),
            ("NVIDIA H100 PCIe", "9.0"),
            ("NVIDIA H200", "9.0"),
            ("NVIDIA GH200 480GB", "9.0"),
            ("NVIDIA GeForce RTX 4090", "8.9"),
            ("NVIDIA GeForce RTX 4070 Ti", "8.9"),
            ("NVIDIA GeForce RTX 4070 Laptop GPU", "8.9"),
            ("NVIDIA RTX 6000 Ada Generation", "8.9"),
            ("NVIDIA RTX 4000 SFF Ada Generation", "8.9"),
            ("NVIDIA L40S", "8.9"),
            ("NVIDIA L4", "8.9"),
            ("NVIDIA A100-SXM4-80GB", "8.0"),
            ("NVIDIA A100 80GB PCIe", "8.0"),
            ("NVIDIA A30", "8.0"),
            ("NVIDIA A40", "8.6"),
            ("NVIDIA A10G", "8.6"),
            ("NVIDIA A10", "8.6"),
            ("NVIDIA RTX A6000", "8.6"),
            ("NVIDIA RTX A4500", "8.6"),
            ("NVIDIA GeForce RTX 3090", "8.6"),
            ("NVIDIA GeForce RTX 3060 Laptop GPU", "8.6"),
            ("Quadro RTX 6000", "7.5"),
            ("NVIDIA TITAN RTX", "7.5"),
            ("Tesla T4", "7.5"),
            ("NVIDIA T1000 8GB", "7.5"),
            ("NVIDIA GeForce RTX 2080 SUPER", "7.5"),
            ("GeForce GTX 1650", "7.5"),
            ("NVIDIA GeForce GTX 1650 Ti with Max-Q Design", "7.5"),
            ("Tesla V100-SXM2-16GB", "7.0"),
            ("NVIDIA TITAN V", "7.0"),
            ("Quadro GV100", "7.0"),
            ("Tesla P100-PCIE-16GB", "6.0"),
            ("Tesla P40", "6.1"),
            ("Tesla P4", "6.1"),
            ("TITAN X (Pascal)", "6.1"),
            ("NVIDIA TITAN Xp", "6.1"),
            ("Quadro P6000", "6.1"),
            ("Quadro P400", "6.1"),
            ("GeForce GTX 1080", "6.1"),
            ("NVIDIA GeForce GTX 1080 Ti", "6.1"),
            ("GeForce GTX TITAN X", "5.2"),
            ("GeForce GTX 980 Ti", "5.2"),
            ("GeForce GTX 970", "5.2"),
            ("GeForce GTX 960M", "5.0"),
            ("GeForce GTX 980M", "5.2"),
            ("Tesla M60", "5.2"),
            ("Tesla M40 24GB", "5.2"),
            ("Tesla K80", "3.7"),
            ("Tesla K40m", "3.5"),
            ("GeForce GTX TITAN Black", "3.5"),
        ];
        for (name, cc) in cases {
            assert_eq!(compute_capability_for(name), Some(cc), "{name}");
        }
    }

    #[test]
    fn unknown_models_stay_unknown() {
        for name in [
            "",
            "GeForce 410M",
            "GeForce GT 520",
            "GeForce GTX 780",
            "Radeon RX 7900 XTX",
        ] {
            assert_eq!(compute_capability_for(name), None, "{name}");
        }
    }
}
