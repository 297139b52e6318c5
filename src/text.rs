//! Turning what tools print into text a parser can read.

/// Decode tool output: UTF-16LE (what `wsl.exe` and some Windows tools print, with or without
/// a BOM), UTF-8 with a BOM, or anything else as lossy UTF-8. Line ends become `\n` (CRLF and
/// the CR CR LF of wsl.exe alike) and stray NULs (NUL-padded sysfs files) are dropped.
pub fn decode(bytes: &[u8]) -> String {
    let s = if looks_utf16le(bytes) {
        let start = if bytes.starts_with(&[0xFF, 0xFE]) {
            2
        } else {
            0
        };
        let units: Vec<u16> = bytes[start..]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        String::from_utf8_lossy(b).into_owned()
    };
    normalize_newlines(&s)
}

fn looks_utf16le(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return true;
    }
    if bytes.len() < 4 {
        return false;
    }
    // ASCII text in UTF-16LE has a NUL in (nearly) every odd position.
    let sample = &bytes[..bytes.len().min(512) & !1];
    let odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let pairs = sample.len() / 2;
    odd_nuls * 10 >= pairs * 9 && even_nuls * 10 < pairs
}

fn normalize_newlines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                while chars.peek() == Some(&'\r') {
                    chars.next();
                }
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\0' => {}
            c => out.push(c),
        }
    }
    out
}

/// Remove ANSI escape sequences (rocminfo colours its first lines).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                // CSI: parameters and intermediates, then one final byte in @..~
                for n in chars.by_ref() {
                    if ('@'..='~').contains(&n) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Where text stops being UTF-8: (line, column, the bad byte), 1-based, columns in
/// characters.
pub fn utf8_error_at(e: &std::string::FromUtf8Error) -> (usize, usize, u8) {
    let bytes = e.as_bytes();
    let good = &bytes[..e.utf8_error().valid_up_to()];
    let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    // `good` is valid UTF-8 by construction; lossy only to count its characters.
    let col = String::from_utf8_lossy(&good[start..]).chars().count() + 1;
    (line, col, bytes.get(good.len()).copied().unwrap_or(0))
}

/// A time limit as people read it: "500 ms", "2.5 s", "20 s", "1.5 min".
pub fn duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 || !ms.is_multiple_of(1000) && ms < 600_000 {
        let s = format!("{:.3}", d.as_secs_f64());
        format!("{} s", s.trim_end_matches('0').trim_end_matches('.'))
    } else {
        let m = format!("{:.2}", d.as_secs_f64() / 60.0);
        format!("{} min", m.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// The first run of digits and dots that looks like a version ("12.4", "535.104.05").
pub fn find_version(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let v = s[start..i].trim_end_matches('.');
            if v.contains('.') {
                return Some(v.to_string());
            }
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16le_with_cr_cr_lf_decodes() {
        let text = "WSL version: 2.0.9.0\r\r\nKernel version: 5.15.133.1-1\r\r\n";
        let bytes: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(
            decode(&bytes),
            "WSL version: 2.0.9.0\nKernel version: 5.15.133.1-1\n"
        );
    }

    #[test]
    fn crlf_and_nul_padding_are_normalised() {
        assert_eq!(decode(b"a\r\nb\0\0\0"), "a\nb");
        assert_eq!(decode(b"\xEF\xBB\xBFx\n"), "x\n");
    }

    #[test]
    fn invalid_utf8_is_lossy_not_fatal() {
        assert_eq!(
            decode(b"ok \xff\xfe\xfd end"),
            "ok \u{fffd}\u{fffd}\u{fffd} end"
        );
    }

    #[test]
    fn ansi_is_stripped() {
        assert_eq!(
            strip_ansi("\u{1b}[37mROCk module is loaded\u{1b}[0m"),
            "ROCk module is loaded"
        );
    }

    #[test]
    fn durations_read_as_typed() {
        use std::time::Duration;
        assert_eq!(duration(Duration::from_millis(500)), "500 ms");
        assert_eq!(duration(Duration::from_millis(2500)), "2.5 s");
        assert_eq!(duration(Duration::from_secs(20)), "20 s");
        assert_eq!(duration(Duration::from_secs(90)), "1.5 min");
        assert_eq!(duration(Duration::from_secs(3600)), "60 min");
    }

    #[test]
    fn versions_are_found() {
        assert_eq!(
            find_version("nvidia-ctk version 1.12.0").as_deref(),
            Some("1.12.0")
        );
        assert_eq!(
            find_version("release 12.2, V12.2.140").as_deref(),
            Some("12.2")
        );
        assert_eq!(find_version("no version here 3"), None);
    }

    proptest::proptest! {
        #[test]
        fn decoding_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            let t = decode(&bytes);
            proptest::prop_assert!(!t.contains('\r'));
            let _ = strip_ansi(&t);
            let _ = find_version(&t);
        }
    }
}
