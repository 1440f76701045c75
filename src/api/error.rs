//! The typed error of every API call, with messages a recruiter understands.

use std::time::Duration;

/// What went wrong with one API request.
///
/// `Display` is one sentence a recruiter can act on; [`ApiError::hint`] adds what to do.
/// No variant ever carries the API key: messages come from the server's error body,
/// the HTTP status and the transport, never from request headers.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The base URL, interview ID or key cannot be used to build a request.
    #[error("{0}")]
    InvalidRequest(String),

    /// HTTP 401: the key is missing, invalid, revoked, expired or suspended.
    #[error("The API key was not accepted (401){}", detail(.message))]
    Unauthorized {
        /// The server's message (`error.message` or `message`), if it sent one; for a
        /// suspended key it ends with the reason from `error.details.reason`.
        message: Option<String>,
        /// `error.code`, e.g. `INVALID_API_KEY` or `API_KEY_SUSPENDED`.
        code: Option<String>,
    },

    /// HTTP 403: the key lacks a scope, or the resource belongs to another company.
    #[error("Access denied (403){}", detail(.message))]
    Forbidden {
        /// The server's message, if it sent one.
        message: Option<String>,
    },

    /// HTTP 404: the resource does not exist or was deleted.
    #[error("Not found (404){}", detail(.message))]
    NotFound {
        /// The server's message, if it sent one.
        message: Option<String>,
    },

    /// HTTP 429: too many requests.
    #[error("Rate limited by the server (429){}", retry_text(.retry_after))]
    RateLimited {
        /// How long the server asks us to wait: the larger of the `Retry-After` header and
        /// the body's `retryAfter` (both in seconds), if either was given.
        retry_after: Option<Duration>,
        /// The server's message, if it sent one.
        message: Option<String>,
    },

    /// HTTP 5xx: the server failed.
    #[error("The server had a problem (HTTP {status}){}", detail(.message))]
    Server {
        /// The HTTP status code (500–599).
        status: u16,
        /// The server's message, if it sent one.
        message: Option<String>,
    },

    /// Any other HTTP error status (400, 409, 422, ...).
    #[error("The server refused the request (HTTP {status}){}", detail(.message))]
    Rejected {
        /// The HTTP status code.
        status: u16,
        /// The server's message, if it sent one.
        message: Option<String>,
    },

    /// The server could not be reached: DNS, refused connection, TLS or a reset.
    #[error("Could not reach the server: {0}")]
    Network(String),

    /// The server did not answer in time (connect or whole-request timeout).
    #[error("The server did not answer within {} s", .0.as_secs())]
    Timeout(Duration),

    /// The response arrived but is not what the API sends: not JSON, truncated, too large,
    /// or JSON of an unexpected shape.
    #[error("The server's answer could not be read (HTTP {status}, {content_type}): {reason}")]
    Undecodable {
        /// The HTTP status code.
        status: u16,
        /// The `Content-Type` header, or `no content type`.
        content_type: String,
        /// What exactly was wrong.
        reason: String,
    },
}

impl ApiError {
    /// One sentence on what the user can do about this error.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "Check the connection settings and the interview ID.",
            Self::Unauthorized { code: Some(code), .. } if code == "API_KEY_SUSPENDED" => {
                "The key is suspended: ask your Instaview administrator to reactivate it, or use \
                 another key under Connection."
            }
            Self::Unauthorized { .. } => {
                "Check the API key under Connection; it may have been revoked or have expired."
            }
            Self::Forbidden { message: Some(message) } if message.to_ascii_lowercase().contains("scope") => {
                "The key lacks a permission (scope) it needs; ask your Instaview administrator for \
                 a key with read:interviews, read:candidates, read:agents and read:jobs."
            }
            Self::Forbidden { .. } => {
                "The interview may belong to another company: with an ATS key, set that company's \
                 ID under Connection."
            }
            Self::Rejected { message: Some(message), .. } if message.contains("companyId") => {
                "This key needs a company ID: set it under Connection (ATS integration keys)."
            }
            Self::NotFound { .. } => {
                "Check the interview ID; the interview may have been deleted or belong to \
                 another company."
            }
            Self::RateLimited { .. } => "Wait a moment, then try again.",
            Self::Server { .. } => "This is on the server's side; try again in a minute.",
            Self::Rejected { .. } => "Check the request; the server's message says what it expects.",
            Self::Network(_) => "Check the internet connection, the base URL and any proxy (HTTPS_PROXY).",
            Self::Timeout(_) => "The server or the network is slow; try again.",
            Self::Undecodable { .. } => {
                "The base URL may point at something other than the Instaview API (a proxy or \
                 a web page)."
            }
        }
    }

    /// The message and what to do, as one line: `Not found (404): …. Check the interview ID; …`
    pub fn with_hint(&self) -> String {
        format!("{}. {}", self.to_string().trim_end_matches('.'), self.hint())
    }

    /// The command-line exit code documented in README: 3 unauthorised, 4 forbidden,
    /// 5 not found, 6 rate limited, 7 network/timeout/server, 8 undecodable, 2 for a request
    /// that could not be built (a usage error).
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::InvalidRequest(_) => 2,
            Self::Unauthorized { .. } => 3,
            Self::Forbidden { .. } => 4,
            Self::NotFound { .. } => 5,
            Self::RateLimited { .. } => 6,
            Self::Server { .. } | Self::Network(_) | Self::Timeout(_) | Self::Rejected { .. } => 7,
            Self::Undecodable { .. } => 8,
        }
    }
}

fn detail(message: &Option<String>) -> String {
    match message.as_deref().map(str::trim) {
        Some(message) if !message.is_empty() => format!(": {message}"),
        _ => String::new(),
    }
}

fn retry_text(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!("; retry in {} s", wait.as_secs().max(1)),
        None => String::new(),
    }
}
