//! What never leaves the machine: host name, user name (also inside paths: home becomes `~`),
//! GPU UUIDs and serial numbers, MAC and IP addresses, and secret-looking values.
//!
//! Two kinds of knowledge are used. On the live machine the [`Redactor`] learns the literal
//! host name, user name, home directory and the values of well-known secret variables. But
//! a report made from a replayed snapshot does not know the recorded machine's names, so
//! everything is also redacted by *shape*: `/home/<name>`, `Hostname:` fields, UUIDs,
//! `Serial Number :` lines, `NAME_TOKEN=value`, `hf_…` tokens and so on.
//!
//! Placeholders are bracketed words (`[host]`, `[ip]`), never `<host>`: GitHub renders a
//! `<word>` as an HTML tag and the text would silently vanish from the issue.
//!
//! The dangerous part is IPv4: four dotted numbers are usually a *version* (WSL 1.2.5.0,
//! kernel 5.15.90.1, firmware 00.54.29.00). A dotted quad is only an address when each
//! part is 0–255 without leading zeros, it is not glued to more dots, dashes or letters,
//! and the words just before it do not say "version". Tests run every sample output
//! through the redactor and check that no version was touched.

use crate::host::Host;
use crate::report::Report;
use regex::{Captures, Regex};
use serde_json::Value;
use std::net::Ipv6Addr;
use std::sync::LazyLock;

/// Environment variables whose values are secrets, looked up on the live machine so their
/// exact values can be removed wherever they appear (a token echoed in an error message).
const SECRET_ENV: &[&str] = &[
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "HUGGINGFACE_TOKEN",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "MISTRAL_API_KEY",
    "GROQ_API_KEY",
    "TOGETHER_API_KEY",
    "OPENROUTER_API_KEY",
    "DEEPSEEK_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "REPLICATE_API_TOKEN",
    "CIVITAI_API_TOKEN",
    "CIVITAI_TOKEN",
    "WANDB_API_KEY",
    "NGC_API_KEY",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITLAB_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "KAGGLE_KEY",
    "PIP_INDEX_URL",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
];

/// Account and host names that identify no one (cloud images, containers, CI, distribution
/// defaults) and are words of aidoctor's own output ("nvidia" is the Jetson's default user,
/// "ubuntu" a default host name): replacing them would damage every message.
const GENERIC_USERS: &[&str] = &[
    "root",
    "user",
    "users",
    "admin",
    "administrator",
    "ubuntu",
    "debian",
    "fedora",
    "centos",
    "ec2-user",
    "azureuser",
    "vagrant",
    "runner",
    "jovyan",
    "colab",
    "docker",
    "guest",
    "test",
    "pi",
    "owner",
    "default",
    "public",
    "home",
    "nobody",
    "nvidia",
    "jetson",
    "amd",
    "cuda",
    "rocm",
    "python",
    "linux",
    "localhost",
    "raspberrypi",
    "archlinux",
    "archiso",
    "desktop",
    "server",
    "workstation",
    "gpu",
    "wsl",
    "arch",
    "manjaro",
    "mint",
    "pop-os",
    "opensuse",
];

/// Path components under a home root that name no one.
const SHARED_HOMES: &[&str] = &[
    "public",
    "default",
    "default user",
    "all users",
    "shared",
    "defaultapppool",
];

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    hostname: Option<String>,
    usernames: Vec<String>,
    home: Option<String>,
    /// Live values of secret environment variables.
    secrets: Vec<String>,
}

/// The patterns spell classes in ASCII (`[0-9]`, `(?-u:\b)`, no `\d`/`\s`/`\w`): what they
/// look for (addresses, ids, keys) is ASCII, and Unicode tables would cost milliseconds of
/// compiling on every run.
fn re(s: &str) -> Regex {
    // The patterns are constants of this file; a bad one is a bug caught by every test.
    Regex::new(s).expect("redaction pattern compiles")
}

/// `/home/NAME`, `/Users/NAME`, `/var/home/NAME` at the start of a path.
static UNIX_HOME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(^|[[\t\n\x0B\x0C\r ]"'`=:(\[,;|])(/var/home|/home|/Users)/([^/[\t\n\x0B\x0C\r ]"'`:;,)\]|<>\\]+)"#,
    )
});
/// `C:\Users\NAME` (also JSON-escaped `C:\\Users\\NAME`, and `C:/Users/NAME`).
static WIN_HOME: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?i)(?-u:\b)[a-z]:(\\{1,2}|/)users(?:\\{1,2}|/)([^\\/[\t\n\x0B\x0C\r ]"'`:;,)\]|<>]+)"#)
});
/// WSL's view of a Windows profile: `/mnt/c/Users/NAME`.
static WSL_HOME: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)(/mnt/[a-z]/users/)([^/[\t\n\x0B\x0C\r ]"'`:;,)\]|<>]+)"#));
static GPU_UUID: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(GPU|MIG)-(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16})(?-u:\b)",
    )
});
static UUID: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?-u:\b)",
    )
});
/// `Serial Number : 1324…`, `Board Serial: …`, `"Serial Number": "…"`, `SERIAL_NUMBER: …`.
static SERIAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?im)^([ \t"]*[[0-9A-Za-z_] .-]*serial[[0-9A-Za-z_] .-]*"?[ \t]*[:=][ \t]*"?)([^"\r\n,]*[^"\r\n, \t])"#,
    )
});
/// Host names in key/value lines and JSON.
static HOST_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?im)((?:^[ \t]*(?:static |transient |pretty )?|["'])(?:host ?name|computer ?name|node ?name|nodename|host_name|fqdn)["']?[ \t]*[:=][ \t]*["']?)([^"'[\t\n\x0B\x0C\r ],}]+)"#,
    )
});
/// docker info's `"Name"` (the daemon's host name) and swarm node fields. (Its `"ID"` is a
/// UUID or, before Docker 23, twelve colon-separated groups: see [`DOCKER_ID`].)
static DOCKER_INFO_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"("(?:Name|NodeID|NodeAddr)"[\t\n\x0B\x0C\r ]*:[\t\n\x0B\x0C\r ]*")([^"]+)""#)
});
static DOCKER_ID: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?-u:\b)[A-Z0-9]{4}(?::[A-Z0-9]{4}){11}(?-u:\b)"));
static MAC: LazyLock<Regex> = LazyLock::new(|| re(r"(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}"));
static IPV4: LazyLock<Regex> =
    LazyLock::new(|| re(r"([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})"));
/// The words just before a dotted quad that make it a version.
static VERSION_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:version|ver|release|firmware|fw|build|kernel|wsl[0-9]?|wslg|driver|bios)[^[0-9A-Za-z_]\n]{0,6}$",
    )
});
static IPV6_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| re(r"[0-9A-Fa-f:]*:[0-9A-Fa-f:]*"));
/// `HF_TOKEN=…`, `OPENAI_API_KEY: …`, `"GITHUB_TOKEN": "…"`, `export FOO_SECRET='…'`.
static SECRET_ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)((?-u:\b)[A-Z0-9_]*(?:TOKEN|API_?KEY|SECRET|PASSWORD|PASSWD|ACCESS_KEY|ACCESS_KEY_ID|PRIVATE_KEY|CREDENTIALS?)["']?[ \t]*[:=][ \t]*["']?)([^[\t\n\x0B\x0C\r ]"',;}]+)"#,
    )
});
/// Tokens recognisable by their shape alone.
static TOKEN_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?-u:\b)(?:hf_[A-Za-z0-9]{30,}",
        r"|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}",
        r"|gh[pousr]_[A-Za-z0-9]{36,}",
        r"|github_pat_[A-Za-z0-9_]{22,}",
        r"|glpat-[A-Za-z0-9_-]{20,}",
        r"|xox[abprs]-[A-Za-z0-9-]{10,}",
        r"|AKIA[0-9A-Z]{16}",
        r"|AIza[0-9A-Za-z_-]{35})(?-u:\b)",
    ))
});
static BEARER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?-u:\b)((?:bearer|token|basic)[ \t]+)([A-Za-z0-9._~+/=-]{8,})"));
/// `https://user:password@host/` — a proxy or index URL with credentials.
static URL_CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)([a-z][a-z0-9+.-]*://)([^/[\t\n\x0B\x0C\r ]@:]+:[^/[\t\n\x0B\x0C\r ]@]+|[^/[\t\n\x0B\x0C\r ]@:]{16,})@",
    )
});

impl Redactor {
    /// Learn the identifying values of this machine.
    pub fn from_host(host: &dyn Host) -> Redactor {
        let hostname = host
            .read_text("/proc/sys/kernel/hostname")
            .map(|s| s.trim().to_string())
            .or_else(|| host.env("COMPUTERNAME"))
            .or_else(|| host.env("HOSTNAME"))
            .filter(|s| s.len() >= 3 && !GENERIC_USERS.contains(&s.to_ascii_lowercase().as_str()));
        // Short names and generic ones ("user", "ubuntu") are words in every message;
        // replacing them would damage the text and hide nothing.
        let identifying =
            |s: &String| s.len() >= 3 && !GENERIC_USERS.contains(&s.to_ascii_lowercase().as_str());
        // The account the OS says we run as (cron, `docker exec -u` and CI leave USER and
        // LOGNAME unset, or set to another name), and what the environment says.
        let mut usernames: Vec<String> = [
            host.user_name(),
            host.env("USER"),
            host.env("USERNAME"),
            host.env("LOGNAME"),
        ]
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_string())
        .filter(identifying)
        .collect();
        if usernames.is_empty() {
            // A replayed snapshot records no USER, but its paths name the user, and the
            // user's own group (user.groups) would otherwise carry the name into the report.
            usernames.extend(
                [
                    host.cwd(),
                    host.env("VIRTUAL_ENV"),
                    host.env("CONDA_PREFIX"),
                ]
                .into_iter()
                .flatten()
                .find_map(|p| user_in_path(&p))
                .filter(identifying),
            );
        }
        // Longest first, so that a name containing another is replaced whole.
        usernames.sort_by_key(|v| std::cmp::Reverse(v.len()));
        usernames.dedup();
        let home = host
            .env("HOME")
            .or_else(|| host.env("USERPROFILE"))
            .map(|h| h.trim_end_matches(['/', '\\']).to_string())
            .filter(|s| s.len() > 1 && s != "/root");
        let mut secrets: Vec<String> = SECRET_ENV
            .iter()
            .filter_map(|n| host.env(n))
            .map(|v| v.trim().to_string())
            .filter(|v| v.len() >= 6)
            .collect();
        // Longest first, so that a value containing another is removed whole.
        secrets.sort_by_key(|v| std::cmp::Reverse(v.len()));
        secrets.dedup();
        Redactor {
            hostname,
            usernames,
            home,
            secrets,
        }
    }

    /// Redact free text (a command's output, a file, an error message).
    pub fn text(&self, s: &str) -> String {
        self.redact(s, false)
    }

    /// Redact the value of a named field: in a `*version*` field a dotted quad is a version,
    /// never an address.
    pub fn field(&self, name: &str, s: &str) -> String {
        let n = name.to_ascii_lowercase();
        self.redact(s, n.contains("version") || n.ends_with("_ver"))
    }

    /// Redact every string in a JSON value (object keys name the fields).
    pub fn json(&self, v: &Value) -> Value {
        self.json_in(v, "")
    }

    fn json_in(&self, v: &Value, key: &str) -> Value {
        match v {
            Value::String(s) => Value::String(self.field(key, s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.json_in(x, key)).collect()),
            Value::Object(m) => Value::Object(
                m.iter()
                    // Keys are field names (fact names), not data.
                    .map(|(k, x)| (k.clone(), self.json_in(x, k)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Facts with every string redacted.
    pub fn facts(&self, f: &crate::facts::Facts) -> crate::facts::Facts {
        // GPUs are in the JSON too: process names (which can carry paths such as
        // /home/bob/venv/bin/python) are redacted with every other string.
        crate::facts::Facts::from_json(&self.json(&f.to_json()))
    }

    /// A report with every fact, message and origin redacted, marked as redacted.
    pub fn report(&self, r: &Report) -> Report {
        let facts = self.facts(&r.facts);
        let rulesets = r
            .rulesets
            .iter()
            .map(|rs| {
                let mut rs = rs.clone();
                rs.origin = self.text(&rs.origin);
                rs.notices = rs.notices.iter().map(|n| self.text(n)).collect();
                for res in &mut rs.results {
                    res.title = self.text(&res.title);
                    res.fix = res.fix.as_deref().map(|f| self.text(f));
                    res.why = self.text(&res.why);
                    res.unknown_reason = res.unknown_reason.as_deref().map(|u| self.text(u));
                    res.skip_reason = res.skip_reason.as_deref().map(|u| self.text(u));
                    for f in &mut res.facts {
                        f.value = f.value.as_ref().map(|v| self.json_in(v, &f.name));
                        f.error = f.error.as_deref().map(|e| self.text(e));
                    }
                }
                rs
            })
            .collect();
        Report {
            facts,
            rulesets,
            redacted: true,
        }
    }

    fn redact(&self, s: &str, version_field: bool) -> String {
        let mut out = s.to_string();
        for v in &self.secrets {
            out = out.replace(v.as_str(), "[secret]");
        }
        // Credentials before anything else rewrites the URL around them.
        // Each pattern runs (and is compiled, once) only where a cheap look at the text says
        // it could match: most texts are versions and names, and compiling every pattern
        // would cost a run milliseconds.
        let lower = s.to_ascii_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
        let count = |c: char| s.matches(c).count();
        if has(&["://"]) && s.contains('@') {
            out = URL_CREDENTIALS
                .replace_all(&out, "$1[secret]@")
                .into_owned();
        }
        if has(&["hf_", "sk-", "gh", "glpat-", "xox", "akia", "aiza"]) {
            out = TOKEN_SHAPE.replace_all(&out, "[secret]").into_owned();
        }
        if has(&["token", "key", "secret", "passw", "credential"]) {
            out = SECRET_ASSIGN.replace_all(&out, "$1[secret]").into_owned();
        }
        if has(&["bearer", "token", "basic"]) {
            out = BEARER.replace_all(&out, "$1[secret]").into_owned();
        }
        if let Some(h) = &self.home {
            out = out.replace(h.as_str(), "~");
            if h.contains('\\') {
                // The same home JSON-escaped.
                out = out.replace(&h.replace('\\', "\\\\"), "~");
            }
        }
        if has(&["/home/", "/users/"]) {
            out = UNIX_HOME
                .replace_all(&out, |c: &Captures| {
                    if is_shared_home(&c[3]) {
                        c[0].to_string()
                    } else {
                        format!("{}~", &c[1])
                    }
                })
                .into_owned();
        }
        if has(&["users"]) {
            out = WIN_HOME
                .replace_all(&out, |c: &Captures| {
                    if is_shared_home(&c[2]) {
                        c[0].to_string()
                    } else {
                        "~".to_string()
                    }
                })
                .into_owned();
        }
        if has(&["/mnt/"]) {
            out = WSL_HOME
                .replace_all(&out, |c: &Captures| {
                    if is_shared_home(&c[2]) {
                        c[0].to_string()
                    } else {
                        format!("{}[user]", &c[1])
                    }
                })
                .into_owned();
        }
        if let Some(h) = &self.hostname {
            out = replace_word(&out, h, "[host]");
        }
        for u in &self.usernames {
            out = replace_word(&out, u, "[user]");
        }
        if has(&["host", "computer", "node", "fqdn"]) {
            out = HOST_FIELD.replace_all(&out, "$1[host]").into_owned();
        }
        if out.contains("\"ServerVersion\"") || out.contains("\"DockerRootDir\"") {
            out = DOCKER_INFO_FIELD
                .replace_all(&out, "$1[redacted]\"")
                .into_owned();
        }
        if count(':') >= 11 {
            out = DOCKER_ID.replace_all(&out, "[uuid]").into_owned();
        }
        if has(&["gpu-", "mig-"]) {
            out = GPU_UUID.replace_all(&out, "$1-[uuid]").into_owned();
        }
        if count('-') >= 4 {
            out = UUID.replace_all(&out, "[uuid]").into_owned();
        }
        if has(&["serial"]) {
            out = SERIAL
                .replace_all(&out, |c: &Captures| {
                    let v = c[2].trim();
                    let keep = ["n/a", "none", "not supported", "unknown", "[serial]", "0"]
                        .contains(&v.to_ascii_lowercase().as_str())
                        || v.chars().all(|ch| ch == '0')
                        || v.starts_with('[') && v.ends_with(']');
                    if keep {
                        c[0].to_string()
                    } else {
                        format!("{}[serial]", &c[1])
                    }
                })
                .into_owned();
        }
        if count(':') + count('-') >= 5 {
            out = redact_macs(&out);
        }
        if count('.') >= 3 {
            out = redact_ipv4(&out, version_field);
        }
        if count(':') >= 2 {
            out = redact_ipv6(&out);
        }
        out
    }
}

/// The user name in a home path (`/home/bob/x` → `bob`).
fn user_in_path(p: &str) -> Option<String> {
    let name = UNIX_HOME
        .captures(p)
        .and_then(|c| c.get(3))
        .or_else(|| WIN_HOME.captures(p).and_then(|c| c.get(2)))
        .or_else(|| WSL_HOME.captures(p).and_then(|c| c.get(2)))?
        .as_str();
    (!is_shared_home(name)).then(|| name.to_string())
}

fn is_shared_home(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SHARED_HOMES.contains(&n.as_str()) || n == "~" || n.starts_with('[') || n.starts_with('$')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Replace `word` where it is not part of a longer word (`bob` but not `bobcat`).
fn replace_word(s: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut prev: Option<char> = None;
    while let Some(i) = rest.find(word) {
        let before = rest[..i].chars().next_back().or(prev);
        let after = rest[i + word.len()..].chars().next();
        let bounded = !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char);
        out.push_str(&rest[..i]);
        out.push_str(if bounded { with } else { word });
        prev = word.chars().next_back();
        rest = &rest[i + word.len()..];
    }
    out.push_str(rest);
    out
}

/// Replace each match of `re` for which `redact` says so with `with`; the rest stays.
fn replace_where(s: &str, re: &Regex, with: &str, redact: impl Fn(&Captures) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for c in re.captures_iter(s) {
        let Some(m) = c.get(0) else { continue };
        if redact(&c) {
            out.push_str(&s[last..m.start()]);
            out.push_str(with);
            last = m.end();
        }
    }
    out.push_str(&s[last..]);
    out
}

/// The characters just before and just after a match: whether it is glued to a longer token.
fn neighbours(s: &str, c: &Captures) -> (Option<char>, Option<char>) {
    let Some(m) = c.get(0) else {
        return (None, None);
    };
    (
        s[..m.start()].chars().next_back(),
        s[m.end()..].chars().next(),
    )
}

fn redact_ipv4(s: &str, version_field: bool) -> String {
    if version_field {
        return s.to_string();
    }
    replace_where(s, &IPV4, "[ip]", |c| {
        let Some(m) = c.get(0) else { return false };
        let (before, after) = neighbours(s, c);
        let after2 = s[m.end()..].chars().nth(1);
        let glued_before = before.is_some_and(|b| b.is_alphanumeric() || "._-+".contains(b));
        let glued_after = after.is_some_and(|a| a.is_alphanumeric() || "-+_".contains(a))
            || (after == Some('.') && after2.is_some_and(|a| a.is_ascii_alphanumeric()));
        let octets: Vec<&str> = (1..=4)
            .filter_map(|i| c.get(i).map(|g| g.as_str()))
            .collect();
        let canonical = octets.len() == 4
            && octets.iter().all(|o| {
                (o.len() == 1 || !o.starts_with('0')) && o.parse::<u16>().is_ok_and(|n| n <= 255)
            });
        let line_start = s[..m.start()].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let versiony = VERSION_CONTEXT.is_match(&s[line_start..m.start()]);
        let harmless =
            matches!(octets.first(), Some(&"127") | Some(&"0")) || octets.first() == Some(&"255");
        canonical && !glued_before && !glued_after && !versiony && !harmless
    })
}

/// MAC addresses not glued to more hex groups (a longer colon run is something else).
fn redact_macs(s: &str) -> String {
    let glue = |c: char| c.is_ascii_hexdigit() || ":.-".contains(c);
    replace_where(s, &MAC, "[mac]", |c| {
        let (before, after) = neighbours(s, c);
        !before.is_some_and(glue) && !after.is_some_and(glue)
    })
}

fn redact_ipv6(s: &str) -> String {
    replace_where(s, &IPV6_CANDIDATE, "[ip]", |c| {
        let text = &c[0];
        let (before, after) = neighbours(s, c);
        let glued = before.is_some_and(|b| b.is_alphanumeric() || b == '_' || b == '.')
            || after.is_some_and(|a| a.is_alphanumeric() || a == '_');
        !glued
            && text.matches(':').count() >= 2
            && text
                .parse::<Ipv6Addr>()
                .is_ok_and(|a| !a.is_loopback() && !a.is_unspecified())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;

    fn r() -> Redactor {
        Redactor::default()
    }

    #[test]
    fn learns_the_live_machine() {
        let h = FakeHost::new()
            .file("/proc/sys/kernel/hostname", "gpu-box-7\n")
            .env("USER", "alice")
            .env("HOME", "/srv/people/alice")
            .env("HF_TOKEN", "not-a-standard-shape-123");
        let red = Redactor::from_host(&h);
        let out = red.text(
            "gpu-box-7 alice /srv/people/alice/venv not-a-standard-shape-123 malice gpu-box-77",
        );
        assert_eq!(out, "[host] [user] ~/venv [secret] malice gpu-box-77");
    }

    #[test]
    fn the_account_name_comes_from_the_os_when_the_environment_is_empty() {
        // cron, `docker exec -u 1000` and CI: no USER, no LOGNAME, a cwd outside home.
        let h = FakeHost::new().user_name("carol").cwd("/srv/jobs");
        let red = Redactor::from_host(&h);
        assert_eq!(red.text("Groups: carol, video"), "Groups: [user], video");
        // An environment naming someone else hides neither name.
        let h = FakeHost::new().user_name("carol").env("USER", "dave");
        assert_eq!(Redactor::from_host(&h).text("carol dave"), "[user] [user]");
    }

    #[test]
    fn generic_host_names_are_not_words_to_replace() {
        let h = FakeHost::new()
            .file("/proc/sys/kernel/hostname", "ubuntu\n")
            .env("USER", "nvidia");
        let red = Redactor::from_host(&h);
        assert_eq!(red.text("ubuntu nvidia-smi"), "ubuntu nvidia-smi");
    }

    #[test]
    fn generic_account_names_are_not_words_to_replace() {
        let h = FakeHost::new().cwd("/home/user/project");
        let red = Redactor::from_host(&h);
        assert_eq!(
            red.json(&serde_json::json!({"user": {"groups": ["user", "render"]}})),
            serde_json::json!({"user": {"groups": ["user", "render"]}})
        );
        assert_eq!(red.text("/home/user/project"), "~/project");
        // A real name learned from the path is replaced wherever it appears as a word.
        let red = Redactor::from_host(&FakeHost::new().cwd("/home/qwertyjane/x"));
        assert_eq!(
            red.text("groups: qwertyjane render"),
            "groups: [user] render"
        );
    }

    #[test]
    fn homes_become_tilde() {
        let t = r().text(
            "/home/bob/.venv/bin/python C:\\Users\\Bob\\AppData x=/Users/carol/src \
             \"C:\\\\Users\\\\dave\\\\x\" /mnt/c/Users/erin/Downloads /var/home/fay/y",
        );
        assert_eq!(
            t,
            "~/.venv/bin/python ~\\AppData x=~/src \"~\\\\x\" /mnt/c/Users/[user]/Downloads ~/y"
        );
        // Shared profiles name no one.
        let keep = "C:\\Users\\Public\\Desktop /Users/Shared/x";
        assert_eq!(r().text(keep), keep);
        // A path that merely contains "home" deeper is not a home.
        assert_eq!(r().text("/opt/home/x"), "/opt/home/x");
    }

    #[test]
    fn gpu_uuids_and_uuids() {
        let t = r().text(
            "GPU UUID : GPU-3f2c5b8a-1d2e-4f5a-9b8c-7d6e5f4a3b2c\n  MIG-5a1b2c3d-1111-2222-3333-444455556666\n  Uuid:  GPU-69e905a91bab9202\n  Uuid:  CPU-XX\nUUID: 67ff740f-0000-1000-80e6-b5bb3c3ce0db",
        );
        assert_eq!(
            t,
            "GPU UUID : GPU-[uuid]\n  MIG-[uuid]\n  Uuid:  GPU-[uuid]\n  Uuid:  CPU-XX\nUUID: [uuid]"
        );
    }

    #[test]
    fn serial_numbers() {
        let t = r().text(
            "    Serial Number                         : 1324321053045\n        Chassis Serial Number : N/A\n    Board Serial: PKX123\n    SERIAL_NUMBER: FPL250300A1EC0V2\n        \"Serial Number\": \"N/A\",\n        \"Serial Number\": \"ABC123\",\n    Serial Number : 0000000000000",
        );
        assert_eq!(
            t,
            "    Serial Number                         : [serial]\n        Chassis Serial Number : N/A\n    Board Serial: [serial]\n    SERIAL_NUMBER: [serial]\n        \"Serial Number\": \"N/A\",\n        \"Serial Number\": \"[serial]\",\n    Serial Number : 0000000000000"
        );
    }

    #[test]
    fn macs_but_not_pci_addresses_or_times() {
        let t = r().text(
            "link/ether 00:1a:2b:3c:4d:5e brd ff:ff:ff:ff:ff:ff\nAA-BB-CC-DD-EE-FF\nBus Id : 00000000:01:00.0\n0000:01:00.0 at 12:34:56",
        );
        assert_eq!(
            t,
            "link/ether [mac] brd [mac]\n[mac]\nBus Id : 00000000:01:00.0\n0000:01:00.0 at 12:34:56"
        );
    }

    #[test]
    fn ipv4_addresses_but_never_versions() {
        let cases = [
            ("inet 192.168.1.23/24 brd", "inet [ip]/24 brd"),
            ("\"NodeAddr\":\"10.0.0.5\"", "\"NodeAddr\":\"[ip]\""),
            ("connect to 172.17.0.1:2375", "connect to [ip]:2375"),
            (
                "loopback 127.0.0.1 any 0.0.0.0",
                "loopback 127.0.0.1 any 0.0.0.0",
            ),
            ("mask 255.255.255.0", "mask 255.255.255.0"),
            ("WSL version: 1.2.5.0", "WSL version: 1.2.5.0"),
            ("Kernel version: 5.15.90.1", "Kernel version: 5.15.90.1"),
            (
                "Linux 5.15.90.1-microsoft-standard-WSL2",
                "Linux 5.15.90.1-microsoft-standard-WSL2",
            ),
            (
                "Windows version: 10.0.19045.3393",
                "Windows version: 10.0.19045.3393",
            ),
            (
                "\"SMC firmware version\": \"00.54.29.00\",",
                "\"SMC firmware version\": \"00.54.29.00\",",
            ),
            (
                "\"version\" : \"12.3.3.100\"",
                "\"version\" : \"12.3.3.100\"",
            ),
            ("v1.2.3.4 and 1.2.3.4.5", "v1.2.3.4 and 1.2.3.4.5"),
            (
                "WSL2 2.7.0.0 (kernel 6.6.114.1-1)",
                "WSL2 2.7.0.0 (kernel 6.6.114.1-1)",
            ),
            ("driver 31.0.15.3623", "driver 31.0.15.3623"),
            ("300.1.1.1 is not an address", "300.1.1.1 is not an address"),
        ];
        for (input, want) in cases {
            assert_eq!(r().text(input), want, "{input}");
        }
        // In a field named *version* nothing is an address.
        assert_eq!(r().field("wsl.version_full", "2.0.9.0"), "2.0.9.0");
        assert_eq!(
            r().field("docker.error_message", "dial 10.1.2.3"),
            "dial [ip]"
        );
    }

    #[test]
    fn ipv6_addresses_but_not_code_or_times() {
        let t = r().text(
            "inet6 fe80::1ff:fe23:4567:890a/64 scope link\n2001:db8:85a3::8a2e:370:7334 ::1 :: std::vector 12:34:56",
        );
        assert_eq!(
            t,
            "inet6 [ip]/64 scope link\n[ip] ::1 :: std::vector 12:34:56"
        );
    }

    #[test]
    fn secrets_by_name_and_by_shape() {
        let cases = [
            (
                "HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123456789",
                "HF_TOKEN=[secret]",
            ),
            (
                "export OPENAI_API_KEY='sk-proj-abcdefghijklmnopqrstuv'",
                "export OPENAI_API_KEY='[secret]'",
            ),
            (
                "\"GITHUB_TOKEN\": \"whatever123\"",
                "\"GITHUB_TOKEN\": \"[secret]\"",
            ),
            ("DB_PASSWORD: hunter22", "DB_PASSWORD: [secret]"),
            ("MY_SECRET=abc", "MY_SECRET=[secret]"),
            (
                "token ghp_abcdefghijklmnopqrstuvwxyz0123456789AB",
                "token [secret]",
            ),
            ("key AKIAABCDEFGHIJKLMNOP here", "key [secret] here"),
            (
                "Authorization: Bearer eyJhbGciOi.x.y",
                "Authorization: Bearer [secret]",
            ),
            (
                "https://user:pa55@proxy.corp:3128",
                "https://[secret]@proxy.corp:3128",
            ),
            (
                "pasted hf_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef in text",
                "pasted [secret] in text",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(r().text(input), want, "{input}");
        }
    }

    #[test]
    fn host_names_by_field() {
        let t = r().text("Hostname: ws-042\n\"hostname\": \"ws-042\"\nStatic hostname: ws-042");
        assert_eq!(
            t,
            "Hostname: [host]\n\"hostname\": \"[host]\"\nStatic hostname: [host]"
        );
        let info = r#"{"ID":"7TRN:IPZB:QYBB:VPBQ:UWS3:V7AV:WGSI:AJSV:Y4ZP:S4TF:XHKC:DPBX","ServerVersion":"24.0.5","Name":"ws-042","RuncCommit":{"ID":"v1.0.2-0-g52b36a2"}}"#;
        assert_eq!(
            r().text(info),
            r#"{"ID":"[uuid]","ServerVersion":"24.0.5","Name":"[redacted]","RuncCommit":{"ID":"v1.0.2-0-g52b36a2"}}"#
        );
        // docker version's component names are not host names.
        let ver = r#"{"Server":{"Components":[{"Name":"Engine","Version":"24.0.5"}]}}"#;
        assert_eq!(r().text(ver), ver);
    }

    /// Every dotted number (versions of drivers, kernels, WSL, firmware) in every real
    /// sample output survives redaction unchanged.
    #[test]
    fn no_version_in_any_sample_is_damaged() {
        let dir = format!("{}/tests/samples", env!("CARGO_MANIFEST_DIR"));
        let version = re(r"\d+(?:\.\d+)+");
        let mut checked = 0;
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&p) else {
                    continue;
                };
                let out = r().text(&text);
                let count = |s: &str| {
                    let mut v: Vec<String> = version
                        .find_iter(s)
                        .map(|m| m.as_str().to_string())
                        .collect();
                    v.sort();
                    v
                };
                assert_eq!(count(&text), count(&out), "{}", p.display());
                checked += 1;
            }
        }
        assert!(checked > 50, "only {checked} samples found");
    }

    #[test]
    fn samples_lose_their_identifiers() {
        let q = crate::testutil::sample("rocminfo/rx7900xtx-rocm6.3.1-ryzen5900x.txt");
        assert!(q.contains("GPU-69e905a91bab9202"));
        assert!(!r().text(&q).contains("69e905a91bab9202"));
        let a = crate::testutil::sample("amd-smi/amd-smi-list-mi210-with-ainic.txt");
        let ra = r().text(&a);
        assert!(!ra.contains("FPL250300A1EC0V2") && !ra.contains("67ff740f"));
        // The PCI address a parser needs is still there.
        assert!(ra.contains("0000:23:00.0"));
    }

    #[test]
    fn json_values_and_reports() {
        let v = serde_json::json!({"python": {"executable": "/home/zed/venv/bin/python"},
            "wsl": {"version_string": "1.2.5.0"}, "n": 3});
        let out = r().json(&v);
        assert_eq!(out["python"]["executable"], "~/venv/bin/python");
        assert_eq!(out["wsl"]["version_string"], "1.2.5.0");
        assert_eq!(out["n"], 3);
    }

    #[test]
    fn never_panics_on_odd_text() {
        for s in [
            "",
            "é/home/ü",
            "1.2.3.4.",
            ".1.2.3.4",
            "::::::::",
            "GPU-",
            "\u{0}serial:",
        ] {
            let _ = r().text(s);
        }
    }
}
