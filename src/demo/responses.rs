//! JSON response bodies in the shapes the real API uses: the `{success, data, error,
//! timestamp}` envelope, bare values, and NestJS-style errors.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Response};
use serde_json::{Value, json};

/// The current time as RFC 3339 in UTC with millisecond precision,
/// e.g. `2026-05-05T10:09:51.123Z`.
pub(super) fn now_rfc3339() -> String {
    format!("{:.3}", jiff::Timestamp::now())
}

/// `status` with `body` as `application/json`, serialized as is (key order and number
/// text preserved).
pub(super) fn json_response(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// 200 with `data` as is, not wrapped.
pub(super) fn bare(data: Value) -> Response {
    json_response(StatusCode::OK, data)
}

/// 200 with `{"success":true,"data":<data>,"error":null,"timestamp":<now>}`.
pub(super) fn wrapped(data: Value) -> Response {
    json_response(StatusCode::OK, json!({"success": true, "data": data, "error": null, "timestamp": now_rfc3339()}))
}

/// An error in the envelope shape: `{"success":false,"data":null,"error":{"code",
/// "message"[, "details"]},"timestamp":<now>}`.
pub(super) fn envelope_error(status: StatusCode, code: &str, message: &str, details: Option<Value>) -> Response {
    let mut error = json!({"code": code, "message": message});
    if let (Some(details), Some(object)) = (details, error.as_object_mut()) {
        object.insert("details".to_owned(), details);
    }
    json_response(status, json!({"success": false, "data": null, "error": error, "timestamp": now_rfc3339()}))
}

/// 401 `INVALID_API_KEY` in the envelope shape.
pub(super) fn invalid_api_key() -> Response {
    envelope_error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "Invalid or missing API key", None)
}

/// 404 `RESOURCE_NOT_FOUND` in the envelope shape, with `details` naming the resource.
pub(super) fn resource_not_found(resource_type: &str, resource_id: &str) -> Response {
    envelope_error(
        StatusCode::NOT_FOUND,
        "RESOURCE_NOT_FOUND",
        &format!("{resource_type} not found"),
        Some(json!({"resourceType": resource_type, "resourceId": resource_id})),
    )
}

/// An error in NestJS's default shape: `{"statusCode":<code>,"message":<message>,
/// "error":<reason phrase>}`. `message` is a string, or an array of strings for
/// validation errors.
pub(super) fn nest_error(status: StatusCode, message: Value) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    json_response(status, json!({"statusCode": status.as_u16(), "message": message, "error": reason}))
}

/// 429 NestJS style with `retryAfter` in the body and the `Retry-After` header: `wait`
/// rounded up to whole seconds, at least 1.
pub(super) fn too_many_requests(wait: std::time::Duration) -> Response {
    let seconds = u64::try_from(wait.as_millis().div_ceil(1000)).unwrap_or(u64::MAX).max(1);
    let mut response = json_response(
        StatusCode::TOO_MANY_REQUESTS,
        json!({"statusCode": 429, "message": "Rate limit exceeded", "error": "Too Many Requests", "retryAfter": seconds}),
    );
    response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
    response
}

/// 404 NestJS style with a plain message.
pub(super) fn nest_not_found(message: String) -> Response {
    nest_error(StatusCode::NOT_FOUND, Value::String(message))
}

/// 400 NestJS style with the validation messages as an array of strings.
pub(super) fn nest_bad_request(messages: Vec<String>) -> Response {
    nest_error(StatusCode::BAD_REQUEST, Value::Array(messages.into_iter().map(Value::String).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_is_utc_rfc3339_with_millis() {
        let now = now_rfc3339();
        assert!(now.ends_with('Z'), "{now}");
        assert_eq!(now.len(), "2026-05-05T10:09:51.123Z".len(), "{now}");
        assert!(now.parse::<jiff::Timestamp>().is_ok());
    }
}
