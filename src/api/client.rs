//! The async HTTP client for the Instaview API (reqwest on the worker's tokio runtime).

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use super::envelope::{ErrorBody, data_text, error_for_status, is_envelope, unwrap_envelope};
use super::{ApiError, InterviewRecord};
use crate::credentials::ApiKey;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.instaview.sk";

/// Bodies larger than this are refused instead of being read into memory (64 MiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// `User-Agent` sent with every request: the app's name and version.
pub const USER_AGENT: &str = concat!("interview-desk/", env!("CARGO_PKG_VERSION"));

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
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            company_id: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(45),
        }
    }
}

impl ApiConfig {
    /// A config for `base_url` with the default timeouts and an optional company ID
    /// (blank means none).
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
        let invalid = |why: &str| ApiError::InvalidRequest(format!("The base URL {:?} {why}.", self.base_url));
        let mut url = Url::parse(self.base_url.trim()).map_err(|_| invalid("is not a valid URL"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(invalid("uses http://; the API key must only be sent over https://")),
            _ => return Err(invalid("must start with https://")),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("has no host name"));
        }
        url.set_query(None);
        url.set_fragment(None);
        Ok(url)
    }
}

/// A client bound to one base URL and key. Cheap to clone (the connection pool is shared).
#[derive(Clone, Debug)]
pub struct ApiClient {
    http: reqwest::Client,
    base: Url,
    company_id: Option<String>,
    key: ApiKey,
    request_timeout: Duration,
}

impl ApiClient {
    /// Builds a client. Does no I/O.
    ///
    /// # Errors
    /// [`ApiError::InvalidRequest`] for a bad base URL (see [`ApiConfig::parsed_base_url`]),
    /// [`ApiError::Network`] when the TLS backend cannot be set up.
    pub fn new(config: &ApiConfig, key: ApiKey) -> Result<Self, ApiError> {
        let base = config.parsed_base_url()?;
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .read_timeout(config.request_timeout)
            .build()
            .map_err(|err| ApiError::Network(format!("the HTTP client could not start: {}", error_chain(&err))))?;
        Ok(Self { http, base, company_id: config.company_id.clone(), key, request_timeout: config.request_timeout })
    }

    /// The base URL in use (no credentials in it).
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// `GET /interviews/{id}`: one interview with its raw JSON.
    ///
    /// # Errors
    /// Any [`ApiError`]; a body that is JSON but not an interview object is
    /// [`ApiError::Undecodable`].
    pub async fn get_interview(&self, id: &str) -> Result<InterviewRecord, ApiError> {
        let response = self.get_json(&["interviews", id], &[]).await?;
        InterviewRecord::from_parts(response.body, response.text).map_err(|reason| ApiError::Undecodable {
            status: response.status,
            content_type: response.content_type,
            reason,
        })
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
    /// # Errors
    /// Any [`ApiError`].
    pub async fn get_json(&self, segments: &[&str], query: &[(&str, String)]) -> Result<JsonResponse, ApiError> {
        let url = self.url(segments, query)?;
        tracing::debug!(%url, "GET");
        let response = self
            .http
            .get(url)
            .bearer_auth(secrecy::ExposeSecret::expose_secret(self.key.secret()))
            .send()
            .await
            .map_err(|err| self.transport_error(&err))?;
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = content_type_of(&headers);
        let bytes = self.read_body(response, status, &content_type).await?;
        let parsed: Result<Value, _> = serde_json::from_slice(&bytes);
        if !status.is_success() {
            let body = parsed.ok().and_then(|v| ErrorBody::parse(&v));
            return Err(error_for_status(status.as_u16(), body.as_ref(), retry_after_header(&headers)));
        }
        let body = parsed.map_err(|err| ApiError::Undecodable {
            status: status.as_u16(),
            content_type: content_type.clone(),
            reason: describe_json_error(&err, bytes.len()),
        })?;
        let text = data_text(&bytes, is_envelope(&body)).unwrap_or_default();
        let body = unwrap_envelope(body, status.as_u16(), &content_type)?;
        Ok(JsonResponse { status: status.as_u16(), content_type, body, text })
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
    ) -> Result<Vec<u8>, ApiError> {
        let too_large = |size: String| ApiError::Undecodable {
            status: status.as_u16(),
            content_type: content_type.to_owned(),
            reason: format!("the body is {size}, more than the {} MiB limit", MAX_BODY_BYTES / (1024 * 1024)),
        };
        if let Some(length) = response.content_length().filter(|&len| len > MAX_BODY_BYTES as u64) {
            return Err(too_large(format!("{length} bytes")));
        }
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                        return Err(too_large("larger".to_owned()));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(bytes),
                Err(err) if err.is_timeout() => return Err(ApiError::Timeout(self.request_timeout)),
                Err(err) => {
                    return Err(ApiError::Undecodable {
                        status: status.as_u16(),
                        content_type: content_type.to_owned(),
                        reason: format!("the body stopped after {} bytes ({})", bytes.len(), error_chain(&err)),
                    });
                }
            }
        }
    }

    fn transport_error(&self, err: &reqwest::Error) -> ApiError {
        if err.is_timeout() { ApiError::Timeout(self.request_timeout) } else { ApiError::Network(error_chain(err)) }
    }
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

fn content_type_of(headers: &HeaderMap) -> String {
    headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map_or_else(|| "no content type".to_owned(), str::to_owned)
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
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
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

fn is_loopback(url: &Url) -> bool {
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
        for bad in ["http://api.instaview.sk", "ftp://x", "not a url", "https://"] {
            assert!(matches!(ApiConfig::new(bad, None).parsed_base_url(), Err(ApiError::InvalidRequest(_))), "{bad}");
        }
    }
}
