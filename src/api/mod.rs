//! The Instaview API: wire model, tolerant decoding and the HTTP client.

mod client;
mod envelope;
mod error;
pub mod list;
mod model;
pub mod rate_limit;
pub mod recording;
pub mod related;
pub mod scores;
pub mod subtitles;
pub mod time;
pub mod transcript;

pub use client::{ApiClient, ApiConfig, DEFAULT_BASE_URL, JsonResponse, MAX_BODY_BYTES, USER_AGENT};
pub use envelope::{ErrorBody, data_text, error_for_status, is_envelope, unwrap_envelope};
pub use error::ApiError;
pub use model::{
    Analysis, CallAttempt, DOCUMENTED_INTERVIEW_KEYS, Field, GeneralAnalysis, Interview, InterviewRecord,
    InterviewStatus, RecordError, humanize,
};
pub use rate_limit::{ClientNotice, RateLimitStatus, RetryPolicy, WaitReason};

/// Makes rustls on ring the process's TLS provider, once (later calls do nothing). Every
/// `reqwest::Client` needs one; [`ApiClient::new`] calls this, and so must code that builds a
/// client of its own.
pub fn install_tls() {
    // An error only says that a provider is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Finds an interview ID in what the user pasted: a bare UUID, or any URL or text containing
/// one (the first UUID wins). Returns it lower-case and hyphenated, or `None`.
pub fn interview_id_from(text: &str) -> Option<String> {
    const LEN: usize = 36;
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(LEN - 1)).find_map(|start| {
        let candidate = text.get(start..start + LEN)?;
        let boundary_before = start == 0 || bytes.get(start - 1).is_some_and(|b| !b.is_ascii_hexdigit() && *b != b'-');
        let boundary_after = bytes.get(start + LEN).is_none_or(|b| !b.is_ascii_hexdigit() && *b != b'-');
        if !(boundary_before && boundary_after) || candidate.chars().filter(|c| *c == '-').count() != 4 {
            return None;
        }
        uuid::Uuid::try_parse(candidate).ok().map(|id| id.hyphenated().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::interview_id_from;

    #[test]
    fn interview_ids_are_found_in_urls_and_text() {
        let id = "3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10";
        for input in [
            id.to_owned(),
            format!("  {id}\n"),
            id.to_uppercase(),
            format!("https://app.instaview.sk/interviews/{id}?tab=analysis"),
            format!("https://api.instaview.sk/v1/interviews/{id}/analysis-pdf"),
            format!("Interview {id}."),
        ] {
            assert_eq!(interview_id_from(&input).as_deref(), Some(id), "{input}");
        }
        for input in [
            "",
            "hello",
            "3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c1",
            "3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10f",
            "3f6c2a1e8b4d4c2a9e715d0b7a2f9c10xxxx",
            "日本語3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c1",
        ] {
            assert_eq!(interview_id_from(input), None, "{input}");
        }
    }
}
