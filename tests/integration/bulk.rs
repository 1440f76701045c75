//! `interview-desk export --out-dir` against the demo server over real HTTP: the files and the
//! manifest, resuming, failures, pacing under an enforced rate limit, and a kill mid-export.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use interview_desk::demo::{DEMO_API_KEY, DEMO_PHONE_INTERVIEW_ID, DemoOptions, DemoServer};
use interview_desk::export::bulk::{MANIFEST_FILE_NAME, Manifest, sha256_hex};
use serde_json::Value;

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_interview-desk"));
    command
        .args(args)
        .env_remove("INSTAVIEW_BASE_URL")
        .env_remove("INSTAVIEW_COMPANY_ID")
        .env("INSTAVIEW_API_KEY", DEMO_API_KEY)
        .env("INTERVIEW_DESK_CONFIG_DIR", std::env::temp_dir().join("interview-desk-bulk-tests"));
    command
}

fn run(args: &[&str]) -> Output {
    let output = command(args).output().unwrap();
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(DEMO_API_KEY), "key leaked: {text}");
        assert!(!text.contains("panicked"), "panic: {text}");
    }
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).trim().to_owned()
}

/// Every manifest entry matches its file; returns the manifest.
fn check_manifest(folder: &Path) -> Manifest {
    let manifest = Manifest::read(folder).unwrap().expect("a manifest");
    assert_eq!(manifest.format, "interview-desk.manifest");
    for entry in &manifest.files {
        let bytes = std::fs::read(folder.join(&entry.file)).unwrap();
        assert_eq!(bytes.len() as u64, entry.size, "{}", entry.file);
        assert_eq!(sha256_hex(&bytes), entry.sha256, "{}", entry.file);
    }
    manifest
}

/// Every visible file in the folder is a complete export document (or the manifest).
fn check_documents(folder: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == MANIFEST_FILE_NAME {
            continue;
        }
        let document: Value = serde_json::from_slice(&std::fs::read(folder.join(&name)).unwrap())
            .unwrap_or_else(|err| panic!("{name} is not complete JSON: {err}"));
        assert_eq!(document["format"], "interview-desk.interview", "{name}");
        names.push(name);
    }
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_every_interview_with_a_matching_manifest_and_resumes() {
    let server = DemoServer::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("exports");
    let out_text = out.to_str().unwrap();
    let args = ["export", "--out-dir", out_text, "--base-url", server.base_url()];

    let first = run(&args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(stderr(&first).contains("exported 13 of 13 interviews"), "{}", stderr(&first));
    let manifest = check_manifest(&out);
    assert_eq!(manifest.files.len(), 13);
    assert_eq!(check_documents(&out).len(), 13);
    let phone = manifest.entry(DEMO_PHONE_INTERVIEW_ID).unwrap();
    let document: Value = serde_json::from_slice(&std::fs::read(out.join(&phone.file)).unwrap()).unwrap();
    assert_eq!(document["candidate"]["lastName"], "Bennett", "names are looked up");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(out.join(&phone.file)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "candidate data is readable by its owner only");
    }

    // A second run skips what is unchanged; a damaged file is written again.
    std::fs::write(out.join(&phone.file), b"{\"damaged\": true}").unwrap();
    std::fs::write(out.join(".interview-desk-left-by-a-kill.tmp"), b"{\"half").unwrap();
    let second = run(&args);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let text = stderr(&second);
    assert!(text.contains("unchanged") && !text.contains("(0 unchanged"), "{text}");
    assert!(!out.join(".interview-desk-left-by-a-kill.tmp").exists(), "leftover temporary files are removed");
    let again = check_manifest(&out);
    assert_eq!(again.files.len(), 13);
    assert_ne!(again.entry(DEMO_PHONE_INTERVIEW_ID).unwrap().sha256, sha256_hex(b"{\"damaged\": true}"));

    // Filters and options.
    let completed = dir.path().join("completed");
    let filtered = run(&[
        "export",
        "--out-dir",
        completed.to_str().unwrap(),
        "--status",
        "completed",
        "--no-transcript",
        "--no-names",
        "--base-url",
        server.base_url(),
    ]);
    assert_eq!(filtered.status.code(), Some(0), "{}", stderr(&filtered));
    for name in check_documents(&completed) {
        let document: Value = serde_json::from_slice(&std::fs::read(completed.join(&name)).unwrap()).unwrap();
        assert_eq!(document["interview"]["status"], "COMPLETED");
        assert!(document["interview"].get("transcript").is_none() && document["omitted"][0] == "transcript");
        assert!(document.get("candidate").is_none());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_listed_with_reasons_and_set_the_exit_code() {
    let server = DemoServer::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.txt");
    let missing = "11111111-2222-4333-8444-555555555555";
    std::fs::write(
        &ids,
        format!("# picked for review\n{DEMO_PHONE_INTERVIEW_ID}\n\nhttps://app.instaview.sk/interviews/{missing}\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let args = ["export", "--out-dir", out.to_str().unwrap(), "--ids", ids.to_str().unwrap()];
    let output = run(&[&args[..], &["--base-url", server.base_url()]].concat());
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(5), "404 is exit code 5: {text}");
    assert!(text.contains("exported 1 of 2 interviews") && text.contains("1 failed"), "{text}");
    assert!(text.contains(missing) && text.contains("Not found (404)"), "{text}");
    assert_eq!(check_manifest(&out).files.len(), 1, "the good one is exported");

    std::fs::write(&ids, "3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10\nnot an id\n").unwrap();
    let bad = run(&[&args[..], &["--base-url", server.base_url()]].concat());
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("ids.txt:2") && stderr(&bad).contains("not an interview ID"), "{}", stderr(&bad));

    std::fs::write(&ids, format!("{DEMO_PHONE_INTERVIEW_ID}\n{missing}\n")).unwrap();
    let mut wrong_key = command(&[&args[..], &["--base-url", server.base_url()]].concat());
    let refused = wrong_key.env("INSTAVIEW_API_KEY", "sk_test_wrong").output().unwrap();
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("stopped") && stderr(&refused).contains("401"), "{}", stderr(&refused));

    for (text, expected) in [
        (format!("{DEMO_PHONE_INTERVIEW_ID},{missing}\n"), "ids.txt:1: the line holds 2 interview IDs"),
        ("# nothing yet\n\n".to_owned(), "lists no interview IDs"),
    ] {
        std::fs::write(&ids, text).unwrap();
        let refused = run(&[&args[..], &["--base-url", server.base_url()]].concat());
        assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
        assert!(stderr(&refused).contains(expected), "{}", stderr(&refused));
    }

    let a_file = dir.path().join("a-file");
    std::fs::write(&a_file, "mine").unwrap();
    let refused = run(&["export", "--out-dir", a_file.to_str().unwrap(), "--base-url", server.base_url()]);
    assert_eq!(refused.status.code(), Some(9));
    assert!(stderr(&refused).contains("is a file, not a folder"), "{}", stderr(&refused));
    assert_eq!(std::fs::read_to_string(&a_file).unwrap(), "mine");

    let foreign = dir.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join(MANIFEST_FILE_NAME), "{\"name\": \"someone else's\"}").unwrap();
    let refused = run(&["export", "--out-dir", foreign.to_str().unwrap(), "--base-url", server.base_url()]);
    assert_eq!(refused.status.code(), Some(9));
    assert!(stderr(&refused).contains("not an Interview Desk manifest"), "{}", stderr(&refused));
    assert_eq!(std::fs::read_dir(&foreign).unwrap().count(), 1, "nothing written beside a foreign manifest");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_under_an_enforced_rate_limit_is_paced_without_429s() {
    let options = DemoOptions { rate_limit_per_minute: Some(1_200), extra_interviews: 28, ..DemoOptions::default() };
    let server = DemoServer::start_with(0, options).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = run(&["export", "--out-dir", dir.path().to_str().unwrap(), "--base-url", server.base_url()]);
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(check_manifest(dir.path()).files.len(), 41);
    assert_eq!(server.requests_refused(), 0, "paced to the limit: no 429");
    // 41 interviews and their lookups at 20 requests a second take at least ~2 s.
    assert!(took >= Duration::from_millis(1_900), "{took:?}");
}

/// SIGKILL in the middle leaves only complete documents and a manifest that matches them; the
/// next run completes the folder. (`kill` is SIGKILL on Unix and TerminateProcess on Windows.)
#[tokio::test(flavor = "multi_thread")]
async fn a_kill_mid_export_leaves_complete_files_and_a_matching_manifest() {
    let options = DemoOptions { rate_limit_per_minute: Some(240), extra_interviews: 40, ..DemoOptions::default() };
    let slow = DemoServer::start_with(0, options).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    // The output goes to a file, to be shown if the export stalls. Reading the manifest while
    // the export replaces it is what a user's script or a virus scanner does: on Windows the
    // rename then has to wait for the reader (export::write_atomically retries it).
    let log_dir = tempfile::tempdir().unwrap();
    let log = log_dir.path().join("export.log");
    let log_file = std::fs::File::create(&log).unwrap();
    let mut child = command(&["export", "--out-dir", out, "--base-url", slow.base_url()])
        .stderr(Stdio::from(log_file.try_clone().unwrap()))
        .stdout(Stdio::from(log_file))
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let listed = Manifest::read(dir.path()).ok().flatten().map_or(0, |m| m.files.len());
        if listed >= 5 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the export made no progress: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let manifest = check_manifest(dir.path());
    let documents = check_documents(dir.path());
    assert!(manifest.files.len() >= 5 && manifest.files.len() < 53, "{}", manifest.files.len());
    let unlisted = documents.iter().filter(|name| !manifest.files.iter().any(|e| &&e.file == name)).count();
    assert!(unlisted <= 4, "at most one document per request in flight lands unlisted: {unlisted}");

    let finish =
        DemoServer::start_with(0, DemoOptions { extra_interviews: 40, ..DemoOptions::default() }).await.unwrap();
    let rerun = run(&["export", "--out-dir", out, "--base-url", finish.base_url()]);
    assert_eq!(rerun.status.code(), Some(0), "{}", stderr(&rerun));
    let complete = check_manifest(dir.path());
    assert_eq!(complete.files.len(), 53);
    assert_eq!(check_documents(dir.path()).len(), 53);
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with('.'));
    assert_eq!(leftovers.count(), 0, "no temporary files are left");
}
