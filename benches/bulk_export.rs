//! Bulk export under an enforced rate limit (issue 5's goal: N interviews at R requests per
//! minute take close to N / R minutes, within 5 % plus the name lookups, with no failures).
//!
//! Not a divan benchmark: one run takes N / R minutes by design. It starts the demo server
//! with `--rate-limit R` behaviour and enough generated interviews, exports all of them through
//! the library (the same code as `interview-desk export`) into a temporary folder, and prints
//! the figures. Run with `cargo bench --bench bulk_export [-- N R]` (defaults: 200 and 600).

#![expect(clippy::print_stdout, reason = "a benchmark reports its figures")]
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::time::{Duration, Instant};

use interview_desk::api::list::{InterviewQuery, MAX_PAGE_SIZE};
use interview_desk::api::{ApiClient, ApiConfig};
use interview_desk::credentials::ApiKey;
use interview_desk::demo::{DEMO_API_KEY, DemoOptions, DemoServer};
use interview_desk::export::ExportSource;
use interview_desk::export::bulk::{self, BulkOptions, BulkTarget, CancelToken};

/// Interviews the demo serves besides the generated ones.
const SAMPLE_INTERVIEWS: usize = 12;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| !arg.starts_with("--"));
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let per_minute: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(600);
    let options = DemoOptions {
        rate_limit_per_minute: Some(per_minute),
        extra_interviews: count.saturating_sub(SAMPLE_INTERVIEWS),
        ..DemoOptions::default()
    };
    let server = DemoServer::start_with(0, options).await.unwrap();
    let client = ApiClient::new(&ApiConfig::new(server.base_url(), None), ApiKey::new(DEMO_API_KEY).unwrap()).unwrap();
    let mut targets = Vec::new();
    let mut query = InterviewQuery { page: 1, limit: MAX_PAGE_SIZE, ..InterviewQuery::default() };
    loop {
        let page = client.list_interviews(&query).await.unwrap();
        targets.extend(page.items.iter().map(|record| BulkTarget::from_record(record)));
        if !page.has_next {
            break;
        }
        query.page += 1;
    }
    targets.truncate(count);
    let listed_with = server.requests_served();
    let folder = tempfile::tempdir().unwrap();
    let source = ExportSource { base_url: server.base_url().to_owned(), company_id: None };
    let started = Instant::now();
    let report =
        bulk::run(&client, folder.path(), targets, BulkOptions::default(), &source, &CancelToken::default(), &|_| {})
            .await
            .unwrap();
    let took = started.elapsed();
    let requests = server.requests_served() - listed_with;
    let lookups = requests.saturating_sub(count as u64);
    let interval = Duration::from_secs(60) / per_minute;
    let ideal = interval * u32::try_from(count).unwrap();
    let ideal_with_lookups = interval * u32::try_from(requests).unwrap();
    println!("bulk export: {count} interviews at {per_minute} requests/min");
    println!(
        "  written {}, unchanged {}, failed {}",
        report.progress.written, report.progress.unchanged, report.progress.failed
    );
    println!("  requests {requests} ({lookups} name lookups), 429 responses {}", server.requests_refused());
    println!(
        "  took {:.2} s; N/R = {:.2} s (+{:.1} %); with lookups {:.2} s (+{:.1} %)",
        took.as_secs_f64(),
        ideal.as_secs_f64(),
        (took.as_secs_f64() / ideal.as_secs_f64() - 1.0) * 100.0,
        ideal_with_lookups.as_secs_f64(),
        (took.as_secs_f64() / ideal_with_lookups.as_secs_f64() - 1.0) * 100.0,
    );
}
