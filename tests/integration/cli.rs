//! The command line against the demo server over real HTTP: output, exit codes, no key leaks.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use crate::common;

use std::process::{Command, Output};

use interview_desk::demo::{DEMO_API_KEY, DEMO_PHONE_INTERVIEW_ID, DemoServer};

/// A connections folder for tests that do not make their own: nothing is read from or written
/// to the real config folder.
static CONFIG_DIR: std::sync::LazyLock<tempfile::TempDir> = std::sync::LazyLock::new(|| tempfile::tempdir().unwrap());

fn run(args: &[&str], key: Option<&str>) -> Output {
    run_in(CONFIG_DIR.path(), args, key, None)
}

/// Runs the binary with `config_dir` as its connections folder and `stdin` piped in.
fn run_in(config_dir: &std::path::Path, args: &[&str], key: Option<&str>, stdin: Option<&str>) -> Output {
    use std::io::Write as _;
    let mut command = Command::new(env!("CARGO_BIN_EXE_interview-desk"));
    command
        .args(args)
        .env_remove("INSTAVIEW_BASE_URL")
        .env_remove("INSTAVIEW_COMPANY_ID")
        .env("INTERVIEW_DESK_CONFIG_DIR", config_dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    match key {
        Some(key) => command.env("INSTAVIEW_API_KEY", key),
        None => command.env_remove("INSTAVIEW_API_KEY"),
    };
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let output = child.wait_with_output().unwrap();
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        for secret in [DEMO_API_KEY, "sk_test_wrong", SECRET] {
            assert!(!text.contains(secret), "key leaked: {text}");
        }
        assert!(!text.contains("panicked"), "panic: {text}");
    }
    output
}

/// A key that only the `key set` tests use; it must never appear in any output or file.
const SECRET: &str = "sk_test_cli_secret_0123456789";

fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn fetch_writes_the_export_document_and_reports_each_failure_with_its_exit_code() {
    let server = DemoServer::start(0).await.unwrap();
    let base = server.base_url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let out_text = out.to_str().unwrap().to_owned();

    let ok = run(&["fetch", DEMO_PHONE_INTERVIEW_ID, "--base-url", &base, "--out", &out_text], Some(DEMO_API_KEY));
    assert_eq!(code(&ok), 0, "{}", stderr(&ok));
    let text = std::fs::read_to_string(&out).unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["format"], "interview-desk.interview");
    assert_eq!(document["interview"]["id"], DEMO_PHONE_INTERVIEW_ID);
    assert_eq!(document["candidate"]["lastName"], "Bennett");
    assert!(text.contains("0.1000000000000000055511151231257827") && text.contains("18446744073709551615"));
    assert!(!text.contains(DEMO_API_KEY));

    let stdout = run(&["fetch", DEMO_PHONE_INTERVIEW_ID, "--base-url", &base, "--no-names"], Some(DEMO_API_KEY));
    assert_eq!(code(&stdout), 0);
    let document: serde_json::Value = serde_json::from_slice(&stdout.stdout).unwrap();
    assert!(document.get("candidate").is_none());

    let cases: [(&[&str], Option<&str>, i32, &str); 5] = [
        (&["fetch", "not-a-uuid", "--base-url", &base], Some(DEMO_API_KEY), 2, "not an interview ID"),
        (&["fetch", DEMO_PHONE_INTERVIEW_ID, "--base-url", &base], Some("sk_test_wrong"), 3, "not accepted (401)"),
        (
            &["fetch", "00000000-0000-4000-8000-000000000000", "--base-url", &base],
            Some(DEMO_API_KEY),
            5,
            "Not found (404)",
        ),
        (&["fetch", DEMO_PHONE_INTERVIEW_ID, "--base-url", "http://example.com"], Some(DEMO_API_KEY), 2, "https://"),
        (
            &["fetch", DEMO_PHONE_INTERVIEW_ID, "--base-url", &base, "--out", "/nonexistent-dir/x.json"],
            Some(DEMO_API_KEY),
            9,
            "/nonexistent-dir/x.json",
        ),
    ];
    for (args, key, expected, message) in cases {
        let output = run(args, key);
        assert_eq!(code(&output), expected, "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
        assert_eq!(stderr(&output).lines().count(), 1, "one line: {}", stderr(&output));
    }

    let pdf = dir.path().join("report.pdf");
    let saved =
        run(&["pdf", DEMO_PHONE_INTERVIEW_ID, "--base-url", &base, "--out", pdf.to_str().unwrap()], Some(DEMO_API_KEY));
    assert_eq!(code(&saved), 0, "{}", stderr(&saved));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let scheduled = "91d0b6f4-3a2c-4e7d-8b15-c6a9e2f04d38";
    let exists =
        run(&["pdf", DEMO_PHONE_INTERVIEW_ID, "--base-url", &base, "--out", pdf.to_str().unwrap()], Some(DEMO_API_KEY));
    assert_eq!(code(&exists), 9, "an existing file is not replaced without --force");
    assert!(stderr(&exists).contains("exists; pass --force"), "{}", stderr(&exists));
    let pdf = dir.path().join("none.pdf");
    let none = run(&["pdf", scheduled, "--base-url", &base, "--out", pdf.to_str().unwrap()], Some(DEMO_API_KEY));
    assert_eq!(code(&none), 5, "{}", stderr(&none));
    assert!(stderr(&none).contains("no analysis"), "{}", stderr(&none));
    server.shutdown();
}

#[tokio::test(flavor = "multi_thread")]
async fn network_and_decoding_failures_have_their_own_exit_codes() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let output = run(&["fetch", DEMO_PHONE_INTERVIEW_ID, "--base-url", &closed_url], Some(DEMO_API_KEY));
    assert_eq!(code(&output), 7, "{}", stderr(&output));

    let html = common::TestServer::start(|_| common::Reply::typed(200, "text/html", "<html>login</html>")).await;
    let output = run(&["fetch", DEMO_PHONE_INTERVIEW_ID, "--base-url", &html.base_url], Some(DEMO_API_KEY));
    assert_eq!(code(&output), 8, "{}", stderr(&output));
    assert!(stderr(&output).contains("text/html"), "{}", stderr(&output));
}

#[test]
fn bad_arguments_are_usage_errors() {
    assert_eq!(code(&run(&["fetch"], None)), 2);
    assert_eq!(code(&run(&["--no-such-flag"], None)), 2);
    let renderer = run(&["--renderer", "metal"], None);
    assert_eq!(code(&renderer), 2);
    assert!(stderr(&renderer).contains("glow") && stderr(&renderer).contains("wgpu"), "{}", stderr(&renderer));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_prints_every_page_as_a_table_or_json_lines() {
    let server = DemoServer::start(0).await.unwrap();
    let base = server.base_url().to_owned();
    let table = run(&["list", "--base-url", &base], Some(DEMO_API_KEY));
    assert_eq!(code(&table), 0, "{}", stderr(&table));
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.starts_with("ID"), "{text}");
    assert_eq!(text.lines().count(), 14, "a header and the demo's 13 interviews:\n{text}");
    assert!(text.contains("NO_SHOW"));

    let json = run(&["list", "--base-url", &base, "--json", "--status", "completed"], Some(DEMO_API_KEY));
    assert_eq!(code(&json), 0, "{}", stderr(&json));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(json.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.len() >= 6 && lines.iter().all(|i| i["status"] == "COMPLETED"), "{lines:?}");
    server.shutdown();

    let options = interview_desk::demo::DemoOptions { require_candidate_filter: true, ..Default::default() };
    let strict = DemoServer::start_with(0, options).await.unwrap();
    let refused = run(&["list", "--base-url", strict.base_url()], Some(DEMO_API_KEY));
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("--candidate"), "{}", stderr(&refused));
    let candidate = "a2d94b77-1c3e-4f58-b6a0-7e21c9d4f3b8";
    let one = run(&["list", "--base-url", strict.base_url(), "--candidate", candidate, "--json"], Some(DEMO_API_KEY));
    assert_eq!(String::from_utf8(one.stdout).unwrap().lines().count(), 2);
    strict.shutdown();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_server_is_never_reached_through_a_proxy() {
    let server = DemoServer::start(0).await.unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_interview-desk"))
        .args(["fetch", DEMO_PHONE_INTERVIEW_ID, "--no-names", "--base-url", server.base_url()])
        .env("INSTAVIEW_API_KEY", DEMO_API_KEY)
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    server.shutdown();
}

#[test]
fn demo_and_a_subcommand_exclude_each_other() {
    let output = run(&["--demo", "fetch", DEMO_PHONE_INTERVIEW_ID], Some(DEMO_API_KEY));
    assert_eq!(code(&output), 2, "{}", stderr(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_supplies_the_base_url_and_explicit_options_win() {
    let server = DemoServer::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = format!(r#"{{"profiles":[{{"name":"demo","base_url":"{}"}}]}}"#, server.base_url());
    std::fs::write(dir.path().join("settings.json"), settings).unwrap();
    let fetch = ["fetch", DEMO_PHONE_INTERVIEW_ID, "--no-names", "--profile", "demo"];
    let ok = run_in(dir.path(), &fetch, Some(DEMO_API_KEY), None);
    assert_eq!(code(&ok), 0, "{}", stderr(&ok));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut overridden = fetch.to_vec();
    overridden.extend(["--base-url", &closed_url]);
    let output = run_in(dir.path(), &overridden, Some(DEMO_API_KEY), None);
    assert_eq!(code(&output), 7, "--base-url wins over the profile: {}", stderr(&output));

    let missing = run_in(dir.path(), &["list", "--profile", "nope"], Some(DEMO_API_KEY), None);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("no saved connection named \"nope\""), "{}", stderr(&missing));
    for args in [&["key", "status", "--profile", "nope"][..], &["key", "delete", "--profile", "nope"][..]] {
        let output = run_in(dir.path(), args, None, None);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
    }
    server.shutdown();
}

#[test]
fn key_set_takes_no_key_argument_and_refuses_empty_input_without_echoing() {
    let dir = tempfile::tempdir().unwrap();
    let argument = run_in(dir.path(), &["key", "set", SECRET], None, None);
    assert_eq!(code(&argument), 2, "a key is never taken from an argument");
    let empty = run_in(dir.path(), &["key", "set", "--profile", "x"], None, Some("\n"));
    assert_eq!(code(&empty), 2, "{}", stderr(&empty));
    assert!(stderr(&empty).contains("no key given"), "{}", stderr(&empty));
    let spaced = run_in(dir.path(), &["key", "set", "--profile", "x"], None, Some("sk_test a b\n"));
    assert_eq!(code(&spaced), 2, "{}", stderr(&spaced));
    assert!(!dir.path().join("settings.json").exists(), "nothing saved after a refused key");
}

/// `key set` via stdin into the real OS keyring, `key status`, `key delete`. `.ci/run` runs it
/// inside `keyctl session - dbus-run-session` with an unlocked gnome-keyring.
#[test]
#[ignore = "needs an unlocked OS keyring (see .ci/run)"]
fn key_set_status_delete_with_the_real_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let profile = format!("cli-test-{}", std::process::id());
    let args = |command: &'static str| vec!["key", command, "--profile", &profile];
    let mut set = args("set");
    set.extend(["--base-url", "https://staging.example.com"]);
    let saved = run_in(dir.path(), &set, None, Some(&format!("{SECRET}\n")));
    assert_eq!(code(&saved), 0, "{}", stderr(&saved));
    let text = String::from_utf8_lossy(&saved.stdout).to_string();
    assert!(text.contains(&format!("Saved the key for connection {profile:?}")), "{text}");
    let settings = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
    assert!(settings.contains("https://staging.example.com") && !settings.contains(SECRET), "{settings}");

    let status = run_in(dir.path(), &args("status"), None, None);
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    let text = String::from_utf8_lossy(&status.stdout).to_string();
    assert!(text.contains("Key store: ") && text.contains("Key: saved"), "{text}");

    let deleted = run_in(dir.path(), &args("delete"), None, None);
    assert_eq!(code(&deleted), 0, "{}", stderr(&deleted));
    let status = run_in(dir.path(), &args("status"), None, None);
    assert_eq!(code(&status), 3, "no key is exit 3: {}", stderr(&status));
    assert!(String::from_utf8_lossy(&status.stdout).contains("Key: not saved"));
}

#[test]
fn review_set_show_and_list_work_on_the_review_files_and_bad_values_are_usage_errors() {
    let config = tempfile::tempdir().unwrap();
    let folder = config.path().join("panel");
    let folder_arg = folder.to_str().unwrap();
    let review = |extra: &[&str]| {
        let mut args = vec!["review"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--review-folder", folder_arg, "--reviewer", "Jana Nováková"]);
        run_in(config.path(), &args, None, None)
    };
    let id = DEMO_PHONE_INTERVIEW_ID;
    let none = review(&["show", id]);
    assert_eq!(code(&none), 5, "{}", stderr(&none));
    assert!(stderr(&none).contains("has no review of"), "{}", stderr(&none));

    let set = review(&[
        "set",
        id,
        "--decision",
        "advance",
        "--rating",
        "4",
        "--criterion",
        "communication=5",
        "--note",
        "Sharp.\nAsk about Kafka.",
    ]);
    assert_eq!(code(&set), 0, "{}", stderr(&set));
    let shown = review(&["show", id]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains("Decision: Advance") && text.contains("Overall rating: 4/5"), "{text}");
    assert!(text.contains("Communication: 5/5") && text.contains("Ask about Kafka."), "{text}");
    let json: serde_json::Value = serde_json::from_slice(&review(&["show", id, "--json"]).stdout).unwrap();
    assert_eq!(json["decision"]["value"], "advance");
    assert_eq!(json["revision"], 1);
    assert_eq!(json["reviewer"], "Jana Nováková");

    for (args, message) in [
        (vec!["set", id, "--rating", "0"], "a rating is a whole number from 1 to 5, not 0"),
        (vec!["set", id, "--rating", "six"], "not six"),
        (vec!["set", id, "--decision", "maybe"], "unknown decision \"maybe\""),
        (vec!["set", id, "--criterion", "Charisma=3"], "unknown criterion \"Charisma\""),
        (vec!["set", id, "--criterion", "Communication"], "write NAME=N"),
        (vec!["set", "not-an-id", "--rating", "3"], "is not one interview ID"),
    ] {
        let out = review(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(
        review(&["show", id, "--json"]).stdout,
        serde_json::to_vec_pretty(&json)
            .map(|mut v| {
                v.push(b'\n');
                v
            })
            .unwrap(),
        "refused changes write nothing"
    );

    // Values that start with "-", and `none` in any case.
    let dash = review(&["set", id, "--note", "- strong SQL", "--rating", "NONE"]);
    assert_eq!(code(&dash), 0, "{}", stderr(&dash));
    let shown: serde_json::Value = serde_json::from_slice(&review(&["show", id, "--json"]).stdout).unwrap();
    assert_eq!((shown["notes"].as_str(), shown.get("rating")), (Some("- strong SQL"), None));
    // A link with a candidate's ID and an interview's: which one was meant cannot be told.
    let two = format!("https://app.instaview.sk/candidates/a2d94b77-1c3e-4f58-b6a0-7e21c9d4f3b8/interviews/{id}");
    assert_eq!(code(&review(&["set", &two, "--rating", "3"])), 2);
    let undecided = "ec0f0ec3-0d2c-4225-88a5-bfefcc46fa88";
    assert_eq!(code(&review(&["set", undecided, "--rating", "2"])), 0);
    let list = |flag: &str| String::from_utf8_lossy(&review(&["list", flag]).stdout).into_owned();
    assert!(list("--decided").contains(id) && !list("--decided").contains(undecided));
    assert!(list("--undecided").contains(undecided) && !list("--undecided").contains(id));
    let lines = String::from_utf8_lossy(&review(&["list", "--json"]).stdout).into_owned();
    assert_eq!(lines.lines().count(), 2, "{lines}");

    // A damaged file is named, exit 8, and the others still list.
    let path = interview_desk::review::ReviewFolder::new(&folder).path_of("Jana Nováková", undecided);
    std::fs::write(&path, "{\"format\":\"interview-desk/review\",").unwrap();
    let damaged = review(&["show", undecided]);
    assert_eq!(code(&damaged), 8);
    assert!(stderr(&damaged).contains(&format!("{undecided}.json")), "{}", stderr(&damaged));
    let listed = review(&["list"]);
    assert_eq!(code(&listed), 0);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(id));
    assert!(stderr(&listed).contains(&format!("{undecided}.json")), "reported: {}", stderr(&listed));
    assert_eq!(code(&review(&["set", undecided, "--rating", "3"])), 8, "a damaged file is never overwritten");
}

/// Kills `review set` with SIGKILL at random moments while it writes: the file is always a
/// whole review, the old one or the new one, never a torn or empty one.
#[cfg(unix)]
#[test]
fn a_review_killed_while_it_is_written_is_the_old_or_the_new_one() {
    let folder = tempfile::tempdir().unwrap();
    let id = DEMO_PHONE_INTERVIEW_ID;
    let mut written = vec![String::new()];
    for round in 0..40 {
        let note = format!("round {round} ").repeat(2000);
        let mut child = Command::new(env!("CARGO_BIN_EXE_interview-desk"))
            .args(["review", "set", id, "--note", &note, "--reviewer", "Jana"])
            .arg("--review-folder")
            .arg(folder.path())
            .env("INTERVIEW_DESK_CONFIG_DIR", folder.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(fastrand::u64(0..25)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        written.push(note);
        let path = folder.path().join("Jana").join(format!("{id}.json"));
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let review = interview_desk::review::Review::from_json(&text)
            .unwrap_or_else(|err| panic!("round {round} ({status}): a torn file: {err}"));
        assert!(written.contains(&review.notes), "round {round}: notes from no write");
    }
    let names: Vec<_> =
        std::fs::read_dir(folder.path().join("Jana")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(names.iter().filter(|n| n.to_string_lossy().ends_with(".json")).count() <= 1, "{names:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn export_table_and_fetch_carry_the_reviews_of_the_review_folder() {
    let server = DemoServer::start(0).await.unwrap();
    let base = server.base_url().to_owned();
    let config = tempfile::tempdir().unwrap();
    std::fs::write(config.path().join("settings.json"), r#"{"profiles": [], "review": {"reviewer": "Jana"}}"#).unwrap();
    let review = |args: &[&str]| run_in(config.path(), args, None, None);
    let set =
        review(&["review", "set", DEMO_PHONE_INTERVIEW_ID, "--decision", "advance", "--rating", "4", "--note", "=1+1"]);
    assert_eq!(code(&set), 0, "{}", stderr(&set));
    let petr = review(&[
        "review",
        "set",
        DEMO_PHONE_INTERVIEW_ID,
        "--reviewer",
        "Petr",
        "--decision",
        "reject",
        "--rating",
        "2",
    ]);
    assert_eq!(code(&petr), 0, "{}", stderr(&petr));

    let out = config.path().join("table.csv");
    let args = ["export", "--table", out.to_str().unwrap(), "--status", "COMPLETED", "--base-url", &base];
    let exported = run_in(config.path(), &args, Some(DEMO_API_KEY), None);
    assert_eq!(code(&exported), 0, "{}", stderr(&exported));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM for Excel");
    let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}: {header:?}"));
    assert!(rows.len() >= 5, "one row per completed interview: {}", rows.len());
    let phone = rows.iter().find(|r| r.get(column("Interview ID")) == Some(DEMO_PHONE_INTERVIEW_ID)).unwrap();
    assert_eq!(phone.get(column("Candidate")), Some("Oliver Bennett"));
    assert_eq!(phone.get(column("AI rating")), Some("78"));
    assert_eq!(phone.get(column("Your decision")), Some("Advance"));
    assert_eq!(phone.get(column("Your notes")), Some("'=1+1"), "never a formula");
    assert_eq!(phone.get(column("Panel reject")), Some("1"));
    assert!(header.iter().any(|h| h.starts_with("Score: ")), "the analysis scores: {header:?}");
    assert!(stderr(&exported).contains("row(s)"), "{}", stderr(&exported));

    let fetched =
        run_in(config.path(), &["fetch", DEMO_PHONE_INTERVIEW_ID, "--base-url", &base], Some(DEMO_API_KEY), None);
    let document: serde_json::Value = serde_json::from_slice(&fetched.stdout).unwrap();
    assert_eq!(document["version"], 2);
    let reviewers: Vec<&str> =
        document["reviews"].as_array().unwrap().iter().filter_map(|r| r["reviewer"].as_str()).collect();
    assert_eq!(reviewers.len(), 2, "{reviewers:?}");
    assert!(reviewers.contains(&"Jana") && reviewers.contains(&"Petr"));

    let bad = run_in(
        config.path(),
        &["export", "--table", "x.csv", "--delimiter", "|", "--base-url", &base],
        Some(DEMO_API_KEY),
        None,
    );
    assert_eq!(code(&bad), 2, "{}", stderr(&bad));
    server.shutdown();
}

/// The review report from the command line: every server and reviewer text escaped, the
/// reviewers' verdicts and evidence shown, anonymised on request; a folder of reports with an
/// index that links each; --force before replacing a file.
#[tokio::test(flavor = "multi_thread")]
async fn fetch_and_export_write_review_reports_people_can_open() {
    let server = DemoServer::start(0).await.unwrap();
    let base = server.base_url().to_owned();
    let config = tempfile::tempdir().unwrap();
    std::fs::write(config.path().join("settings.json"), r#"{"profiles": [], "review": {"reviewer": "Jana"}}"#).unwrap();
    let german = "ec0f0ec3-0d2c-4225-88a5-bfefcc46fa88";
    let note = "</script><script>alert(2)</script> Katharina <img src=x onerror=alert(1)>";
    let set = run_in(
        config.path(),
        &["review", "set", german, "--decision", "advance", "--rating", "4", "--note", note],
        None,
        None,
    );
    assert_eq!(code(&set), 0, "{}", stderr(&set));

    let report = config.path().join("report.html");
    let args = ["fetch", german, "--format", "html", "--base-url", &base, "--out", report.to_str().unwrap()];
    let fetched = run_in(config.path(), &args, Some(DEMO_API_KEY), None);
    assert_eq!(code(&fetched), 0, "{}", stderr(&fetched));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Katharina Müller-Voß") && html.contains("Customer Success Specialist"));
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"), "the note is text");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<script") && !html.contains("<img"));
    assert!(html.contains("<span class=\"decision advance\">Advance</span>"));
    assert!(html.contains("Guten Morgen"), "the transcript is in by default");

    let again = run_in(config.path(), &args, Some(DEMO_API_KEY), None);
    assert_eq!(code(&again), 9, "{}", stderr(&again));
    let forced: Vec<&str> = args.iter().copied().chain(["--force", "--anonymise", "--no-transcript"]).collect();
    let anonymised = run_in(config.path(), &forced, Some(DEMO_API_KEY), None);
    assert_eq!(code(&anonymised), 0, "{}", stderr(&anonymised));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(!html.contains("Katharina") && !html.contains("mueller-voss"), "no name or e-mail, even in the note");
    assert!(!html.contains("Guten Morgen"), "--no-transcript");

    assert!(html.contains(&interview_desk::review::pseudonym("08aedb69-10ad-4e5e-84be-f247a50ae300")));
    assert!(!html.contains("****"), "the pseudonym, not asterisks");
    let refused: [(&[&str], &str); 4] = [
        (&["fetch", german, "--anonymise", "--base-url", &base], "add --format html"),
        (
            &["fetch", german, "--format", "html", "--anonymise", "--no-names", "--base-url", &base],
            "leave out --no-names",
        ),
        (&["export", "--anonymise", "--out-dir", "x", "--base-url", &base], "add --format html"),
        (
            &["fetch", german, "--format", "html", "--base-url", &base, "--out", config.path().to_str().unwrap()],
            "is a folder",
        ),
    ];
    for (args, message) in refused {
        let output = run_in(config.path(), args, Some(DEMO_API_KEY), None);
        assert_ne!(code(&output), 0, "{args:?}");
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
    }
    let a_file = config.path().join("settings.json");
    let into_file = ["export", "--format", "html", "--base-url", &base, "--out-dir", a_file.to_str().unwrap()];
    let output = run_in(config.path(), &into_file, Some(DEMO_API_KEY), None);
    assert_eq!(code(&output), 9);
    assert!(stderr(&output).contains("is a file, not a folder"), "{}", stderr(&output));

    let folder = config.path().join("reports");
    let export = [
        "export",
        "--format",
        "html",
        "--status",
        "COMPLETED",
        "--base-url",
        &base,
        "--out-dir",
        folder.to_str().unwrap(),
    ];
    let exported = run_in(config.path(), &export, Some(DEMO_API_KEY), None);
    assert_eq!(code(&exported), 0, "{}", stderr(&exported));
    let index = std::fs::read_to_string(folder.join("index.html")).unwrap();
    let links: Vec<&str> = index.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    assert!(links.len() >= 5, "one link per completed interview: {links:?}");
    for link in &links {
        assert!(folder.join(link).is_file(), "{link} is in the folder");
    }
    assert!(index.find("Sofia Lindqvist").unwrap() < index.find("Daniel Horváth").unwrap(), "88 before 35");
    server.shutdown();
}

/// Transcript files from the command line: subtitles timed from the turns, the normalised
/// JSON, and a clear exit code when there is nothing to write.
#[tokio::test(flavor = "multi_thread")]
async fn the_transcript_command_writes_every_format() {
    let server = DemoServer::start(0).await.unwrap();
    let base = server.base_url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let german = "ec0f0ec3-0d2c-4225-88a5-bfefcc46fa88";
    let text = |format: &str| {
        let output = run(&["transcript", german, "--format", format, "--base-url", &base], Some(DEMO_API_KEY));
        assert_eq!(code(&output), 0, "{format}: {}", stderr(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    let srt = text("srt");
    assert!(srt.starts_with("1\n00:00:00,000 --> 00:01:03,"), "{srt}");
    assert!(!srt.contains(",1000"));
    let vtt = text("vtt");
    assert!(vtt.starts_with("WEBVTT\n\n00:00:00.000 --> 00:01:03."));
    assert!(vtt.contains("<v Candidate>Guten Morgen!"));
    let json: serde_json::Value = serde_json::from_str(&text("json")).unwrap();
    assert_eq!(json["interviewId"], german);
    assert_eq!(json["source"], "transcript");
    assert_eq!(json["turns"][1]["speaker"], "candidate");
    assert!(json["turns"][1]["start"].as_f64().unwrap() > 60.0);
    assert!(text("txt").starts_with("[0:00] Agent: Guten Morgen"));
    assert!(text("md").contains("**Candidate** · 1:03"));

    let out = dir.path().join("t.vtt");
    let written = run(
        &["transcript", german, "--format", "vtt", "--base-url", &base, "--out", out.to_str().unwrap()],
        Some(DEMO_API_KEY),
    );
    assert_eq!(code(&written), 0, "{}", stderr(&written));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), vtt);

    let scheduled = "91d0b6f4-3a2c-4e7d-8b15-c6a9e2f04d38";
    for format in ["txt", "json"] {
        let none = run(&["transcript", scheduled, "--format", format, "--base-url", &base], Some(DEMO_API_KEY));
        assert_eq!(code(&none), 5, "{format}: {}", stderr(&none));
        assert!(stderr(&none).contains("no transcript"), "{}", stderr(&none));
    }
    let slovak = "0aa3dec6-75e3-470e-a1b2-b1a3d7588ea3";
    let untimed = run(&["transcript", slovak, "--format", "srt", "--base-url", &base], Some(DEMO_API_KEY));
    assert_eq!(code(&untimed), 5, "its turns have no times: {}", stderr(&untimed));
    assert!(stderr(&untimed).contains("no turn times"), "{}", stderr(&untimed));
    server.shutdown();
}
