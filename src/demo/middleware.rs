//! Cross-cutting behaviour of the demo server: the artificial delay, rate-limit headers
//! and Bearer authentication.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::{DEMO_API_KEY, responses};

/// Requests allowed per minute, as advertised in `X-RateLimit-Limit-Minute` (the Scale plan).
const LIMIT_PER_MINUTE: u32 = 600;

/// Requests allowed per hour, as advertised in `X-RateLimit-Limit-Hour`.
const LIMIT_PER_HOUR: u32 = 30_000;

/// Sleeps for the configured delay before handling the request.
pub(super) async fn delay(State(delay): State<Duration>, request: Request, next: Next) -> Response {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    next.run(request).await
}

/// Rejects requests without `Authorization: Bearer <DEMO_API_KEY>` with a 401 envelope.
///
/// The received value is never logged or echoed.
pub(super) async fn require_api_key(request: Request, next: Next) -> Response {
    if has_demo_key(request.headers()) {
        next.run(request).await
    } else {
        tracing::debug!("demo server: rejected a request without a valid API key");
        responses::invalid_api_key()
    }
}

/// Whether the headers carry the demo key as a Bearer token (scheme case-insensitive).
fn has_demo_key(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let mut parts = value.trim().splitn(2, ' ');
    let scheme = parts.next().unwrap_or_default();
    let token = parts.next().unwrap_or_default().trim();
    scheme.eq_ignore_ascii_case("bearer") && token == DEMO_API_KEY
}

/// A fixed window of `length_secs`, aligned to the Unix epoch (so minute windows start at
/// :00 seconds), counting requests.
#[derive(Debug)]
struct Window {
    /// Window length in seconds.
    length_secs: i64,
    /// Advertised request limit per window.
    limit: u32,
    /// Start of the current window, Unix seconds.
    start: i64,
    /// Requests counted in the current window.
    used: u32,
}

/// The outcome of counting one request in a [`Window`].
struct WindowState {
    /// The advertised limit.
    limit: u32,
    /// Requests left in this window, never below 0.
    remaining: u32,
    /// When the window resets, Unix seconds.
    reset: i64,
}

impl Window {
    /// An empty window of the given length and limit.
    fn new(length_secs: i64, limit: u32) -> Self {
        Self { length_secs, limit, start: 0, used: 0 }
    }

    /// Counts one request made at `now` (Unix seconds).
    fn hit(&mut self, now: i64) -> WindowState {
        let start = now - now.rem_euclid(self.length_secs);
        if start != self.start {
            self.start = start;
            self.used = 0;
        }
        self.used = self.used.saturating_add(1);
        WindowState {
            limit: self.limit,
            remaining: self.limit.saturating_sub(self.used),
            reset: start + self.length_secs,
        }
    }
}

/// Per-server request counters behind the `X-RateLimit-*` headers. Nothing is ever refused.
#[derive(Clone, Debug)]
pub(super) struct RateCounters(Arc<Mutex<(Window, Window)>>);

impl Default for RateCounters {
    fn default() -> Self {
        Self(Arc::new(Mutex::new((Window::new(60, LIMIT_PER_MINUTE), Window::new(3_600, LIMIT_PER_HOUR)))))
    }
}

impl RateCounters {
    /// Counts one request at `now` (Unix seconds) in both windows: `(minute, hour)`.
    fn hit(&self, now: i64) -> (WindowState, WindowState) {
        let mut windows = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (minute, hour) = &mut *windows;
        (minute.hit(now), hour.hit(now))
    }
}

/// `X-RateLimit-{Limit,Remaining,Reset}-Minute` (header names are stored lower-case).
const MINUTE_HEADERS: [HeaderName; 3] = [
    HeaderName::from_static("x-ratelimit-limit-minute"),
    HeaderName::from_static("x-ratelimit-remaining-minute"),
    HeaderName::from_static("x-ratelimit-reset-minute"),
];

/// `X-RateLimit-{Limit,Remaining,Reset}-Hour`.
const HOUR_HEADERS: [HeaderName; 3] = [
    HeaderName::from_static("x-ratelimit-limit-hour"),
    HeaderName::from_static("x-ratelimit-remaining-hour"),
    HeaderName::from_static("x-ratelimit-reset-hour"),
];

/// Adds `X-RateLimit-{Limit,Remaining,Reset}-{Minute,Hour}` to every response; the reset
/// values are Unix seconds.
pub(super) async fn rate_limit_headers(State(counters): State<RateCounters>, request: Request, next: Next) -> Response {
    let (minute, hour) = counters.hit(jiff::Timestamp::now().as_second());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    insert_window(headers, MINUTE_HEADERS, &minute);
    insert_window(headers, HOUR_HEADERS, &hour);
    response
}

/// Inserts the limit, remaining and reset headers of one window, named by `names`.
fn insert_window(headers: &mut HeaderMap, names: [HeaderName; 3], state: &WindowState) {
    let [limit, remaining, reset] = names;
    headers.insert(limit, HeaderValue::from(state.limit));
    headers.insert(remaining, HeaderValue::from(state.remaining));
    headers.insert(reset, HeaderValue::from(state.reset));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_counts_down_and_resets() {
        let mut window = Window::new(60, 3);
        let first = window.hit(120);
        assert_eq!((first.remaining, first.reset), (2, 180));
        window.hit(130);
        window.hit(140);
        let fourth = window.hit(179);
        assert_eq!(fourth.remaining, 0, "never below zero");
        let next = window.hit(180);
        assert_eq!((next.remaining, next.reset), (2, 240));
    }

    #[test]
    fn bearer_check() {
        let mut headers = HeaderMap::new();
        assert!(!has_demo_key(&headers));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer sk_test_wrong"));
        assert!(!has_demo_key(&headers));
        let good = format!("bearer {DEMO_API_KEY}");
        headers.insert(AUTHORIZATION, HeaderValue::from_str(&good).unwrap());
        assert!(has_demo_key(&headers));
        headers.insert(AUTHORIZATION, HeaderValue::from_str(DEMO_API_KEY).unwrap());
        assert!(!has_demo_key(&headers));
    }
}
