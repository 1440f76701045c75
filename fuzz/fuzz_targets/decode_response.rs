//! Response decoding (issue 5, item 13a): the bytes of a 2xx body through
//! `JsonResponse::decode` (what `ApiClient::get_json` does), then `InterviewRecord::from_parts`
//! (what `get_interview` does), the error-body reader and `split_page` for list pages.
//!
//! Invariants: decoding agrees with a plain JSON parse; the kept text is the exact JSON of
//! the decoded body; a bare body and the same body wrapped in an envelope decode alike; a
//! decoded record exports to valid JSON holding the raw object; list pages keep their items.

#![no_main]

#[path = "common.rs"]
mod common;

use interview_desk::api::list::split_page;
use interview_desk::api::{ApiError, ErrorBody, InterviewRecord, JsonResponse, error_for_status, is_envelope};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let parsed = serde_json::from_slice::<Value>(data);
    let decoded = JsonResponse::decode(data, 200, "application/json");
    let value = match (parsed, decoded) {
        (Err(_), Err(ApiError::Undecodable { status: 200, .. })) => return,
        (Err(err), other) => panic!("unparsable body ({err}) decoded as {other:?}"),
        (Ok(value), decoded) => {
            check_decoded(data, &value, decoded);
            value
        }
    };
    check_error_body(&value);
    check_list(&value, data.len());
});

fn check_decoded(data: &[u8], value: &Value, decoded: Result<JsonResponse, ApiError>) {
    let envelope = is_envelope(value);
    let response = match decoded {
        Ok(response) => response,
        Err(ApiError::Rejected { status: 200, .. }) => {
            assert!(envelope && value["success"] == false, "rejected without success: false");
            return;
        }
        Err(ApiError::Undecodable { status: 200, .. }) => {
            assert!(envelope && value["data"].is_null(), "a parsed body was refused");
            return;
        }
        Err(other) => panic!("unexpected error {other:?}"),
    };
    let expected = if envelope { &value["data"] } else { value };
    assert_eq!(&response.body, expected, "decoded body differs from the parsed one");
    let from_text: Result<Value, _> = serde_json::from_str(&response.text);
    assert!(
        from_text.as_ref().is_ok_and(|v| v == &response.body),
        "the kept text {:?} is not the body's JSON ({from_text:?})",
        response.text
    );
    if !envelope {
        // The same body wrapped in an envelope decodes to the same value and text.
        let mut wrapped = br#"{"success":true,"data":"#.to_vec();
        wrapped.extend_from_slice(data);
        wrapped.extend_from_slice(br#","error":null,"timestamp":"2026-01-01T00:00:00Z"}"#);
        match JsonResponse::decode(&wrapped, 200, "application/json") {
            Ok(inner) => {
                assert_eq!(inner.body, response.body, "wrapped and bare bodies differ");
                assert_eq!(inner.text, response.text, "wrapped and bare texts differ");
            }
            Err(err) => assert!(value.is_null(), "the wrapped body was refused: {err:?}"),
        }
    }
    match InterviewRecord::from_parts(response.body.clone(), response.text.clone()) {
        Ok(record) => common::check_record(&record),
        Err(_) => {
            let has_id = match response.body.get("id") {
                Some(Value::String(id)) => !id.trim().is_empty(),
                Some(Value::Number(_)) => true,
                _ => false,
            };
            assert!(!(response.body.is_object() && has_id), "an interview with an id was refused");
        }
    }
}

fn check_error_body(value: &Value) {
    let body = ErrorBody::parse(value);
    if let Some(body) = &body {
        assert_ne!(body, &ErrorBody::default());
        assert!(body.retry_after.is_none_or(|d| d.as_secs() <= 86_400));
    }
    for status in [400, 401, 403, 404, 429, 500, 503] {
        let error = error_for_status(status, body.as_ref(), None);
        assert!(!error.to_string().is_empty());
        assert!((2..=8).contains(&error.exit_code()));
        let _ = error.hint();
    }
}

fn check_list(value: &Value, len: usize) {
    let requested = u32::try_from(len % 7).unwrap_or(1);
    let limit = u32::try_from(len % 101).unwrap_or(20);
    let Ok(page) = split_page(value, requested, limit) else {
        assert!(!value.is_array(), "an array is always a list");
        return;
    };
    assert!(!page.has_next || !page.items.is_empty(), "an empty page with a next page");
    if let Value::Array(items) = value {
        assert_eq!(&page.items, items);
    }
    for item in page.items.iter().take(4) {
        if let Ok(record) = InterviewRecord::from_value(item.clone()) {
            common::check_record(&record);
        }
    }
}
