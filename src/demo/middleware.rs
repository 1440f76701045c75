//! Cross-cutting behaviour of the demo server: the artificial delay, rate-limit headers
//! and Bearer authentication.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

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

/// An even-rate limit (the generic cell rate algorithm): one request per `interval`, with up
/// to `burst` requests at once after a quiet spell.
#[derive(Debug)]
struct EvenRate {
    /// Time between requests at the limit.
    interval: Duration,
    /// How far ahead of the theoretical arrival time a request may come (`interval × (burst − 1)`).
    tolerance: Duration,
    /// When the next request would be on time (the "theoretical arrival time").
    next_due: Option<Instant>,
}

impl EvenRate {
    /// `per_minute` requests a minute, with a burst of one second's worth (at least 1).
    fn new(per_minute: u32) -> Self {
        let per_minute = per_minute.max(1);
        let interval = Duration::from_secs(60) / per_minute;
        let burst = (per_minute / 60).max(1);
        Self { interval, tolerance: interval * (burst - 1), next_due: None }
    }

    /// Admits a request arriving at `now`, or says how long until one would be admitted.
    fn admit(&mut self, now: Instant) -> Result<(), Duration> {
        let due = self.next_due.filter(|&due| due > now).unwrap_or(now);
        let earliest = due.checked_sub(self.tolerance).unwrap_or(now);
        if now < earliest {
            return Err(earliest - now);
        }
        self.next_due = Some(due + self.interval);
        Ok(())
    }
}

/// Per-server request counters behind the `X-RateLimit-*` headers, and the optional enforced
/// limit of [`super::DemoOptions::rate_limit_per_minute`].
#[derive(Clone, Debug)]
pub(super) struct RateCounters(Arc<Mutex<Counters>>, Arc<(AtomicU64, AtomicU64, AtomicU64)>);

/// The windows behind the headers and the enforced limit, if any.
#[derive(Debug)]
struct Counters {
    minute: Window,
    hour: Window,
    enforced: Option<EvenRate>,
}

impl RateCounters {
    /// Counters announcing `per_minute` (or [`LIMIT_PER_MINUTE`]) and enforcing it when given.
    pub(super) fn new(per_minute: Option<u32>) -> Self {
        Self(
            Arc::new(Mutex::new(Counters {
                minute: Window::new(60, per_minute.unwrap_or(LIMIT_PER_MINUTE)),
                hour: Window::new(3_600, LIMIT_PER_HOUR),
                enforced: per_minute.map(EvenRate::new),
            })),
            Arc::default(),
        )
    }

    /// Requests refused by the enforced limit so far.
    pub(super) fn refused(&self) -> u64 {
        self.1.0.load(Ordering::Relaxed)
    }

    /// Requests admitted so far.
    pub(super) fn served(&self) -> u64 {
        self.1.1.load(Ordering::Relaxed)
    }

    /// Requests whose URL (path or query) contained the demo key so far.
    pub(super) fn key_in_url(&self) -> u64 {
        self.1.2.load(Ordering::Relaxed)
    }

    /// Counts one request at `now` (Unix seconds) in both windows: `(minute, hour)`, or the
    /// wait the enforced limit asks for (a refused request is not counted).
    fn hit(&self, now: i64, instant: Instant) -> Result<(WindowState, WindowState), Duration> {
        let mut counters = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(enforced) = counters.enforced.as_mut()
            && let Err(wait) = enforced.admit(instant)
        {
            self.1.0.fetch_add(1, Ordering::Relaxed);
            return Err(wait);
        }
        self.1.1.fetch_add(1, Ordering::Relaxed);
        Ok((counters.minute.hit(now), counters.hour.hit(now)))
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
///
/// With an enforced limit, a request over it gets a 429 in the NestJS shape with
/// `Retry-After` and `retryAfter` (whole seconds, rounded up).
pub(super) async fn rate_limit_headers(State(counters): State<RateCounters>, request: Request, next: Next) -> Response {
    if request.uri().to_string().contains(DEMO_API_KEY) {
        counters.1.2.fetch_add(1, Ordering::Relaxed);
    }
    let now = jiff::Timestamp::now().as_second();
    let (minute, hour) = match counters.hit(now, Instant::now()) {
        Ok(windows) => windows,
        Err(wait) => return responses::too_many_requests(wait),
    };
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
    fn even_rate_admits_a_burst_then_one_request_per_interval() {
        let mut rate = EvenRate::new(600);
        let start = Instant::now();
        for _ in 0..10 {
            rate.admit(start).unwrap();
        }
        let wait = rate.admit(start).unwrap_err();
        assert!(wait <= Duration::from_millis(100), "{wait:?}");
        rate.admit(start + Duration::from_millis(100)).unwrap();
        assert!(rate.admit(start + Duration::from_millis(100)).is_err());
        let mut slow = EvenRate::new(30);
        slow.admit(start).unwrap();
        assert_eq!(slow.admit(start + Duration::from_secs(1)).unwrap_err(), Duration::from_secs(1));
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
