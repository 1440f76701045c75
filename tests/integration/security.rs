//! The key never leaks: a scripted session with the real binary, the real OS keyring and the
//! demo server (key saved, list, single export, PDF, bulk export, the window opening an
//! interview, key deleted), every log at debug level. Afterwards every file the app wrote
//! under its home and everything it printed is searched for the key: zero hits, and no request
//! carried the key in its URL.
//!
//! Ignored by `cargo test` because it needs an unlocked OS keyring (and, for the window part,
//! an X display); `.ci/run` runs it inside a headless gnome-keyring session under Xvfb.

#![expect(clippy::unwrap_used, reason = "test setup fails loudly")]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use interview_desk::demo::{DEMO_API_KEY, DEMO_PHONE_INTERVIEW_ID, DemoServer};

/// Runs the binary with `home` as its whole world (HOME and the XDG folders) and debug logs.
fn run(home: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_interview-desk"));
    command
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("INTERVIEW_DESK_CONFIG_DIR", home.join("settings"))
        .env("RUST_LOG", "debug")
        .env_remove("INSTAVIEW_API_KEY")
        .env_remove("INSTAVIEW_BASE_URL")
        .env_remove("INSTAVIEW_COMPANY_ID")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// Every file under `folder`, recursively.
fn files_under(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
#[ignore = "needs an unlocked OS keyring and an X display (see .ci/run)"]
fn a_scripted_session_never_writes_or_prints_the_key() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(DemoServer::start(0)).unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let profile = format!("security-{}", std::process::id());
    let base_url = server.base_url().to_owned();
    let exports = home.join("exports");
    let one = exports.join("one.json");
    let pdf = exports.join("one.pdf");
    let bulk = exports.join("bulk");
    std::fs::create_dir(&exports).unwrap();

    let mut outputs: Vec<(String, Output)> = Vec::new();
    let mut step = |name: &str, args: &[&str], stdin: Option<&str>| {
        let output = run(home, args, stdin);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        outputs.push((name.to_owned(), output));
    };
    let p = profile.as_str();
    step("key set", &["key", "set", "--profile", p, "--base-url", &base_url], Some(&format!("{DEMO_API_KEY}\n")));
    step("key status", &["key", "status", "--profile", p], None);
    step("list", &["list", "--profile", p], None);
    step("fetch", &["fetch", DEMO_PHONE_INTERVIEW_ID, "--profile", p, "--out", one.to_str().unwrap()], None);
    step("pdf", &["pdf", DEMO_PHONE_INTERVIEW_ID, "--profile", p, "--out", pdf.to_str().unwrap()], None);
    step("bulk export", &["export", "--profile", p, "--out-dir", bulk.to_str().unwrap()], None);
    if std::env::var_os("DISPLAY").is_some() {
        let before = server.requests_served();
        let args = ["--profile", p, "--open", DEMO_PHONE_INTERVIEW_ID, "--tab", "export", "--exit-after", "6"];
        step("window", &args, None);
        assert!(server.requests_served() > before, "the window read the key from the keyring and fetched");
    }
    step("key delete", &["key", "delete", "--profile", p], None);

    // The session really happened.
    assert!(one.is_file() && pdf.is_file() && bulk.join("manifest.json").is_file());
    let written = files_under(home);
    assert!(written.iter().any(|f| f.ends_with("settings.json")), "the profile was saved: {written:?}");
    if std::env::var_os("DISPLAY").is_some() {
        assert!(written.iter().any(|f| f.ends_with("app.ron")), "the window saved its state: {written:?}");
    }

    let bearer = base64::engine::general_purpose::STANDARD.encode(format!("Bearer {DEMO_API_KEY}"));
    let needles = [DEMO_API_KEY.to_owned(), DEMO_API_KEY.trim_start_matches("sk_test_demo_").to_owned(), bearer];
    let mut leaks = Vec::new();
    for file in &written {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        leaks.extend(needles.iter().filter(|n| text.contains(n.as_str())).map(|_| file.display().to_string()));
    }
    for (name, output) in &outputs {
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            leaks.extend(needles.iter().filter(|n| text.contains(n.as_str())).map(|_| format!("{name} {stream}")));
        }
    }
    assert!(leaks.is_empty(), "the key appeared in: {leaks:?}");
    let logged: usize = outputs.iter().map(|(_, o)| o.stderr.len()).sum();
    assert!(logged > 1_000, "debug logs were produced and searched ({logged} bytes)");
    assert_eq!(server.requests_with_key_in_url(), 0, "the key never appears in a URL");
}
