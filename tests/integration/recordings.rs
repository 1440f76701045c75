//! Call recordings: the key goes only to the API's origin, every download fault has its own
//! message, and an expired signed link is renewed once by fetching the interview again. Real
//! HTTP servers on loopback, the API and the "CDN" on different ports (different origins).
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use interview_desk::api::recording::RecordingError;
use interview_desk::api::{ApiClient, ApiConfig};
use interview_desk::credentials::ApiKey;

use crate::common::{Reply, TestServer};

const KEY: &str = "sk_test_recordings_5f2a9c1e7b3d";
const AUDIO: &str = "ID3\u{4}\0not really an mp3, but it starts like one";
const INTERVIEW: &str = "5c0ffee0-1111-4222-8333-944445555666";

fn client(base: &str) -> ApiClient {
    ApiClient::new(&ApiConfig::new(base, None), ApiKey::new(KEY).unwrap()).unwrap()
}

async fn download(client: &ApiClient, url: &str) -> (Result<u64, RecordingError>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("call.mp3");
    let result = client.download_recording(url, &target, &|_, _| {}, &|| false).await.map(|d| d.bytes);
    let written = std::fs::read(&target).unwrap_or_default();
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count() - usize::from(!written.is_empty());
    assert_eq!(leftovers, 0, "no temporary file is left behind");
    (result, written)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_goes_to_the_api_origin_only_never_to_the_cdn_it_redirects_to() {
    let cdn = TestServer::start(|_| Reply::typed(200, "audio/mpeg", AUDIO)).await;
    let cdn_file = format!("{}/signed/call.mp3?X-Amz-Signature=abc", cdn.base_url);
    let redirect = cdn_file.clone();
    let api = TestServer::start(move |line| {
        if line.contains("/recordings/") {
            Reply::typed(302, "text/plain", "").header("location", &redirect)
        } else {
            Reply::json(404, "{}")
        }
    })
    .await;
    let client = client(&api.base_url);

    let (result, written) = download(&client, &format!("{}/recordings/{INTERVIEW}", api.base_url)).await;
    assert_eq!(result.unwrap(), AUDIO.len() as u64);
    assert_eq!(written, AUDIO.as_bytes());
    let (direct, _) = download(&client, &cdn_file).await;
    direct.unwrap();

    let api_seen = api.requests();
    assert_eq!(api_seen[0].header("authorization"), Some(format!("Bearer {KEY}").as_str()), "the API gets the key");
    let cdn_seen = cdn.requests();
    assert_eq!(cdn_seen.len(), 2);
    for seen in &cdn_seen {
        assert!(seen.header("authorization").is_none(), "the CDN never sees the key: {seen:?}");
        assert!(seen.headers.iter().all(|(_, v)| !v.contains(KEY)), "nor in any other header: {seen:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_download_fault_has_its_own_error() {
    let cdn = TestServer::start(|line| match line.split_whitespace().nth(1).unwrap_or_default() {
        "/gone.mp3" => Reply::typed(404, "text/plain", "no"),
        "/expired.mp3" => Reply::typed(403, "application/xml", "<Error>AccessDenied</Error>"),
        "/retention.mp3" => Reply::json(400, r#"{"message":"Recording URL has expired"}"#),
        "/bad.mp3" => Reply::json(400, r#"{"message":"bad request"}"#),
        "/login.mp3" => Reply::typed(200, "text/html", "<!DOCTYPE html><title>Sign in</title>"),
        "/disguised.mp3" => Reply::typed(200, "application/octet-stream", "  <html>error</html>"),
        "/short.mp3" => Reply::TruncateAudio { declared: 10_000, partial: AUDIO.to_owned() },
        "/empty.mp3" => Reply::typed(200, "audio/mpeg", ""),
        "/loop.mp3" => Reply::typed(302, "text/plain", "").header("location", "/loop.mp3"),
        _ => Reply::typed(500, "text/plain", "boom"),
    })
    .await;
    let client = client("https://api.instaview.sk");
    let url = |path: &str| format!("{}{path}", cdn.base_url);
    let error = |result: Result<u64, RecordingError>| result.expect_err("a fault").to_string();
    assert!(matches!(download(&client, &url("/gone.mp3")).await.0, Err(RecordingError::NotFound)));
    let expired = download(&client, &url("/expired.mp3")).await.0;
    assert!(expired.as_ref().is_err_and(RecordingError::is_expired), "{expired:?}");
    assert!(download(&client, &url("/retention.mp3")).await.0.is_err_and(|e| e.is_expired()));
    assert!(matches!(download(&client, &url("/bad.mp3")).await.0, Err(RecordingError::Http { status: 400 })));
    assert!(error(download(&client, &url("/login.mp3")).await.0).contains("text/html instead of audio"));
    assert!(matches!(download(&client, &url("/disguised.mp3")).await.0, Err(RecordingError::NotAudio { .. })));
    let short = download(&client, &url("/short.mp3")).await;
    assert!(matches!(short.0, Err(RecordingError::Truncated { expected: 10_000, .. })), "{:?}", short.0);
    assert!(short.1.is_empty(), "nothing is left at the target");
    assert!(matches!(download(&client, &url("/empty.mp3")).await.0, Err(RecordingError::NotAudio { .. })));
    assert!(error(download(&client, &url("/loop.mp3")).await.0).contains("too many times"));
    assert!(matches!(download(&client, &url("/other.mp3")).await.0, Err(RecordingError::Http { status: 500 })));
    assert!(matches!(download(&client, "ftp://x/y.mp3").await.0, Err(RecordingError::BadUrl(_))));
    let clear_text = download(&client, "http://192.0.2.1/r.mp3").await.0;
    assert!(error(clear_text).contains("plain http:// is refused"), "a signed link never goes out unencrypted");
}

/// `recording` on the command line: an expired signed link is renewed once (the interview is
/// fetched again for a fresh one); refused twice, it says so with exit code 4.
#[tokio::test(flavor = "multi_thread")]
async fn the_recording_command_renews_an_expired_link_once() {
    for (refusals, expected_code) in [(1_usize, 0), (usize::MAX, 4)] {
        let cdn = TestServer::start(move |line| {
            let signature: usize = line
                .split("sig=")
                .nth(1)
                .and_then(|s| s.split([' ', '&']).next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if signature <= refusals {
                Reply::typed(403, "text/plain", "expired")
            } else {
                Reply::typed(200, "audio/mpeg", AUDIO)
            }
        })
        .await;
        let cdn_base = cdn.base_url.clone();
        let fetched = Arc::new(AtomicUsize::new(0));
        let count = fetched.clone();
        let api = TestServer::start(move |line| {
            if line.contains(&format!("/interviews/{INTERVIEW}")) {
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                Reply::json(200, format!(r#"{{"id":"{INTERVIEW}","status":"COMPLETED","callAttempts":[{{"status":"NO_ANSWER"}},{{"status":"COMPLETED","recordingUrl":"{cdn_base}/rec.mp3?sig={n}"}}]}}"#))
            } else {
                Reply::json(404, "{}")
            }
        })
        .await;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("call.mp3");
        let output = Command::new(env!("CARGO_BIN_EXE_interview-desk"))
            .args(["recording", INTERVIEW, "--base-url", &api.base_url, "--out"])
            .arg(&out)
            .env("INSTAVIEW_API_KEY", KEY)
            .env("INTERVIEW_DESK_CONFIG_DIR", dir.path())
            .env(interview_desk::recordings::CACHE_DIR_ENV, dir.path().join("cache"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(expected_code), "{stderr}");
        assert_eq!(fetched.load(Ordering::SeqCst), 2, "fetched once more for a fresh link");
        if expected_code == 0 {
            assert_eq!(std::fs::read(&out).unwrap(), AUDIO.as_bytes());
            // Again, to another file: from the cache, without the CDN.
            let served = cdn.requests().len();
            let again = dir.path().join("again.mp3");
            let output = Command::new(env!("CARGO_BIN_EXE_interview-desk"))
                .args(["recording", INTERVIEW, "--base-url", &api.base_url, "--out"])
                .arg(&again)
                .env("INSTAVIEW_API_KEY", KEY)
                .env("INTERVIEW_DESK_CONFIG_DIR", dir.path())
                .env(interview_desk::recordings::CACHE_DIR_ENV, dir.path().join("cache"))
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
            assert_eq!(std::fs::read(&again).unwrap(), AUDIO.as_bytes());
            assert_eq!(cdn.requests().len(), served, "the second copy came from the cache");
        } else {
            assert!(stderr.contains("expired") && stderr.contains("fetching the interview again"), "{stderr}");
            assert!(!out.exists());
        }
        assert!(cdn.requests().iter().all(|s| s.header("authorization").is_none()));
    }
    let dir = tempfile::tempdir().unwrap();
    let api = TestServer::start(|_| {
        Reply::json(200, format!(r#"{{"id":"{INTERVIEW}","callAttempts":[{{"status":"NO_ANSWER"}}]}}"#))
    })
    .await;
    let output = Command::new(env!("CARGO_BIN_EXE_interview-desk"))
        .args(["recording", INTERVIEW, "--attempt", "1", "--base-url", &api.base_url, "--out"])
        .arg(dir.path().join("x.mp3"))
        .env("INSTAVIEW_API_KEY", KEY)
        .env("INTERVIEW_DESK_CONFIG_DIR", dir.path())
        .env(interview_desk::recordings::CACHE_DIR_ENV, dir.path().join("cache"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&output.stderr).contains("call attempt 1 of interview"));
    #[cfg(unix)]
    {
        let device = Command::new(env!("CARGO_BIN_EXE_interview-desk"))
            .args(["recording", INTERVIEW, "--force", "--base-url", &api.base_url, "--out", "/dev/null"])
            .env("INSTAVIEW_API_KEY", KEY)
            .env("INTERVIEW_DESK_CONFIG_DIR", dir.path())
            .output()
            .unwrap();
        assert_eq!(device.status.code(), Some(9), "a device is never replaced, even with --force");
        assert!(String::from_utf8_lossy(&device.stderr).contains("not a regular file"));
        assert!(std::fs::metadata("/dev/null").is_ok_and(|m| !m.is_file()));
    }
}

/// The demo serves real speech for its interviews, from a server on another port than the API
/// (so the key rule applies), as long as the call: 8 kbit/s CBR, so 1,000 bytes a second.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_serves_its_recordings_from_another_origin_without_the_key() {
    let server = interview_desk::demo::DemoServer::start(0).await.unwrap();
    let client = ApiClient::new(
        &ApiConfig::new(server.base_url(), None),
        ApiKey::new(interview_desk::demo::DEMO_API_KEY).unwrap(),
    )
    .unwrap();
    for (id, seconds) in
        [("b118515f-03e2-49b3-a32f-c4b54aab9900", 43.0), ("3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10", 1082.0)]
    {
        let record = client.get_interview(id).await.unwrap();
        let url = record.interview.call_attempts.iter().rev().find_map(|a| a.recording_url.clone()).unwrap();
        assert!(url.starts_with(server.media_base_url()), "{url}");
        assert_ne!(server.media_base_url(), server.base_url());
        let (result, bytes) = download(&client, &url).await;
        result.unwrap();
        assert!(bytes.starts_with(&[0xFF]) || bytes.starts_with(b"ID3"), "an mp3");
        let duration = bytes.len() as f64 / 1000.0;
        assert!((duration - seconds).abs() / seconds < 0.01, "{id}: {duration} s for a {seconds} s call");
    }
}
