//! The demo's call recordings, served by a second server on its own loopback port: a
//! recording is never on the API's origin, so the rule that the key goes only to the API's
//! origin (scheme, host and port) is exercised by the demo too.
//!
//! The recordings are made from the demo transcripts by `assets/demo/recordings/generate.py`
//! (espeak-ng and lame), so the speech sits where the turn times say.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use serde_json::Value;

/// How the demo assets spell a recording's address; replaced by the media server's.
const PLACEHOLDER: &str = "https://recordings.example.invalid/";

/// The recordings by file name.
const RECORDINGS: [(&str, &[u8]); 3] = [
    ("5b9d2e60.mp3", include_bytes!("../../assets/demo/recordings/5b9d2e60.mp3")),
    ("b118515f.mp3", include_bytes!("../../assets/demo/recordings/b118515f.mp3")),
    ("d41c7e2a.mp3", include_bytes!("../../assets/demo/recordings/d41c7e2a.mp3")),
];

/// The media server's routes: `GET /recordings/{name}` (audio/mpeg), 404 for any other name.
pub(super) fn router() -> Router {
    Router::new().route("/recordings/{name}", get(recording))
}

async fn recording(Path(name): Path<String>) -> Response {
    match RECORDINGS.iter().find(|(file, _)| *file == name) {
        Some((_, bytes)) => {
            ([(header::CONTENT_TYPE, "audio/mpeg"), (header::CACHE_CONTROL, "no-store")], *bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain")], "no such recording").into_response(),
    }
}

/// `interview` with every `callAttempts[].recordingUrl` of the assets pointing at the media
/// server at `media_base` (`http://127.0.0.1:<port>`); a recording the server does not have
/// answers 404 there.
pub(super) fn with_media_urls(mut interview: Value, media_base: &str) -> Value {
    if let Some(attempts) = interview.get_mut("callAttempts").and_then(Value::as_array_mut) {
        for attempt in attempts {
            if let Some(url) = attempt.get_mut("recordingUrl")
                && let Some(name) = url.as_str().and_then(|u| u.strip_prefix(PLACEHOLDER)).map(str::to_owned)
            {
                *url = Value::String(format!("{media_base}/recordings/{name}"));
            }
        }
    }
    interview
}
