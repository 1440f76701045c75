//! The interview list of the side panel: its filters, the pages loaded and the candidate
//! picker's results, used when the server demands a `candidateId`.

use std::sync::Arc;

use serde_json::Value;

use super::session::Remote;
use crate::api::list::{InterviewQuery, Page};
use crate::api::related::RelatedKind;
use crate::api::{ApiError, InterviewRecord};

/// Items requested per page of the interview list.
pub const PAGE_SIZE: u32 = 50;

/// Status filter choices: label and API value (`None` = all).
pub const STATUS_FILTERS: [(&str, Option<&str>); 7] = [
    ("All statuses", None),
    ("Scheduled", Some("SCHEDULED")),
    ("In progress", Some("IN_PROGRESS")),
    ("Completed", Some("COMPLETED")),
    ("Failed", Some("FAILED")),
    ("Cancelled", Some("CANCELLED")),
    ("Undefined", Some("UNDEFINED")),
];

/// A candidate chosen as the list's filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CandidateFilter {
    /// Candidate ID (UUID).
    pub id: String,
    /// Name shown on the filter chip.
    pub label: String,
}

/// The list's filters, edited in the side panel; a change takes effect with
/// [`super::Command::ReloadList`] (the text filter at once, over what is loaded).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilters {
    /// `status` filter (API value), `None` for all.
    pub status: Option<String>,
    /// `candidateId` filter.
    pub candidate: Option<CandidateFilter>,
    /// `agentId` filter.
    pub agent: Option<String>,
    /// Text typed to filter what is loaded (case-insensitive; names, job titles, IDs, status).
    pub text: String,
    /// The candidate picker's search text.
    pub candidate_search: String,
    /// The order of the rows.
    pub sort: ListSort,
}

/// The order of the interview list's rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListSort {
    /// As the server sends them (newest first).
    #[default]
    Newest,
    /// Oldest first (by finish, schedule or creation date; undated last).
    Oldest,
    /// The AI's overall rating, highest first; unrated last.
    AiRating,
    /// This reviewer's overall rating, highest first; unrated last.
    MyRating,
    /// The candidate's name, A to Z (pseudonyms under blind review).
    Name,
}

impl ListSort {
    /// Every order, in the menu's order.
    pub const ALL: [Self; 5] = [Self::Newest, Self::Oldest, Self::AiRating, Self::MyRating, Self::Name];

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Newest => "Newest first",
            Self::Oldest => "Oldest first",
            Self::AiRating => "AI rating",
            Self::MyRating => "My rating",
            Self::Name => "Name",
        }
    }
}

impl ListFilters {
    /// The query for `page` with these filters.
    pub fn query(&self, page: u32) -> InterviewQuery {
        InterviewQuery {
            page,
            limit: PAGE_SIZE,
            status: self.status.clone(),
            candidate_id: self.candidate.as_ref().map(|c| c.id.clone()),
            agent_id: self.agent.clone(),
        }
    }
}

/// The interview list: the pages loaded with the filters of the last reload.
#[derive(Default)]
pub struct InterviewList {
    /// The filters the loaded pages were requested with.
    filters: ListFilters,
    /// The interviews loaded so far, in server order. While a page is on its way they stay
    /// shown (after a reload: the ones from before, until page 1 arrives); a failed page keeps
    /// them too.
    pub pages: Remote<Vec<Arc<InterviewRecord>>>,
    /// The next page to request, when the server said there is one.
    pub next_page: Option<u32>,
    /// Items the server sent that could not be read.
    pub problems: Vec<String>,
    /// The server refused to list without a candidate (HTTP 400): show the candidate picker.
    pub needs_candidate: bool,
    /// Candidates found by the picker, as sent; `None` before the first search.
    pub candidates: Option<Result<Vec<Value>, ApiError>>,
    /// The picker has run its first search.
    pub candidates_requested: bool,
    /// The first page has been requested for the current connection.
    pub started: bool,
}

impl InterviewList {
    /// Forgets loaded pages (after a filter or connection change) and takes `filters`; returns
    /// the first page's query.
    pub fn restart(&mut self, filters: &ListFilters) -> InterviewQuery {
        self.filters = filters.clone();
        self.pages.start();
        self.next_page = None;
        self.started = true;
        self.filters.query(1)
    }

    /// The query for the next page, if there is one and nothing is loading.
    pub fn next_query(&mut self) -> Option<InterviewQuery> {
        let page = self.next_page.filter(|_| !self.pages.is_pending())?;
        self.pages.start();
        Some(self.filters.query(page))
    }

    /// Applies an answer. Answers to an outdated query (filters changed since) are ignored.
    /// Returns true when it was applied.
    pub fn apply(&mut self, query: &InterviewQuery, result: Result<Page<Arc<InterviewRecord>>, ApiError>) -> bool {
        if *query != self.filters.query(query.page) {
            return false;
        }
        match result {
            Ok(page) => {
                self.needs_candidate = false;
                // Page 1 replaces what a reload kept on screen; later pages add to it.
                let mut items = match (query.page, self.pages.value()) {
                    (1, _) | (_, None) => {
                        self.problems.clear();
                        Vec::new()
                    }
                    (_, Some(items)) => items.clone(),
                };
                let known: std::collections::HashSet<String> = items.iter().map(|r| r.interview.id.clone()).collect();
                items.extend(page.items.into_iter().filter(|r| !known.contains(&r.interview.id)));
                self.problems.extend(page.problems);
                self.next_page = page.has_next.then_some(query.page + 1);
                self.pages.finish(Ok(items));
            }
            Err(ApiError::Rejected { status: 400, .. }) if query.candidate_id.is_none() => {
                self.needs_candidate = true;
                self.candidates_requested = false;
                self.next_page = None;
                self.pages = Remote::Ready(Vec::new());
            }
            Err(err) => self.pages.finish(Err(err)),
        }
        true
    }

    /// The interviews loaded so far (those shown while a page is on its way included).
    pub fn items(&self) -> &[Arc<InterviewRecord>] {
        self.pages.value().map_or(&[], Vec::as_slice)
    }

    /// Whether a page is on its way.
    pub fn is_loading(&self) -> bool {
        self.pages.is_pending()
    }

    /// Why the last page failed, if it did.
    pub fn error(&self) -> Option<&ApiError> {
        self.pages.error()
    }

    /// The loaded interviews that match `text` (the text filter). `name_of` gives the display
    /// name of a related record, if known.
    pub fn visible<'a>(
        &'a self,
        text: &str,
        name_of: impl Fn(RelatedKind, &str) -> Option<String> + 'a,
    ) -> impl Iterator<Item = &'a Arc<InterviewRecord>> + 'a {
        let needle = text.trim().to_lowercase();
        self.items().iter().filter(move |record| needle.is_empty() || haystack(record, &name_of).contains(&needle))
    }
}

/// Everything the text filter looks at, lower-cased.
fn haystack(record: &InterviewRecord, name_of: &impl Fn(RelatedKind, &str) -> Option<String>) -> String {
    let interview = &record.interview;
    let mut parts = vec![interview.id.clone()];
    parts.extend(interview.status.as_ref().map(ToString::to_string));
    for (kind, id) in [
        (RelatedKind::Candidate, &interview.candidate_id),
        (RelatedKind::Agent, &interview.agent_id),
        (RelatedKind::Job, &interview.job_id),
    ] {
        if let Some(id) = id {
            parts.push(id.clone());
            parts.extend(name_of(kind, id));
        }
    }
    parts.join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record(id: &str, status: &str) -> Arc<InterviewRecord> {
        Arc::new(InterviewRecord::from_value(json!({"id": id, "status": status, "candidateId": "c1"})).unwrap())
    }

    fn page(items: Vec<Arc<InterviewRecord>>, has_next: bool) -> Page<Arc<InterviewRecord>> {
        Page { items, page: 1, total: None, has_next, problems: Vec::new() }
    }

    #[test]
    fn pages_append_and_stale_answers_are_ignored() {
        let mut list = InterviewList::default();
        let mut filters = ListFilters::default();
        let first = list.restart(&filters);
        assert!(list.apply(&first, Ok(page(vec![record("a", "COMPLETED")], true))));
        let second = list.next_query().unwrap();
        assert_eq!(second.page, 2);
        assert!(list.next_query().is_none(), "one page at a time");
        filters.status = Some("FAILED".into());
        let fresh = list.restart(&filters);
        assert!(!list.apply(&second, Ok(page(vec![record("b", "COMPLETED")], false))), "outdated filters");
        assert!(list.apply(&fresh, Ok(page(vec![record("c", "FAILED")], false))));
        assert_eq!(list.items().len(), 1);
        assert_eq!(list.next_page, None);
    }

    #[test]
    fn a_400_without_candidate_asks_for_one() {
        let mut list = InterviewList::default();
        let first = list.restart(&ListFilters::default());
        list.apply(&first, Err(ApiError::Rejected { status: 400, message: Some("candidateId required".into()) }));
        assert!(list.needs_candidate && list.error().is_none());
    }

    #[test]
    fn the_text_filter_matches_names_and_status() {
        let mut list = InterviewList::default();
        let first = list.restart(&ListFilters::default());
        list.apply(&first, Ok(page(vec![record("a", "COMPLETED"), record("b", "FAILED")], false)));
        assert_eq!(list.visible("FAIL", |_, _| None).count(), 1);
        assert_eq!(list.visible("bennett", |_, _| Some("Oliver Bennett".into())).count(), 2);
    }
}
