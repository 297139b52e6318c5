//! Rulesets fetched over HTTPS: `aidoctor check https://example.org/aidoctor.yaml`.
//!
//! A remote ruleset is data only: its conditions read facts the probes already gathered;
//! the engine never runs a command or reads a file because of a ruleset. That is what makes
//! fetching one from the web safe. The fetch itself is bounded: HTTPS only (plain HTTP only to
//! loopback, which the tests use), at most [`MAX_REDIRECTS`] redirects and never from HTTPS to
//! HTTP, a 10 s timeout, a 1 MiB cap counted on the bytes read (not on Content-Length), and
//! the standard proxy variables (reqwest reads `HTTPS_PROXY`, `NO_PROXY`, ... by default).
//!
//! `URL#sha256=HEX` pins the content: anything else is refused. The last copy that loaded
//! cleanly is cached in the platform cache directory and used, with a notice, when the
//! network fails or with `--offline`.

use crate::rules::{self, Ruleset, RulesetError};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub const MAX_BYTES: u64 = 1024 * 1024;
pub const MAX_REDIRECTS: usize = 5;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A remote ruleset, parsed, with what the report should say about how it was obtained.
#[derive(Debug)]
pub struct Loaded {
    pub ruleset: Ruleset,
    /// The URL without its pin.
    pub url: String,
    pub notices: Vec<String>,
}

#[derive(Debug)]
pub enum RemoteError {
    /// Refused or failed before there was a ruleset to parse.
    Fetch(String),
    /// Fetched, but not a valid ruleset (located errors).
    Ruleset(Vec<RulesetError>),
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemoteError::Fetch(m) => f.write_str(m),
            RemoteError::Ruleset(errs) => {
                let lines: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                f.write_str(&lines.join("\n"))
            }
        }
    }
}

/// A URL argument split into the URL and its optional `#sha256=` pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: reqwest::Url,
    pub pin: Option<String>,
}

/// Parse `URL[#sha256=HEX]` and check that it may be fetched at all.
pub fn parse_target(arg: &str) -> Result<Target, String> {
    let (url_part, pin) = match arg.split_once('#') {
        Some((u, frag)) => {
            let hex = frag.strip_prefix("sha256=").ok_or_else(|| {
                format!("{arg}: the only fragment understood is #sha256=<64 hex digits>")
            })?;
            if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!(
                    "{arg}: #sha256= needs 64 hexadecimal digits (`sha256sum aidoctor.yaml`)"
                ));
            }
            (u, Some(hex.to_ascii_lowercase()))
        }
        None => (arg, None),
    };
    let url = reqwest::Url::parse(url_part).map_err(|e| format!("{arg}: not a URL: {e}"))?;
    allowed(&url).map_err(|m| format!("{arg}: {m}"))?;
    Ok(Target { url, pin })
}

/// HTTPS anywhere; plain HTTP only to this machine.
fn allowed(url: &reqwest::Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => {
            Err("plain http is refused (use https://); only loopback addresses may use http".into())
        }
        other => Err(format!("scheme `{other}` is not supported (use https://)")),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(h) = url.host_str() else {
        return false;
    };
    let h = h.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
}

fn timeout() -> Duration {
    // Tests shorten it: a server that never answers should cost them a second, not ten.
    std::env::var("AIDOCTOR_HTTP_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&ms| ms > 0 && ms <= 600_000)
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// `AIDOCTOR_CACHE_DIR`, else the platform cache directory's `aidoctor`.
fn cache_root() -> Option<PathBuf> {
    match std::env::var_os("AIDOCTOR_CACHE_DIR") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => dirs::cache_dir().map(|d| d.join("aidoctor")),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Where the last good copy of `url` lives.
pub fn cache_path(url: &reqwest::Url) -> Option<PathBuf> {
    cache_root().map(|r| {
        r.join("rulesets")
            .join(format!("{}.yaml", sha256(url.as_str().as_bytes())))
    })
}

/// Fetch (or, offline, read the cache), verify the pin, parse, and cache what parsed.
pub fn load(arg: &str, offline: bool) -> Result<Loaded, RemoteError> {
    let target = parse_target(arg).map_err(RemoteError::Fetch)?;
    let url = target.url.to_string();
    let cache = cache_path(&target.url);
    let mut notices = Vec::new();
    let (bytes, from_cache) = if offline {
        let bytes = read_cache(cache.as_ref()).ok_or_else(|| {
            RemoteError::Fetch(format!(
                "{url}: --offline, and no cached copy exists (run once online first)"
            ))
        })?;
        notices.push(format!(
            "Offline: using the cached copy of {url}; it may be out of date."
        ));
        (bytes, true)
    } else {
        match fetch(&target.url) {
            Ok(b) => (b, false),
            Err(FetchError::Network(m)) => match read_cache(cache.as_ref()) {
                Some(b) => {
                    notices.push(format!(
                        "Could not fetch {url} ({m}); using the cached copy, which may be out of date."
                    ));
                    (b, true)
                }
                None => {
                    return Err(RemoteError::Fetch(format!(
                        "{url}: {m} (and no cached copy exists)"
                    )));
                }
            },
            Err(FetchError::Refused(m)) => return Err(RemoteError::Fetch(format!("{url}: {m}"))),
        }
    };
    if let Some(pin) = &target.pin {
        let got = sha256(&bytes);
        if &got != pin {
            return Err(RemoteError::Fetch(format!(
                "{url}: content does not match the pin: sha256 is {got}, expected {pin}{}",
                if from_cache { " (cached copy)" } else { "" }
            )));
        }
    }
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| RemoteError::Fetch(format!("{url}: the ruleset is not UTF-8 text")))?;
    let ruleset = rules::load_str(&text, &url).map_err(RemoteError::Ruleset)?;
    if !from_cache && let Some(p) = &cache {
        // Best effort: a read-only cache directory must not fail the check.
        if let Some(dir) = p.parent()
            && std::fs::create_dir_all(dir).is_ok()
        {
            let tmp = p.with_extension("yaml.tmp");
            if std::fs::write(&tmp, &bytes).is_ok() {
                let _ = std::fs::rename(&tmp, p);
            }
        }
    }
    Ok(Loaded {
        ruleset,
        url,
        notices,
    })
}

fn read_cache(p: Option<&PathBuf>) -> Option<Vec<u8>> {
    // The same limits as the network: a regular file, no bigger than a fetched ruleset.
    crate::host::untrusted::read_whole(p?, MAX_BYTES, crate::host::untrusted::Links::Follow).ok()
}

enum FetchError {
    /// No answer: the cached copy may stand in.
    Network(String),
    /// An answer we will not use (404, too big, redirected to http).
    Refused(String),
}

/// Fetch `url` within [`timeout()`], all of it. reqwest's blocking `timeout` restarts at every
/// body read (`blocking::Response::read` waits up to the full timeout each time), so a server
/// sending one byte every few seconds would be read forever. The fetch runs on its own thread
/// and is given up at the deadline; the thread also stops reading once the deadline passes, so
/// what it still holds is released within one read.
fn fetch(url: &reqwest::Url) -> Result<Vec<u8>, FetchError> {
    fetch_within(url, timeout())
}

fn fetch_within(url: &reqwest::Url, limit: Duration) -> Result<Vec<u8>, FetchError> {
    let deadline = Instant::now() + limit;
    let (tx, rx) = std::sync::mpsc::channel();
    let url = url.clone();
    std::thread::Builder::new()
        .name("fetch".into())
        .spawn(move || {
            // The receiver may have given up; nothing to do then.
            let _ = tx.send(fetch_blocking(&url, limit, deadline));
        })
        .map_err(|e| FetchError::Network(format!("cannot start the fetch: {e}")))?;
    match rx.recv_timeout(limit) {
        Ok(r) => r,
        Err(_) => Err(timed_out(limit)),
    }
}

fn timed_out(limit: Duration) -> FetchError {
    FetchError::Network(format!(
        "timed out: the whole fetch (connect, headers and body) must finish within {}",
        human(limit)
    ))
}

fn human(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn fetch_blocking(
    url: &reqwest::Url,
    limit: Duration,
    deadline: Instant,
) -> Result<Vec<u8>, FetchError> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        match redirect_verdict(attempt.previous(), attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(m) => attempt.error(m),
        }
    });
    let client = reqwest::blocking::Client::builder()
        .timeout(limit)
        .connect_timeout(limit)
        .redirect(policy)
        .user_agent(concat!("aidoctor/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| FetchError::Refused(format!("cannot start an HTTP client: {e}")))?;
    let mut resp = client.get(url.clone()).send().map_err(|e| {
        if e.is_redirect() {
            FetchError::Refused(error_chain(&e))
        } else {
            FetchError::Network(error_chain(&e))
        }
    })?;
    let status = resp.status();
    if status.is_redirection() {
        // A redirect reqwest did not follow (to file://, ftp://, ...): say where it pointed.
        let to = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("nowhere");
        return Err(FetchError::Refused(format!(
            "redirected to {to}, which is not fetched (https only)"
        )));
    }
    if !status.is_success() {
        return Err(FetchError::Refused(format!("HTTP {status}")));
    }
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    // Read one byte past the cap to know it was exceeded, whatever Content-Length claimed.
    while buf.len() as u64 <= MAX_BYTES {
        if Instant::now() >= deadline {
            return Err(timed_out(limit));
        }
        match resp.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FetchError::Network(format!("reading the body: {e}"))),
        }
    }
    if buf.len() as u64 > MAX_BYTES {
        return Err(FetchError::Refused(format!(
            "larger than {} KiB; a ruleset is a small YAML file",
            MAX_BYTES / 1024
        )));
    }
    Ok(buf)
}

/// Whether to follow a redirect to `next` after visiting `previous`: at most
/// [`MAX_REDIRECTS`], never from https down to http, and only to URLs we would fetch anyway.
fn redirect_verdict(previous: &[reqwest::Url], next: &reqwest::Url) -> Result<(), String> {
    if previous.len() >= MAX_REDIRECTS {
        return Err(format!("more than {MAX_REDIRECTS} redirects"));
    }
    if previous.iter().any(|u| u.scheme() == "https") && next.scheme() != "https" {
        return Err(format!("redirected from https to plain http ({next})"));
    }
    allowed(next).map_err(|m| format!("redirected to {next}: {m}"))
}

/// reqwest's errors hide the useful part (timed out, connection refused) in their sources.
fn error_chain(e: &dyn std::error::Error) -> String {
    // reqwest names the URL ("error sending request for url (…)"): the caller already
    // leads with it.
    let top = e.to_string();
    let top = match top.find(" for url (") {
        Some(i) if top.ends_with(')') => top[..i].to_string(),
        _ => top,
    };
    let mut parts = vec![top];
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        assert!(parse_target("https://example.com/aidoctor.yaml").is_ok());
        assert!(parse_target("http://127.0.0.1:8080/a.yaml").is_ok());
        assert!(parse_target("http://127.5.6.7/a.yaml").is_ok());
        assert!(parse_target("http://[::1]:9/a.yaml").is_ok());
        assert!(parse_target("http://localhost/a.yaml").is_ok());
        let e = parse_target("http://example.com/a.yaml").unwrap_err();
        assert!(e.contains("plain http is refused"), "{e}");
        assert!(parse_target("http://127.0.0.1.example.com/a.yaml").is_err());
        assert!(parse_target("ftp://example.com/a.yaml").is_err());
        assert!(parse_target("file:///etc/passwd").is_err());
    }

    #[test]
    fn redirects_never_downgrade() {
        let u = |s: &str| reqwest::Url::parse(s).unwrap();
        let https = [u("https://a.org/x.yaml")];
        assert!(redirect_verdict(&https, &u("https://b.org/y.yaml")).is_ok());
        let e = redirect_verdict(&https, &u("http://127.0.0.1/y.yaml")).unwrap_err();
        assert!(e.contains("https to plain http"), "{e}");
        assert!(redirect_verdict(&[u("http://127.0.0.1/a")], &u("http://example.com/b")).is_err());
        assert!(redirect_verdict(&[u("http://127.0.0.1/a")], &u("http://localhost/b")).is_ok());
        let five: Vec<_> = (0..5).map(|i| u(&format!("https://a.org/{i}"))).collect();
        assert!(redirect_verdict(&five, &u("https://a.org/6")).is_err());
    }

    #[test]
    fn pins() {
        let h = "ab".repeat(32);
        let t = parse_target(&format!("https://x.org/a.yaml#sha256={}", h.to_uppercase())).unwrap();
        assert_eq!(t.pin.as_deref(), Some(h.as_str()));
        assert_eq!(t.url.as_str(), "https://x.org/a.yaml");
        assert!(parse_target("https://x.org/a.yaml#sha256=abc").is_err());
        assert!(parse_target("https://x.org/a.yaml#md5=abc").is_err());
    }
}
