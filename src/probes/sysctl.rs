//! macOS `sysctl NAME...` (not a probe: the os and cpu probes read their names with it).
//!
//! Names are asked for without `-n`, so every answer carries its name (`hw.memsize:
//! 17179869184`): an unknown oid (`sysctl.proc_translated` before macOS 11,
//! `hw.optional.arm64` on old Intel Macs) is reported on stderr and shifts nothing.

use super::Ctx;
use crate::host::Host;
use std::collections::BTreeMap;

/// The values of `names` that this Mac knows, or why `sysctl` could not be asked.
pub fn query(
    host: &dyn Host,
    ctx: &Ctx,
    names: &[&str],
) -> Result<BTreeMap<String, String>, String> {
    let mut argv = vec!["sysctl"];
    argv.extend_from_slice(names);
    let out = host.run(&argv, ctx.timeout);
    if out.spawn_error.is_some() {
        return Err("`sysctl` could not be run (it lives in /usr/sbin)".into());
    }
    if out.timed_out {
        return Err(format!(
            "`sysctl` took longer than {} s",
            ctx.timeout.as_secs()
        ));
    }
    let values = parse(&out.stdout_text());
    if values.is_empty() {
        let said = out.combined_text();
        return Err(format!(
            "`sysctl {}` printed no value: {}",
            names.join(" "),
            said.trim()
        ));
    }
    Ok(values)
}

/// `name: value` lines (BSD sysctl's default output); other lines are ignored. Values are
/// trimmed; a multi-line value keeps only its first line.
pub fn parse(text: &str) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let k = k.trim();
        let is_name = k.contains('.')
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
        if is_name {
            m.entry(k.to_string())
                .or_insert_with(|| v.trim().to_string());
        }
    }
    m
}

/// A numeric sysctl value.
pub fn number(m: &BTreeMap<String, String>, name: &str) -> Option<u64> {
    m.get(name).and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;
    use crate::testutil::sample;

    #[test]
    fn real_sysctl_outputs() {
        let m = parse(&sample("macos/sysctl-machdep-cpu-m1.txt"));
        assert_eq!(m["machdep.cpu.brand_string"], "Apple M1");
        assert_eq!(number(&m, "machdep.cpu.core_count"), Some(8));
        let m = parse(&sample("macos/sysctl-hw-m1pro.txt"));
        assert_eq!(number(&m, "hw.ncpu"), Some(10));
        assert_eq!(number(&m, "hw.perflevel0.physicalcpu"), Some(8));
        assert_eq!(number(&m, "hw.perflevel1.physicalcpu"), Some(2));
        let m = parse(&sample(
            "macos/sysctl-machdep-cpu-apple-processor-early-m1.txt",
        ));
        assert_eq!(m["machdep.cpu.brand_string"], "Apple processor");
        assert_eq!(number(&m, "machdep.cpu.thread_count"), Some(8));
    }

    #[test]
    fn unknown_oids_shift_nothing_and_no_value_is_an_error() {
        let h = FakeHost::new().cmd_exit(
            &["sysctl", "hw.memsize", "sysctl.proc_translated"],
            1,
            "hw.memsize: 17179869184\n",
            "sysctl: unknown oid 'sysctl.proc_translated'\n",
        );
        let m = query(
            &h,
            &Ctx::default(),
            &["hw.memsize", "sysctl.proc_translated"],
        )
        .unwrap();
        assert_eq!(number(&m, "hw.memsize"), Some(17179869184));
        assert!(!m.contains_key("sysctl.proc_translated"));
        let h = FakeHost::new().cmd_exit(&["sysctl", "x.y"], 1, "", "sysctl: unknown oid 'x.y'\n");
        let e = query(&h, &Ctx::default(), &["x.y"]).unwrap_err();
        assert!(e.contains("unknown oid"), "{e}");
        assert!(query(&FakeHost::new(), &Ctx::default(), &["x.y"]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,300}") {
            let _ = parse(&s);
        }
    }
}
