//! The async HTTP client for the Instaview API (reqwest on the worker's tokio runtime).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use super::envelope::{ErrorBody, data_text, error_for_status, is_envelope, unwrap_envelope};
use super::rate_limit::{ClientNotice, Limiter, RateLimitStatus, RetryBudget, RetryPolicy, WaitReason};
use super::{ApiError, InterviewRecord};
use crate::credentials::ApiKey;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.instaview.sk";

/// Bodies larger than this are refused instead of being read into memory (64 MiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// `User-Agent` sent with every request: the app's name and version.
pub const USER_AGENT: &str = concat!("interview-desk/", env!("CARGO_PKG_VERSION"));

/// Redirects followed per request. A redirect to another host, port or scheme drops the
/// `Authorization` header (reqwest does this), so the key never leaves the configured server.
const MAX_REDIRECTS: usize = 5;

/// Soft-pace waits at least this long are reported to the observer; shorter ones only slow
/// requests down a little and would flicker in a status bar.
const NOTICE_THRESHOLD: Duration = Duration::from_secs(1);

/// The message of the [`ApiError::RateLimited`] returned without sending a request.
const QUOTA_USED_UP: &str = "The request quota is used up until the rate-limit window resets.";

/// Where and how to reach the API. Holds no secret, so it may be persisted and logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiConfig {
    /// Base URL, e.g. `https://api.instaview.sk` or one with a path prefix such as
    /// `https://api.instaview.sk/v1`. A trailing slash is optional.
    pub base_url: String,
    /// `companyId` query parameter appended to every request (ATS keys); `None` for regular keys.
    pub company_id: Option<String>,
    /// Limit for establishing the TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Limit for a whole request, from sending it until the body has been read.
    pub request_timeout: Duration,
    /// Retries and waiting for rate limits (see [`RetryPolicy`]).
    pub retry: RetryPolicy,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            company_id: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(45),
            retry: RetryPolicy::default(),
        }
    }
}

impl ApiConfig {
    /// A config for `base_url` with the default timeouts and retry policy and an optional
    /// company ID (blank means none).
    pub fn new(base_url: &str, company_id: Option<&str>) -> Self {
        Self {
            base_url: base_url.trim().to_owned(),
            company_id: company_id.map(str::trim).filter(|id| !id.is_empty()).map(str::to_owned),
            ..Self::default()
        }
    }

    /// Checks and normalises the base URL.
    ///
    /// # Errors
    /// [`ApiError::InvalidRequest`] when the URL cannot be parsed, is not http(s), has no host,
    /// or uses plain `http://` for a host other than this computer (the key would travel
    /// unencrypted).
    pub fn parsed_base_url(&self) -> Result<Url, ApiError> {
        let invalid = |why: &str| ApiError::InvalidRequest(format!("The base URL {:?} {why}", self.base_url));
        let url = Url::parse(self.base_url.trim()).map_err(|_| invalid("is not a valid URL"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(invalid("uses http://; the API key must only be sent over https://")),
            _ => return Err(invalid("must start with https://")),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("has no host name"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("contains a user name or password; the API key is the only credential"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("has a query or fragment (?… or #…); give the address without it"));
        }
        Ok(url)
    }
}

/// A client bound to one base URL and key. Cheap to clone: clones share the connection pool,
/// the latest rate-limit status (and so the pacing) and the observer.
#[derive(Clone, Debug)]
pub struct ApiClient {
    http: reqwest::Client,
    base: Url,
    company_id: Option<String>,
    key: ApiKey,
    request_timeout: Duration,
    retry: RetryPolicy,
    limiter: Arc<Limiter>,
    observer: Option<Observer>,
}

/// The callback of [`ApiClient::with_observer`]; `Debug` without showing the closure.
#[derive(Clone)]
struct Observer(Arc<dyn Fn(ClientNotice) + Send + Sync>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

/// A failed attempt: the error to return, and why it may be retried (`None`: never).
#[derive(Debug)]
struct Failure {
    error: ApiError,
    retry: Option<WaitReason>,
}

impl Failure {
    fn permanent(error: ApiError) -> Self {
        Self { error, retry: None }
    }

    fn transient(error: ApiError, reason: WaitReason) -> Self {
        Self { error, retry: Some(reason) }
    }

    /// An HTTP error status: 429 and 5xx may be retried, other statuses may not.
    fn from_status(error: ApiError) -> Self {
        let retry = match &error {
            ApiError::RateLimited { .. } => Some(WaitReason::RateLimited),
            ApiError::Server { status, .. } => Some(WaitReason::ServerError(*status)),
            _ => None,
        };
        Self { error, retry }
    }
}

impl ApiClient {
    /// Builds a client. Does no I/O. It follows at most 5 redirects, and drops the key from
    /// any redirect to another host, port or scheme.
    ///
    /// # Errors
    /// [`ApiError::InvalidRequest`] for a bad base URL (see [`ApiConfig::parsed_base_url`]),
    /// [`ApiError::Network`] when the TLS backend cannot be set up.
    pub fn new(config: &ApiConfig, key: ApiKey) -> Result<Self, ApiError> {
        let base = config.parsed_base_url()?;
        super::install_tls();
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .read_timeout(config.request_timeout)
            .redirect(redirect_policy());
        if is_loopback(&base) {
            // A server on this computer is never reached through a proxy: the request (and its
            // key) must not leave the machine, and over plain http a proxy would see the key.
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|err| ApiError::Network(format!("the HTTP client could not start: {}", error_chain(&err))))?;
        Ok(Self {
            http,
            base,
            company_id: config.company_id.clone(),
            key,
            request_timeout: config.request_timeout,
            retry: config.retry.clone(),
            limiter: Arc::new(Limiter::new()),
            observer: None,
        })
    }

    /// Reports waits and fresh rate-limit headers to `observer` (e.g. to show "rate limited,
    /// retrying in 3 s"). It is called on the runtime's thread in the middle of a request, so
    /// it must be cheap and must not block: send to a channel or set a flag.
    #[must_use]
    pub fn with_observer(mut self, observer: Arc<dyn Fn(ClientNotice) + Send + Sync>) -> Self {
        self.observer = Some(Observer(observer));
        self
    }

    /// The `X-RateLimit-*` headers of the latest response (to this client or any clone) that
    /// carried them; `None` before the first such response.
    pub fn rate_limit(&self) -> Option<RateLimitStatus> {
        self.limiter.status()
    }

    /// The base URL in use (no credentials in it).
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// The base URL, parsed: its origin is where the key may go.
    pub(super) fn base_url_parsed(&self) -> &Url {
        &self.base
    }

    /// The key, for a request to the API's own origin.
    pub(super) fn key_secret(&self) -> &str {
        secrecy::ExposeSecret::expose_secret(self.key.secret())
    }

    /// `GET /interviews/{id}`: one interview with its raw JSON.
    ///
    /// # Errors
    /// Any [`ApiError`]; a body that is JSON but not an interview object is
    /// [`ApiError::Undecodable`].
    pub async fn get_interview(&self, id: &str) -> Result<InterviewRecord, ApiError> {
        let response = self.get_json(&["interviews", id], &[]).await?;
        let undecodable = |reason: String| ApiError::Undecodable {
            status: response.status,
            content_type: response.content_type.clone(),
            reason,
        };
        let record = InterviewRecord::from_parts(response.body.clone(), response.text.clone())
            .map_err(|err| undecodable(err.to_string()))?;
        if !record.interview.id.trim().eq_ignore_ascii_case(id.trim()) {
            return Err(undecodable(format!("the server sent interview {} when asked for {id}", record.interview.id)));
        }
        Ok(record)
    }

    /// `GET /candidates/{id}`, `/agents/{id}` or `/jobs/{id}`: the record as sent.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn get_related(&self, kind: super::related::RelatedKind, id: &str) -> Result<Value, ApiError> {
        Ok(self.get_json(&[kind.path(), id], &[]).await?.body)
    }

    /// Checks that the server answers and accepts the key, with `GET /interviews?page=1&limit=1`.
    /// A 400 (the list may demand a `candidateId`) still proves the key was accepted.
    ///
    /// # Errors
    /// Any [`ApiError`] other than a 400 rejection.
    pub async fn check_connection(&self) -> Result<(), ApiError> {
        let query = [("page", "1".to_owned()), ("limit", "1".to_owned())];
        match self.get_json(&["interviews"], &query).await {
            Ok(_) | Err(ApiError::Rejected { status: 400, .. }) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// `GET {base}/{segments...}?{query}&companyId=...` with the envelope removed.
    /// Path segments are percent-encoded, so an ID can never change the path.
    ///
    /// Resilient, following the config's [`RetryPolicy`]: it paces itself by the latest
    /// `X-RateLimit-*` headers (see [`super::rate_limit`]), retries a 429 after the server's
    /// `Retry-After`/`retryAfter`, and retries 5xx responses, dropped, reset or refused
    /// connections, bodies cut off mid-way and timeouts with jittered exponential backoff.
    /// Each wait is reported to the observer as [`ClientNotice::Waiting`].
    ///
    /// # Errors
    /// Any [`ApiError`]; after the last retry, the error of the last attempt. A used-up quota
    /// whose reset is further away than the policy allows waiting is
    /// [`ApiError::RateLimited`] without a request being sent.
    pub async fn get_json(&self, segments: &[&str], query: &[(&str, String)]) -> Result<JsonResponse, ApiError> {
        let url = self.url(segments, query)?;
        let mut budget = RetryBudget::new(&self.retry);
        let mut attempt = 0_u32;
        loop {
            self.pace(&mut budget, attempt).await?;
            attempt = attempt.saturating_add(1);
            let failure = match self.get_once(url.clone()).await {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let Some(reason) = failure.retry else { return Err(failure.error) };
            let server_wait = retry_after_of(&failure.error);
            let Some(wait) = budget.next_retry(reason, server_wait, self.limiter.random()) else {
                tracing::debug!(attempt, error = %failure.error, "giving up");
                return Err(failure.error);
            };
            tracing::debug!(attempt, ?wait, error = %failure.error, "retrying");
            self.wait(reason, wait, attempt).await;
        }
    }

    /// Waits as the latest rate-limit status asks before a send: until the reset when the
    /// quota is used up, and for the next soft-pace slot when it is nearly used up.
    ///
    /// # Errors
    /// [`ApiError::RateLimited`] when the quota wait does not fit in the budget.
    async fn pace(&self, budget: &mut RetryBudget<'_>, attempt: u32) -> Result<(), ApiError> {
        if let Some(wait) = self.limiter.exhausted_for(SystemTime::now()) {
            if !budget.take(wait) {
                return Err(ApiError::RateLimited { retry_after: Some(wait), message: Some(QUOTA_USED_UP.to_owned()) });
            }
            self.wait(WaitReason::QuotaExhausted, wait, attempt).await;
        }
        let slot = self.limiter.reserve_slot(Instant::now(), SystemTime::now()).min(budget.left());
        if !slot.is_zero() && budget.take(slot) {
            if slot >= NOTICE_THRESHOLD {
                self.notify(|| ClientNotice::Waiting { reason: WaitReason::QuotaExhausted, retry_in: slot, attempt });
            } else {
                tracing::debug!(?slot, "pacing");
            }
            tokio::time::sleep(slot).await;
        }
        Ok(())
    }

    /// Tells the observer, then sleeps for `wait`.
    async fn wait(&self, reason: WaitReason, wait: Duration, attempt: u32) {
        self.notify(|| ClientNotice::Waiting { reason, retry_in: wait, attempt });
        tokio::time::sleep(wait).await;
    }

    fn notify(&self, notice: impl FnOnce() -> ClientNotice) {
        if let Some(Observer(observer)) = &self.observer {
            observer(notice());
        }
    }

    /// One request, classified for retrying when it fails.
    async fn get_once(&self, url: Url) -> Result<JsonResponse, Failure> {
        tracing::debug!(%url, "GET");
        let response = self
            .http
            .get(url)
            .bearer_auth(secrecy::ExposeSecret::expose_secret(self.key.secret()))
            .send()
            .await
            .map_err(|err| self.transport_failure(&err))?;
        let status = response.status();
        let headers = response.headers().clone();
        self.record_rate_limit(&headers);
        let content_type = content_type_of(&headers);
        let bytes = self.read_body(response, status, &content_type).await?;
        if !status.is_success() {
            let body = serde_json::from_slice::<Value>(&bytes).ok().and_then(|v| ErrorBody::parse(&v));
            let error = error_for_status(status.as_u16(), body.as_ref(), retry_after_header(&headers));
            return Err(Failure::from_status(error));
        }
        JsonResponse::decode(&bytes, status.as_u16(), &content_type).map_err(Failure::permanent)
    }

    /// Keeps the response's `X-RateLimit-*` headers, if it had any, and reports them.
    fn record_rate_limit(&self, headers: &HeaderMap) {
        if let Some(status) = RateLimitStatus::from_headers(headers, SystemTime::now()) {
            self.notify(|| ClientNotice::Quota(status.clone()));
            self.limiter.record(status);
        }
    }

    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Result<Url, ApiError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| ApiError::InvalidRequest("The base URL cannot have a path.".to_owned()))?
            .pop_if_empty()
            .extend(segments);
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
            if let Some(company_id) = &self.company_id {
                pairs.append_pair("companyId", company_id);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(url)
    }

    async fn read_body(
        &self,
        mut response: reqwest::Response,
        status: StatusCode,
        content_type: &str,
    ) -> Result<Vec<u8>, Failure> {
        let too_large = |size: String| {
            Failure::permanent(ApiError::Undecodable {
                status: status.as_u16(),
                content_type: content_type.to_owned(),
                reason: format!("the body ({size}) is over the {} MiB limit", MAX_BODY_BYTES / (1024 * 1024)),
            })
        };
        if let Some(length) = response.content_length().filter(|&len| len > MAX_BODY_BYTES as u64) {
            return Err(too_large(format!("{length} bytes")));
        }
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                        return Err(too_large(format!("{} bytes so far", bytes.len() + chunk.len())));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(bytes),
                Err(err) if err.is_timeout() => {
                    return Err(Failure::transient(ApiError::Timeout(self.request_timeout), WaitReason::Timeout));
                }
                Err(err) => {
                    let error = ApiError::Undecodable {
                        status: status.as_u16(),
                        content_type: content_type.to_owned(),
                        reason: format!("the body stopped after {} bytes ({})", bytes.len(), error_chain(&err)),
                    };
                    return Err(Failure::transient(error, WaitReason::Network));
                }
            }
        }
    }

    fn transport_failure(&self, err: &reqwest::Error) -> Failure {
        if err.is_timeout() {
            return Failure::transient(ApiError::Timeout(self.request_timeout), WaitReason::Timeout);
        }
        let error = ApiError::Network(error_chain(err));
        if is_transient(err) { Failure::transient(error, WaitReason::Network) } else { Failure::permanent(error) }
    }
}

/// Follows at most [`MAX_REDIRECTS`] redirects, never to plain `http://` on another computer
/// (the rule [`ApiConfig::parsed_base_url`] applies to the base URL). reqwest itself drops the
/// `Authorization` header on a redirect to another host, port or scheme.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if attempt.url().scheme() == "http" && !is_loopback(attempt.url()) {
            attempt.error("refused a redirect to plain http:// on another computer")
        } else {
            attempt.follow()
        }
    })
}

/// Whether a failed send is worth retrying: a connection that was refused, reset, aborted or
/// closed (while connecting or before the answer arrived). DNS failures, TLS and certificate
/// errors, bad URLs and redirect loops are not: retrying would fail the same way.
fn is_transient(err: &reqwest::Error) -> bool {
    use std::io::ErrorKind;
    if err.is_builder() || err.is_redirect() {
        return false;
    }
    if !err.is_connect() {
        return err.is_request();
    }
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(error) = current {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::NotConnected
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof
                    | ErrorKind::TimedOut
            );
        }
        current = error.source();
    }
    false
}

/// A decoded JSON response.
#[derive(Clone, Debug)]
pub struct JsonResponse {
    /// HTTP status code (2xx).
    pub status: u16,
    /// The `Content-Type` header, or `no content type`.
    pub content_type: String,
    /// The body with any `{success, data, ...}` envelope removed.
    pub body: Value,
    /// The exact JSON text of `body` as received.
    pub text: String,
}

impl JsonResponse {
    /// Decodes the body of a successful (2xx) response exactly as [`ApiClient::get_json`]
    /// does: parses the JSON, removes any `{success, data, ...}` envelope (see
    /// [`unwrap_envelope`]) and keeps the exact text of what remains (see [`data_text`]).
    /// Public so that the decoding can be tested and fuzzed without a server.
    ///
    /// # Errors
    /// [`ApiError::Undecodable`] when the body is not JSON or is an envelope without data, and
    /// [`ApiError::Rejected`] for an envelope with `success: false`.
    pub fn decode(bytes: &[u8], status: u16, content_type: &str) -> Result<Self, ApiError> {
        let body: Value = serde_json::from_slice(bytes).map_err(|err| ApiError::Undecodable {
            status,
            content_type: content_type.to_owned(),
            reason: describe_json_error(&err, bytes.len()),
        })?;
        let text = data_text(bytes, is_envelope(&body));
        let body = unwrap_envelope(body, status, content_type)?;
        // The exact text when it can be had, else the body re-printed: never an empty text,
        // which would leave the export document without its interview.
        let text = text.unwrap_or_else(|| serde_json::to_string(&body).unwrap_or_default());
        Ok(Self { status, content_type: content_type.to_owned(), body, text })
    }
}

fn content_type_of(headers: &HeaderMap) -> String {
    headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map_or_else(|| "no content type".to_owned(), str::to_owned)
}

/// The wait a 429 asked for (see [`ApiError::RateLimited`]).
fn retry_after_of(error: &ApiError) -> Option<Duration> {
    match error {
        ApiError::RateLimited { retry_after, .. } => *retry_after,
        _ => None,
    }
}

/// `Retry-After` as delta-seconds (the HTTP-date form is rare for APIs and ignored).
fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds.min(86_400)))
}

fn describe_json_error(err: &serde_json::Error, len: usize) -> String {
    if len == 0 {
        "the body is empty".to_owned()
    } else if err.is_eof() {
        format!("the JSON ends early after {len} bytes (truncated)")
    } else {
        format!("the body is not JSON ({err})")
    }
}

/// The error and its sources, de-duplicated, e.g. `error sending request: connection refused`.
/// reqwest's messages name the URL, which never contains the key.
pub(super) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(error) = current {
        let text = error.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = error.source();
    }
    parts.join(": ")
}

pub(super) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str, company: Option<&str>) -> ApiClient {
        ApiClient::new(&ApiConfig::new(base, company), ApiKey::new("sk_test_x").unwrap()).unwrap()
    }

    #[test]
    fn urls_keep_a_path_prefix_and_append_the_company() {
        let c = client("https://api.example.com/v1/", Some("c-1"));
        assert_eq!(
            c.url(&["interviews", "abc"], &[]).unwrap().as_str(),
            "https://api.example.com/v1/interviews/abc?companyId=c-1"
        );
        let c = client("https://api.example.com", None);
        assert_eq!(
            c.url(&["interviews", "a/b?c"], &[]).unwrap().as_str(),
            "https://api.example.com/interviews/a%2Fb%3Fc"
        );
    }

    #[test]
    fn plain_http_is_only_allowed_for_this_computer() {
        for ok in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "https://api.instaview.sk/v1"] {
            assert!(ApiConfig::new(ok, None).parsed_base_url().is_ok(), "{ok}");
        }
        for bad in [
            "http://api.instaview.sk",
            "ftp://x",
            "not a url",
            "https://",
            "https://user:pass@api.instaview.sk",
            "https://api.instaview.sk/v1?x=1",
            "https://api.instaview.sk/#f",
        ] {
            assert!(matches!(ApiConfig::new(bad, None).parsed_base_url(), Err(ApiError::InvalidRequest(_))), "{bad}");
        }
    }
}
