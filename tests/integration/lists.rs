//! Paged lists in both documented shapes across several pages, one bad item among good ones,
//! and the analysis PDF, against a real local HTTP server.

use crate::common;

use common::{Reply, TestServer};
use interview_desk::api::list::InterviewQuery;
use interview_desk::api::{ApiClient, ApiConfig};
use interview_desk::credentials::ApiKey;

fn item(n: u32) -> String {
    format!(r#"{{"id":"00000000-0000-4000-8000-{n:012}","status":"COMPLETED"}}"#)
}

/// Page `page` of 3 (two items each) in the flat or the wrapped shape.
fn page_body(page: u32, wrapped: bool) -> String {
    let items = format!("{},{}", item(page * 10 + 1), item(page * 10 + 2));
    if wrapped {
        format!(
            r#"{{"success":true,"data":{{"items":[{items}],"pagination":{{"total":6,"page":{page},"limit":2,"totalPages":3,"hasNextPage":{},"hasPreviousPage":{}}}}},"error":null,"timestamp":"2026-01-01T00:00:00Z"}}"#,
            page < 3,
            page > 1
        )
    } else {
        format!(r#"{{"data":[{items}],"total":6,"page":{page},"limit":2,"totalPages":3}}"#)
    }
}

fn page_of(request_line: &str) -> u32 {
    request_line.split(['?', '&', ' ']).find_map(|p| p.strip_prefix("page=")).and_then(|p| p.parse().ok()).unwrap_or(1)
}

#[tokio::test]
async fn three_pages_in_both_list_shapes() {
    for wrapped in [false, true] {
        let server = TestServer::start(move |line| Reply::json(200, page_body(page_of(line), wrapped))).await;
        let client =
            ApiClient::new(&ApiConfig::new(&server.base_url, None), ApiKey::new("sk_test_x").unwrap()).unwrap();
        let mut query = InterviewQuery { page: 1, limit: 2, ..Default::default() };
        let mut ids = Vec::new();
        loop {
            let page = client.list_interviews(&query).await.unwrap();
            ids.extend(page.items.iter().map(|r| r.interview.id.clone()));
            assert_eq!(page.total, Some(6));
            if !page.has_next {
                break;
            }
            query.page += 1;
        }
        assert_eq!(ids.len(), 6, "wrapped: {wrapped}");
        assert_eq!(server.requests().len(), 3, "stops after the last page (wrapped: {wrapped})");
    }
}

#[tokio::test]
async fn one_bad_item_is_reported_and_the_rest_show() {
    let body = format!(
        r#"{{"data":[{},{{"status":"COMPLETED"}},"junk",{}],"total":4,"page":1,"limit":20,"totalPages":1}}"#,
        item(1),
        item(2)
    );
    let server = TestServer::start(move |_| Reply::json(200, body.clone())).await;
    let client = ApiClient::new(&ApiConfig::new(&server.base_url, None), ApiKey::new("sk_test_x").unwrap()).unwrap();
    let page = client.list_interviews(&InterviewQuery { page: 1, limit: 20, ..Default::default() }).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.problems.len(), 2, "{:?}", page.problems);
    assert!(page.problems[0].contains("item 2"), "{:?}", page.problems);
}

#[tokio::test]
async fn the_analysis_pdf_is_decoded_and_a_404_means_none_yet() {
    let server = TestServer::start(|line| {
        if line.contains("/missing/") {
            Reply::json(404, r#"{"statusCode":404,"message":"Analysis not found","error":"Not Found"}"#)
        } else if line.contains("/broken/") {
            Reply::json(200, r#"{"analysisPdfBase64":"%%%not base64"}"#)
        } else {
            Reply::json(200, r#"{"success":true,"data":{"analysisPdfBase64":"JVBERi0xLjQKJSVFT0YK"},"error":null}"#)
        }
    })
    .await;
    let client = ApiClient::new(&ApiConfig::new(&server.base_url, None), ApiKey::new("sk_test_x").unwrap()).unwrap();
    let pdf = client.get_analysis_pdf("present").await.unwrap().unwrap();
    assert!(pdf.starts_with(b"%PDF-1.4"));
    assert_eq!(client.get_analysis_pdf("missing").await.unwrap(), None);
    assert!(client.get_analysis_pdf("broken").await.is_err());
}
