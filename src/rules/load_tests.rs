//! Loader tests: located errors, all of them, and no panics.
use super::*;

#[test]
fn builtin_rulesets_lint_clean() {
    for (id, text) in BUILTIN {
        let rs = load_str(text, id).unwrap_or_else(|e| {
            panic!(
                "{}",
                e.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert_eq!(&rs.id.value, id, "rules/{id}.yaml has another id");
    }
}

fn errors(yaml: &str) -> Vec<String> {
    load_str(yaml, "t.yaml")
        .err()
        .unwrap_or_default()
        .iter()
        .map(|e| e.to_string())
        .collect()
}

const HEAD: &str = "id: t\ntitle: T\nchecked: 2026-01-01\nrules:\n";

fn rule(body: &str) -> String {
    format!(
        "{HEAD}  - id: t/a\n    title: A\n    severity: fail\n{body}    fix: do it\n    why: because\n    source: https://example.com\n"
    )
}

#[test]
fn semantic_errors_are_all_collected_with_locations() {
    let y = rule(
        "    require:\n      all:\n        - {fact: nvidia.drver_version, version: \">=5\"}\n        - {fact: os.family, matches: \"(\"}\n        - {fact: cuda.toolkit_version, version: \">=twelve\"}\n        - {fact: vendor, equals: nvidia}\n",
    );
    let e = errors(&y);
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(e[0].starts_with("t.yaml:10:18: unknown fact `nvidia.drver_version`; did you mean `nvidia.driver_version`?"), "{}", e[0]);
    assert!(
        e[1].starts_with("t.yaml:11:38: bad regular expression `(`"),
        "{}",
        e[1]
    );
    assert!(e[2].contains("\">=twelve\" is not a version"), "{}", e[2]);
    assert!(e[3].contains("`vendor` is a per-GPU field"), "{}", e[3]);
}

#[test]
fn shape_errors_name_the_line() {
    let e = errors(&rule("    require: {fact: os.family, equal: linux}\n"));
    assert!(
        e[0].starts_with("t.yaml:8:32: unknown field `equal`"),
        "{e:?}"
    );
    assert!(e[0].contains("equal"), "{e:?}");
    let e = errors(&rule(
        "    require: {fact: os.family, equals: linux, exists: true}\n",
    ));
    assert!(e[0].starts_with("t.yaml:8:"), "{e:?}");
    assert!(e[0].contains("equals, exists"), "{e:?}");
    let e = errors(&rule("    require: {any: {fact: os.family}}\n"));
    assert!(e[0].starts_with("t.yaml:8:"), "{e:?}");
    let e = errors(&format!(
        "{HEAD}  - id: t/a\n    title: A\n    severity: fail\n    require: {{fact: os.family, exists: true}}\n    fix: x\n    source: https://x\n"
    ));
    assert!(e[0].contains("why"), "{e:?}");
    assert!(e[0].starts_with("t.yaml:"), "{e:?}");
}

#[test]
fn ids_are_checked() {
    let y = format!(
        "{}{}",
        rule("    require: {fact: os.family, exists: true}\n"),
        "  - id: t/a\n    title: B\n    severity: warn\n    require: {fact: os.family, exists: true}\n    fix: x\n    why: y\n    source: https://x\n  - id: other/b\n    title: B\n    severity: warn\n    require: {fact: os.family, exists: true}\n    fix: x\n    why: y\n    source: https://x\n"
    );
    let e = errors(&y);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].contains("t.yaml:12:9: duplicate rule id `t/a` (first at line 5)"),
        "{}",
        e[0]
    );
    assert!(e[1].contains("must be `t/<slug>`"), "{}", e[1]);
}

#[test]
fn interpolations_and_quantifiers_are_checked() {
    let y = rule("    require: {any_gpu: {all_gpus: {fact: vendor, equals: amd}}}\n")
        .replace(
            "fix: do it",
            "fix: {linux: \"run {nvidia.no_such}\", default: ok}",
        )
        .replace("why: because", "why: \"{os.family} {{json .}}\"");
    let e = errors(&y);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].contains("`{nvidia.no_such}` interpolates an unknown fact"),
        "{}",
        e[0]
    );
    assert!(e[1].contains("cannot be nested"), "{}", e[1]);
}

#[test]
fn alias_bombs_are_rejected() {
    let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        y.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let e = errors(&y);
    assert_eq!(e.len(), 1, "{e:?}");
}

proptest::proptest! {
    #[test]
    fn loading_never_panics(s in "\\PC{0,400}") {
        let _ = load_str(&s, "p.yaml");
    }

    #[test]
    fn loading_a_damaged_ruleset_never_panics(cut in 0usize..400, junk in "[ :{}\\[\\]\\-*&!a-z0-9\"'\n]{0,8}") {
        let good = rule("    require: {any_gpu: {fact: vram_total_mib, version: \">={torch.cuda}\"}}\n");
        let cut = cut.min(good.len());
        let cut = (0..=cut).rev().find(|&i| good.is_char_boundary(i)).unwrap_or(0);
        let damaged = format!("{}{junk}{}", &good[..cut], &good[cut..]);
        let _ = load_str(&damaged, "p.yaml");
    }
}

#[test]
fn mixed_forms_are_named() {
    let e = errors(&rule(
        "    require: {fact: os.family, equals: linux, any: [{fact: os.family, exists: true}]}\n",
    ));
    assert_eq!(
        e,
        [
            "t.yaml:8:14: a condition has one form; found fact, equals, any; nest them in `all: [..]`"
        ]
    );
    let e = errors(&rule("    require: {equals: linux}\n"));
    assert_eq!(e, ["t.yaml:8:14: equals needs a `fact`"]);
    let e = errors(&rule("    require: {}\n"));
    assert!(e[0].contains("empty condition"), "{e:?}");
}

#[test]
fn a_version_range_interpolates_only_versions() {
    let rs = |v: &str| {
        format!(
            "id: t\ntitle: T\nchecked: 2026-01-01\nrules:\n  - id: t/a\n    title: A\n    severity: warn\n    require: {{fact: nvidia.driver_cuda, version: \"{v}\"}}\n    fix: F\n    why: W\n    source: https://e.com\n"
        )
    };
    assert!(load_str(&rs(">={torch.cuda}"), "t.yaml").is_ok());
    let e = load_str(&rs(">={python.executable}"), "t.yaml").unwrap_err();
    assert!(
        e[0].to_string()
            .contains("`{python.executable}` is not a version"),
        "{e:?}"
    );
}
