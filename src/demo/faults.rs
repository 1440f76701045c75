//! Interview IDs on which the demo server misbehaves on purpose, so the app's handling of a
//! bad network or server can be seen and tested. Each serves a copy of the completed phone
//! interview (with the fault's ID) once the fault has passed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::responses;

/// Answers 429 (`Retry-After: 2`, body `retryAfter: 2`) once, then the interview.
pub const FAULT_RATE_LIMITED_ONCE: &str = "00000000-0000-4000-8000-000000000429";
/// Answers 503 twice, then the interview.
pub const FAULT_UNAVAILABLE_TWICE: &str = "00000000-0000-4000-8000-000000000503";
/// Accepts the request and never answers (the client's timeout must fire).
pub const FAULT_STALL: &str = "00000000-0000-4000-8000-000000000408";
/// Answers 200 with an HTML login page, as a captive proxy would.
pub const FAULT_HTML: &str = "00000000-0000-4000-8000-000000000200";
/// Starts a JSON body and breaks the connection half-way.
pub const FAULT_TRUNCATED: &str = "00000000-0000-4000-8000-000000000206";
/// Answers 401 `API_KEY_SUSPENDED` with a reason in `details`.
pub const FAULT_SUSPENDED: &str = "00000000-0000-4000-8000-000000000401";
/// Answers 403 naming a missing scope.
pub const FAULT_MISSING_SCOPE: &str = "00000000-0000-4000-8000-000000000403";

/// Every fault ID with what it does, for README and the demo's welcome screen.
pub const FAULT_IDS: [(&str, &str); 7] = [
    (FAULT_RATE_LIMITED_ONCE, "rate limited (429) once, then served"),
    (FAULT_UNAVAILABLE_TWICE, "server unavailable (503) twice, then served"),
    (FAULT_STALL, "never answers"),
    (FAULT_HTML, "an HTML page instead of JSON"),
    (FAULT_TRUNCATED, "the body breaks off half-way"),
    (FAULT_SUSPENDED, "401: API key suspended"),
    (FAULT_MISSING_SCOPE, "403: missing scope read:interviews"),
];

/// How often each fault ID has been requested on this server.
#[derive(Clone, Debug, Default)]
pub(super) struct FaultCounters(Arc<Mutex<HashMap<String, u32>>>);

impl FaultCounters {
    /// Counts a request for `id` and returns how many came before it.
    fn bump(&self, id: &str) -> u32 {
        let Ok(mut counts) = self.0.lock() else { return 0 };
        let count = counts.entry(id.to_owned()).or_insert(0);
        *count += 1;
        *count - 1
    }
}

/// The misbehaviour for a fault ID; `None` when `id` is not one or the fault has passed
/// (then `served` is the interview to send under that ID).
pub(super) async fn fault_response(id: &str, counters: &FaultCounters) -> Option<Response> {
    let id = id.to_ascii_lowercase();
    let earlier = counters.bump(&id);
    match id.as_str() {
        FAULT_RATE_LIMITED_ONCE if earlier == 0 => Some(rate_limited()),
        FAULT_UNAVAILABLE_TWICE if earlier < 2 => Some(responses::nest_error(
            StatusCode::SERVICE_UNAVAILABLE,
            json!("Service temporarily unavailable (demo fault)"),
        )),
        FAULT_STALL => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            None
        }
        FAULT_HTML => Some(html_page()),
        FAULT_TRUNCATED => Some(truncated()),
        FAULT_SUSPENDED => Some(responses::envelope_error(
            StatusCode::UNAUTHORIZED,
            "API_KEY_SUSPENDED",
            "API key suspended",
            Some(json!({"suspendedAt": "2026-11-01T08:00:00Z", "reason": "Invoice overdue (demo fault)"})),
        )),
        FAULT_MISSING_SCOPE => Some(responses::nest_error(
            StatusCode::FORBIDDEN,
            json!("Insufficient permissions: Required scope read:interviews not found"),
        )),
        _ => None,
    }
}

/// True for the IDs above (after their fault they serve the phone interview under their ID).
pub(super) fn is_fault_id(id: &str) -> bool {
    FAULT_IDS.iter().any(|(fault, _)| fault.eq_ignore_ascii_case(id))
}

/// `interview` with its `id` replaced.
pub(super) fn renamed(mut interview: Value, id: &str) -> Value {
    if let Some(object) = interview.as_object_mut() {
        object.insert("id".to_owned(), json!(id));
    }
    interview
}

fn rate_limited() -> Response {
    responses::too_many_requests(std::time::Duration::from_secs(2))
}

fn html_page() -> Response {
    let page = "<!doctype html><html><head><title>Sign in</title></head><body><h1>Corporate proxy: please sign in</h1></body></html>";
    let mut response = Response::new(Body::from(page));
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

/// A chunked body that sends the start of a JSON object, then fails, so the connection is cut.
fn truncated() -> Response {
    let start =
        format!(r#"{{"id":"{FAULT_TRUNCATED}","status":"COMPLETED","transcript":[{{"role":"AGENT","text":"Hello"#);
    let chunks: Vec<Result<String, std::io::Error>> =
        vec![Ok(start), Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "demo fault: connection cut"))];
    let mut response = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    response
}
