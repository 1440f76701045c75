//! The embedded demo server: an Instaview-compatible HTTP API on loopback, serving
//! realistic sample data from `assets/demo/`.
//!
//! It mimics the quirks of the real API that the client must tolerate (see
//! `INSTAVIEW-API.md`): the same routes at the root and under `/v1`, single objects served
//! both wrapped in the `{success, data, error, timestamp}` envelope and bare, two list
//! shapes, two error shapes (envelope and NestJS style), `X-RateLimit-*` headers on every
//! response, and transcripts in several undocumented shapes.

mod data;
pub mod faults;
mod long_transcript;
mod media;
mod middleware;
mod pdf;
mod responses;
mod routes;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::sync::oneshot;

/// The Bearer token the demo server accepts (`Authorization: Bearer <DEMO_API_KEY>`).
pub const DEMO_API_KEY: &str = "sk_test_demo_2f8c1e7a9b4d6f03a5c7e9b1d3f5a7c9";

/// ID of the completed phone interview (English, two call attempts: one FAILED
/// NO_ANSWER, one COMPLETED with `recordingUrl`; full analysis). Served wrapped.
pub const DEMO_PHONE_INTERVIEW_ID: &str = "3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10";

/// ID of the two-hour online interview whose transcript has 2,400 turns (at least 2,000),
/// shaped `[{"from":"interviewer"|"candidate","utterance":…,"time":<integer ms>}]`.
pub const DEMO_LONG_INTERVIEW_ID: &str = "42c8bfbc-24ae-40d0-b632-706f46cd8c0b";

/// Every interview ID the demo serves, in list order (the order of `GET /interviews`).
///
/// Empty only if the bundled assets failed to parse (which is logged as an error).
pub fn demo_interview_ids() -> Vec<String> {
    data::demo_data()
        .interviews
        .iter()
        .filter_map(|interview| data::str_field(interview, "id"))
        .map(str::to_owned)
        .collect()
}

/// Options for the demo server.
#[derive(Clone, Debug, Default)]
pub struct DemoOptions {
    /// Artificial delay before every response, for UI spinner tests. Zero means none.
    pub delay: Duration,
    /// Refuse `GET /interviews` without `candidateId` (400), as the docs say the real API may.
    pub require_candidate_filter: bool,
    /// Enforce this many requests per minute, spread evenly: one request every `60 / R`
    /// seconds with a burst of `R / 60` (at least 1); the excess gets a 429 with `Retry-After`.
    /// `X-RateLimit-Limit-Minute` then announces `R`. `None`: nothing is refused.
    pub rate_limit_per_minute: Option<u32>,
    /// Serve this many generated completed interviews besides the sample ones (for bulk
    /// export): copies of the phone interview with IDs from [`generated_interview_id`].
    pub extra_interviews: usize,
}

/// The ID of generated interview `index` (0-based) of [`DemoOptions::extra_interviews`]:
/// `b0000000-0000-4000-8000-<index as 12 hex digits>`.
pub fn generated_interview_id(index: usize) -> String {
    format!("b0000000-0000-4000-8000-{index:012x}")
}

/// The router serving the whole demo API (every route at the root and under `/v1`, with
/// auth, rate-limit headers and the optional delay), for tests that mount it themselves.
///
/// Each call creates its own rate-limit counters.
pub fn router(options: DemoOptions) -> axum::Router {
    let counters = middleware::RateCounters::new(options.rate_limit_per_minute);
    routes::build(options, counters, None)
}

/// A running demo server on `127.0.0.1`. Serving stops when it is shut down or dropped.
pub struct DemoServer {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    base_url: String,

    /// Fires the graceful shutdown of the serving task; `None` once sent.
    shutdown: Option<oneshot::Sender<()>>,

    /// The rate-limit counters, for [`DemoServer::requests_refused`].
    counters: middleware::RateCounters,

    /// `http://127.0.0.1:<port>` of the server of the call recordings (another port).
    media_base_url: String,

    /// Fires the shutdown of the recordings server.
    media_shutdown: Option<oneshot::Sender<()>>,
}

impl DemoServer {
    /// Binds `127.0.0.1:port` (`0` picks a free port) and serves with default options in a
    /// task spawned on the current tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(port: u16) -> std::io::Result<Self> {
        Self::start_with(port, DemoOptions::default()).await
    }

    /// Like [`DemoServer::start`], but with [`DemoOptions`].
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start_with(port: u16, options: DemoOptions) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
        let addr = listener.local_addr()?;
        let media_listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let media_addr = media_listener.local_addr()?;
        let media_base_url = format!("http://{media_addr}");
        let (media_tx, media_rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(media_listener, media::router())
                .with_graceful_shutdown(async move {
                    media_rx.await.ok();
                })
                .await;
            if let Err(err) = served {
                tracing::error!(%media_addr, "demo recordings server failed: {err:#}");
            }
        });
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let counters = middleware::RateCounters::new(options.rate_limit_per_minute);
        let app = routes::build(options, counters.clone(), Some(media_base_url.clone().into()));
        tokio::spawn(async move {
            let result = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // A dropped sender also means "stop".
                    shutdown_rx.await.ok();
                })
                .await;
            match result {
                Ok(()) => tracing::debug!(%addr, "demo server stopped"),
                Err(err) => tracing::error!(%addr, "demo server failed: {err:#}"),
            }
        });
        tracing::info!(%addr, "demo server listening");
        Ok(Self {
            base_url: format!("http://{addr}"),
            shutdown: Some(shutdown_tx),
            counters,
            media_base_url,
            media_shutdown: Some(media_tx),
        })
    }

    /// The server's base URL, e.g. `http://127.0.0.1:43127` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL of the call recordings' server, e.g. `http://127.0.0.1:43128`: another
    /// origin than [`Self::base_url`], as a real CDN is.
    pub fn media_base_url(&self) -> &str {
        &self.media_base_url
    }

    /// How many requests the enforced rate limit refused with 429 so far (always 0 without
    /// [`DemoOptions::rate_limit_per_minute`]; fault IDs are not counted).
    pub fn requests_refused(&self) -> u64 {
        self.counters.refused()
    }

    /// How many requests carried the demo key in their URL (path or query) so far: the key
    /// belongs in the `Authorization` header only.
    pub fn requests_with_key_in_url(&self) -> u64 {
        self.counters.key_in_url()
    }

    /// How many requests were admitted so far.
    pub fn requests_served(&self) -> u64 {
        self.counters.served()
    }

    /// Stops serving (graceful shutdown: open requests finish). Dropping does the same.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        // An error only means the serving task has already ended.
        if let Some(shutdown) = self.shutdown.take() {
            shutdown.send(()).ok();
        }
        if let Some(shutdown) = self.media_shutdown.take() {
            shutdown.send(()).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use base64::Engine as _;
    use serde_json::Value;

    use super::*;

    /// A started server and a client.
    async fn server() -> (DemoServer, reqwest::Client) {
        crate::api::install_tls();
        (DemoServer::start(0).await.unwrap(), reqwest::Client::new())
    }

    /// GET `path` with the demo key; returns status, headers and the body text.
    async fn get(
        server: &DemoServer,
        client: &reqwest::Client,
        path: &str,
    ) -> (u16, reqwest::header::HeaderMap, String) {
        let response =
            client.get(format!("{}{path}", server.base_url())).bearer_auth(DEMO_API_KEY).send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.unwrap())
    }

    /// GET `path` with the demo key and parse the body as JSON.
    async fn get_json(server: &DemoServer, client: &reqwest::Client, path: &str) -> (u16, Value) {
        let (status, _, body) = get(server, client, path).await;
        (status, serde_json::from_str(&body).unwrap())
    }

    fn ids_of(items: &Value) -> Vec<String> {
        items.as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
    }

    #[tokio::test]
    async fn phone_interview_is_wrapped_and_lossless() {
        let (server, client) = server().await;
        let (status, headers, body) = get(&server, &client, &format!("/interviews/{DEMO_PHONE_INTERVIEW_ID}")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/json");
        assert!(body.contains("0.1000000000000000055511151231257827"), "exact float text");
        assert!(body.contains("18446744073709551615"), "exact u64 text");
        let json: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["success"], true);
        assert!(json["error"].is_null());
        assert!(json["timestamp"].as_str().unwrap().ends_with('Z'));
        let interview = &json["data"];
        assert_eq!(interview["id"], DEMO_PHONE_INTERVIEW_ID);
        assert_eq!(interview["analysis"]["general"]["overallRating"], 78);
        let attempts = interview["callAttempts"].as_array().unwrap();
        assert_eq!(attempts[0]["reasonCode"], "NO_ANSWER");
        assert!(attempts[1]["recordingUrl"].is_string());
        let keys: Vec<&String> = interview.as_object().unwrap().keys().collect();
        assert_eq!(keys[0], "id");
        assert_eq!(keys[1], "candidateId");
    }

    #[tokio::test]
    async fn some_interviews_are_bare() {
        let (server, client) = server().await;
        let id = "91d0b6f4-3a2c-4e7d-8b15-c6a9e2f04d38";
        let (status, json) = get_json(&server, &client, &format!("/interviews/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(json["id"], id);
        assert_eq!(json["status"], "SCHEDULED");
        assert!(json.get("success").is_none());
    }

    #[tokio::test]
    async fn missing_or_wrong_key_is_401_without_echo() {
        let (server, client) = server().await;
        let url = format!("{}/interviews/{DEMO_PHONE_INTERVIEW_ID}", server.base_url());
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401);
        assert!(response.headers().contains_key("x-ratelimit-remaining-minute"));
        let json: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(json["success"], false);
        assert!(json["data"].is_null());
        assert_eq!(json["error"]["code"], "INVALID_API_KEY");
        assert_eq!(json["error"]["message"], "Invalid or missing API key");

        let wrong = "sk_test_not_the_demo_key_0123456789abcdef";
        let response = client.get(&url).bearer_auth(wrong).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401);
        assert!(!response.text().await.unwrap().contains(wrong));
    }

    #[tokio::test]
    async fn unknown_and_malformed_ids() {
        let (server, client) = server().await;
        let unknown = "00000000-1111-4222-8333-444444444444";
        let (status, json) = get_json(&server, &client, &format!("/interviews/{unknown}")).await;
        assert_eq!(status, 404);
        assert_eq!(
            json,
            serde_json::json!({"statusCode": 404, "message": format!("Interview {unknown} not found"), "error": "Not Found"})
        );

        let (status, json) = get_json(&server, &client, "/interviews/not-a-uuid").await;
        assert_eq!(status, 400);
        assert_eq!(json["statusCode"], 400);
        assert_eq!(json["error"], "Bad Request");
        assert_eq!(json["message"][0], "id must be a UUID");

        let (status, json) = get_json(&server, &client, "/v1/nope?companyId=x").await;
        assert_eq!(status, 404);
        assert_eq!(json["message"], "Cannot GET /v1/nope");

        let url = format!("{}/interviews", server.base_url());
        let response = client.post(url).bearer_auth(DEMO_API_KEY).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404);
        let json: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(json["message"], "Cannot POST /interviews");
    }

    #[tokio::test]
    async fn v1_prefix_and_company_id_work() {
        let (server, client) = server().await;
        let company = "6a1f3c9e-2b7d-4e85-9c04-8d2e6f1b3a57";
        let (status, json) =
            get_json(&server, &client, &format!("/v1/interviews/{DEMO_PHONE_INTERVIEW_ID}?companyId={company}")).await;
        assert_eq!(status, 200);
        assert_eq!(json["data"]["id"], DEMO_PHONE_INTERVIEW_ID);
        let (status, json) = get_json(&server, &client, &format!("/v1/interviews?companyId={company}")).await;
        assert_eq!(status, 200);
        assert_eq!(json["total"], 13);
    }

    #[tokio::test]
    async fn long_interview_has_2000_turns() {
        let (server, client) = server().await;
        let (status, json) = get_json(&server, &client, &format!("/interviews/{DEMO_LONG_INTERVIEW_ID}")).await;
        assert_eq!(status, 200);
        assert_eq!(json["data"]["durationMinutes"], 120);
        assert!(json["data"]["transcript"].as_array().unwrap().len() >= 2000);
    }

    #[tokio::test]
    async fn analysis_pdf_is_a_pdf() {
        let (server, client) = server().await;
        let (status, json) =
            get_json(&server, &client, &format!("/interviews/{DEMO_PHONE_INTERVIEW_ID}/analysis-pdf")).await;
        assert_eq!(status, 200);
        let encoded = json["data"]["analysisPdfBase64"].as_str().unwrap();
        let pdf = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert!(pdf.ends_with(b"%%EOF"));

        let scheduled = "91d0b6f4-3a2c-4e7d-8b15-c6a9e2f04d38";
        let (status, json) = get_json(&server, &client, &format!("/interviews/{scheduled}/analysis-pdf")).await;
        assert_eq!(status, 404);
        assert_eq!(json["error"]["code"], "RESOURCE_NOT_FOUND");
        assert_eq!(json["error"]["message"], "Analysis not available yet");

        let unknown = "00000000-1111-4222-8333-444444444444";
        let (status, json) = get_json(&server, &client, &format!("/interviews/{unknown}/analysis-pdf")).await;
        assert_eq!(status, 404);
        assert_eq!(json["statusCode"], 404);
    }

    #[tokio::test]
    async fn interview_list_pages_and_filters() {
        let (server, client) = server().await;
        let all = demo_interview_ids();
        assert_eq!(all.len(), 13);
        let (status, json) = get_json(&server, &client, "/interviews?limit=5&page=2").await;
        assert_eq!(status, 200);
        assert_eq!(
            (json["total"].as_u64(), json["page"].as_u64(), json["limit"].as_u64(), json["totalPages"].as_u64()),
            (Some(13), Some(2), Some(5), Some(3))
        );
        assert_eq!(ids_of(&json["data"]), all[5..10]);

        let (_, json) = get_json(&server, &client, "/interviews?status=CANCELLED").await;
        assert_eq!(ids_of(&json["data"]), ["00280a81-4535-4d9f-898f-86a61f078564"]);
        let (_, json) =
            get_json(&server, &client, "/interviews?candidateId=a2d94b77-1c3e-4f58-b6a0-7e21c9d4f3b8").await;
        assert_eq!(json["total"], 2);

        let (status, json) = get_json(&server, &client, "/interviews?limit=101").await;
        assert_eq!(status, 400);
        assert_eq!(json["message"][0], "limit must not be greater than 100");
        let (status, _) = get_json(&server, &client, "/interviews?page=0").await;
        assert_eq!(status, 400);
    }

    #[tokio::test]
    async fn candidates_search_list_and_lookup() {
        let (server, client) = server().await;
        let (status, json) = get_json(&server, &client, "/candidates?search=%C5%A0%C5%A4ASTN").await;
        assert_eq!(status, 200);
        assert_eq!(json["success"], true);
        let items = &json["data"]["items"];
        assert_eq!(items.as_array().unwrap().len(), 1);
        assert_eq!(items[0]["lastName"], "Šťastná");
        assert_eq!(json["data"]["pagination"]["hasNextPage"], false);

        let (_, json) = get_json(&server, &client, "/candidates?search=EXAMPLE.ORG").await;
        assert_eq!(json["data"]["pagination"]["total"], 2);
        let (_, json) = get_json(&server, &client, "/candidates?limit=3&page=2").await;
        let pagination = &json["data"]["pagination"];
        assert_eq!(
            (
                pagination["totalPages"].as_u64(),
                pagination["hasNextPage"].as_bool(),
                pagination["hasPreviousPage"].as_bool()
            ),
            (Some(4), Some(true), Some(true))
        );

        let (status, json) = get_json(&server, &client, "/candidates/a2d94b77-1c3e-4f58-b6a0-7e21c9d4f3b8").await;
        assert_eq!(status, 200);
        assert_eq!(json["firstName"], "Oliver");
        let unknown = "00000000-1111-4222-8333-444444444444";
        let (status, json) = get_json(&server, &client, &format!("/candidates/{unknown}")).await;
        assert_eq!(status, 404);
        assert_eq!(json["error"]["code"], "RESOURCE_NOT_FOUND");
        assert_eq!(json["error"]["details"]["resourceType"], "Candidate");
        assert_eq!(json["error"]["details"]["resourceId"], unknown);
    }

    #[tokio::test]
    async fn agents_and_jobs_are_bare() {
        let (server, client) = server().await;
        let (status, json) = get_json(&server, &client, "/agents/5bdc296d-67fd-433e-81df-1a1778545a42").await;
        assert_eq!(status, 200);
        assert_eq!(json["cefrLevel"], "B2");
        let (status, json) = get_json(&server, &client, "/v1/jobs/7b1f0d3a-2e4c-4a9b-8c6d-1f2e3a4b5c6d").await;
        assert_eq!(status, 200);
        assert_eq!(json["title"], "Backend Engineer (Rust)");
    }

    #[tokio::test]
    async fn rate_limit_headers_count_down() {
        let (server, client) = server().await;
        let (_, first, _) = get(&server, &client, "/interviews").await;
        let (_, second, _) = get(&server, &client, "/nope").await;
        let number = |headers: &reqwest::header::HeaderMap, name: &str| -> i64 {
            headers[name].to_str().unwrap().parse().unwrap()
        };
        assert_eq!(number(&first, "x-ratelimit-limit-minute"), 600);
        assert_eq!(number(&first, "x-ratelimit-limit-hour"), 30_000);
        assert!(number(&second, "x-ratelimit-reset-hour") > 1_700_000_000);
        let (first_remaining, second_remaining) =
            (number(&first, "x-ratelimit-remaining-hour"), number(&second, "x-ratelimit-remaining-hour"));
        assert_eq!(first_remaining - 1, second_remaining);
        assert!(number(&second, "x-ratelimit-reset-minute") > number(&second, "x-ratelimit-reset-hour") - 3_600);
    }

    #[tokio::test]
    async fn delay_option_delays() {
        let delay = Duration::from_millis(150);
        let server = DemoServer::start_with(0, DemoOptions { delay, ..DemoOptions::default() }).await.unwrap();
        let started = Instant::now();
        crate::api::install_tls();
        let (status, _, _) = get(&server, &reqwest::Client::new(), "/interviews").await;
        assert_eq!(status, 200);
        assert!(started.elapsed() >= delay);
    }

    #[tokio::test]
    async fn shutdown_stops_serving() {
        let (server, client) = server().await;
        let url = format!("{}/interviews", server.base_url());
        assert!(server.base_url().starts_with("http://127.0.0.1:"));
        assert!(!server.base_url().ends_with('/'));
        server.shutdown();
        let mut refused = false;
        for _ in 0..50 {
            crate::api::install_tls();
            let fresh = reqwest::Client::new();
            if fresh.get(&url).bearer_auth(DEMO_API_KEY).send().await.is_err() {
                refused = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        drop(client);
        assert!(refused, "server still answering after shutdown");
    }
}
