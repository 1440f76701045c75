//! Retries, rate-limit pacing, redirects and size limits of the API client, against a real
//! HTTP server on loopback. Backoffs are short (20 ms steps) so that the file runs in seconds.

#![expect(clippy::unwrap_used, reason = "test setup fails loudly")]

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{Reply, TestServer};
use interview_desk::api::{
    ApiClient, ApiConfig, ApiError, ClientNotice, MAX_BODY_BYTES, RateLimitStatus, RetryPolicy, WaitReason,
};
use interview_desk::credentials::ApiKey;

const KEY: &str = "sk_test_NeverShowThisKey0123456789abcdef";
const ID: &str = "3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10";

fn interview_json() -> String {
    format!(r#"{{"id":"{ID}","candidateId":"c-1","status":"COMPLETED"}}"#)
}

fn ok() -> Reply {
    Reply::json(200, interview_json())
}

fn rate_limited(retry_after: Option<&str>) -> Reply {
    let reply = Reply::json(429, r#"{"statusCode":429,"message":"Rate limit exceeded","error":"Too Many Requests"}"#);
    match retry_after {
        Some(seconds) => reply.header("retry-after", seconds),
        None => reply,
    }
}

/// Short steps: 10–20 ms, 20–40 ms, 40–80 ms, ...
fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        max_total_wait: Duration::from_secs(10),
        retry_timeouts: true,
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A server answering request `n` (0-based) with `replies[n]`, the last one repeating, and
/// noting when each request arrived.
struct Scripted {
    server: TestServer,
    hits: Arc<AtomicUsize>,
    times: Arc<Mutex<Vec<Instant>>>,
}

impl Scripted {
    async fn start(replies: Vec<Reply>) -> Self {
        let hits = Arc::new(AtomicUsize::new(0));
        let times = Arc::new(Mutex::new(Vec::new()));
        let (counter, log) = (hits.clone(), times.clone());
        let server = TestServer::start(move |_| {
            log.lock().unwrap().push(Instant::now());
            let n = counter.fetch_add(1, Ordering::SeqCst);
            replies.get(n).or(replies.last()).unwrap().clone()
        })
        .await;
        Self { server, hits, times }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    fn times(&self) -> Vec<Instant> {
        self.times.lock().unwrap().clone()
    }
}

/// A client for `base_url` and the notices its observer received.
fn observed_client(base_url: &str, retry: RetryPolicy) -> (ApiClient, Arc<Mutex<Vec<ClientNotice>>>) {
    let mut config = ApiConfig::new(base_url, None);
    config.connect_timeout = Duration::from_secs(2);
    config.request_timeout = Duration::from_secs(2);
    config.retry = retry;
    let notices = Arc::new(Mutex::new(Vec::new()));
    let sink = notices.clone();
    let client = ApiClient::new(&config, ApiKey::new(KEY).unwrap())
        .unwrap()
        .with_observer(Arc::new(move |notice| sink.lock().unwrap().push(notice)));
    (client, notices)
}

/// The `Waiting` notices as `(reason, retry_in, attempt)`.
fn waits(notices: &Mutex<Vec<ClientNotice>>) -> Vec<(WaitReason, Duration, u32)> {
    notices
        .lock()
        .unwrap()
        .iter()
        .filter_map(|notice| match notice {
            ClientNotice::Waiting { reason, retry_in, attempt } => Some((*reason, *retry_in, *attempt)),
            ClientNotice::Quota(_) => None,
        })
        .collect()
}

fn assert_no_key(err: &ApiError) {
    assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY), "key leaked: {err}");
}

fn between(value: Duration, low_ms: u64, high_ms: u64) -> bool {
    value >= Duration::from_millis(low_ms) && value <= Duration::from_millis(high_ms)
}

#[tokio::test]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let script = Scripted::start(vec![rate_limited(Some("1")), ok()]).await;
    let (client, notices) = observed_client(&script.server.base_url, fast_policy());
    let started = Instant::now();
    let record = client.get_interview(ID).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(record.interview.id, ID);
    assert!(elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert_eq!(script.hits(), 2);
    assert_eq!(waits(&notices), [(WaitReason::RateLimited, Duration::from_secs(1), 1)]);
    let notice = notices.lock().unwrap()[0].to_string();
    assert_eq!(notice, "rate limited, retrying in 1 s");
}

#[tokio::test]
async fn a_429_without_a_wait_falls_back_to_the_backoff() {
    let script = Scripted::start(vec![rate_limited(None), ok()]).await;
    let (client, notices) = observed_client(&script.server.base_url, fast_policy());
    client.get_interview(ID).await.unwrap();
    let waits = waits(&notices);
    assert_eq!(waits.len(), 1, "{waits:?}");
    let (reason, retry_in, _) = waits[0];
    assert_eq!(reason, WaitReason::RateLimited);
    assert!(between(retry_in, 10, 20), "{retry_in:?}");
}

#[tokio::test]
async fn a_429_that_never_ends_gives_up_after_max_total_wait() {
    let script = Scripted::start(vec![rate_limited(Some("1"))]).await;
    let policy = RetryPolicy { max_total_wait: Duration::from_secs(2), ..fast_policy() };
    let (client, notices) = observed_client(&script.server.base_url, policy);
    let started = Instant::now();
    let err = client.get_interview(ID).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, ApiError::RateLimited { retry_after: Some(wait), .. } if wait == Duration::from_secs(1)));
    assert_eq!(err.exit_code(), 6);
    assert_no_key(&err);
    assert!(elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(4), "took {elapsed:?}");
    assert_eq!(script.hits(), 3, "two waits of 1 s fit in 2 s, a third does not");
    assert_eq!(waits(&notices).len(), 2);
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff() {
    let script = Scripted::start(vec![Reply::json(503, "{}"), Reply::json(503, "{}"), ok()]).await;
    let (client, notices) = observed_client(&script.server.base_url, fast_policy());
    client.get_interview(ID).await.unwrap();
    assert_eq!(script.hits(), 3);
    let waits = waits(&notices);
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert_eq!((waits[0].0, waits[0].2), (WaitReason::ServerError(503), 1));
    assert_eq!((waits[1].0, waits[1].2), (WaitReason::ServerError(503), 2));
    assert!(between(waits[0].1, 10, 20) && between(waits[1].1, 20, 40), "equal jitter: {waits:?}");
}

#[tokio::test]
async fn a_persistent_500_gives_up_after_max_retries() {
    let script = Scripted::start(vec![Reply::json(500, r#"{"statusCode":500,"message":"Boom"}"#)]).await;
    let (client, notices) = observed_client(&script.server.base_url, fast_policy());
    let err = client.get_interview(ID).await.unwrap_err();
    assert!(matches!(&err, ApiError::Server { status: 500, message: Some(m) } if m == "Boom"), "{err:?}");
    assert_eq!(err.exit_code(), 7);
    assert_no_key(&err);
    assert_eq!(script.hits(), 4, "max_retries + 1");
    assert_eq!(waits(&notices).len(), 3);
}

#[tokio::test]
async fn no_retries_policy_sends_once() {
    let script = Scripted::start(vec![Reply::json(503, "{}"), ok()]).await;
    let (client, notices) = observed_client(&script.server.base_url, RetryPolicy::none());
    let err = client.get_interview(ID).await.unwrap_err();
    assert!(matches!(err, ApiError::Server { status: 503, .. }), "{err:?}");
    assert_eq!(script.hits(), 1);
    assert!(waits(&notices).is_empty());
}

#[tokio::test]
async fn client_errors_and_undecodable_bodies_are_not_retried() {
    for status in [400, 401, 403, 404, 409, 422] {
        let script = Scripted::start(vec![Reply::json(status, r#"{"statusCode":0,"message":"No"}"#), ok()]).await;
        let (client, notices) = observed_client(&script.server.base_url, fast_policy());
        let err = client.get_interview(ID).await.unwrap_err();
        assert_no_key(&err);
        assert_eq!(script.hits(), 1, "HTTP {status}: {err:?}");
        assert!(waits(&notices).is_empty());
    }
    let script = Scripted::start(vec![Reply::typed(200, "text/html", "<html>Login</html>"), ok()]).await;
    let (client, _) = observed_client(&script.server.base_url, fast_policy());
    let err = client.get_interview(ID).await.unwrap_err();
    assert!(matches!(err, ApiError::Undecodable { status: 200, .. }), "{err:?}");
    assert_eq!(script.hits(), 1);
}

#[tokio::test]
async fn dropped_connections_and_cut_bodies_are_retried() {
    let cut = Reply::Truncate { declared: 5000, partial: r#"{"id":"3f6c"#.to_owned() };
    let script = Scripted::start(vec![Reply::Hangup, cut, ok()]).await;
    let (client, notices) = observed_client(&script.server.base_url, fast_policy());
    client.get_interview(ID).await.unwrap();
    assert_eq!(script.hits(), 3);
    let reasons: Vec<WaitReason> = waits(&notices).iter().map(|w| w.0).collect();
    assert_eq!(reasons, [WaitReason::Network, WaitReason::Network]);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let policy = RetryPolicy { max_retries: 2, ..fast_policy() };
    let (client, notices) = observed_client(&url, policy);
    let err = client.get_interview(ID).await.unwrap_err();
    assert!(matches!(err, ApiError::Network(_)), "{err:?}");
    assert_eq!(err.exit_code(), 7);
    let reasons: Vec<WaitReason> = waits(&notices).iter().map(|w| w.0).collect();
    assert_eq!(reasons, [WaitReason::Network, WaitReason::Network]);
}

#[tokio::test]
async fn a_timeout_is_retried_when_the_policy_says_so() {
    let script = Scripted::start(vec![Reply::Silent, ok()]).await;
    let mut config = ApiConfig::new(&script.server.base_url, None);
    config.request_timeout = Duration::from_millis(300);
    config.retry = fast_policy();
    let notices = Arc::new(Mutex::new(Vec::new()));
    let sink = notices.clone();
    let client = ApiClient::new(&config, ApiKey::new(KEY).unwrap())
        .unwrap()
        .with_observer(Arc::new(move |notice| sink.lock().unwrap().push(notice)));
    client.get_interview(ID).await.unwrap();
    assert_eq!(script.hits(), 2);
    assert_eq!(waits(&notices).iter().map(|w| w.0).collect::<Vec<_>>(), [WaitReason::Timeout]);
}

#[tokio::test]
async fn rate_limit_headers_are_kept_shared_and_reported() {
    let with_headers = |reply: Reply| {
        reply
            .header("X-RateLimit-Limit-Minute", "60")
            .header("X-RateLimit-Remaining-Minute", "57")
            .header("X-RateLimit-Reset-Minute", "1900000000")
            .header("X-RateLimit-Limit-Hour", "2000")
            .header("X-RateLimit-Remaining-Hour", "1990")
            .header("X-RateLimit-Reset-Hour", "1900003600")
    };
    let script = Scripted::start(vec![with_headers(ok()), with_headers(Reply::json(404, "{}"))]).await;
    let (client, notices) = observed_client(&script.server.base_url, fast_policy());
    assert_eq!(client.rate_limit(), None);
    let clone = client.clone();
    client.get_interview(ID).await.unwrap();
    let status = clone.rate_limit().expect("clones share the status");
    let expected = RateLimitStatus {
        limit_minute: Some(60),
        remaining_minute: Some(57),
        reset_minute: Some(1_900_000_000),
        limit_hour: Some(2000),
        remaining_hour: Some(1990),
        reset_hour: Some(1_900_003_600),
        seen_at: status.seen_at,
    };
    assert_eq!(status, expected);
    assert!(status.seen_at.elapsed().unwrap() < Duration::from_secs(5));
    assert!(matches!(&notices.lock().unwrap()[..], [ClientNotice::Quota(s)] if *s == expected));
    clone.get_interview(ID).await.unwrap_err();
    assert_eq!(notices.lock().unwrap().len(), 2, "error responses are read too");
    assert!(client.rate_limit().unwrap().seen_at >= status.seen_at);
}

#[tokio::test]
async fn a_used_up_quota_waits_for_the_reset_before_sending() {
    let reset = (unix_now() + 2).to_string();
    let reply = ok()
        .header("x-ratelimit-limit-minute", "60")
        .header("x-ratelimit-remaining-minute", "0")
        .header("x-ratelimit-reset-minute", &reset);
    let script = Scripted::start(vec![reply, ok()]).await;
    let (client, notices) = observed_client(&script.server.base_url, fast_policy());
    client.get_interview(ID).await.unwrap();
    client.get_interview(ID).await.unwrap();
    let times = script.times();
    let gap = times[1] - times[0];
    assert!(gap >= Duration::from_millis(900) && gap < Duration::from_secs(4), "gap {gap:?}");
    let waits = waits(&notices);
    assert_eq!(waits.len(), 1, "{waits:?}");
    assert_eq!((waits[0].0, waits[0].2), (WaitReason::QuotaExhausted, 0));
    assert!(between(waits[0].1, 900, 2000), "{waits:?}");
}

#[tokio::test]
async fn a_used_up_hourly_quota_beyond_the_budget_fails_without_sending() {
    let reset = (unix_now() + 3000).to_string();
    let reply = ok().header("x-ratelimit-remaining-hour", "0").header("x-ratelimit-reset-hour", &reset);
    let script = Scripted::start(vec![reply]).await;
    let policy = RetryPolicy { max_total_wait: Duration::from_secs(2), ..fast_policy() };
    let (client, _) = observed_client(&script.server.base_url, policy);
    client.get_interview(ID).await.unwrap();
    let started = Instant::now();
    let err = client.get_interview(ID).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1), "no waiting");
    assert!(matches!(err, ApiError::RateLimited { retry_after: Some(wait), .. } if wait > Duration::from_secs(2900)));
    assert_eq!(err.exit_code(), 6);
    assert_eq!(script.hits(), 1, "nothing was sent");
}

#[tokio::test]
async fn nearly_used_up_quota_spreads_concurrent_requests() {
    let reset = (unix_now() + 3).to_string();
    let reply = ok()
        .header("x-ratelimit-limit-minute", "100")
        .header("x-ratelimit-remaining-minute", "4")
        .header("x-ratelimit-reset-minute", &reset);
    let script = Scripted::start(vec![reply]).await;
    let (client, _) = observed_client(&script.server.base_url, fast_policy());
    client.get_interview(ID).await.unwrap();
    let (a, b, c) = (client.clone(), client.clone(), client.clone());
    let started = Instant::now();
    let (ra, rb, rc) = tokio::join!(a.get_interview(ID), b.get_interview(ID), c.get_interview(ID));
    assert!(ra.is_ok() && rb.is_ok() && rc.is_ok());
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    let mut times = script.times().split_off(1);
    times.sort();
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(300), "2–3 s to the reset / 4 left ≥ 500 ms, got {gap:?}");
    }
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_key() {
    let other = TestServer::start_on("127.0.0.2:0", |_| ok()).await;
    let location = format!("{}/elsewhere/{ID}", other.base_url);
    let first = TestServer::start(move |_| Reply::typed(302, "text/plain", "").header("location", &location)).await;
    let (client, _) = observed_client(&first.base_url, fast_policy());
    let record = client.get_interview(ID).await.unwrap();
    assert_eq!(record.interview.id, ID);
    assert_eq!(first.requests()[0].header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    let seen = other.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].request_line, format!("GET /elsewhere/{ID} HTTP/1.1"));
    assert_eq!(seen[0].header("authorization"), None, "the key must not follow a redirect to another host");
}

#[tokio::test]
async fn a_redirect_loop_stops_and_is_not_retried() {
    let script = Scripted::start(vec![Reply::typed(302, "text/plain", "").header("location", "/again")]).await;
    let (client, notices) = observed_client(&script.server.base_url, fast_policy());
    let err = client.get_interview(ID).await.unwrap_err();
    assert!(matches!(&err, ApiError::Network(m) if m.contains("redirect")), "{err:?}");
    assert!(script.hits() <= 7, "at most 5 redirects, once: {}", script.hits());
    assert!(waits(&notices).is_empty());
}

#[tokio::test]
async fn an_oversized_body_fails_fast() {
    let declared = MAX_BODY_BYTES + 1;
    let script = Scripted::start(vec![Reply::Stall { declared, partial: r#"{"id":"#.to_owned() }]).await;
    let (client, _) = observed_client(&script.server.base_url, fast_policy());
    let started = Instant::now();
    let err = client.get_interview(ID).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1), "did not wait for the body: {:?}", started.elapsed());
    assert!(matches!(err, ApiError::Undecodable { status: 200, .. }), "{err:?}");
    assert!(err.to_string().contains("64 MiB limit") && err.to_string().contains(&declared.to_string()), "{err}");
    assert_eq!(script.hits(), 1);
}

#[tokio::test]
async fn a_timeout_is_reported_after_one_request_by_default() {
    let script = Scripted::start(vec![Reply::Silent, ok()]).await;
    let mut config = ApiConfig::new(&script.server.base_url, None);
    config.request_timeout = Duration::from_millis(300);
    let client = ApiClient::new(&config, ApiKey::new(KEY).unwrap()).unwrap();
    let err = client.get_interview(ID).await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert_eq!(script.hits(), 1, "a stalled server is not asked again");
}
