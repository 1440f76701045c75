//! Paged lists (`GET /interviews`, `GET /candidates`) in both documented shapes, and the
//! analysis PDF.
//!
//! List shapes (API doc section 2):
//! - flat: `{"data": [...], "total", "page", "limit", "totalPages"}`;
//! - wrapped: `{"success": true, "data": {"items": [...], "pagination": {"total", "page",
//!   "limit", "totalPages", "hasNextPage", "hasPreviousPage"}}}` (the envelope is already
//!   removed by the client, leaving `{"items", "pagination"}`);
//! - a bare array, as a last resort.
//!
//! Items are decoded one by one: a bad item is reported in [`Page::problems`] and the rest
//! are kept.

use std::sync::Arc;

use base64::Engine as _;
use serde_json::{Map, Value};

use super::{ApiClient, ApiError, InterviewRecord};

/// Most items the API returns per page (`limit` range 1–100).
pub const MAX_PAGE_SIZE: u32 = 100;

/// Filters and paging for `GET /interviews`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InterviewQuery {
    /// 1-based page number (`page`).
    pub page: u32,
    /// Items per page (`limit`, 1–100).
    pub limit: u32,
    /// `status` filter, e.g. `COMPLETED`.
    pub status: Option<String>,
    /// `candidateId` filter (UUID).
    pub candidate_id: Option<String>,
    /// `agentId` filter (UUID).
    pub agent_id: Option<String>,
}

impl InterviewQuery {
    /// The query parameters, page and limit clamped to the documented ranges.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![
            ("page", self.page.clamp(1, 10_000).to_string()),
            ("limit", self.limit.clamp(1, MAX_PAGE_SIZE).to_string()),
        ];
        params.extend(self.status.clone().map(|s| ("status", s)));
        params.extend(self.candidate_id.clone().map(|c| ("candidateId", c)));
        params.extend(self.agent_id.clone().map(|a| ("agentId", a)));
        params
    }
}

/// One page of a list.
#[derive(Clone, Debug, Default)]
pub struct Page<T> {
    /// The items that could be read, in server order.
    pub items: Vec<T>,
    /// The page number the server says this is (1-based).
    pub page: u32,
    /// Total number of items, if the server said.
    pub total: Option<u64>,
    /// Whether another page follows: from `hasNextPage`, else `page < totalPages`, else
    /// whether this page was full.
    pub has_next: bool,
    /// Items that could not be read, one message each (the item's position and why).
    pub problems: Vec<String>,
}

/// Why a list response has no list in it. `Display` is the reason, for
/// [`ApiError::Undecodable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ListShapeError {
    /// The body is an object but has neither an `items` array nor a `data` array or object.
    #[error("the list response has no items")]
    NoItems,
    /// The body is neither an object nor an array (a string, a number, `null`).
    #[error("the list response is not an object")]
    NotAnObject,
}

/// The items and paging fields of a list body, whichever shape it has.
///
/// # Errors
/// [`ListShapeError`] when the body has no list at all.
pub fn split_page(body: &Value, requested_page: u32, limit: u32) -> Result<Page<Value>, ListShapeError> {
    let (items, paging) = match body {
        Value::Array(items) => (items.clone(), Map::new()),
        Value::Object(object) => match (object.get("items"), object.get("data")) {
            (Some(Value::Array(items)), _) => (items.clone(), paging_of(object.get("pagination").unwrap_or(body))),
            (_, Some(Value::Array(items))) => (items.clone(), paging_of(body)),
            (_, Some(inner @ Value::Object(_))) => return split_page(inner, requested_page, limit),
            _ => return Err(ListShapeError::NoItems),
        },
        _ => return Err(ListShapeError::NotAnObject),
    };
    let number = |key: &str| paging.get(key).and_then(Value::as_u64);
    let page = number("page").and_then(|p| u32::try_from(p).ok()).unwrap_or(requested_page);
    let has_next = match (paging.get("hasNextPage").and_then(Value::as_bool), number("totalPages")) {
        (Some(next), _) => next,
        (None, Some(pages)) => u64::from(page) < pages,
        (None, None) => !items.is_empty() && items.len() >= limit as usize,
    };
    Ok(Page { has_next: has_next && !items.is_empty(), items, page, total: number("total"), problems: Vec::new() })
}

impl ApiClient {
    /// `GET /interviews` with filters and paging.
    ///
    /// # Errors
    /// Any [`ApiError`]; a 400 may mean the server demands a `candidateId`.
    pub async fn list_interviews(&self, query: &InterviewQuery) -> Result<Page<Arc<InterviewRecord>>, ApiError> {
        let params = query.params();
        let response = self.get_json(&["interviews"], &params).await?;
        let page = split_page(&response.body, query.page.max(1), query.limit).map_err(|err| ApiError::Undecodable {
            status: response.status,
            content_type: response.content_type.clone(),
            reason: err.to_string(),
        })?;
        let mut problems = Vec::new();
        let items = page
            .items
            .into_iter()
            .enumerate()
            .filter_map(|(index, raw)| match InterviewRecord::from_value(raw) {
                Ok(record) => Some(Arc::new(record)),
                Err(why) => {
                    problems.push(format!("item {} on page {}: {why}", index + 1, page.page));
                    None
                }
            })
            .collect();
        Ok(Page { items, page: page.page, total: page.total, has_next: page.has_next, problems })
    }

    /// `GET /candidates?page&limit&search` (the search parameter's name is not documented;
    /// `search` is used). Items are the records as sent.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn list_candidates(&self, page: u32, limit: u32, search: &str) -> Result<Page<Value>, ApiError> {
        let mut params = vec![("page", page.max(1).to_string()), ("limit", limit.clamp(1, MAX_PAGE_SIZE).to_string())];
        if !search.trim().is_empty() {
            params.push(("search", search.trim().to_owned()));
        }
        let response = self.get_json(&["candidates"], &params).await?;
        split_page(&response.body, page.max(1), limit).map_err(|err| ApiError::Undecodable {
            status: response.status,
            content_type: response.content_type,
            reason: err.to_string(),
        })
    }

    /// `GET /interviews/{id}/analysis-pdf`: the PDF bytes decoded from `analysisPdfBase64`.
    /// `Ok(None)` when the server answers 404 (no analysis yet, or no such interview).
    ///
    /// # Errors
    /// Any other [`ApiError`]; a body without valid Base64 PDF data is
    /// [`ApiError::Undecodable`].
    pub async fn get_analysis_pdf(&self, id: &str) -> Result<Option<Vec<u8>>, ApiError> {
        let response = match self.get_json(&["interviews", id, "analysis-pdf"], &[]).await {
            Ok(response) => response,
            Err(ApiError::NotFound { .. }) => return Ok(None),
            Err(err) => return Err(err),
        };
        let undecodable = |reason: &str| ApiError::Undecodable {
            status: response.status,
            content_type: response.content_type.clone(),
            reason: reason.to_owned(),
        };
        let encoded = response
            .body
            .get("analysisPdfBase64")
            .and_then(Value::as_str)
            .ok_or_else(|| undecodable("the answer has no analysisPdfBase64"))?;
        let cleaned: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
        let cleaned = cleaned.strip_prefix("data:application/pdf;base64,").unwrap_or(&cleaned);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(cleaned)
            .map_err(|_| undecodable("analysisPdfBase64 is not valid Base64"))?;
        if !bytes.starts_with(b"%PDF") {
            return Err(undecodable("analysisPdfBase64 does not hold a PDF"));
        }
        Ok(Some(bytes))
    }
}

fn paging_of(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn both_documented_list_shapes_and_a_bare_array() {
        let flat = json!({"data": [{"id": "a"}, {"id": "b"}], "total": 5, "page": 1, "limit": 2, "totalPages": 3});
        let page = split_page(&flat, 1, 2).unwrap();
        assert_eq!((page.items.len(), page.total, page.has_next), (2, Some(5), true));

        let wrapped = json!({"items": [{"id": "a"}], "pagination": {"total": 3, "page": 3, "limit": 1, "totalPages": 3, "hasNextPage": false}});
        let page = split_page(&wrapped, 3, 1).unwrap();
        assert_eq!((page.items.len(), page.page, page.has_next), (1, 3, false));

        let nested = json!({"data": {"items": [{"id": "a"}], "pagination": {"hasNextPage": true}}});
        assert!(split_page(&nested, 1, 20).unwrap().has_next);

        let bare = json!([{"id": "a"}, {"id": "b"}]);
        let page = split_page(&bare, 1, 2).unwrap();
        assert!(page.has_next, "a full page without paging fields may have a next page");
        assert!(!split_page(&json!([]), 1, 2).unwrap().has_next);
        assert_eq!(split_page(&json!({"nothing": 1}), 1, 2).unwrap_err(), ListShapeError::NoItems);
        assert_eq!(split_page(&json!("text"), 1, 2).unwrap_err(), ListShapeError::NotAnObject);
    }

    #[test]
    fn query_parameters_are_clamped_to_the_documented_ranges() {
        let query = InterviewQuery { page: 0, limit: 500, status: Some("COMPLETED".into()), ..Default::default() };
        assert_eq!(
            query.params(),
            vec![("page", "1".to_owned()), ("limit", "100".to_owned()), ("status", "COMPLETED".to_owned())]
        );
    }
}
