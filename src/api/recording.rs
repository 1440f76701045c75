//! Downloading a call attempt's recording (`callAttempts[].recordingUrl`).
//!
//! Recordings usually sit on a CDN behind a signed, short-lived URL, or behind an API endpoint
//! that redirects to one. The key goes only to the API's own origin (scheme, host and port of
//! the base URL): redirects are followed here, one hop at a time, and a hop to any other origin
//! is sent without it (a CDN would also refuse a request carrying both a key and a signature).
//! The body is streamed to a temporary file beside the target, checked, and renamed into place.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use super::client::ApiClient;

/// The largest recording downloaded (a two-hour call in WAV is about 1.3 GB; mp3 far less).
pub const MAX_RECORDING_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Most redirects followed.
const MAX_REDIRECTS: usize = 10;

/// Why a recording could not be downloaded. `Display` says what happened in words a user
/// can act on.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    /// The recording URL is not a usable http(s) URL.
    #[error("the recording address {0:?} is not an http(s) URL")]
    BadUrl(String),
    /// 403, 410, or a 400 that says the link expired: signed URLs expire.
    #[error("the recording link was refused ({status}): it has probably expired")]
    Expired {
        /// The HTTP status.
        status: u16,
    },
    /// 404: the recording is gone (or past the platform's retention).
    #[error("the recording was not found (404): it may have been deleted or be past its retention period")]
    NotFound,
    /// Another HTTP error status.
    #[error("the recording server answered {status}")]
    Http {
        /// The HTTP status.
        status: u16,
    },
    /// A web page (or JSON) came back instead of audio, e.g. a login or error page.
    #[error("the recording address returned {content_type} instead of audio")]
    NotAudio {
        /// The `Content-Type` sent, or what the body looked like.
        content_type: String,
    },
    /// The body ended before the announced length.
    #[error("the recording download stopped after {received} of {expected} bytes")]
    Truncated {
        /// Bytes received.
        received: u64,
        /// `Content-Length`.
        expected: u64,
    },
    /// Bigger than [`MAX_RECORDING_BYTES`].
    #[error("the recording is larger than {} GiB", MAX_RECORDING_BYTES / (1024 * 1024 * 1024))]
    TooLarge,
    /// Too many redirects, or one to plain http on another computer.
    #[error("the recording address redirected {0}")]
    Redirect(String),
    /// Connecting or reading failed.
    #[error("the recording could not be downloaded: {0}")]
    Network(String),
    /// The download was cancelled.
    #[error("the download was cancelled")]
    Cancelled,
    /// The file could not be written.
    #[error("could not write {}: {reason}", path.display())]
    Write {
        /// The target file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl RecordingError {
    /// Whether fetching the interview again for a fresh URL may help (an expired signed URL).
    pub fn is_expired(&self) -> bool {
        matches!(self, Self::Expired { .. })
    }
}

/// What a finished download wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Downloaded {
    /// The file written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The `Content-Type` the server sent (may be empty).
    pub content_type: String,
}

/// Whether `a` and `b` have the same origin: scheme, host and port (the default port counted).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// What the first bytes of a body say it is: `Some(true)` audio, `Some(false)` a web page or
/// JSON, `None` unknown.
fn sniff(head: &[u8]) -> Option<bool> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let trimmed = head.iter().position(|b| !b.is_ascii_whitespace()).and_then(|i| head.get(i..)).unwrap_or_default();
    if trimmed.starts_with(b"<") || trimmed.starts_with(b"{") {
        return Some(false);
    }
    let audio = head.starts_with(b"ID3")
        || head.starts_with(b"RIFF")
        || head.starts_with(b"OggS")
        || head.starts_with(b"fLaC")
        || head.get(4..8) == Some(b"ftyp")
        || matches!(head, [0xFF, second, ..] if second & 0xE0 == 0xE0);
    audio.then_some(true)
}

impl ApiClient {
    /// Downloads the recording at `url` to `target` (atomically: a temporary file beside it,
    /// renamed when complete and checked). `progress` gets the bytes so far and the total when
    /// known; `cancelled` is polled between chunks.
    ///
    /// The key is sent only while the address is on the API's origin; every hop of a redirect
    /// is checked again.
    ///
    /// # Errors
    /// See [`RecordingError`]: expired links (403/410, or a 400 about expiry), 404, another
    /// status, a web page instead of audio, a body cut short, over [`MAX_RECORDING_BYTES`],
    /// redirect problems, network failures, cancellation and write failures each have their
    /// own variant.
    pub async fn download_recording(
        &self,
        url: &str,
        target: &Path,
        progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
        cancelled: &(dyn Fn() -> bool + Send + Sync),
    ) -> Result<Downloaded, RecordingError> {
        let mut current = Url::parse(url.trim()).map_err(|_| RecordingError::BadUrl(url.to_owned()))?;
        if !matches!(current.scheme(), "http" | "https") {
            return Err(RecordingError::BadUrl(url.to_owned()));
        }
        if current.scheme() == "http" && !super::client::is_loopback(&current) {
            return Err(RecordingError::BadUrl(format!(
                "{url} (plain http:// is refused for anything but this computer)"
            )));
        }
        // No default headers and no automatic redirects: each hop decides about the key.
        let http = reqwest::Client::builder()
            .user_agent(super::USER_AGENT)
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| RecordingError::Network(err.to_string()))?;
        let mut hops = 0;
        let response = loop {
            let mut request = http.get(current.clone());
            if same_origin(&current, self.base_url_parsed()) {
                request = request.bearer_auth(self.key_secret());
            }
            let response =
                request.send().await.map_err(|err| RecordingError::Network(super::client::error_chain(&err)))?;
            if !response.status().is_redirection() {
                break response;
            }
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err(RecordingError::Redirect("too many times".to_owned()));
            }
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| current.join(l).ok())
                .ok_or_else(|| RecordingError::Redirect("without saying where".to_owned()))?;
            if location.scheme() == "http" && !super::client::is_loopback(&location) {
                return Err(RecordingError::Redirect("to plain http:// on another computer".to_owned()));
            }
            current = location;
        };
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if !response.status().is_success() {
            let body = response.text().await.unwrap_or_default().to_lowercase();
            return Err(match status {
                404 => RecordingError::NotFound,
                403 | 410 => RecordingError::Expired { status },
                400 if body.contains("expire") => RecordingError::Expired { status },
                _ => RecordingError::Http { status },
            });
        }
        let lower = content_type.to_ascii_lowercase();
        if lower.starts_with("text/") || lower.contains("json") || lower.contains("html") {
            return Err(RecordingError::NotAudio { content_type });
        }
        let expected = response.content_length();
        if expected.is_some_and(|len| len > MAX_RECORDING_BYTES) {
            return Err(RecordingError::TooLarge);
        }
        let write_error = |reason: String| RecordingError::Write { path: target.to_owned(), reason };
        let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut file = tempfile::Builder::new()
            .prefix(".interview-desk-")
            .suffix(".part")
            .tempfile_in(folder)
            .map_err(|err| write_error(crate::export::describe_io_error(&err)))?;
        let mut response = response;
        let mut received: u64 = 0;
        let mut checked = false;
        loop {
            if cancelled() {
                return Err(RecordingError::Cancelled);
            }
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(err) => {
                    return Err(match expected {
                        Some(expected) => RecordingError::Truncated { received, expected },
                        None => RecordingError::Network(super::client::error_chain(&err)),
                    });
                }
            };
            if !checked {
                checked = true;
                if sniff(&chunk) == Some(false) {
                    let shown = if content_type.is_empty() { "a web page".to_owned() } else { content_type.clone() };
                    return Err(RecordingError::NotAudio { content_type: shown });
                }
            }
            received += chunk.len() as u64;
            if received > MAX_RECORDING_BYTES {
                return Err(RecordingError::TooLarge);
            }
            file.write_all(&chunk).map_err(|err| write_error(crate::export::describe_io_error(&err)))?;
            progress(received, expected);
        }
        if let Some(expected) = expected
            && received < expected
        {
            return Err(RecordingError::Truncated { received, expected });
        }
        if received == 0 {
            return Err(RecordingError::NotAudio { content_type: "an empty body".to_owned() });
        }
        file.as_file().sync_all().map_err(|err| write_error(crate::export::describe_io_error(&err)))?;
        file.persist(target).map_err(|err| write_error(crate::export::describe_io_error(&err.error)))?;
        Ok(Downloaded { path: target.to_owned(), bytes: received, content_type })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(&url("https://api.instaview.sk/v1"), &url("https://api.instaview.sk:443/rec/1.mp3")));
        assert!(!same_origin(&url("https://api.instaview.sk"), &url("https://cdn.instaview.sk/1.mp3")));
        assert!(!same_origin(&url("http://127.0.0.1:8000"), &url("http://127.0.0.1:8001/1.mp3")));
        assert!(!same_origin(&url("https://api.instaview.sk"), &url("http://api.instaview.sk/1.mp3")));
    }

    #[test]
    fn sniffing_tells_audio_from_pages() {
        assert_eq!(sniff(b"ID3\x04\0"), Some(true));
        assert_eq!(sniff(&[0xFF, 0xF3, 0x44]), Some(true));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVE"), Some(true));
        assert_eq!(sniff(b"\0\0\0\x20ftypM4A "), Some(true));
        assert_eq!(sniff(b"  <!DOCTYPE html>"), Some(false));
        assert_eq!(sniff(b"{\"error\":1}"), Some(false));
        assert_eq!(sniff(b"abc"), None);
    }
}
