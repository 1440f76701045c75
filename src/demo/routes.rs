//! The demo API's routes and handlers.

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Value, json};

use super::data::{DemoData, demo_data, str_field};
use super::faults::{FaultCounters, fault_response, is_fault_id, renamed};
use super::middleware::{RateCounters, delay, rate_limit_headers, require_api_key};
use super::{DemoOptions, pdf, responses};

/// Interviews served bare (just the object) by `GET /interviews/{id}`; all others are
/// wrapped in the envelope. The scheduled interview, the Slovak one and the messy one.
const BARE_INTERVIEW_IDS: [&str; 3] = [
    "91d0b6f4-3a2c-4e7d-8b15-c6a9e2f04d38",
    "0aa3dec6-75e3-470e-a1b2-b1a3d7588ea3",
    "ba9bef76-6376-4ec0-b3f4-3bb788f8a72b",
];

/// Path prefixes every route is served under: the host root and `/v1`.
const PREFIXES: [&str; 2] = ["", "/v1"];

/// Default page size of list endpoints.
const DEFAULT_LIMIT: u64 = 20;

/// Largest page size list endpoints accept.
const MAX_LIMIT: u64 = 100;

/// Largest page number list endpoints accept.
const MAX_PAGE: u64 = 10_000;

/// Builds the full router: routes under every prefix, the NestJS-style 404 fallback, and
/// the middleware (outermost first: delay, rate-limit headers, auth).
pub(super) fn build(options: DemoOptions, counters: RateCounters, media_base: Option<Arc<str>>) -> Router {
    let DemoOptions { delay: delay_duration, require_candidate_filter, extra_interviews, .. } = options;
    let extra = Arc::new(generated_interviews(extra_interviews));
    let mut router = Router::new();
    let faults = FaultCounters::default();
    for prefix in PREFIXES {
        let faults = faults.clone();
        let (list_extra, get_extra) = (extra.clone(), extra.clone());
        let (list_media, get_media) = (media_base.clone(), media_base.clone());
        router = router
            .route(
                &format!("{prefix}/interviews"),
                get(move |query| {
                    list_interviews(query, require_candidate_filter, list_extra.clone(), list_media.clone())
                }),
            )
            .route(
                &format!("{prefix}/interviews/{{id}}"),
                get(move |id| get_interview(id, faults.clone(), get_extra.clone(), get_media.clone())),
            )
            .route(&format!("{prefix}/interviews/{{id}}/analysis-pdf"), get(get_analysis_pdf))
            .route(&format!("{prefix}/candidates"), get(list_candidates))
            .route(&format!("{prefix}/candidates/{{id}}"), get(get_candidate))
            .route(&format!("{prefix}/agents/{{id}}"), get(get_agent))
            .route(&format!("{prefix}/jobs/{{id}}"), get(get_job));
    }
    router
        .fallback(route_not_found)
        .method_not_allowed_fallback(route_not_found)
        .layer(axum::middleware::from_fn(require_api_key))
        .layer(axum::middleware::from_fn_with_state(counters, rate_limit_headers))
        .layer(axum::middleware::from_fn_with_state(delay_duration, delay))
}

/// `count` completed interviews for bulk export: copies of the phone interview with the IDs of
/// [`super::generated_interview_id`], one minute apart in `createdAt`/`updatedAt`.
fn generated_interviews(count: usize) -> Vec<Value> {
    let Some(template) = demo_data().interview(super::DEMO_PHONE_INTERVIEW_ID) else { return Vec::new() };
    (0..count)
        .map(|index| {
            let mut interview = template.clone();
            if let Some(object) = interview.as_object_mut() {
                let minutes = i64::try_from(index).unwrap_or(0);
                let at = jiff::Timestamp::from_second(1_790_000_000 + minutes * 60).unwrap_or_default();
                object.insert("id".to_owned(), json!(super::generated_interview_id(index)));
                object.insert("createdAt".to_owned(), json!(at.to_string()));
                object.insert("updatedAt".to_owned(), json!(at.to_string()));
            }
            interview
        })
        .collect()
}

/// Query of `GET /interviews`. Unknown parameters (such as `companyId`) are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InterviewQuery {
    /// 1-based page number, as received.
    page: Option<String>,
    /// Page size, as received.
    limit: Option<String>,
    /// Only interviews of this candidate.
    candidate_id: Option<String>,
    /// Only interviews run by this agent.
    agent_id: Option<String>,
    /// Only interviews with this status (`CANCELED` and `CANCELLED` are equivalent).
    status: Option<String>,
}

/// Query of `GET /candidates`. Unknown parameters (such as `companyId`) are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CandidateQuery {
    /// 1-based page number, as received.
    page: Option<String>,
    /// Page size, as received.
    limit: Option<String>,
    /// Case-insensitive substring of first name, last name or e-mail.
    search: Option<String>,
    /// Only candidates with this job (`jobId` or in `jobIds`).
    job_id: Option<String>,
    /// Only candidates with this status, compared exactly.
    status: Option<String>,
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Paging {
    /// 1-based page number.
    page: u64,
    /// Page size, 1 to [`MAX_LIMIT`].
    limit: u64,
}

/// One page of a filtered list.
struct Page<'a> {
    /// The items on this page.
    items: Vec<&'a Value>,
    /// Items matching the filters, over all pages.
    total: u64,
    /// `ceil(total / limit)`; 0 when nothing matched.
    total_pages: u64,
}

/// `GET /interviews/{id}`: the interview, wrapped or bare (see [`BARE_INTERVIEW_IDS`]).
///
/// The IDs in [`super::faults::FAULT_IDS`] misbehave first (see there).
async fn get_interview(
    id: Result<Path<String>, PathRejection>,
    faults: FaultCounters,
    extra: Arc<Vec<Value>>,
    media_base: Option<Arc<str>>,
) -> Response {
    let id = match valid_uuid(id) {
        Ok(id) => id,
        Err(messages) => return responses::nest_bad_request(messages),
    };
    if let Some(response) = fault_response(&id, &faults).await {
        return response;
    }
    if is_fault_id(&id) {
        let served = demo_data().interview(super::DEMO_PHONE_INTERVIEW_ID).cloned().map(|i| renamed(i, &id));
        return served.map_or_else(|| interview_not_found(&id), responses::wrapped);
    }
    let generated = extra.iter().find(|i| str_field(i, "id").is_some_and(|i| i.eq_ignore_ascii_case(&id)));
    let Some(interview) = demo_data().interview(&id).or(generated) else {
        return interview_not_found(&id);
    };
    let interview = match &media_base {
        Some(base) => super::media::with_media_urls(interview.clone(), base),
        None => interview.clone(),
    };
    let bare = BARE_INTERVIEW_IDS.iter().any(|bare_id| bare_id.eq_ignore_ascii_case(&id));
    if bare { responses::bare(interview) } else { responses::wrapped(interview) }
}

/// `GET /interviews`: the flat list shape `{"data":[…],"total","page","limit","totalPages"}`.
///
/// With `require_candidate` (the docs' "candidateId is required for MVP"), a request without
/// `candidateId` is refused with 400.
async fn list_interviews(
    query: Result<Query<InterviewQuery>, QueryRejection>,
    require_candidate: bool,
    extra: Arc<Vec<Value>>,
    media_base: Option<Arc<str>>,
) -> Response {
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return responses::nest_bad_request(vec![rejection.body_text()]),
    };
    let mut errors = Vec::new();
    if require_candidate && query.candidate_id.is_none() {
        errors.push("candidateId should not be empty".to_owned());
    }
    let paging = parse_paging(query.page.as_deref(), query.limit.as_deref(), &mut errors);
    check_uuid_param("candidateId", query.candidate_id.as_deref(), &mut errors);
    check_uuid_param("agentId", query.agent_id.as_deref(), &mut errors);
    if !errors.is_empty() {
        return responses::nest_bad_request(errors);
    }
    let matches = |interview: &&Value| {
        matches_id(interview, "candidateId", query.candidate_id.as_deref())
            && matches_id(interview, "agentId", query.agent_id.as_deref())
            && matches_status(interview, query.status.as_deref())
    };
    let page = paginate(demo_data().interviews.iter().chain(extra.iter()).filter(matches), paging);
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|item| match &media_base {
            Some(base) => super::media::with_media_urls((*item).clone(), base),
            None => (*item).clone(),
        })
        .collect();
    responses::bare(json!({
        "data": items,
        "total": page.total,
        "page": paging.page,
        "limit": paging.limit,
        "totalPages": page.total_pages,
    }))
}

/// `GET /interviews/{id}/analysis-pdf`: `{"analysisPdfBase64": …}` in the envelope, or
/// 404 (envelope) while the analysis is null.
async fn get_analysis_pdf(id: Result<Path<String>, PathRejection>) -> Response {
    let id = match valid_uuid(id) {
        Ok(id) => id,
        Err(messages) => return responses::nest_bad_request(messages),
    };
    let data = demo_data();
    let Some(interview) = data.interview(&id) else {
        return interview_not_found(&id);
    };
    if interview.get("analysis").is_none_or(Value::is_null) {
        return responses::envelope_error(
            StatusCode::NOT_FOUND,
            "RESOURCE_NOT_FOUND",
            "Analysis not available yet",
            Some(json!({"resourceType": "Analysis", "resourceId": id})),
        );
    }
    let pdf = pdf::analysis_report(interview, data);
    let encoded = base64::engine::general_purpose::STANDARD.encode(pdf);
    responses::wrapped(json!({ "analysisPdfBase64": encoded }))
}

/// `GET /candidates`: the wrapped list shape `{"success":true,"data":{"items":[…],
/// "pagination":{…}},"error":null,"timestamp":…}`.
async fn list_candidates(query: Result<Query<CandidateQuery>, QueryRejection>) -> Response {
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return responses::nest_bad_request(vec![rejection.body_text()]),
    };
    let mut errors = Vec::new();
    let paging = parse_paging(query.page.as_deref(), query.limit.as_deref(), &mut errors);
    check_uuid_param("jobId", query.job_id.as_deref(), &mut errors);
    if !errors.is_empty() {
        return responses::nest_bad_request(errors);
    }
    let search = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let matches = |candidate: &&Value| {
        search.is_none_or(|search| matches_search(candidate, search))
            && query.job_id.as_deref().is_none_or(|job_id| has_job(candidate, job_id))
            && query.status.as_deref().is_none_or(|status| str_field(candidate, "status") == Some(status))
    };
    let page = paginate(demo_data().candidates.iter().filter(matches), paging);
    responses::wrapped(json!({
        "items": page.items,
        "pagination": {
            "total": page.total,
            "page": paging.page,
            "limit": paging.limit,
            "totalPages": page.total_pages,
            "hasNextPage": paging.page < page.total_pages,
            "hasPreviousPage": paging.page > 1,
        },
    }))
}

/// `GET /candidates/{id}`: the bare candidate.
async fn get_candidate(id: Result<Path<String>, PathRejection>) -> Response {
    get_bare_resource(id, "Candidate", DemoData::candidate)
}

/// `GET /agents/{id}`: the bare agent.
async fn get_agent(id: Result<Path<String>, PathRejection>) -> Response {
    get_bare_resource(id, "Agent", DemoData::agent)
}

/// `GET /jobs/{id}`: the bare job.
async fn get_job(id: Result<Path<String>, PathRejection>) -> Response {
    get_bare_resource(id, "Job", DemoData::job)
}

/// Any other path or method: 404 NestJS style, `"Cannot <METHOD> <path>"`.
async fn route_not_found(method: Method, uri: Uri) -> Response {
    responses::nest_not_found(format!("Cannot {method} {}", uri.path()))
}

/// A bare single resource looked up with `find`; 404 in the envelope shape (with
/// `details.resourceType` = `resource_type`) when unknown.
fn get_bare_resource(
    id: Result<Path<String>, PathRejection>,
    resource_type: &str,
    find: for<'a> fn(&'a DemoData, &str) -> Option<&'a Value>,
) -> Response {
    let id = match valid_uuid(id) {
        Ok(id) => id,
        Err(messages) => return responses::nest_bad_request(messages),
    };
    match find(demo_data(), &id) {
        Some(resource) => responses::bare(resource.clone()),
        None => responses::resource_not_found(resource_type, &id),
    }
}

/// The path's `id` if it is a UUID; otherwise the validation messages for a 400.
fn valid_uuid(id: Result<Path<String>, PathRejection>) -> Result<String, Vec<String>> {
    match id {
        Ok(Path(id)) if uuid::Uuid::parse_str(&id).is_ok() => Ok(id),
        Ok(_) => Err(vec!["id must be a UUID".to_owned()]),
        Err(rejection) => Err(vec![rejection.body_text()]),
    }
}

/// 404 NestJS style for an unknown interview.
fn interview_not_found(id: &str) -> Response {
    responses::nest_not_found(format!("Interview {id} not found"))
}

/// Validates `page` (1 to [`MAX_PAGE`], default 1) and `limit` (1 to [`MAX_LIMIT`],
/// default [`DEFAULT_LIMIT`]), pushing NestJS-style messages to `errors`.
fn parse_paging(page: Option<&str>, limit: Option<&str>, errors: &mut Vec<String>) -> Paging {
    Paging {
        page: parse_bounded("page", page, 1, MAX_PAGE, errors).unwrap_or(1),
        limit: parse_bounded("limit", limit, DEFAULT_LIMIT, MAX_LIMIT, errors).unwrap_or(DEFAULT_LIMIT),
    }
}

/// Parses an integer parameter in `1..=max`, or `default` when absent. On failure pushes
/// class-validator style messages to `errors` and returns `None`.
fn parse_bounded(name: &str, raw: Option<&str>, default: u64, max: u64, errors: &mut Vec<String>) -> Option<u64> {
    let Some(raw) = raw else {
        return Some(default);
    };
    match raw.trim().parse::<i64>() {
        Ok(value) if value < 1 => errors.push(format!("{name} must not be less than 1")),
        Ok(value) => match u64::try_from(value) {
            Ok(value) if value <= max => return Some(value),
            _ => errors.push(format!("{name} must not be greater than {max}")),
        },
        Err(_) => errors.push(format!("{name} must be an integer number")),
    }
    None
}

/// Pushes `"<name> must be a UUID"` when the parameter is present but not a UUID.
fn check_uuid_param(name: &str, value: Option<&str>, errors: &mut Vec<String>) {
    if value.is_some_and(|value| uuid::Uuid::parse_str(value).is_err()) {
        errors.push(format!("{name} must be a UUID"));
    }
}

/// Whether `item[key]` equals `wanted` (ignoring ASCII case); true when no filter is given.
fn matches_id(item: &Value, key: &str, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|wanted| str_field(item, key).is_some_and(|id| id.eq_ignore_ascii_case(wanted)))
}

/// Whether the interview's status equals `wanted` (case-sensitive, with `CANCELED` and
/// `CANCELLED` treated as the same); true when no filter is given.
fn matches_status(interview: &Value, wanted: Option<&str>) -> bool {
    let normalize = |status: &str| {
        if status == "CANCELED" { "CANCELLED".to_owned() } else { status.to_owned() }
    };
    wanted.is_none_or(|wanted| {
        str_field(interview, "status").is_some_and(|status| normalize(status) == normalize(wanted))
    })
}

/// Whether `search` occurs, ignoring case, in the candidate's first name, last name,
/// full name or e-mail.
fn matches_search(candidate: &Value, search: &str) -> bool {
    let needle = search.to_lowercase();
    let first = str_field(candidate, "firstName").unwrap_or_default();
    let last = str_field(candidate, "lastName").unwrap_or_default();
    let email = str_field(candidate, "email").unwrap_or_default();
    [first.to_owned(), last.to_owned(), format!("{first} {last}"), email.to_owned()]
        .iter()
        .any(|haystack| haystack.to_lowercase().contains(&needle))
}

/// Whether the candidate's `jobId` or one of its `jobIds` equals `job_id`.
fn has_job(candidate: &Value, job_id: &str) -> bool {
    let in_job_ids = candidate
        .get("jobIds")
        .and_then(Value::as_array)
        .is_some_and(|ids| ids.iter().filter_map(Value::as_str).any(|id| id.eq_ignore_ascii_case(job_id)));
    matches_id(candidate, "jobId", Some(job_id)) || in_job_ids
}

/// Cuts one page out of the filtered items.
fn paginate<'a>(items: impl Iterator<Item = &'a Value>, paging: Paging) -> Page<'a> {
    let all: Vec<&Value> = items.collect();
    let total = u64::try_from(all.len()).unwrap_or(u64::MAX);
    let skip = usize::try_from(paging.page.saturating_sub(1).saturating_mul(paging.limit)).unwrap_or(usize::MAX);
    let take = usize::try_from(paging.limit).unwrap_or(usize::MAX);
    Page {
        items: all.into_iter().skip(skip).take(take).collect(),
        total,
        total_pages: total.div_ceil(paging.limit.max(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_defaults_and_bounds() {
        let mut errors = Vec::new();
        assert_eq!(parse_paging(None, None, &mut errors), Paging { page: 1, limit: 20 });
        assert_eq!(parse_paging(Some("2"), Some("100"), &mut errors), Paging { page: 2, limit: 100 });
        assert!(errors.is_empty());
        parse_paging(Some("0"), Some("101"), &mut errors);
        assert_eq!(errors, ["page must not be less than 1", "limit must not be greater than 100"]);
        errors.clear();
        parse_paging(Some("x"), Some("-3"), &mut errors);
        assert_eq!(errors, ["page must be an integer number", "limit must not be less than 1"]);
    }

    #[test]
    fn status_filter_treats_both_cancel_spellings_alike() {
        let canceled = json!({"status": "CANCELED"});
        assert!(matches_status(&canceled, Some("CANCELLED")));
        assert!(matches_status(&canceled, Some("CANCELED")));
        assert!(!matches_status(&canceled, Some("canceled")));
        assert!(matches_status(&canceled, None));
        assert!(!matches_status(&json!({}), Some("COMPLETED")));
    }

    #[test]
    fn search_is_case_insensitive_with_diacritics() {
        let candidate = json!({"firstName": "Ľubica", "lastName": "Šťastná", "email": "lubica.stastna@example.net"});
        assert!(matches_search(&candidate, "ŠŤASTNÁ"));
        assert!(matches_search(&candidate, "ľubica š"));
        assert!(matches_search(&candidate, "STASTNA@"));
        assert!(!matches_search(&candidate, "novak"));
    }

    #[test]
    fn pagination_counts_pages() {
        let values: Vec<Value> = (0..12).map(|i| json!(i)).collect();
        let page = paginate(values.iter(), Paging { page: 3, limit: 5 });
        assert_eq!((page.items.len(), page.total, page.total_pages), (2, 12, 3));
        let beyond = paginate(values.iter(), Paging { page: 9, limit: 5 });
        assert!(beyond.items.is_empty());
        let empty = paginate(std::iter::empty(), Paging { page: 1, limit: 5 });
        assert_eq!(empty.total_pages, 0);
    }
}
