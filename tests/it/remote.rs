//! Remote rulesets against a tiny HTTP server on 127.0.0.1 started by each test: fetch,
//! pin, size cap, timeout, 404, invalid YAML, redirects, offline with and without a cache.
//! No external address is ever contacted.

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const OK: &str = include_str!("../rulesets/ok.yaml");

/// What the server does with one connection.
#[derive(Clone)]
enum Reply {
    /// Status line, body.
    Body(&'static str, Vec<u8>),
    /// Redirect to a path on the same server.
    Redirect(String),
    /// Read the request, then say nothing for this long.
    Hang(Duration),
    /// A 200 with headers at once, then the body one byte every interval (a slow-drip server).
    Drip(Duration, Vec<u8>),
}

/// Serve `replies` to the first `replies.len()` connections, then stop. Bounded: it gives
/// up after 20 s without a connection.
fn serve(replies: Vec<Reply>) -> (String, JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    l.set_nonblocking(true).unwrap();
    let h = std::thread::spawn(move || {
        for reply in replies {
            let start = Instant::now();
            let mut s = loop {
                match l.accept() {
                    Ok((s, _)) => break s,
                    Err(_) if start.elapsed() < Duration::from_secs(20) => {
                        std::thread::sleep(Duration::from_millis(5))
                    }
                    Err(_) => return,
                }
            };
            s.set_nonblocking(false).unwrap();
            read_request(&mut s);
            match reply {
                Reply::Body(status, body) => {
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: application/yaml\r\nConnection: close\r\n\r\n"
                    );
                    let _ = s.write_all(head.as_bytes());
                    let _ = s.write_all(&body);
                }
                Reply::Redirect(to) => {
                    let head = format!(
                        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                    let _ = s.write_all(head.as_bytes());
                }
                Reply::Hang(d) => std::thread::sleep(d),
                Reply::Drip(every, body) => {
                    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/yaml\r\nConnection: close\r\n\r\n";
                    let _ = s.write_all(head.as_bytes());
                    for b in body {
                        std::thread::sleep(every);
                        if s.write_all(&[b]).and_then(|()| s.flush()).is_err() {
                            break;
                        }
                    }
                }
            }
        }
    });
    (base, h)
}

fn read_request(s: &mut TcpStream) {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn aidoctor(cache: &Path) -> Command {
    let mut c = Command::cargo_bin("aidoctor").unwrap();
    for v in [
        "NO_COLOR",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        c.env_remove(v);
    }
    c.env("NO_PROXY", "127.0.0.1,localhost")
        .env("AIDOCTOR_CACHE_DIR", cache)
        .env("AIDOCTOR_HTTP_TIMEOUT_MS", "1000")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("--replay")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/planted-secrets"))
        .arg("--fast");
    c
}

struct Run {
    code: Option<i32>,
    out: String,
    err: String,
}

fn check(cache: &Path, args: &[&str]) -> Run {
    let o = aidoctor(cache).arg("check").args(args).output().unwrap();
    Run {
        code: o.status.code(),
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn sha(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[test]
fn fetches_evaluates_and_caches() {
    let cache = tempfile::tempdir().unwrap();
    let (base, h) = serve(vec![Reply::Body("200 OK", OK.as_bytes().to_vec())]);
    let url = format!("{base}/aidoctor.yaml");
    let r = check(cache.path(), &[&url, "--format", "json"]);
    h.join().unwrap();
    assert_eq!(r.code, Some(0), "{}{}", r.out, r.err);
    let j: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(j["rulesets"][0]["id"], "ok");
    assert_eq!(j["rulesets"][0]["origin"], url);
    let cached: Vec<_> = std::fs::read_dir(cache.path().join("rulesets"))
        .unwrap()
        .collect();
    assert_eq!(cached.len(), 1);
}

#[test]
fn a_pin_refuses_other_content_and_accepts_its_own() {
    let cache = tempfile::tempdir().unwrap();
    let (base, h) = serve(vec![
        Reply::Body("200 OK", OK.as_bytes().to_vec()),
        Reply::Body("200 OK", OK.as_bytes().to_vec()),
    ]);
    let wrong = format!("{base}/a.yaml#sha256={}", "0".repeat(64));
    let r = check(cache.path(), &[&wrong]);
    assert_eq!(r.code, Some(2), "{}{}", r.out, r.err);
    assert!(r.err.contains("does not match the pin"), "{}", r.err);
    assert!(
        r.err.contains(&sha(OK.as_bytes())),
        "says what it got: {}",
        r.err
    );
    let right = format!("{base}/a.yaml#sha256={}", sha(OK.as_bytes()));
    let r = check(cache.path(), &[&right]);
    h.join().unwrap();
    assert_eq!(r.code, Some(0), "{}{}", r.out, r.err);
}

#[test]
fn oversize_is_refused_whatever_the_headers_say() {
    let cache = tempfile::tempdir().unwrap();
    let mut big = OK.as_bytes().to_vec();
    big.extend(std::iter::repeat_n(b'#', 1024 * 1024 + 10));
    let (base, h) = serve(vec![Reply::Body("200 OK", big)]);
    let r = check(cache.path(), &[&format!("{base}/big.yaml")]);
    h.join().unwrap();
    assert_eq!(r.code, Some(2));
    assert!(r.err.contains("larger than 1024 KiB"), "{}", r.err);
}

#[test]
fn a_server_that_never_answers_times_out() {
    let cache = tempfile::tempdir().unwrap();
    let (base, _h) = serve(vec![Reply::Hang(Duration::from_secs(6))]);
    let start = Instant::now();
    let r = check(cache.path(), &[&format!("{base}/slow.yaml")]);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(r.code, Some(2), "{}{}", r.out, r.err);
    assert!(r.err.contains("no cached copy"), "{}", r.err);
    assert!(
        r.err.to_lowercase().contains("timed out") || r.err.contains("timeout"),
        "{}",
        r.err
    );
}

/// The deadline bounds the whole fetch, body included: reqwest's blocking timeout alone restarts
/// at every read, so a byte every `every` (shorter than the timeout) kept a fetch going for as
/// long as the server liked. The server drips a body that would take 20 s.
fn drip_is_cut_at_the_deadline(every: Duration, timeout_ms: u64) {
    let cache = tempfile::tempdir().unwrap();
    let bytes = (20_000 / every.as_millis()) as usize;
    let body = OK.as_bytes()[..bytes.min(OK.len())].to_vec();
    let (base, _h) = serve(vec![Reply::Drip(every, body)]);
    let start = Instant::now();
    let o = aidoctor(cache.path())
        .env("AIDOCTOR_HTTP_TIMEOUT_MS", timeout_ms.to_string())
        .arg("check")
        .arg(format!("{base}/drip.yaml"))
        .output()
        .unwrap();
    let took = start.elapsed();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "timed out: the whole fetch (connect, headers and body) must finish within {} s",
            timeout_ms / 1000
        )),
        "{err}"
    );
    // The deadline plus slack for starting the binary on a loaded machine; far below the 20 s
    // the drip would take.
    assert!(
        took < Duration::from_millis(timeout_ms + 4000),
        "took {took:?}"
    );
}

#[test]
fn a_drip_every_half_second_is_cut_at_the_deadline() {
    drip_is_cut_at_the_deadline(Duration::from_millis(500), 2000);
}

#[test]
fn a_drip_every_two_seconds_is_cut_at_the_deadline() {
    drip_is_cut_at_the_deadline(Duration::from_secs(2), 3000);
}

#[test]
fn not_found_is_an_error() {
    let cache = tempfile::tempdir().unwrap();
    let (base, h) = serve(vec![Reply::Body("404 Not Found", b"nope".to_vec())]);
    let r = check(cache.path(), &[&format!("{base}/missing.yaml")]);
    h.join().unwrap();
    assert_eq!(r.code, Some(2));
    assert!(r.err.contains("HTTP 404"), "{}", r.err);
}

#[test]
fn invalid_yaml_has_a_located_error_and_is_not_cached() {
    let cache = tempfile::tempdir().unwrap();
    let bad = "id: bad\ntitle: \"unclosed\nchecked: 2026-01-01\n";
    let (base, h) = serve(vec![Reply::Body("200 OK", bad.as_bytes().to_vec())]);
    let url = format!("{base}/bad.yaml");
    let r = check(cache.path(), &[&url]);
    h.join().unwrap();
    assert_eq!(r.code, Some(2));
    assert!(r.err.contains(&format!("{url}:")), "{}", r.err);
    assert!(
        r.err
            .lines()
            .any(|l| l.contains(&url) && l.split(':').any(|p| p.trim().parse::<u32>().is_ok())),
        "located: {}",
        r.err
    );
    assert!(!cache.path().join("rulesets").exists());
}

#[test]
fn redirects_are_limited() {
    let cache = tempfile::tempdir().unwrap();
    let replies: Vec<Reply> = (0..5).map(|i| Reply::Redirect(format!("/r{i}"))).collect();
    let (base, h) = serve(replies);
    let r = check(cache.path(), &[&format!("{base}/start")]);
    h.join().unwrap();
    assert_eq!(r.code, Some(2));
    assert!(r.err.contains("redirects"), "{}", r.err);
    // One redirect is fine.
    let (base, h) = serve(vec![
        Reply::Redirect("/real.yaml".into()),
        Reply::Body("200 OK", OK.as_bytes().to_vec()),
    ]);
    let r = check(cache.path(), &[&format!("{base}/moved.yaml")]);
    h.join().unwrap();
    assert_eq!(r.code, Some(0), "{}", r.err);
}

#[test]
fn offline_uses_the_cache_with_a_notice() {
    let cache = tempfile::tempdir().unwrap();
    let (base, h) = serve(vec![Reply::Body("200 OK", OK.as_bytes().to_vec())]);
    let url = format!("{base}/aidoctor.yaml");
    assert_eq!(check(cache.path(), &[&url]).code, Some(0));
    h.join().unwrap();
    // The server is gone now. --offline reads the cache.
    let r = check(cache.path(), &[&url, "--offline", "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.err);
    let j: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    let notice = j["rulesets"][0]["notices"][0].as_str().unwrap_or_default();
    assert!(
        notice.contains("Offline: using the cached copy"),
        "{}",
        r.out
    );
    // Without --offline, a network failure falls back to the cache too, and says so.
    let r = check(cache.path(), &[&url]);
    assert_eq!(r.code, Some(0), "{}", r.err);
    assert!(r.out.contains("using the cached copy"), "{}", r.out);
}

#[test]
fn offline_without_a_cache_is_an_error() {
    let cache = tempfile::tempdir().unwrap();
    let r = check(
        cache.path(),
        &["https://example.invalid/aidoctor.yaml", "--offline"],
    );
    assert_eq!(r.code, Some(2));
    assert!(r.err.contains("no cached copy exists"), "{}", r.err);
}

#[test]
fn plain_http_is_refused_except_to_loopback() {
    let cache = tempfile::tempdir().unwrap();
    let r = check(cache.path(), &["http://example.com/aidoctor.yaml"]);
    assert_eq!(r.code, Some(2));
    assert!(r.err.contains("plain http is refused"), "{}", r.err);
}

#[test]
fn project_dir_finds_its_ruleset() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".aidoctor.yaml"), OK).unwrap();
    let r = check(
        cache.path(),
        &[
            "--project",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.err);
    assert!(r.out.contains("\"id\": \"ok\""), "{}", r.out);
    let empty = tempfile::tempdir().unwrap();
    let r = check(cache.path(), &["--project", empty.path().to_str().unwrap()]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.err.contains("no aidoctor.yaml or .aidoctor.yaml"),
        "{}",
        r.err
    );
}

/// A redirect to a scheme that is never fetched says where it pointed, not "HTTP 302"; a
/// network error names the URL once.
#[test]
fn a_redirect_to_file_says_so_and_errors_name_the_url_once() {
    let cache = tempfile::tempdir().unwrap();
    let (base, h) = serve(vec![Reply::Redirect("file:///etc/passwd".into())]);
    let r = check(cache.path(), &[&format!("{base}/a.yaml")]);
    h.join().unwrap();
    assert_eq!(r.code, Some(2));
    assert!(
        r.err.contains("redirected to file:///etc/passwd"),
        "{}",
        r.err
    );
    assert!(!r.err.contains("302"), "{}", r.err);
    let url = "http://127.0.0.1:1/x.yaml";
    let r = check(cache.path(), &[url]);
    assert_eq!(r.code, Some(2));
    assert_eq!(r.err.matches("127.0.0.1:1").count(), 1, "{}", r.err);
}
