//! The API client against a real HTTP server on loopback: bodies, errors, timeouts.

#![expect(clippy::unwrap_used, reason = "test setup fails loudly")]

use crate::common;

use std::time::{Duration, Instant};

use common::{Reply, TestServer};
use interview_desk::api::{ApiClient, ApiConfig, ApiError, InterviewStatus, RetryPolicy, USER_AGENT};
use interview_desk::credentials::ApiKey;
use interview_desk::export::{ExportSource, export_document};

const KEY: &str = "sk_test_NeverShowThisKey0123456789abcdef";
const ID: &str = "3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10";

fn interview_json() -> String {
    format!(
        r#"{{"id":"{ID}","candidateId":"c-1","status":"COMPLETED","durationMinutes":18,"analysis":null,"weird":{{"x":0.1000000000000000055511151231257827}}}}"#
    )
}

fn client(server: &TestServer, path: &str, company: Option<&str>) -> ApiClient {
    let mut config = ApiConfig::new(&format!("{}{path}", server.base_url), company);
    config.connect_timeout = Duration::from_secs(2);
    config.request_timeout = Duration::from_secs(1);
    config.retry = RetryPolicy::none();
    ApiClient::new(&config, ApiKey::new(KEY).unwrap()).unwrap()
}

async fn error_for(reply: Reply) -> ApiError {
    let server = TestServer::start(move |_| reply.clone()).await;
    let err = client(&server, "", None).get_interview(ID).await.unwrap_err();
    assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY), "key leaked: {err}");
    err
}

#[tokio::test]
async fn bare_and_wrapped_bodies_give_the_same_interview() {
    let bare = interview_json();
    let wrapped = format!(r#"{{"success":true,"data":{bare},"error":null,"timestamp":"2026-03-10T09:00:00Z"}}"#);
    for body in [bare.clone(), wrapped] {
        let server = TestServer::start(move |_| Reply::json(200, body.clone())).await;
        let record = client(&server, "", None).get_interview(ID).await.unwrap();
        assert_eq!(record.interview.id, ID);
        assert_eq!(record.interview.status, Some(InterviewStatus::Completed));
        assert_eq!(serde_json::to_string(&record.raw).unwrap(), bare, "raw JSON kept, envelope removed");
        assert_eq!(record.raw_text, bare, "the exact text is kept for export");
    }
}

/// Spotted while writing the decode_response fuzz target (its invariants fail on this body):
/// with `data` given twice, the record's exact text was lost, so the export document ended in
/// `"interview": ` and was not JSON.
#[tokio::test]
async fn an_envelope_with_a_repeated_data_key_still_exports_valid_json() {
    let body = format!(r#"{{"success":true,"data":{{"id":"other"}},"data":{{"id":"{ID}","n":1E5}}}}"#);
    let server = TestServer::start(move |_| Reply::json(200, body.clone())).await;
    let record = client(&server, "", None).get_interview(ID).await.unwrap();
    assert_eq!(record.raw_text, format!(r#"{{"id":"{ID}","n":1E5}}"#), "the text of the data that is kept");
    let source = ExportSource { base_url: server.base_url.clone(), company_id: None };
    let text = export_document(&record, &source, None, jiff::Timestamp::UNIX_EPOCH, &[]);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["interview"], record.raw);
}

#[tokio::test]
async fn requests_carry_bearer_auth_user_agent_prefix_and_company() {
    let body = interview_json();
    let server = TestServer::start(move |_| Reply::json(200, body.clone())).await;
    client(&server, "/v1/", Some("company-7")).get_interview(ID).await.unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.request_line, format!("GET /v1/interviews/{ID}?companyId=company-7 HTTP/1.1"));
    assert_eq!(seen.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(seen.header("user-agent"), Some(USER_AGENT));
    assert!(!seen.request_line.contains(KEY), "the key never goes into the URL");
}

#[tokio::test]
async fn status_codes_in_both_error_shapes_map_to_typed_errors() {
    let envelope = |code: &str, message: &str| {
        format!(
            r#"{{"success":false,"data":null,"error":{{"code":"{code}","message":"{message}"}},"timestamp":"2026-01-01T00:00:00Z"}}"#
        )
    };
    let nest = |status: u16, message: &str, error: &str| {
        format!(r#"{{"statusCode":{status},"message":"{message}","error":"{error}"}}"#)
    };
    let cases = [
        (Reply::json(401, envelope("INVALID_API_KEY", "API key revoked")), 3, "API key revoked"),
        (Reply::json(401, nest(401, "Unauthorized", "Unauthorized")), 3, "401"),
        (
            Reply::json(
                403,
                nest(403, "Insufficient permissions: Required scope read:interviews not found", "Forbidden"),
            ),
            4,
            "read:interviews",
        ),
        (Reply::json(403, envelope("INSUFFICIENT_PERMISSIONS", "Wrong company")), 4, "Wrong company"),
        (Reply::json(404, envelope("RESOURCE_NOT_FOUND", "Interview not found")), 5, "Interview not found"),
        (Reply::json(404, nest(404, "Not Found", "Not Found")), 5, "404"),
        (Reply::json(500, nest(500, "Internal server error", "Internal Server Error")), 7, "Internal server error"),
        (Reply::json(503, envelope("UNAVAILABLE", "Maintenance")), 7, "Maintenance"),
        (
            Reply::json(429, r#"{"statusCode":429,"message":"Rate limit exceeded","retryAfter":30}"#)
                .header("retry-after", "60"),
            6,
            "retry in 60 s",
        ),
    ];
    for (reply, exit_code, text) in cases {
        let err = error_for(reply).await;
        assert_eq!(err.exit_code(), exit_code, "{err}");
        assert!(err.to_string().contains(text), "{err:?} should mention {text:?}");
    }
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let started = Instant::now();
    let err = error_for(Reply::Silent).await;
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_body_that_stalls_half_way_times_out() {
    let err = error_for(Reply::Stall { declared: 5000, partial: r#"{"id":"3f6c"#.to_owned() }).await;
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
}

#[tokio::test]
async fn a_truncated_body_is_reported_as_such() {
    let err = error_for(Reply::Truncate { declared: 5000, partial: r#"{"id":"3f6c"#.to_owned() }).await;
    assert!(matches!(err, ApiError::Undecodable { .. }), "{err:?}");
    assert!(err.to_string().contains("stopped after"), "{err}");
}

#[tokio::test]
async fn an_html_page_names_the_status_and_content_type() {
    let err = error_for(Reply::typed(200, "text/html", "<html><body>Login</body></html>")).await;
    assert!(matches!(err, ApiError::Undecodable { status: 200, .. }), "{err:?}");
    assert!(err.to_string().contains("text/html"), "{err}");
    let err = error_for(Reply::typed(502, "text/html", "<html>Bad gateway</html>")).await;
    assert!(matches!(err, ApiError::Server { status: 502, .. }), "{err:?}");
}

#[tokio::test]
async fn a_connection_refused_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut config = ApiConfig::new(&url, None);
    config.retry = RetryPolicy::none();
    let client = ApiClient::new(&config, ApiKey::new(KEY).unwrap()).unwrap();
    let err = client.get_interview(ID).await.unwrap_err();
    assert!(matches!(err, ApiError::Network(_)), "{err:?}");
    assert_eq!(err.exit_code(), 7);
}

#[tokio::test]
async fn unknown_status_and_null_vs_missing_decode_the_same() {
    let with_nulls = format!(
        r#"{{"id":"{ID}","status":"NO_SHOW","candidateId":null,"callAttempts":null,"analysis":null,"metadata":null,"transcript":null,"tags":null,"finishedDate":null,"isTest":null}}"#
    );
    let missing = format!(r#"{{"id":"{ID}","status":"NO_SHOW","tags":null}}"#);
    let mut views = Vec::new();
    for body in [with_nulls, missing] {
        let server = TestServer::start(move |_| Reply::json(200, body.clone())).await;
        views.push(client(&server, "", None).get_interview(ID).await.unwrap().interview);
    }
    assert_eq!(views[0], views[1]);
    assert_eq!(views[0].status, Some(InterviewStatus::Other("NO_SHOW".into())));
    assert!(views[0].call_attempts.is_empty() && views[0].analysis.is_none());
}

#[tokio::test]
async fn json_that_is_not_an_interview_is_undecodable() {
    for body in ["[1,2,3]", r#"{"status":"COMPLETED"}"#, r#"{"success":true,"data":null}"#] {
        let err = error_for(Reply::json(200, body)).await;
        assert!(matches!(err, ApiError::Undecodable { .. }), "{body}: {err:?}");
    }
}

#[tokio::test]
async fn an_answer_about_another_interview_is_refused() {
    let other = r#"{"id":"99999999-9999-4999-8999-999999999999","status":"COMPLETED"}"#;
    let err = error_for(Reply::json(200, other)).await;
    assert!(matches!(err, ApiError::Undecodable { .. }), "{err:?}");
    assert!(err.to_string().contains("99999999-9999-4999-8999-999999999999"), "{err}");
}

#[tokio::test]
async fn a_redirect_to_plain_http_elsewhere_is_refused() {
    let err = error_for(Reply::json(302, "").header("location", "http://interview-desk.invalid/stolen")).await;
    assert!(err.to_string().contains("refused a redirect to plain http://"), "{err}");
}
