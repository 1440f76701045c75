//! Retries, backoff and rate-limit pacing for [`ApiClient::get_json`](super::ApiClient::get_json).
//!
//! - [`RetryPolicy`]: how often and how long one call may retry and wait.
//! - [`RateLimitStatus`]: the `X-RateLimit-*` headers of the latest response.
//! - [`ClientNotice`] and [`WaitReason`]: what the client tells its observer (the UI).
//!
//! **Backoff** is exponential with *equal jitter*: step `n` (0-based) waits
//! `e/2 + random(0..=e/2)` with `e = min(base_backoff * 2^n, max_backoff)`, so a wait is never
//! shorter than half its step and clients that failed together do not retry together. The
//! random numbers come from a [`fastrand::Rng`] per client, seeded from fastrand's
//! thread-local generator: not cryptographic, good enough to spread retries.
//!
//! **Pacing** uses the latest headers, shared by all clones of a client:
//! - *hard*: when `remaining` of the minute or the hour window is 0 and its reset lies in the
//!   future, the next request waits until the reset (a minute window waits at most 60 s and an
//!   hour window at most 1 h, whatever a skewed clock says);
//! - *soft*: when `remaining_minute` is below 10 % of `limit_minute`, requests are given
//!   successive send slots `seconds until the minute reset / remaining_minute` apart, so
//!   concurrent callers spread what is left over the window instead of using it up at once.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

/// Shortest backoff step, whatever the policy says, so that a retry loop is never hot.
const MIN_BACKOFF: Duration = Duration::from_millis(10);

/// Soft pacing starts when fewer than `limit / SOFT_PACE_FRACTION` requests remain (10 %).
const SOFT_PACE_FRACTION: u64 = 10;

/// Reset values below this (September 2001) are read as seconds from now rather than as Unix
/// time, so that a server sending "seconds until reset" still paces correctly.
const EARLIEST_UNIX_RESET: u64 = 1_000_000_000;

/// A minute window never needs a longer wait than this, even with a skewed clock.
const MINUTE: Duration = Duration::from_secs(60);

/// An hour window never needs a longer wait than this, even with a skewed clock.
const HOUR: Duration = Duration::from_secs(3_600);

/// How one API call retries and how long it may wait in total.
///
/// 429 responses are retried after the server's `Retry-After` / `retryAfter` (or the backoff
/// when neither is given) for as long as the waits fit in `max_total_wait`; 5xx responses,
/// dropped or refused connections and timeouts are retried with backoff at most `max_retries`
/// times, and their waits count against `max_total_wait` too. Other 4xx responses and
/// undecodable bodies are never retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after a 5xx, a network failure or a timeout, not counting the first request.
    /// Default 3.
    pub max_retries: u32,
    /// The first backoff step; each further step doubles it. Default 500 ms (10 ms at least).
    pub base_backoff: Duration,
    /// The largest backoff step. Default 8 s.
    pub max_backoff: Duration,
    /// The most time one call may spend waiting, over all its retries and quota waits; a
    /// wait that would go beyond it is not started and the last error is returned instead.
    /// Default 120 s.
    pub max_total_wait: Duration,
    /// Whether a request that timed out is sent again. Default false: the request timeout is
    /// already long, so a stalled server is reported after one timeout instead of several.
    pub retry_timeouts: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_total_wait: Duration::from_secs(120),
            retry_timeouts: false,
        }
    }
}

impl RetryPolicy {
    /// No retries and no waiting: every call sends one request and returns its result (a
    /// used-up quota is reported as [`ApiError::RateLimited`](super::ApiError::RateLimited)
    /// without sending).
    pub fn none() -> Self {
        Self { max_retries: 0, max_total_wait: Duration::ZERO, ..Self::default() }
    }

    /// The wait before backoff step `step` (0 for the first retry), with equal jitter taken
    /// from `random`: between half and all of `min(base_backoff * 2^step, max_backoff)`.
    pub fn backoff(&self, step: u32, random: u64) -> Duration {
        let base = self.base_backoff.max(MIN_BACKOFF);
        let factor = 1_u32.checked_shl(step).unwrap_or(u32::MAX);
        let full = base.saturating_mul(factor).min(self.max_backoff.max(MIN_BACKOFF));
        let half = full / 2;
        let spread = u64::try_from((full - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(random % spread.saturating_add(1))
    }
}

/// The `X-RateLimit-*` headers of one response. Limits and remaining counts are requests;
/// resets are Unix seconds. A header that was absent or not a number is `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimitStatus {
    /// `X-RateLimit-Limit-Minute`: requests allowed per minute.
    pub limit_minute: Option<u64>,
    /// `X-RateLimit-Remaining-Minute`: requests left in the current minute window.
    pub remaining_minute: Option<u64>,
    /// `X-RateLimit-Reset-Minute`: when the minute window resets (Unix seconds).
    pub reset_minute: Option<u64>,
    /// `X-RateLimit-Limit-Hour`: requests allowed per hour.
    pub limit_hour: Option<u64>,
    /// `X-RateLimit-Remaining-Hour`: requests left in the current hour window.
    pub remaining_hour: Option<u64>,
    /// `X-RateLimit-Reset-Hour`: when the hour window resets (Unix seconds).
    pub reset_hour: Option<u64>,
    /// When the response carrying these headers arrived.
    pub seen_at: SystemTime,
}

impl RateLimitStatus {
    /// Reads the six `X-RateLimit-*` headers (names are case-insensitive); `None` when the
    /// response carried none of them. A reset below 10⁹ is taken as seconds after `seen_at`
    /// and converted to Unix seconds.
    pub fn from_headers(headers: &HeaderMap, seen_at: SystemTime) -> Option<Self> {
        let number = |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
        let reset = |name: &str| number(name).map(|value| unix_reset(value, seen_at));
        let status = Self {
            limit_minute: number("x-ratelimit-limit-minute"),
            remaining_minute: number("x-ratelimit-remaining-minute"),
            reset_minute: reset("x-ratelimit-reset-minute"),
            limit_hour: number("x-ratelimit-limit-hour"),
            remaining_hour: number("x-ratelimit-remaining-hour"),
            reset_hour: reset("x-ratelimit-reset-hour"),
            seen_at,
        };
        status.has_any().then_some(status)
    }

    /// How long to wait at `now` before sending, because the minute or the hour window is used
    /// up (remaining 0, reset in the future); `None` when requests may be sent.
    pub fn exhausted_for(&self, now: SystemTime) -> Option<Duration> {
        let minute = exhausted_window(self.remaining_minute, self.reset_minute, now, MINUTE);
        let hour = exhausted_window(self.remaining_hour, self.reset_hour, now, HOUR);
        minute.max(hour)
    }

    /// The soft spacing between requests at `now`: `seconds until the minute reset /
    /// remaining_minute` when fewer than 10 % of the minute's requests remain (and at least
    /// one does), else `None`.
    pub fn spacing(&self, now: SystemTime) -> Option<Duration> {
        let limit = self.limit_minute?;
        let remaining =
            self.remaining_minute.filter(|&left| left > 0 && left.saturating_mul(SOFT_PACE_FRACTION) < limit)?;
        let until_reset = until(self.reset_minute?, now)?.min(MINUTE);
        Some(until_reset / u32::try_from(remaining).unwrap_or(u32::MAX))
    }

    fn has_any(&self) -> bool {
        [
            self.limit_minute,
            self.remaining_minute,
            self.reset_minute,
            self.limit_hour,
            self.remaining_hour,
            self.reset_hour,
        ]
        .iter()
        .any(Option::is_some)
    }
}

/// Why the client is waiting (see [`ClientNotice::Waiting`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitReason {
    /// The server answered 429.
    RateLimited,
    /// The server answered with this 5xx status.
    ServerError(u16),
    /// The connection was refused, reset or closed before the answer was complete.
    Network,
    /// The server did not answer in time.
    Timeout,
    /// The latest `X-RateLimit-*` headers say the quota is used up (or nearly so) until the
    /// window resets, so the client holds the request back.
    QuotaExhausted,
}

impl std::fmt::Display for WaitReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RateLimited => f.write_str("rate limited"),
            Self::ServerError(status) => write!(f, "server error (HTTP {status})"),
            Self::Network => f.write_str("connection problem"),
            Self::Timeout => f.write_str("the server did not answer in time"),
            Self::QuotaExhausted => f.write_str("request quota used up"),
        }
    }
}

/// What the client reports to its observer (see
/// [`ApiClient::with_observer`](super::ApiClient::with_observer)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientNotice {
    /// Waiting before a retry or because the quota is used up.
    Waiting {
        /// Why.
        reason: WaitReason,
        /// How long the wait lasts.
        retry_in: Duration,
        /// How many times this request has been sent so far (0 when waiting before the first
        /// send).
        attempt: u32,
    },
    /// Fresh rate-limit headers.
    Quota(RateLimitStatus),
}

impl std::fmt::Display for ClientNotice {
    /// One line for a status bar, e.g. `rate limited, retrying in 3 s`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Waiting { reason, retry_in, .. } => {
                write!(f, "{reason}, retrying in {} s", retry_in.as_secs_f64().ceil())
            }
            Self::Quota(status) => match (status.remaining_minute, status.limit_minute) {
                (Some(remaining), Some(limit)) => write!(f, "{remaining} of {limit} requests left this minute"),
                _ => f.write_str("rate-limit headers received"),
            },
        }
    }
}

/// The rate-limit state shared by all clones of one client: the latest status, the next free
/// send slot of the soft pace, and the jitter generator.
#[derive(Debug)]
pub(crate) struct Limiter {
    state: Mutex<LimiterState>,
}

#[derive(Debug)]
struct LimiterState {
    status: Option<RateLimitStatus>,
    next_slot: Option<Instant>,
    rng: fastrand::Rng,
}

impl Limiter {
    /// A limiter with no status yet and a freshly seeded jitter generator.
    pub(crate) fn new() -> Self {
        Self { state: Mutex::new(LimiterState { status: None, next_slot: None, rng: fastrand::Rng::new() }) }
    }

    /// The latest status, if any response carried rate-limit headers.
    pub(crate) fn status(&self) -> Option<RateLimitStatus> {
        self.lock().status.clone()
    }

    /// Keeps `status` as the latest.
    pub(crate) fn record(&self, status: RateLimitStatus) {
        self.lock().status = Some(status);
    }

    /// The hard wait at `now` (see [`RateLimitStatus::exhausted_for`]).
    pub(crate) fn exhausted_for(&self, now: SystemTime) -> Option<Duration> {
        self.lock().status.as_ref()?.exhausted_for(now)
    }

    /// Reserves the next soft-pace send slot and returns how long to wait for it (zero when
    /// no pacing applies). Slots are `spacing` apart and never later than the minute reset.
    pub(crate) fn reserve_slot(&self, now: Instant, wall: SystemTime) -> Duration {
        let mut state = self.lock();
        let Some(status) = state.status.as_ref() else { return Duration::ZERO };
        let (Some(spacing), Some(until_reset)) =
            (status.spacing(wall), status.reset_minute.and_then(|reset| until(reset, wall)))
        else {
            state.next_slot = None;
            return Duration::ZERO;
        };
        let horizon = now.checked_add(until_reset.min(MINUTE)).unwrap_or(now);
        let slot = state.next_slot.filter(|&slot| slot > now).unwrap_or(now).min(horizon);
        state.next_slot = slot.checked_add(spacing);
        slot.saturating_duration_since(now)
    }

    /// The next jitter random number.
    pub(crate) fn random(&self) -> u64 {
        self.lock().rng.u64(..)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LimiterState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What one call has spent of its [`RetryPolicy`]: the time waited and the retries made.
#[derive(Debug)]
pub(crate) struct RetryBudget<'a> {
    policy: &'a RetryPolicy,
    waited: Duration,
    retries: u32,
    rate_limited: u32,
}

impl<'a> RetryBudget<'a> {
    /// A fresh budget for one call.
    pub(crate) fn new(policy: &'a RetryPolicy) -> Self {
        Self { policy, waited: Duration::ZERO, retries: 0, rate_limited: 0 }
    }

    /// The waiting time left.
    pub(crate) fn left(&self) -> Duration {
        self.policy.max_total_wait.saturating_sub(self.waited)
    }

    /// Spends `wait` if it fits in what is left; false (and nothing spent) otherwise.
    pub(crate) fn take(&mut self, wait: Duration) -> bool {
        let fits = wait <= self.left();
        if fits {
            self.waited += wait;
        }
        fits
    }

    /// The wait before retrying after a failure of kind `reason`, or `None` to give up.
    /// `server_wait` is a 429's `Retry-After`; `random` feeds the jitter.
    pub(crate) fn next_retry(
        &mut self,
        reason: WaitReason,
        server_wait: Option<Duration>,
        random: u64,
    ) -> Option<Duration> {
        let wait = if reason == WaitReason::RateLimited {
            let step = self.rate_limited;
            self.rate_limited = self.rate_limited.saturating_add(1);
            server_wait.filter(|wait| !wait.is_zero()).unwrap_or_else(|| self.policy.backoff(step, random))
        } else {
            if self.retries >= self.policy.max_retries || reason == WaitReason::Timeout && !self.policy.retry_timeouts {
                return None;
            }
            self.retries += 1;
            self.policy.backoff(self.retries - 1, random)
        };
        self.take(wait).then_some(wait)
    }
}

/// How long until the Unix time `reset`, if it lies after `now`.
fn until(reset: u64, now: SystemTime) -> Option<Duration> {
    let reset = UNIX_EPOCH.checked_add(Duration::from_secs(reset))?;
    reset.duration_since(now).ok().filter(|wait| !wait.is_zero())
}

/// The wait for one window: until its reset when nothing remains, capped at the window length.
fn exhausted_window(remaining: Option<u64>, reset: Option<u64>, now: SystemTime, window: Duration) -> Option<Duration> {
    if remaining? > 0 {
        return None;
    }
    until(reset?, now).map(|wait| wait.min(window))
}

/// `value` as Unix seconds: small values are seconds after `seen_at`.
fn unix_reset(value: u64, seen_at: SystemTime) -> u64 {
    if value >= EARLIEST_UNIX_RESET {
        return value;
    }
    let seen = seen_at.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    seen.saturating_add(value)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn at(unix: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix)
    }

    fn status(limit: u64, remaining: u64, reset: u64) -> RateLimitStatus {
        RateLimitStatus {
            limit_minute: Some(limit),
            remaining_minute: Some(remaining),
            reset_minute: Some(reset),
            limit_hour: None,
            remaining_hour: None,
            reset_hour: None,
            seen_at: at(1_700_000_000),
        }
    }

    #[test]
    fn backoff_doubles_with_equal_jitter_and_a_cap() {
        let policy = RetryPolicy::default();
        for random in [0, 1, 12_345, u64::MAX] {
            for (step, full_ms) in [(0, 500), (1, 1_000), (2, 2_000), (3, 4_000), (4, 8_000), (5, 8_000), (40, 8_000)] {
                let wait = policy.backoff(step, random);
                let full = Duration::from_millis(full_ms);
                assert!(wait >= full / 2 && wait <= full, "step {step}: {wait:?}");
            }
        }
        assert_ne!(policy.backoff(2, 1), policy.backoff(2, 987_654_321), "jitter varies");
        let zero = RetryPolicy { base_backoff: Duration::ZERO, max_backoff: Duration::ZERO, ..policy };
        assert!(zero.backoff(0, 0) >= MIN_BACKOFF / 2, "never a hot loop");
    }

    #[test]
    fn budget_counts_retries_and_total_wait() {
        let policy = RetryPolicy { max_total_wait: Duration::from_secs(10), ..RetryPolicy::default() };
        let mut budget = RetryBudget::new(&policy);
        for _ in 0..3 {
            assert!(budget.next_retry(WaitReason::ServerError(503), None, 7).is_some());
        }
        assert_eq!(budget.next_retry(WaitReason::Network, None, 7), None, "max_retries reached");
        let mut budget = RetryBudget::new(&policy);
        let four = Some(Duration::from_secs(4));
        assert_eq!(budget.next_retry(WaitReason::RateLimited, four, 7), four);
        assert_eq!(budget.next_retry(WaitReason::RateLimited, four, 7), four);
        assert_eq!(budget.next_retry(WaitReason::RateLimited, four, 7), None, "12 s > 10 s");
        let none = RetryPolicy::none();
        let mut budget = RetryBudget::new(&none);
        assert_eq!(budget.next_retry(WaitReason::RateLimited, Some(Duration::from_secs(1)), 7), None);
        assert_eq!(budget.next_retry(WaitReason::Timeout, None, 7), None);
    }

    #[test]
    fn headers_are_parsed_and_small_resets_are_relative() {
        let mut headers = HeaderMap::new();
        assert_eq!(RateLimitStatus::from_headers(&headers, at(1_700_000_000)), None);
        for (name, value) in [
            ("x-ratelimit-limit-minute", "60"),
            ("x-ratelimit-remaining-minute", " 59 "),
            ("x-ratelimit-reset-minute", "30"),
            ("x-ratelimit-limit-hour", "2000"),
            ("x-ratelimit-remaining-hour", "lots"),
            ("x-ratelimit-reset-hour", "1700003600"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        let parsed = RateLimitStatus::from_headers(&headers, at(1_700_000_000)).unwrap();
        assert_eq!(parsed.limit_minute, Some(60));
        assert_eq!(parsed.remaining_minute, Some(59));
        assert_eq!(parsed.reset_minute, Some(1_700_000_030));
        assert_eq!(parsed.remaining_hour, None);
        assert_eq!(parsed.reset_hour, Some(1_700_003_600));
    }

    #[test]
    fn a_used_up_window_waits_until_its_reset_capped_at_its_length() {
        let now = at(1_700_000_000);
        assert_eq!(status(60, 0, 1_700_000_020).exhausted_for(now), Some(Duration::from_secs(20)));
        assert_eq!(status(60, 0, 1_699_999_999).exhausted_for(now), None, "reset passed");
        assert_eq!(status(60, 1, 1_700_000_020).exhausted_for(now), None);
        assert_eq!(status(60, 0, 1_700_009_000).exhausted_for(now), Some(MINUTE), "skewed clock");
        let hour = RateLimitStatus { remaining_hour: Some(0), reset_hour: Some(1_700_001_000), ..status(60, 5, 0) };
        assert_eq!(hour.exhausted_for(now), Some(Duration::from_secs(1_000)));
    }

    #[test]
    fn soft_pace_spreads_the_last_ten_percent_over_the_window() {
        let now = at(1_700_000_000);
        assert_eq!(status(100, 10, 1_700_000_040).spacing(now), None, "10 % left: no pacing");
        assert_eq!(status(100, 4, 1_700_000_040).spacing(now), Some(Duration::from_secs(10)));
        assert_eq!(status(100, 0, 1_700_000_040).spacing(now), None, "used up: the hard rule applies");
        let limiter = Limiter::new();
        let start = Instant::now();
        assert_eq!(limiter.reserve_slot(start, now), Duration::ZERO, "no status yet");
        limiter.record(status(100, 4, 1_700_000_040));
        let waits: Vec<Duration> = (0..3).map(|_| limiter.reserve_slot(start, now)).collect();
        assert_eq!(waits, [Duration::ZERO, Duration::from_secs(10), Duration::from_secs(20)]);
        limiter.record(status(100, 50, 1_700_000_040));
        assert_eq!(limiter.reserve_slot(start, now), Duration::ZERO, "plenty left again");
    }

    #[test]
    fn the_jitter_generator_moves() {
        let limiter = Limiter::new();
        let first = limiter.random();
        assert_ne!(first, limiter.random());
        assert_ne!(first, Limiter::new().random(), "each client has its own sequence");
    }
}
